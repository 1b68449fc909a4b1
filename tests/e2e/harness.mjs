// Shared by end-to-end test files that start their own session: the
// environment run.sh provides, the CLI, failure screenshots, axe.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { testIds } from '../../ui/src/lib/testIds.js';

export const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through tests/e2e/run.sh`);
  return value;
};

export const APP = env('SHIPSHAPE_APP');
export const CLI = env('SHIPSHAPE_CLI');
export const DATA = env('SHIPSHAPE_DATA_DIR');
export const ARTIFACTS = env('E2E_ARTIFACTS');
export const WEBDRIVER = env('WEBDRIVER_URL');
const AXE = env('AXE_PATH');

export const run = promisify(execFile);

/** The `shipshape` command line on the app's data folder. */
export async function cli(...args) {
  const { stdout } = await run(CLI, ['--data-dir', DATA, ...args]);
  return stdout;
}

/** Test steps that save a screenshot named after the step when they fail. */
export function stepper(session) {
  return (name, fn) =>
    test(name, async () => {
      try {
        await fn();
      } catch (err) {
        const file = join(ARTIFACTS, `${name.replace(/[^a-z0-9]+/gi, '-')}.png`);
        // A window that has sat still may never answer a screenshot: wait
        // a few seconds at most, so the step's own error is what is shown.
        const shot = session()?.screenshot(file).catch(() => {});
        await Promise.race([shot, new Promise((r) => setTimeout(r, 5000))]);
        err.message += `\n(screenshot: ${file})`;
        throw err;
      }
    });
}

export async function text(s, id) {
  return (await s.byTestId(id)).text();
}

export async function openScreen(s, navId, title) {
  // The window may still be loading its first page.
  await s.waitFor('the sidebar', () => s.byTestId(navId));
  await (await s.byTestId(navId)).click();
  await s.waitFor(`the ${title} screen`, async () => (await text(s, testIds.screenTitle)) === title);
}

/** Serious and critical accessibility problems axe-core finds on the page. */
export async function axeViolations(s) {
  const source = await readFile(AXE, 'utf8');
  await s.execute(`${source}; return true;`);
  const found = await s.executeAsync(`
    const done = arguments[arguments.length - 1];
    window.axe
      .run(document, { resultTypes: ['violations'] })
      .then((r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }))))
      .catch((e) => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));
  `);
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
