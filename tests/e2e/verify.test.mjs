// End-to-end: the Verify screen in the real window, against real files: a
// random installer, a checksum list made by sha256sum, and an OpenPGP key and
// signature made by gpg. Its own session; started by tests/e2e/run.sh after
// app.test.mjs, on the same data folder.
import assert from 'node:assert/strict';
import { appendFile, chmod, copyFile, mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { testIds } from '../../ui/src/lib/testIds.js';
import { APP, ARTIFACTS, WEBDRIVER, axeViolations, cli, openScreen, run, stepper, text } from './harness.mjs';
import { Session } from './webdriver.mjs';

let s;
const step = stepper(() => s);

let root; // temp folder for every fixture
let dl; // the "Downloads" folder: setup.bin, tampered.bin, SHA256SUMS(.asc), acme.asc
let gnupg; // a private GNUPGHOME
let fingerprint; // Acme's primary key, as gpg prints it
let newFingerprint; // another key that claims to be Acme's

const gpgEnv = () => ({ ...process.env, GNUPGHOME: gnupg });
const gpg = (args, opts = {}) =>
  run('gpg', ['--batch', '--yes', '--passphrase', '', '--pinentry-mode', 'loopback', ...args], {
    env: gpgEnv(),
    ...opts,
  });

/** Primary key fingerprints in the keyring, oldest first. */
async function primaryFingerprints() {
  const { stdout } = await gpg(['--with-colons', '--fingerprint']);
  const lines = stdout.split('\n');
  return lines.flatMap((l, i) => (l.startsWith('pub:') ? [lines[i + 1].split(':')[9]] : []));
}

/** Saves what the window shows, for a person to look at. */
async function snap(name) {
  // Let the window paint what the last step changed.
  await s.executeAsync('const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));');
  await s.screenshot(join(ARTIFACTS, `verify-${name}.png`));
}

async function typeInto(id, value) {
  const el = await s.byTestId(id);
  await el.clear();
  await el.type(value);
}

async function click(id) {
  await (await s.byTestId(id)).click();
}

async function wizardStep() {
  return Number(await (await s.byTestId(testIds.wizardStep)).attribute('data-step'));
}

async function waitStep(n) {
  await s.waitFor(`step ${n}`, async () => (await wizardStep()) === n, 30000);
}

async function value(id) {
  return (await s.byTestId(id)).property('value');
}

async function scrollTo(id) {
  await s.execute(`document.querySelector('[data-testid="${id}"]')?.scrollIntoView({ block: 'center' }); return true;`);
}

/** Past verifications listed before this file's own checks. */
let earlier = 0;

async function historyRows() {
  const rows = await s.allByTestId(testIds.historyRow);
  return Promise.all(
    rows.map(async (r) => ({ file: await r.attribute('data-file'), safety: await r.attribute('data-safety') })),
  );
}

/** Step 1 with a typed path, then on to step 2. */
async function chooseFile(path) {
  await typeInto(testIds.wizardFilePath, path);
  await click(testIds.wizardNext);
  await waitStep(2);
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'shipshape-verify-'));
  dl = join(root, 'Downloads');
  gnupg = join(root, 'gnupg');
  await mkdir(dl);
  await mkdir(gnupg);
  await chmod(gnupg, 0o700);

  // The release: an installer, a copy that will be tampered with after it
  // was listed, the list, the publisher's key and the list's signature.
  await writeFile(join(dl, 'setup.bin'), randomBytes(5 * 1024 * 1024));
  await copyFile(join(dl, 'setup.bin'), join(dl, 'tampered.bin'));
  const { stdout: sums } = await run('sha256sum', ['setup.bin', 'tampered.bin'], { cwd: dl });
  await writeFile(join(dl, 'SHA256SUMS'), sums);
  await gpg(['--quick-gen-key', 'Acme Releases <rel@acme.test>', 'ed25519', 'sign', '1y']);
  const { stdout: key } = await gpg(['--armor', '--export']);
  await writeFile(join(dl, 'acme.asc'), key);
  await gpg(['--armor', '--detach-sign', 'SHA256SUMS'], { cwd: dl });
  [fingerprint] = await primaryFingerprints();
  assert.match(fingerprint, /^[0-9A-F]{40}$/);
  // Later a second key turns up under the same name: a changed key.
  await gpg(['--quick-gen-key', 'Acme Releases <rel@acme.test>', 'ed25519', 'sign', '1y']);
  newFingerprint = (await primaryFingerprints()).find((f) => f !== fingerprint);
  const { stdout: newKey } = await gpg(['--armor', '--export', newFingerprint]);
  await writeFile(join(root, 'acme-new.asc'), newKey);
  // Someone changes the copy after the release was listed and signed.
  await appendFile(join(dl, 'tampered.bin'), Buffer.from([0x42]));

  // A big file elsewhere, to see the progress and cancel it (sparse: no disk).
  await mkdir(join(root, 'big'));
  await writeFile(join(root, 'big', 'huge.iso'), '');
  await truncate(join(root, 'big', 'huge.iso'), 512 * 1024 * 1024);

  s = await Session.start(WEBDRIVER, APP);
});

