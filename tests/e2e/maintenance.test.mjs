// End-to-end: the Maintenance screen in the real window with the real apt
// and dpkg, against a local signed archive (apt-archive.sh; run.sh points
// the app's test-only SHIPSHAPE_APT_CONFIG at it): the waiting security
// update is shown in plain words, installed from the screen, appears in the
// history, and Undo brings the old version back and holds it.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';
import { testIds } from '../../ui/src/lib/testIds.js';
import { APP, WEBDRIVER, axeViolations, env, openScreen, run, stepper } from './harness.mjs';
import { Session } from './webdriver.mjs';

let s;
const step = stepper(() => s);
const TOOL = 'shipshape-e2e-tool';
const ARCHIVE = join(dirname(fileURLToPath(import.meta.url)), 'apt-archive.sh');

async function installed() {
  const { stdout } = await run('dpkg-query', ['-W', '-f', '${Version} ${db:Status-Abbrev}', TOOL]);
  return stdout.trim();
}

async function attr(id, name, extra = '') {
  return (await s.byTestId(id, extra)).attribute(name);
}

before(async () => {
  await run('bash', [ARCHIVE, 'make', dirname(env('SHIPSHAPE_APT_CONFIG'))]);
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('the sidebar', () => s.byTestId(testIds.navMaintenance));
});

after(async () => {
  await s?.end();
  await run('bash', [ARCHIVE, 'remove']);
});

describe('Maintenance', () => {
  step('the waiting security update is shown first, in plain words', async () => {
    await openScreen(s, testIds.navMaintenance, 'Maintenance');
    await s.waitFor('the waiting update', () => s.byTestId(testIds.updateRow, `[data-name="${TOOL}"]`));
    assert.equal(await attr(testIds.updateRow, 'data-security', `[data-name="${TOOL}"]`), 'yes');
    const verdict = await (await s.byTestId(testIds.updatesVerdict)).text();
    assert.match(verdict, /1 security update is waiting/);
    const row = await (await s.byTestId(testIds.updateRow, `[data-name="${TOOL}"]`)).text();
    assert.match(row, /1\.0/);
    assert.match(row, /1\.1/);
    assert.deepEqual(await axeViolations(s), []);
  });

  step('"Install security updates now" installs it and says so', async () => {
    await (await s.byTestId(testIds.updatesInstallSecurity)).click();
    await s.waitFor('the result', () => s.byTestId(testIds.updatesResult), 40000);
    assert.equal(await attr(testIds.updatesResult, 'data-outcome'), 'done');
    assert.equal(await installed(), '1.1 ii');
  });

  step('the run is in the history, and Undo puts 1.0 back and holds it', async () => {
    const done = `[data-kind="apply"][data-outcome="done"]`;
    await s.waitFor('the run in the history', () => s.byTestId(testIds.updatesRun, done));
    const runRow = await s.byTestId(testIds.updatesRun, done);
    await (await runRow.find(`[data-testid="${testIds.updatesUndo}"]`)).click();
    await s.waitFor('the confirmation', () => s.byTestId(testIds.updatesUndoConfirm));
    await (await s.byTestId(testIds.updatesUndoConfirm)).click();
    // The result, or the error that says why not, whichever comes.
    const outcome = await s.waitFor(
      'the undo result',
      async () =>
        (await s.allByTestId(testIds.updatesUndoResult)).length > 0 ||
        (await s.findAll(`[data-testid="${testIds.updatesRun}"] [data-testid="${testIds.errorState}"]`))[0],
      40000,
    );
    if (outcome !== true) assert.fail(`the undo was refused: ${await outcome.text()}`);
    assert.equal(await attr(testIds.updatesUndoResult, 'data-outcome'), 'done');
    assert.equal(await installed(), '1.0 hi');
    await s.waitFor('the run marked undone', () =>
      s.byTestId(testIds.updatesRun, `[data-kind="apply"][data-undone="yes"]`),
    );
  });
});
