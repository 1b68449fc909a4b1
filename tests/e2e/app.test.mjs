// End-to-end: the real Shipshape binary in a real window (Xvfb), driven
// through tauri-driver and WebKitWebDriver. Started by tests/e2e/run.sh.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { testIds } from '../../ui/src/lib/testIds.js';
import * as h from './harness.mjs';
import { APP, ARTIFACTS, DATA, WEBDRIVER, cli, run } from './harness.mjs';
import { Session } from './webdriver.mjs';

let s;
const step = h.stepper(() => s);
const text = (id) => h.text(s, id);
const openScreen = (navId, title) => h.openScreen(s, navId, title);
const axeViolations = () => h.axeViolations(s);

async function rows() {
  const found = await s.allByTestId(testIds.activityRow);
  return Promise.all(
    found.map(async (r) => ({ seq: Number(await r.attribute('data-seq')), action: await r.attribute('data-action') })),
  );
}

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  // One entry from the command line before the window opens: the app and
  // the CLI share the log.
  await cli('audit', 'export', '--format', 'csv', join(ARTIFACTS, 'before.csv'));
  s = await Session.start(WEBDRIVER, APP);
});

after(async () => {
  await s?.end();
});

describe('Overview', () => {
  step('opens on Overview with the same facts as shipshape info --json', async () => {
    const facts = JSON.parse(await cli('info', '--json'));
    await s.waitFor('the facts', async () => (await text(testIds.factHostname)) !== '');
    assert.equal(await text(testIds.screenTitle), 'Overview');
    assert.equal(await text(testIds.factHostname), facts.hostname);
    assert.equal(await text(testIds.factOs), `${facts.os_name} ${facts.os_version}`);
    assert.equal(await text(testIds.factKernel), facts.kernel);
    const cpu = await s.byTestId(testIds.factCpu);
    assert.equal(Number(await cpu.attribute('data-cores')), facts.cpu_cores);
    assert.match(await cpu.text(), new RegExp(facts.cpu_model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    const memory = await s.byTestId(testIds.factMemory);
    assert.equal(Number(await memory.attribute('data-total')), facts.memory_total_bytes);
    const used = Number(await memory.attribute('data-used'));
    assert.ok(Math.abs(used - facts.memory_used_bytes) < facts.memory_total_bytes * 0.05, 'memory used is close');
    const disks = await s.allByTestId(testIds.factDisk);
    assert.equal(disks.length, facts.disks.length);
    for (const [i, d] of disks.entries()) {
      assert.equal(await d.attribute('data-mount'), facts.disks[i].mount_point);
      assert.equal(Number(await d.attribute('data-total')), facts.disks[i].total_bytes);
    }
    const uptime = Number(await (await s.byTestId(testIds.factUptime)).attribute('data-seconds'));
    assert.ok(Math.abs(uptime - facts.uptime_seconds) < 120, 'uptime is close');
    assert.notEqual(await text(testIds.overviewSummary), '');
  });

  step('Overview has no serious accessibility problems', async () => {
    assert.deepEqual(await axeViolations(), []);
  });

  step('the sidebar works from the keyboard', async () => {
    const overview = await s.byTestId(testIds.navOverview);
    await s.execute(`document.querySelector('[data-testid="${testIds.navOverview}"]').focus(); return true;`);
    await overview.type('\uE015'); // ArrowDown
    const focused = await s.execute('return document.activeElement?.dataset.testid ?? null');
    assert.equal(focused, testIds.navSecurity);
  });

  step('the window may call the app\'s own commands and nothing else', async () => {
    const outcome = (cmd) =>
      s.executeAsync(
        `const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke(${JSON.stringify(cmd)}, {})
           .then(() => done('answered'), (e) => done('refused: ' + JSON.stringify(e)));`,
      );
    assert.equal(await outcome('app_status'), 'answered');
    assert.match(await outcome('not_a_command'), /^refused: .*refused:not_a_command/);
    assert.match(await outcome('plugin:shell|execute'), /^refused: /);
  });
});

describe('Activity', () => {
  step('lists the entry written by the command line', async () => {
    await openScreen(testIds.navActivity, 'Activity');
    await s.waitFor('one row', async () => (await rows()).length === 1);
    assert.deepEqual(await rows(), [{ seq: 1, action: 'audit.export' }]);
  });

  step('Activity has no serious accessibility problems', async () => {
    assert.deepEqual(await axeViolations(), []);
  });

  step('an export writes the same JSON as shipshape audit list --json, and is itself logged', async () => {
    const expected = JSON.parse(await cli('audit', 'list', '--json'));
    const file = join(ARTIFACTS, 'export.json');
    await rm(file, { force: true });
    await (await s.find(`[data-testid="${testIds.exportFormat}"] option[value="json"]`)).click();
    const path = await s.byTestId(testIds.exportPath);
    await path.clear();
    await path.type(file);
    await (await s.byTestId(testIds.exportSubmit)).click();
    await s.waitFor('the export result', async () => (await text(testIds.exportResult)).includes('saved'));
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), expected);
    await s.waitFor('the new entry on top', async () => (await rows())[0]?.seq === 2);
    const newest = (await rows())[0];
    assert.equal(newest.action, 'audit.export');
    const listed = JSON.parse(await cli('audit', 'list', '--json'));
    assert.equal(listed.at(-1).source, 'app');
    assert.equal(listed.at(-1).target, file);
  });

  step('a relative export path is refused with what to do', async () => {
    const path = await s.byTestId(testIds.exportPath);
    await path.clear();
    await path.type('activity.csv');
    await (await s.byTestId(testIds.exportSubmit)).click();
    const error = await s.waitFor('the error', () => s.byTestId(testIds.errorState));
    assert.equal(await error.attribute('data-code'), 'invalid_input');
    assert.match(await error.text(), /full path/);
  });

  step('filters narrow the list and say when nothing matches', async () => {
    const outcome = await s.byTestId(testIds.activityOutcome);
    await outcome.click();
    await (await s.find(`[data-testid="${testIds.activityOutcome}"] option[value="failed"]`)).click();
    await s.waitFor('the empty state', () => s.byTestId(testIds.activityEmpty));
    assert.match(await text(testIds.activityEmpty), /Nothing matches/);
    await (await s.find(`[data-testid="${testIds.activityOutcome}"] option[value=""]`)).click();
    await s.waitFor('rows again', async () => (await rows()).length === 2);
  });

  step('checking the log says it is intact, then catches an edited entry', async () => {
    await (await s.byTestId(testIds.verifyStart)).click();
    await s.waitFor('the verdict', async () => (await text(testIds.verifyResult)).includes('Intact'));
    assert.match(await text(testIds.verifyResult), /Your log:\s*all 2 entries are as Shipshape wrote them/);

    // Edit an entry behind Shipshape's back, as an intruder would.
    await run('python3', [
      '-c',
      "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE audit_log SET target='/somewhere/else' WHERE seq=1\"); c.commit()",
      join(DATA, 'shipshape.db'),
    ]);
    await (await s.byTestId(testIds.verifyStart)).click();
    await s.waitFor('the tampered verdict', async () => (await text(testIds.verifyResult)).includes('Tampered'));
    assert.match(await text(testIds.verifyResult), /at entry 1/);
    await assert.rejects(cli('audit', 'verify'), (err) => err.code === 1);
  });
});

describe('Single instance', () => {
  step('a second launch hands over to the running window and exits', async () => {
    const second = spawn(APP, [], { stdio: 'ignore' });
    const code = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the second launch kept running')), 15000);
      second.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 0);
    assert.equal(await text(testIds.screenTitle), 'Activity');
  });
});
