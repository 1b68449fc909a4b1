// End-to-end: the Maintenance screen's schedules in the real window, against
// root's schedule (run.sh keeps it in a private SHIPSHAPE_STATE_DIR; the app
// runs as root here, so changes need no password). The empty list offers
// "Set up maintenance"; the wizard walks its steps with the recommended
// defaults and saves nothing before the last one; the saved jobs are listed
// in the same words as `shipshape schedule list`; a job is paused and
// resumed, the security check is run now, a time that is not a time is
// refused before anything is sent (a real one is then saved), and a job is
// removed once confirmed.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { testIds } from '../../ui/src/lib/testIds.js';
import { APP, CLI, DATA, WEBDRIVER, axeViolations, openScreen, run, stepper, text } from './harness.mjs';
import { Session } from './webdriver.mjs';

let s;
const step = stepper(() => s);

/** The jobs as root's schedule has them, from the CLI (it exits 1 when a job needs attention). */
async function listed() {
  let stdout;
  try {
    ({ stdout } = await run(CLI, ['--data-dir', DATA, 'schedule', 'list', '--json']));
  } catch (err) {
    if (err.code !== 1 || !err.stdout) throw err;
    stdout = err.stdout;
  }
  return JSON.parse(stdout);
}

async function listedKind(kind) {
  const job = (await listed()).find((j) => j.job?.kind === kind);
  assert.ok(job, `the CLI lists no ${kind} job`);
  return job;
}

const row = (kind) => `[data-testid="${testIds.scheduleRow}"][data-kind="${kind}"]`;
const inRow = (kind, testid) => s.find(`${row(kind)} [data-testid="${testid}"]`);
/** The job's description as the row says it. */
const rowWords = async (kind) => (await s.find(`${row(kind)} strong`)).text();

async function wizardStep() {
  const label = await text(s, testIds.scheduleWizardStepLabel);
  const m = /^Step (\d) of (\d)$/.exec(label.trim());
  assert.ok(m, `the wizard says "${label}", not "Step n of m"`);
  return { n: Number(m[1]), of: Number(m[2]) };
}

async function waitStep(n) {
  await s.waitFor(`step ${n} of the wizard`, async () => (await wizardStep()).n === n);
  assert.equal(await (await s.byTestId(testIds.scheduleWizard)).attribute('data-step'), String(n));
}

// Waits for the element: a screen may still be reading what it shows.
const click = async (id) => (await s.waitFor(id, () => s.byTestId(id))).click();

/** The times the wizard's job steps proposed, in step order. */
const proposed = [];

before(async () => {
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('the sidebar', () => s.byTestId(testIds.navMaintenance));
});

after(async () => {
  await s?.end();
});

