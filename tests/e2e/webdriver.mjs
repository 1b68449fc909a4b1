// A small W3C WebDriver client over fetch: just what the end-to-end tests
// use, talking to tauri-driver (which drives WebKitWebDriver).
import { readdir, readlink, realpath, writeFile } from 'node:fs/promises';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class Session {
  constructor(base, id, application) {
    this.base = base;
    this.id = id;
    this.application = application;
  }

  static async start(base, application) {
    // The app is one instance per desktop session: a window of the file
    // before that is still closing would take this start over and end it.
    await closed(application);
    const body = {
      capabilities: {
        alwaysMatch: { browserName: 'wry', 'tauri:options': { application } },
      },
    };
    const value = await request(base, 'POST', '/session', body);
    return new Session(base, value.sessionId, application);
  }

  cmd(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  async end() {
    await this.cmd('DELETE', '');
    await closed(this.application);
  }

  async find(css) {
    const value = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return new Element(this, value[ELEMENT]);
  }

  async findAll(css) {
    const value = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return value.map((v) => new Element(this, v[ELEMENT]));
  }

  byTestId(id, extra = '') {
    return this.find(`[data-testid="${id}"]${extra}`);
  }

  allByTestId(id) {
    return this.findAll(`[data-testid="${id}"]`);
  }

  execute(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  executeAsync(script, args = []) {
    return this.cmd('POST', '/execute/async', { script, args });
  }

  async screenshot(path) {
    const png = await this.cmd('GET', '/screenshot');
    await writeFile(path, Buffer.from(png, 'base64'));
  }

  /** Polls `probe` until it returns a truthy value or `timeoutMs` passes. */
  async waitFor(what, probe, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        const value = await probe();
        if (value) return value;
      } catch (err) {
        last = err;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
  }
}

export class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }

  cmd(method, path, body) {
    return this.session.cmd(method, `/element/${this.id}${path}`, body);
  }

  click() {
    return this.cmd('POST', '/click', {});
  }

  clear() {
    return this.cmd('POST', '/clear', {});
  }

  type(text) {
    return this.cmd('POST', '/value', { text });
  }

  text() {
    return this.cmd('GET', '/text');
  }

  attribute(name) {
    return this.cmd('GET', `/attribute/${name}`);
  }

  /** A DOM property, such as an input's current `value` or `checked`. */
  property(name) {
    return this.cmd('GET', `/property/${name}`);
  }

  async find(css) {
    const value = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return new Element(this.session, value[ELEMENT]);
  }
}

async function request(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value ?? {};
    throw new Error(`${method} ${path}: ${v.error ?? res.status} ${v.message ?? ''}`.trim());
  }
  return json.value;
}

/** Waits until no process runs `application`; throws after `ms`. */
async function closed(application, ms = 30000) {
  const exe = await realpath(application);
  const deadline = Date.now() + ms;
  for (;;) {
    const left = await running(exe);
    if (left.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`the app from an earlier session is still running (process ${left.join(', ')}) after ${ms / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The ids of the processes whose program is `exe`. */
async function running(exe) {
  const found = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const program = await readlink(`/proc/${pid}/exe`).catch(() => '');
    if (program === exe) found.push(Number(pid));
  }
  return found;
}
