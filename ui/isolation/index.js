// Tauri's isolation pattern: every IPC message from the UI passes through
// this sandboxed frame before it reaches the app. Only the app's own
// commands (and Tauri's plugin protocol for channels) may pass.
// The app's own commands, written by src-tauri/build.rs into commands.js.
const allowed = window.__SHIPSHAPE_COMMANDS__;

window.__TAURI_ISOLATION_HOOK__ = (payload) => {
  const cmd = payload && payload.cmd;
  if (typeof cmd !== 'string') return payload;
  if (allowed?.has(cmd) || cmd.startsWith('plugin:')) return payload;
  // Renamed rather than dropped, so the caller gets the app's "unknown
  // command" error instead of a promise that never settles.
  return { ...payload, cmd: `refused:${cmd}` };
};