describe('Schedules', () => {
  step('with nothing scheduled, the schedules say so and offer to set up maintenance', async () => {
    assert.deepEqual(await listed(), []);
    await openScreen(s, testIds.navMaintenance, 'Maintenance');
    await s.waitFor('the empty schedule', () => s.byTestId(testIds.schedulesEmpty));
    assert.match(await text(s, testIds.schedulesEmpty), /Nothing is scheduled yet/);
    assert.equal((await s.allByTestId(testIds.schedulesList)).length, 0);
    assert.equal(await text(s, testIds.scheduleSetup), 'Set up maintenance');
  });

  step('the wizard goes forward and back with the recommended jobs, saving nothing', async () => {
    await click(testIds.scheduleSetup);
    await s.waitFor('the wizard', () => s.byTestId(testIds.scheduleWizard));
    await waitStep(1);
    const { of } = await wizardStep();
    assert.equal(of, 4, 'three jobs and a summary');

    await click(testIds.scheduleWizardNext);
    await waitStep(2);
    await click(testIds.scheduleWizardBack);
    await waitStep(1);
    assert.deepEqual(await listed(), [], 'Next and Back save nothing');

    for (let n = 1; n < of; n++) {
      // Each job step starts included, with its recommended time filled in.
      assert.equal(await (await s.byTestId(testIds.scheduleWizardInclude)).property('checked'), true);
      const at = await (await s.byTestId(testIds.scheduleAt)).property('value');
      assert.match(at, /^\d\d:\d\d$/);
      proposed.push(at);
      await click(testIds.scheduleWizardNext);
      await waitStep(n + 1);
      assert.deepEqual(await listed(), [], `nothing is saved after step ${n}`);
    }

    const rows = await s.allByTestId(testIds.scheduleWizardSummaryRow);
    assert.equal(rows.length, 3);
    for (const r of rows) {
      assert.equal(await r.attribute('data-included'), 'yes');
      assert.equal(await r.attribute('data-saved'), 'no');
    }
    assert.equal((await s.allByTestId(testIds.scheduleWizardResult)).length, 0);
    assert.deepEqual(await listed(), [], 'nothing is saved before Save');
    assert.deepEqual(await axeViolations(s), []);
  });

  step('Save schedules the three jobs, as the summary said', async () => {
    const said = {};
    for (const r of await s.allByTestId(testIds.scheduleWizardSummaryRow)) {
      said[await r.attribute('data-kind')] = await (await r.find('strong')).text();
    }
    await click(testIds.scheduleWizardSave);
    const result = await s.waitFor('the saved result', () => s.byTestId(testIds.scheduleWizardResult), 20000);
    assert.equal(await result.attribute('data-state'), 'saved');
    assert.match(await result.text(), /The jobs are scheduled/);
    for (const r of await s.allByTestId(testIds.scheduleWizardSummaryRow)) {
      assert.equal(await r.attribute('data-saved'), 'yes');
    }

    const jobs = await listed();
    assert.deepEqual(
      jobs.map((j) => j.job.kind),
      ['update_check', 'security_patching', 'security_scan'],
    );
    assert.deepEqual(jobs.map((j) => j.job.recurrence.at), proposed, 'the times the steps proposed');
    for (const j of jobs) {
      assert.equal(j.job.paused, false);
      assert.equal(said[j.job.kind], j.description, `the summary said ${j.job.kind} as the app does`);
    }
    await click(testIds.scheduleWizardClose);
    await s.waitFor('the wizard to close', async () => (await s.allByTestId(testIds.scheduleWizard)).length === 0);
  });

  step('the list shows each job in the words the CLI uses, and has no accessibility problems', async () => {
    await s.waitFor('the list', () => s.byTestId(testIds.schedulesList));
    const jobs = await listed();
    await s.waitFor('a row per job', async () => (await s.allByTestId(testIds.scheduleRow)).length === jobs.length);
    for (const j of jobs) {
      const r = await s.find(row(j.job.kind));
      assert.equal(await r.attribute('data-id'), String(j.id));
      assert.equal(await r.attribute('data-paused'), 'no');
      assert.equal(await rowWords(j.job.kind), j.description);
      assert.match(await (await inRow(j.job.kind, testIds.scheduleNextRun)).text(), /^Next run: /);
    }
    assert.equal((await s.allByTestId(testIds.schedulesEmpty)).length, 0);
    assert.deepEqual(await axeViolations(s), []);
  });

  step('Pause stops a job, the row and the CLI agree, and Resume lets it run again', async () => {
    const kind = 'update_check';
    const pause = await inRow(kind, testIds.schedulePause);
    assert.equal(await pause.text(), 'Pause');
    assert.equal(await pause.attribute('data-paused'), 'yes');
    await pause.click();
    await s.waitFor('the row paused', () => s.find(`${row(kind)}[data-paused="yes"]`));
    const paused = await listedKind(kind);
    assert.equal(paused.job.paused, true);
    assert.match(paused.description, /\(paused\)$/);
    await s.waitFor('the paused words', async () => (await rowWords(kind)) === paused.description);
    assert.match(await (await s.find(row(kind))).text(), /Paused/);
    assert.equal(
      await (await inRow(kind, testIds.scheduleNextRun)).text(),
      'Paused: it does not run until you resume it.',
    );

    await s.waitFor('Resume', async () => (await (await inRow(kind, testIds.schedulePause)).text()) === 'Resume');
    await (await inRow(kind, testIds.schedulePause)).click();
    await s.waitFor('the row resumed', () => s.find(`${row(kind)}[data-paused="no"]`));
    const resumed = await listedKind(kind);
    assert.equal(resumed.job.paused, false);
    await s.waitFor('the words without "paused"', async () => (await rowWords(kind)) === resumed.description);
    assert.match(await (await inRow(kind, testIds.scheduleNextRun)).text(), /^Next run: /);
  });

  step('"Run now" on the security check runs it and says the outcome in words, as the CLI records it', async () => {
    const kind = 'security_scan';
    await (await inRow(kind, testIds.scheduleRunNow)).click();
    const result = await s.waitFor('the run result', () => inRow(kind, testIds.scheduleRunResult), 60000);
    const outcome = await result.attribute('data-outcome');
    const job = await listedKind(kind);
    assert.ok(job.last_run, 'the CLI lists the run');
    assert.equal(outcome, job.last_run.outcome);
    assert.equal(outcome, 'done');
    const words = { done: 'Done', failed: 'Failed', running: 'Running now', cut_off: 'Cut off' }[outcome];
    const said = await result.text();
    assert.ok(said.includes(words), `"${said}" says ${words}`);
    assert.ok(said.includes(job.last_run.message), `"${said}" gives the run's message`);
    // The row's last run, read again from the app, says the same.
    const last = await s.waitFor('the last run', () => inRow(kind, testIds.scheduleLastRun));
    assert.equal(await last.attribute('data-outcome'), job.last_run.outcome);
    assert.match(await last.text(), new RegExp(`^Last run: .*${words}`));
    assert.equal((await s.findAll(`${row(kind)} [data-testid="${testIds.scheduleRowError}"]`)).length, 0);
  });

  step('an edit with 25:00 as the time is refused beside the field with nothing sent; 07:30 is saved', async () => {
    const kind = 'security_scan';
    const before = await listedKind(kind);
    await (await inRow(kind, testIds.scheduleEdit)).click();
    const dialog = await s.waitFor('the edit dialog', () => s.byTestId(testIds.scheduleEditDialog));
    const at = await dialog.find(`[data-testid="${testIds.scheduleAt}"]`);
    assert.equal(await at.property('value'), before.job.recurrence.at);
    await at.clear();
    await at.type('25:00');
    await s.waitFor('the typed time', async () => (await at.property('value')) === '25:00');
    await click(testIds.scheduleEditSave);

    const problem = await s.waitFor('the field error', () =>
      s.find(`[data-testid="${testIds.scheduleFieldError}"][data-field="at"]`),
    );
    assert.match(await problem.text(), /"25:00" is not a time of day\. Write it as HH:MM on the 24-hour clock/);
    assert.equal(await at.attribute('aria-invalid'), 'true');
    assert.equal(await at.attribute('aria-describedby'), await problem.attribute('id'));
    assert.equal((await s.allByTestId(testIds.scheduleEditDialog)).length, 1, 'the dialog stays open');
    assert.equal((await s.allByTestId(testIds.scheduleEditError)).length, 0, 'nothing was sent to be refused');
    assert.deepEqual(await listedKind(kind), before, 'the job is unchanged');

    // The same form saves once the time is one.
    await at.clear();
    await at.type('07:30');
    await s.waitFor('the typed time', async () => (await at.property('value')) === '07:30');
    await click(testIds.scheduleEditSave);
    await s.waitFor('the dialog to close', async () => (await s.allByTestId(testIds.scheduleEditDialog)).length === 0);
    const edited = await listedKind(kind);
    assert.equal(edited.id, before.id);
    assert.deepEqual(edited.job, { ...before.job, recurrence: { ...before.job.recurrence, at: '07:30' } });
    await s.waitFor('the new words', async () => (await rowWords(kind)) === edited.description);
    assert.match(edited.description, /at 07:30$/);
  });

  step('Remove asks first, then the job leaves the list and the schedule', async () => {
    const kind = 'update_check';
    const gone = await listedKind(kind);
    await (await inRow(kind, testIds.scheduleRemove)).click();
    const dialog = await s.waitFor('the remove dialog', () => s.byTestId(testIds.scheduleRemoveDialog));
    assert.match(await dialog.text(), /Remove this job\?/);
    assert.ok((await dialog.text()).includes(gone.description), 'the dialog names the job');
    assert.equal((await listed()).length, 3, 'nothing is removed before confirming');

    await click(testIds.scheduleRemoveConfirm);
    await s.waitFor('the dialog to close', async () => (await s.allByTestId(testIds.scheduleRemoveDialog)).length === 0);
    await s.waitFor('the row to go', async () => (await s.findAll(row(kind))).length === 0);
    const jobs = await listed();
    assert.deepEqual(jobs.map((j) => j.job.kind), ['security_patching', 'security_scan']);
    assert.equal((await s.allByTestId(testIds.scheduleRow)).length, 2);
  });
});