after(async () => {
  await s?.end();
  await run('gpgconf', ['--kill', 'gpg-agent'], { env: gpgEnv() }).catch(() => {});
  if (root) await rm(root, { recursive: true, force: true });
});

describe('Verify', () => {
  step('the sidebar lists Verify after Overview', async () => {
    await s.waitFor('the sidebar', () => s.byTestId(testIds.navVerifyFile));
    const order = await s.execute(
      `return [...document.querySelectorAll('[data-testid="${testIds.nav}"] button')].map((b) => b.dataset.testid)`,
    );
    assert.deepEqual(order, [
      testIds.navOverview,
      testIds.navSecurity,
      testIds.navMaintenance,
      testIds.navBackups,
      testIds.navVerifyFile,
      testIds.navInstall,
      testIds.navOffice,
      testIds.navFleet,
      testIds.navCredentials,
      testIds.navActivity,
    ]);
    await openScreen(s, testIds.navVerifyFile, 'Verify a download');
    assert.equal(await text(s, testIds.wizardStepLabel), 'Step 1 of 4');
    // Other screens' tests (Install's) may have checked files before.
    await s.waitFor('the history', async () => (await s.allByTestId(testIds.historyEmpty)).length === 1 || (await historyRows()).length > 0);
    earlier = (await historyRows()).length;
    await s.waitFor('no publishers yet', () => s.byTestId(testIds.publishersEmpty));
  });

  step('the window listens for dropped files (the capability allows it)', async () => {
    const zone = await s.byTestId(testIds.wizardDropZone);
    await s.waitFor('the drop listener', async () => (await zone.attribute('data-ready')) !== 'unknown');
    assert.equal(await zone.attribute('data-ready'), 'true');
    assert.match(await zone.text(), /Drop the installer here/);
    await snap('step-1');
  });

  step('Verify has no serious accessibility problems', async () => {
    assert.deepEqual(await axeViolations(s), []);
  });

  step('pins Acme after showing the fingerprint gpg shows', async () => {
    await scrollTo(testIds.pinOpen);
    await click(testIds.pinOpen);
    await typeInto(testIds.pinName, 'Acme');
    await typeInto(testIds.pinKeyPath, join(dl, 'acme.asc'));
    await click(testIds.pinPreview);
    const shown = await s.waitFor('the fingerprint', () => s.byTestId(testIds.pinFingerprint));
    assert.equal(await shown.attribute('data-fingerprint'), fingerprint);
    assert.equal((await shown.text()).replace(/\s/g, ''), fingerprint);
    assert.match(await s.execute('return document.body.innerText'), /Check that this fingerprint matches the one on the publisher's own website\./);
    await scrollTo(testIds.pinSubmit);
    await snap('pin-preview');
    await click(testIds.pinSubmit);
    const row = await s.waitFor('Acme in the list', () => s.byTestId(testIds.publisherRow, '[data-name="Acme"]'));
    assert.equal(await row.attribute('data-fingerprint'), fingerprint);
    assert.match(await row.text(), /Acme Releases <rel@acme\.test>/);
    const pinned = JSON.parse(await cli('publishers', 'list', '--json'));
    assert.deepEqual(
      pinned.map((p) => [p.name, p.fingerprint]),
      [['Acme', fingerprint]],
    );
  });

  step('setup.bin against the signed list and publisher Acme: safe to install', async () => {
    await scrollTo(testIds.wizardStep);
    await chooseFile(join(dl, 'setup.bin'));
    assert.equal(await text(s, testIds.wizardStepLabel), 'Step 2 of 4');
    const found = await text(s, testIds.wizardSuggestions);
    assert.match(found, /Shipshape found SHA256SUMS, SHA256SUMS\.asc and acme\.asc next to your file\./);
    assert.equal(await (await s.byTestId(testIds.wizardMethodList)).property('checked'), true);
    assert.equal(await value(testIds.wizardListPath), join(dl, 'SHA256SUMS'));
    assert.equal(await value(testIds.wizardSignaturePath), join(dl, 'SHA256SUMS.asc'));
    await click(testIds.wizardSignerPublisher);
    await (await s.find(`[data-testid="${testIds.wizardPublisher}"] option[value="Acme"]`)).click();
    assert.equal(await value(testIds.wizardPublisher), 'Acme');
    await snap('step-2');
    await scrollTo(testIds.wizardNext);
    await snap('step-2-end');
    assert.deepEqual(await axeViolations(s), []);

    await click(testIds.wizardNext);
    await waitStep(4);
    const verdict = await s.byTestId(testIds.wizardVerdict);
    assert.equal(await verdict.attribute('data-safety'), 'safe');
    const words = await verdict.text();
    assert.match(words, /Safe to install/);
    assert.match(words, /Safe to install: setup\.bin matches the SHA-256 checksum in SHA256SUMS, line 1, signed by Acme\./);
    await snap('step-4-safe');
    const details = await s.byTestId(testIds.wizardVerdictDetails);
    await (await details.find('summary')).click();
    const detail = await details.text();
    assert.match(detail, /in SHA256SUMS, line 1/);
    assert.match(detail, /Acme \(a trusted publisher\)/);
    assert.ok(detail.replace(/\s/g, '').includes(fingerprint), 'the signer’s fingerprint is shown');
    const { stdout } = await run('sha256sum', [join(dl, 'setup.bin')]);
    assert.ok(detail.includes(stdout.split(' ')[0]), 'the actual checksum is sha256sum’s');
    await scrollTo(testIds.wizardVerdictDetails);
    await snap('step-4-details');
  });

  step('the check is listed in Past verifications and in the activity log', async () => {
    await s.waitFor('a history row', async () => (await historyRows()).length === earlier + 1);
    assert.deepEqual((await historyRows())[0], { file: join(dl, 'setup.bin'), safety: 'safe' });
    const log = JSON.parse(await cli('audit', 'list', '--json'));
    const checks = log.filter((e) => e.action === 'verify.file' && e.target.startsWith(dl));
    assert.equal(checks.length, 1);
    assert.equal(checks[0].target, join(dl, 'setup.bin'));
    assert.equal(checks[0].outcome, 'ok');
    assert.equal(checks[0].source, 'app');
    assert.equal(checks[0].details.vouched_by.name, 'Acme');
  });

  step('a file changed after it was listed: do not install', async () => {
    await click(testIds.wizardAgain);
    await waitStep(1);
    await chooseFile(join(dl, 'tampered.bin'));
    assert.equal(await value(testIds.wizardListPath), join(dl, 'SHA256SUMS'));
    await click(testIds.wizardSignerPublisher);
    await (await s.find(`[data-testid="${testIds.wizardPublisher}"] option[value="Acme"]`)).click();
    await click(testIds.wizardNext);
    await waitStep(4);
    const verdict = await s.byTestId(testIds.wizardVerdict);
    assert.equal(await verdict.attribute('data-safety'), 'unsafe');
    assert.match(await verdict.text(), /Do not install/);
    assert.match(await verdict.text(), /tampered\.bin does not match the SHA-256 checksum in SHA256SUMS, line 2/);
    await snap('step-4-unsafe');
    assert.deepEqual(await axeViolations(s), []);
    await s.waitFor('two history rows', async () => (await historyRows()).length === earlier + 2);
    assert.deepEqual((await historyRows())[0], { file: join(dl, 'tampered.bin'), safety: 'unsafe' });
    const failed = JSON.parse(await cli('audit', 'list', '--json')).filter(
      (e) => e.action === 'verify.file' && e.outcome === 'failed',
    );
    assert.equal(failed.length, 1);
    assert.equal(failed[0].target, join(dl, 'tampered.bin'));
  });

  step('a wrong-length checksum is refused on step 2 with what to do', async () => {
    await click(testIds.wizardAgain);
    await chooseFile(join(dl, 'setup.bin'));
    await click(testIds.wizardMethodChecksum);
    await typeInto(testIds.wizardHex, 'ab'.repeat(20));
    await click(testIds.wizardNext);
    const error = await s.waitFor('the error', () => s.byTestId(testIds.errorState));
    assert.equal(await wizardStep(), 2);
    assert.equal(await error.attribute('data-code'), 'invalid_input');
    assert.match(await error.text(), /64 hexadecimal digits/);
    assert.match(await error.text(), /SHA-1/);
  });

  step('a changed key for Acme is shown loudly and needs a confirmation', async () => {
    await scrollTo(testIds.pinOpen);
    await click(testIds.pinOpen);
    await typeInto(testIds.pinName, 'Acme');
    await typeInto(testIds.pinKeyPath, join(root, 'acme-new.asc'));
    await click(testIds.pinPreview);
    const warning = await s.waitFor('the warning', () => s.byTestId(testIds.pinKeyChanged));
    assert.match(await warning.text(), /The publisher's key has changed/);
    const compact = (await warning.text()).replace(/\s/g, '');
    assert.ok(compact.includes(fingerprint), 'the pinned key is shown');
    assert.ok(compact.includes(newFingerprint), 'the new key is shown');
    const pin = await s.byTestId(testIds.pinSubmit);
    assert.equal(await pin.property('disabled'), true);
    await click(testIds.pinConfirmChanged);
    assert.equal(await pin.property('disabled'), false);
    await scrollTo(testIds.pinKeyChanged);
    await snap('key-changed');
    assert.deepEqual(await axeViolations(s), []);
    // Not this time: nothing changes.
    await click(testIds.pinCancel);
    await s.waitFor('the form closed', async () => (await s.allByTestId(testIds.pinName)).length === 0);
    const pinned = JSON.parse(await cli('publishers', 'list', '--json'));
    assert.deepEqual(pinned.map((p) => p.fingerprint), [fingerprint]);
  });

  step('a long check shows its progress, and Cancel goes back to step 2', async () => {
    await click(testIds.wizardStartOver);
    await waitStep(1);
    await chooseFile(join(root, 'big', 'huge.iso'));
    assert.equal(await (await s.byTestId(testIds.wizardMethodChecksum)).property('checked'), true);
    await typeInto(testIds.wizardHex, '0'.repeat(64));
    await click(testIds.wizardNext);
    await waitStep(3);
    assert.equal(await text(s, testIds.wizardStepLabel), 'Step 3 of 4');
    await s.waitFor('the speed and time left', async () => /MB\/s.*left/s.test(await text(s, testIds.wizardProgressText)), 20000);
    assert.match(await text(s, testIds.wizardProgressText), /^\d+ %/);
    await snap('step-3');
    await click(testIds.wizardCancel);
    await waitStep(2);
    assert.match(await text(s, testIds.wizardNotice), /Cancelled; nothing was changed\./);
    assert.equal(await value(testIds.wizardHex), '0'.repeat(64));
    assert.equal((await historyRows()).length, earlier + 2, 'a cancelled check is not recorded');
  });
});
