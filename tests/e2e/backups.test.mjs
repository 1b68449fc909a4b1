// End-to-end: the Backups screen in the real window, with the real restic and
// the private keychain run.sh starts; root's state is run.sh's private
// SHIPSHAPE_STATE_DIR (the app runs as root here, so no password is asked),
// and root's backup key is sealed under a host key in the test's folder
// (SHIPSHAPE_CREDENTIAL_SECRET). The screen says no backup is set up; the
// wizard refuses a folder that is not a full path, estimates a fixture
// folder, makes the backup and schedules it, and shows the recovery sheet
// whose password (from the keychain) opens the backup with plain restic;
// "Back up now" makes a snapshot restic lists and "Test restore now"
// passes; a file edited since is restored to its place from the restore
// dialog, the edited one kept beside it; the Overview's tile says so. A
// second backup goes to a restic REST server the test starts
// (`rclone serve restic` on 127.0.0.1 with a self-signed certificate and an
// account): the wizard shows the certificate's fingerprint as openssl
// prints it, refuses a wrong password in the server's words, connects with
// the right one, and makes the backup there, which plain restic opens
// through the server. The scheduled jobs, the backups, their passwords and
// the server are removed or stopped at the end, so the next screens' tests
// start from nothing.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { testIds } from '../../ui/src/lib/testIds.js';
import { APP, CLI, DATA, WEBDRIVER, axeViolations, cli, openScreen, run, stepper, text } from './harness.mjs';
import { Session } from './webdriver.mjs';

let s;
let work;
/** The REST server the test started, stopped by its process id at the end. */
let restServer;
const SERVER_PASSWORD = 'pass:w@rd/1';
const step = stepper(() => s);
// Waits for the element: a screen may still be reading what it shows.
const click = async (id) => (await s.waitFor(id, () => s.byTestId(id))).click();

/** A port nothing listens on now. */
function freePort() {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const listening = (port) =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/** The real restic, run by the test, the password on its standard input. */
function restic(repo, password, ...args) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'restic',
      ['--repo', repo, '--cache-dir', join(work, 'peer-cache'), ...args],
      (err, stdout, stderr) => (err ? reject(new Error(`restic ${args}: ${stderr}`)) : resolve(stdout)),
    );
    child.stdin.end(`${password}\n`);
  });
}

async function wizardStep() {
  return Number(await (await s.byTestId(testIds.backupWizard)).attribute('data-step'));
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'shipshape-e2e-backups-'));
  await mkdir(join(work, 'docs/letters'), { recursive: true });
  await writeFile(join(work, 'docs/letters/offer.txt'), 'Dear customer,\n');
  await writeFile(join(work, 'docs/accounts.csv'), 'month,total\n2026-11,1200\n');
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('the sidebar', () => s.byTestId(testIds.navBackups));
});

after(async () => {
  await s?.end();
  if (restServer) {
    restServer.kill('SIGTERM');
    await new Promise((resolve) => (restServer.exitCode !== null ? resolve() : restServer.once('exit', resolve)));
  }
  // Root's jobs this test scheduled; the next screen's tests start from nothing.
  const { stdout } = await run(CLI, ['--data-dir', DATA, 'schedule', 'list', '--json']).catch((e) => e);
  for (const job of JSON.parse(stdout || '[]')) {
    if (['backup', 'restore_test'].includes(job.job?.kind)) {
      await run(CLI, ['--data-dir', DATA, 'schedule', 'remove', String(job.id)]).catch(() => {});
    }
  }
  // And the backup and its password: the next screens start without them.
  await run(CLI, ['--data-dir', DATA, 'backup', 'remove', '--repo', 'Office backup']).catch(() => {});
  await run(CLI, ['--data-dir', DATA, 'vault', 'rm', 'Backup: Office backup', '--yes']).catch(() => {});
  await run(CLI, ['--data-dir', DATA, 'backup', 'remove', '--repo', 'Server backup']).catch(() => {});
  await run(CLI, ['--data-dir', DATA, 'vault', 'rm', 'Backup: Server backup', '--yes']).catch(() => {});
  if (work) await rm(work, { recursive: true, force: true });
});

