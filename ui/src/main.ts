import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('The page has no #app element.');

// Tauri's isolation pattern adds a hidden frame that carries IPC messages;
// keep assistive technology and the keyboard away from it. It is added when
// the document has loaded, so watch for it.
function labelIsolationFrame(): boolean {
  const frame = document.getElementById('__tauri_isolation__');
  if (!frame) return false;
  frame.title = 'Shipshape message guard';
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  return true;
}
if (!labelIsolationFrame()) {
  const watcher = new MutationObserver(() => {
    if (labelIsolationFrame()) watcher.disconnect();
  });
  watcher.observe(document.documentElement, { childList: true, subtree: true });
}

export default mount(App, { target });