describe('Backups', () => {
  step('with no backup, the screen says so and offers to set one up', async () => {
    await openScreen(s, testIds.navBackups, 'Backups');
    await s.waitFor('the empty screen', () => s.byTestId(testIds.backupsEmpty));
    assert.match(await text(s, testIds.backupsEmpty), /No backup/i);
    assert.deepEqual(await axeViolations(s), []);
  });

  step('the wizard refuses a folder that is not a full path, then takes a new one', async () => {
    await click(testIds.backupsSetup);
    await s.waitFor('the wizard', () => s.byTestId(testIds.backupWizard));
    assert.equal(await wizardStep(), 1);
    const name = await s.byTestId(testIds.backupWizardName);
    await name.clear();
    await name.type('Office backup');
    const folder = await s.byTestId(testIds.backupWizardFolder);
    await folder.clear();
    await folder.type('backups/office');
    await click(testIds.backupWizardNext);
    await s.waitFor('the folder refused', () =>
      s.find(`[data-testid="${testIds.backupWizardFieldError}"][data-field="folder"]`),
    );
    assert.equal(await wizardStep(), 1);
    await folder.clear();
    await folder.type(join(work, 'backups/office'));
    await click(testIds.backupWizardNext);
    await s.waitFor('step 2', async () => (await wizardStep()) === 2);
  });

  step('what to back up: the fixture folder only, estimated before the first run', async () => {
    for (const row of await s.allByTestId(testIds.backupWizardPath)) {
      await (await row.find(`[data-testid="${testIds.backupWizardRemove}"]`)).click();
    }
    const path = await s.byTestId(testIds.backupWizardNewPath);
    await path.type(join(work, 'docs'));
    await click(testIds.backupWizardAddPath);
    await s.waitFor('the path listed', async () => (await s.allByTestId(testIds.backupWizardPath)).length === 1);
    await click(testIds.backupWizardEstimate);
    await s.waitFor('the estimate', async () => {
      const r = await s.byTestId(testIds.backupWizardEstimateResult);
      return (await r.attribute('data-state')) === 'done';
    });
    assert.match(await text(s, testIds.backupWizardEstimateResult), /2 files/);
    await click(testIds.backupWizardNext);
    await s.waitFor('step 3', async () => (await wizardStep()) === 3);
  });

  step('making it schedules a daily backup and a weekly restore test, then shows the recovery sheet', async () => {
    await click(testIds.backupWizardCreate);
    await s.waitFor('step 4', async () => (await wizardStep()) === 4, 60000);
    await s.waitFor('the sheet', async () => {
      const sheet = await s.byTestId(testIds.recoverySheet);
      return (await sheet.attribute('data-state')) === 'ready';
    });
    const shown = (await text(s, testIds.recoveryPassword)).trim();
    const kept = (await cli('vault', 'get', 'Backup: Office backup', '--stdout')).trim();
    assert.equal(shown, kept, 'the sheet shows the password kept in the keychain');
    assert.equal(kept.split('-').length, 7);
    const listed = JSON.parse(await restic(join(work, 'backups/office'), kept, 'snapshots', '--json').then((o) => o.slice(o.indexOf('['))));
    assert.deepEqual(listed, [], 'the recovery password opens the new, empty backup');
    const { stdout } = await run(CLI, ['--data-dir', DATA, 'schedule', 'list', '--json']).catch((e) => e);
    const kinds = JSON.parse(stdout).map((j) => j.job.kind);
    assert.ok(kinds.includes('backup') && kinds.includes('restore_test'), kinds.join());
    const finish = await s.byTestId(testIds.backupWizardFinish);
    assert.equal(await finish.property('disabled'), true, 'Finish waits for the sheet to be kept');
    await click(testIds.backupWizardSheetKept);
    await finish.click();
    await s.waitFor('the backup card', () => s.find(`[data-testid="${testIds.backupCard}"][data-name="Office backup"]`));
  });

  step('Back up now makes a snapshot restic lists, and the restore test passes', async () => {
    await click(testIds.backupRunNow);
    await s.waitFor(
      'the backup done',
      async () => (await (await s.byTestId(testIds.backupResult)).attribute('data-outcome')) === 'done',
      60000,
    );
    const password = (await cli('vault', 'get', 'Backup: Office backup', '--stdout')).trim();
    const out = await restic(join(work, 'backups/office'), password, 'snapshots', '--json');
    const snaps = JSON.parse(out.slice(out.indexOf('[')));
    assert.equal(snaps.length, 1);
    assert.deepEqual(snaps[0].paths, [join(work, 'docs')]);
    await s.waitFor('the verdict', async () => /Backed up/i.test(await text(s, testIds.backupVerdict)));
    await click(testIds.backupTestNow);
    await s.waitFor(
      'the restore test done',
      async () => {
        const r = await s.byTestId(testIds.backupResult);
        return (await r.attribute('data-kind')) === 'restore_test' && (await r.attribute('data-outcome')) === 'done';
      },
      60000,
    );
    await s.waitFor('the verdict with the test', async () => /restore test passed/i.test(await text(s, testIds.backupVerdict)));
    assert.deepEqual(await axeViolations(s), []);
  });

  step('a file edited since is restored to its place from the dialog, the edited one kept beside it', async () => {
    const offer = join(work, 'docs/letters/offer.txt');
    await writeFile(offer, 'Changed my mind\n');
    await click(testIds.backupRestoreOpen);
    await s.waitFor('the dialog', () => s.byTestId(testIds.restoreDialog));
    const entry = (path) => s.find(`[data-testid="${testIds.restoreEntry}"][data-path="${path}"]`);
    await s.waitFor('the backed-up folder', () => entry(join(work, 'docs/letters')), 30000);
    await (await entry(join(work, 'docs/letters'))).click();
    await s.waitFor('the letters', () => entry(offer), 30000);
    await (await entry(offer)).click();
    await s.waitFor('the file chosen', async () =>
      (await (await s.byTestId(testIds.restoreChosen)).attribute('data-path')) === offer,
    );
    await click(testIds.restoreWherePlace);
    await click(testIds.restoreSubmit);
    await s.waitFor(
      'the restore done',
      async () => (await (await s.byTestId(testIds.restoreResult)).attribute('data-outcome')) === 'done',
      60000,
    );
    const result = await s.byTestId(testIds.restoreResult);
    assert.equal(await result.attribute('data-restored'), offer);
    const kept = await result.attribute('data-kept');
    assert.match(kept, /offer \(before restore .*\)\.txt$/);
    assert.equal(await readFile(offer, 'utf8'), 'Dear customer,\n');
    assert.equal(await readFile(kept, 'utf8'), 'Changed my mind\n');
    assert.deepEqual(await axeViolations(s), []);
    await click(testIds.restoreClose);
  });

  step("the Overview's Last backup tile says when and that the restore test passed", async () => {
    await openScreen(s, testIds.navOverview, 'Overview');
    await s.waitFor('the tile', async () => {
      const tile = await s.byTestId(testIds.tileBackup);
      return (await tile.attribute('data-state')) === 'ready';
    });
    const tile = await s.byTestId(testIds.tileBackup);
    assert.equal(await tile.attribute('data-outcome'), 'done');
    assert.equal(await tile.attribute('data-test-outcome'), 'done');
    assert.equal(await tile.attribute('data-level'), 'good');
  });

  step('a second backup goes to a REST server once its certificate is confirmed and its password kept', async () => {
    const server = join(work, 'server');
    await mkdir(join(server, 'data'), { recursive: true });
    const cert = join(server, 'cert.pem');
    await run('openssl', [
      'req', '-x509', '-newkey', 'ed25519', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(server, 'key.pem'), '-out', cert,
    ]);
    const said = (await run('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', cert])).stdout;
    const fingerprint = said.trim().split('=')[1];
    const port = await freePort();
    restServer = spawn(
      'rclone',
      ['serve', 'restic', '--config', '/dev/null', '--addr', `127.0.0.1:${port}`, '--user', 'office',
        '--pass', SERVER_PASSWORD, '--cert', cert, '--key', join(server, 'key.pem'), join(server, 'data')],
      { stdio: 'ignore' },
    );
    await s.waitFor('the REST server', () => listening(port), 20000);

    await openScreen(s, testIds.navBackups, 'Backups');
    await click(testIds.backupsSetup);
    await s.waitFor('the wizard', () => s.byTestId(testIds.backupWizard));
    const name = await s.byTestId(testIds.backupWizardName);
    await name.clear();
    await name.type('Server backup');
    await click(testIds.backupWizardWhereServer);
    await (await s.byTestId(testIds.backupWizardServerAddress)).type(`https://127.0.0.1:${port}`);
    await (await s.byTestId(testIds.backupWizardServerUser)).type('office');
    const folder = await s.byTestId(testIds.backupWizardServerFolder);
    await folder.clear();
    await folder.type('office');
    await click(testIds.backupWizardCheckServer);
    await s.waitFor('the fingerprint', () => s.byTestId(testIds.backupWizardServerFingerprint), 30000);
    const shown = await s.byTestId(testIds.backupWizardServerFingerprint);
    assert.equal(await shown.attribute('data-fingerprint'), fingerprint, 'the fingerprint openssl prints');
    await click(testIds.backupWizardServerConfirmed);
    const password = await s.byTestId(testIds.backupWizardServerPassword);
    await password.type('not the password');
    await click(testIds.backupWizardConnectServer);
    await s.waitFor('the refusal', () => s.byTestId(testIds.backupWizardServerError), 30000);
    assert.match(await text(s, testIds.backupWizardServerError), /refused the password of the account office/);
    await password.clear();
    await password.type(SERVER_PASSWORD);
    await click(testIds.backupWizardConnectServer);
    await s.waitFor('the server let Shipshape in', () => s.byTestId(testIds.backupWizardServerReady), 30000);
    assert.deepEqual(await axeViolations(s), []);
    await click(testIds.backupWizardNext);
    await s.waitFor('step 2', async () => (await wizardStep()) === 2);
    await click(testIds.backupWizardNext);
    await s.waitFor('step 3', async () => (await wizardStep()) === 3);
    await click(testIds.backupWizardCreate);
    await s.waitFor('step 4', async () => (await wizardStep()) === 4, 60000);
    const kept = (await cli('vault', 'get', 'Backup: Server backup', '--stdout')).trim();
    const url = `rest:https://office:${encodeURIComponent(SERVER_PASSWORD)}@127.0.0.1:${port}/office/`;
    const listed = await restic(url, kept, '--cacert', cert, 'snapshots', '--json');
    assert.deepEqual(JSON.parse(listed.slice(listed.indexOf('['))), [], 'plain restic opens it through the server');
    await click(testIds.backupWizardSheetKept);
    await click(testIds.backupWizardFinish);
    await s.waitFor('the second card', () => s.find(`[data-testid="${testIds.backupCard}"][data-name="Server backup"]`));
  });
});
