// End-to-end: the Install screen in the real window with the real dpkg and
// apt. A package file is checked on the Verify screen, then installed from
// the Install screen with that check as its proof: the preview says what
// would change, the installation says it worked, the list shows it, and
// Undo takes it away. After installing, what its set-up switched on is made
// safe: its service switched off, its default password replaced by one kept
// in the keychain, its password file moved there, and the score rechecked. A newer version whose set-up fails is rolled back to
// the installed one and held. A package found by name in the archive's
// signed package list is installed with what it needs, and undone. Two
// versions of a program in a tarball go side by side into the test's /opt,
// each with its menu entry, and the earlier one is put back in use. A phased plan from a file
// installs the package, waits for approval, installs the program, and is
// rolled back. What it installs is purged afterwards.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';
import { testIds } from '../../ui/src/lib/testIds.js';
import { APP, ARTIFACTS, CLI, DATA, WEBDRIVER, axeViolations, env, openScreen, run, stepper, text } from './harness.mjs';
import { Session } from './webdriver.mjs';

let s;
const step = stepper(() => s);
const PACKAGE = 'shipshape-e2e-tool-file';
/** In the archive's signed package list, never installed by it; it needs BY_NAME-data. */
const BY_NAME = 'shipshape-e2e-tool-app';
const ARCHIVE = join(dirname(fileURLToPath(import.meta.url)), 'apt-archive.sh');
let root;
let good;
let failing;

async function installed(name = PACKAGE) {
  const { stdout } = await run('dpkg-query', ['-W', '-f', '${Version} ${db:Status-Abbrev}', name]).catch(() => ({
    stdout: '',
  }));
  return stdout.trim();
}

async function sha256(file) {
  const { stdout } = await run('sha256sum', [file]);
  return stdout.slice(0, 64);
}

async function click(id, extra = '') {
  await (await s.byTestId(id, extra)).click();
}

async function typeInto(id, value) {
  const el = await s.byTestId(id);
  await el.clear();
  await el.type(value);
}

async function installStep() {
  return Number(await (await s.byTestId(testIds.installWizard)).attribute('data-step'));
}

async function waitStep(n, ms = 30000) {
  await s.waitFor(`install step ${n}`, async () => (await installStep()) === n, ms);
}

async function snap(name) {
  await s.executeAsync('const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));');
  await s.screenshot(join(ARTIFACTS, `install-${name}.png`));
}

/** Step 1 with a typed path, then on to the proof. */
async function chooseFile(path) {
  await typeInto(testIds.installFile, path);
  await click(testIds.installNext);
  await waitStep(2);
}

before(async () => {
  const apt = dirname(env('SHIPSHAPE_APT_CONFIG'));
  await run('bash', [ARCHIVE, 'make', apt]);
  root = await mkdtemp(join(tmpdir(), 'shipshape-install-'));
  good = (await run('bash', [ARCHIVE, 'file', root, '1.0'])).stdout.trim();
  failing = (await run('bash', [ARCHIVE, 'file', root, '2.0', 'fails'])).stdout.trim();
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('the sidebar', () => s.byTestId(testIds.navInstall));
});

after(async () => {
  await s?.end();
  await run('bash', [ARCHIVE, 'remove']);
  if (root) await rm(root, { recursive: true, force: true });
});

/** A release tarball of a small program at `version`, with its top folder. */
async function tarball(version) {
  const script = `set -e; d="$1/src/e2e-tool-$2"; mkdir -p "$d/bin"; printf '#!/bin/sh\\necho %s\\n' "$2" >"$d/bin/e2e-tool"; chmod 755 "$d/bin/e2e-tool"; tar -czf "$1/e2e-tool-$2.tar.gz" -C "$1/src" "e2e-tool-$2"; echo "$1/e2e-tool-$2.tar.gz"`;
  return (await run('bash', ['-c', script, 'tarball', root, version])).stdout.trim();
}

async function current() {
  return run('readlink', [join(env('SHIPSHAPE_OPT_DIR'), 'e2e-tool', 'current')])
    .then((r) => r.stdout.trim())
    .catch(() => '');
}

/** Installs `file` from step 1 with its SHA-256 pasted as the proof;
 * answers what the preview said would change. */
async function installWithChecksum(file) {
  await click(testIds.installStartOver);
  await waitStep(1);
  await chooseFile(file);
  await click(testIds.installProofChecksum);
  await typeInto(testIds.installHex, await sha256(file));
  await click(testIds.installNext);
  const preview = await s.waitFor('the preview', () => s.byTestId(testIds.installPreview), 30000);
  const change = await preview.attribute('data-change');
  await click(testIds.installConfirm);
  const result = await s.waitFor('the result', () => s.byTestId(testIds.installResult), 60000);
  assert.equal(await result.attribute('data-outcome'), 'done');
  return change;
}

describe('Install', () => {
  step('the file is checked on the Verify screen first', async () => {
    await openScreen(s, testIds.navVerifyFile, 'Verify a download');
    await typeInto(testIds.wizardFilePath, good);
    await click(testIds.wizardNext);
    await s.waitFor('step 2', async () => (await (await s.byTestId(testIds.wizardStep)).attribute('data-step')) === '2');
    await click(testIds.wizardMethodChecksum);
    await typeInto(testIds.wizardHex, await sha256(good));
    await click(testIds.wizardNext);
    const verdict = await s.waitFor('the verdict', () => s.byTestId(testIds.wizardVerdict), 30000);
    assert.equal(await verdict.attribute('data-safety'), 'safe');
  });

  step('the Install screen takes that check as proof and says what would change, changing nothing', async () => {
    await openScreen(s, testIds.navInstall, 'Install software');
    await s.waitFor('the empty list', () => s.byTestId(testIds.installedEmpty));
    await chooseFile(good);
    assert.equal(await (await s.byTestId(testIds.installProofVerified)).property('checked'), true);
    assert.equal(await text(s, testIds.installStepLabel), 'Step 2 of 5');
    await click(testIds.installNext);
    const preview = await s.waitFor('the preview', () => s.byTestId(testIds.installPreview), 30000);
    assert.equal(await preview.attribute('data-change'), 'new');
    assert.equal(await preview.attribute('data-trust'), 'digest');
    assert.match(await preview.text(), new RegExp(`${PACKAGE} 1\\.0 would be installed`));
    assert.equal(await (await s.byTestId(testIds.installStepRow, `[data-name="${PACKAGE}"]`)).attribute('data-action'), 'add');
    const details = await s.byTestId(testIds.installDetails);
    await details.click();
    assert.match(await details.text(), /postinst/);
    assert.match(await details.text(), new RegExp(`/etc/${PACKAGE}\\.conf`));
    assert.match(await details.text(), new RegExp(`${PACKAGE}\\.service`));
    assert.equal(await installed(), '', 'the preview installed nothing');
    assert.deepEqual(await axeViolations(s), []);
    await snap('preview');
  });

  step('Install installs it and says so; the list shows it', async () => {
    await click(testIds.installConfirm);
    const result = await s.waitFor('the result', () => s.byTestId(testIds.installResult), 60000);
    assert.equal(await result.attribute('data-outcome'), 'done');
    assert.match(await result.text(), new RegExp(`${PACKAGE} 1\\.0 is installed`));
    assert.equal(await installed(), '1.0 ii');
    await s.waitFor('the installed row', () => s.byTestId(testIds.installedRow, '[data-outcome="done"]'));
  });

  step('Make it safe: the service it switched on goes off, its passwords go to Credentials, its examples are moved aside, the score is checked again', async () => {
    await click(testIds.installHardenNext);
    await waitStep(5);
    assert.equal(await text(s, testIds.installStepLabel), 'Step 5 of 5');
    const row = (id) => `[data-testid="${testIds.hardenItem}"][data-id="${id}"]`;
    const service = row(`service:${PACKAGE}.service`);
    const password = row(`password:/etc/${PACKAGE}.conf:admin_password`);
    const file = row(`password-file:/var/lib/${PACKAGE}/initialAdminPassword`);
    await s.waitFor('what it switched on', () => s.find(service));
    await s.find(password);
    await s.find(file);
    assert.deepEqual(await axeViolations(s), []);
    const link = `/etc/systemd/system/multi-user.target.wants/${PACKAGE}.service`;
    await run('test', ['-L', link]);

    // Switching off shows first what it changes.
    await (await s.find(`${service} [data-testid="${testIds.hardenSwitchOff}"]`)).click();
    const preview = await s.waitFor('what switching off changes', () => s.byTestId(testIds.hardenPreview), 30000);
    assert.match(await preview.text(), /multi-user\.target\.wants/);
    await click(testIds.hardenConfirm);
    await s.waitFor('the service switched off', async () => (await (await s.find(service)).attribute('data-answered')) === 'done', 30000);
    await assert.rejects(run('test', ['-L', link]), 'the boot link is gone');

    // The default password is replaced by a new one kept in Credentials.
    await (await s.find(`${password} [data-testid="${testIds.hardenPassword}"]`)).click();
    await s.waitFor('the password replaced', async () => (await (await s.find(password)).attribute('data-answered')) === 'done', 30000);
    const conf = await readFile(`/etc/${PACKAGE}.conf`, 'utf8');
    assert.doesNotMatch(conf, /admin_password = admin\n/);
    assert.match(conf, /^port=8080\nadmin_password = \S{24}\n$/);

    // The first password leaves its file for Credentials.
    await (await s.find(`${file} [data-testid="${testIds.hardenPassword}"]`)).click();
    await s.waitFor('the password file moved', async () => (await (await s.find(file)).attribute('data-answered')) === 'done', 30000);
    await assert.rejects(readFile(`/var/lib/${PACKAGE}/initialAdminPassword`), 'the file is gone');

    // Its example pages leave where a web server serves them; a copy is kept.
    const sample = row(`sample:/var/www/${PACKAGE}/examples`);
    await (await s.find(`${sample} [data-testid="${testIds.hardenRemoveSample}"]`)).click();
    await s.waitFor('the examples moved', async () => (await (await s.find(sample)).attribute('data-answered')) === 'done', 30000);
    assert.match(await (await s.find(sample)).text(), /a copy is kept in \S+examples/);
    await assert.rejects(readFile(`/var/www/${PACKAGE}/examples/index.html`), 'the examples are not served any more');

    const score = await s.waitFor('the score checked again', async () => {
      const el = await s.byTestId(testIds.installScore);
      return (await el.attribute('data-after')) !== '' && el;
    }, 60000);
    assert.match(await score.text(), /Security score/);
    await snap('harden');

    // Both are in the keychain the Credentials screen lists.
    const kept = await run(CLI, ['--data-dir', DATA, 'vault', 'get', `${PACKAGE}: admin_password`, '--stdout']);
    assert.equal(`port=8080\nadmin_password = ${kept.stdout.trim()}\n`, conf);
    const first = await run(CLI, ['--data-dir', DATA, 'vault', 'get', `${PACKAGE}: first password`, '--stdout']);
    assert.equal(first.stdout.trim(), 'first-login-e2e');
  });

  step('a newer version whose set-up fails is rolled back to 1.0 and held', async () => {
    await click(testIds.installStartOver);
    await waitStep(1);
    await chooseFile(failing);
    await click(testIds.installProofChecksum);
    await typeInto(testIds.installHex, await sha256(failing));
    await click(testIds.installNext);
    const preview = await s.waitFor('the preview', () => s.byTestId(testIds.installPreview), 30000);
    assert.equal(await preview.attribute('data-change'), 'upgrade');
    await click(testIds.installConfirm);
    const result = await s.waitFor('the result', () => s.byTestId(testIds.installResult), 60000);
    assert.equal(await result.attribute('data-outcome'), 'failed');
    assert.match(await result.text(), /\(postinst\) failed/);
    assert.match(await result.text(), /put back and held/);
    assert.equal(await installed(), '1.0 hi');
    await run('apt-mark', ['unhold', PACKAGE]);
  });

  step('the change record is saved from the list as a printable page', async () => {
    await click(testIds.installedRecord);
    await s.waitFor('the record dialog', () => s.byTestId(testIds.recordDialog));
    const page = join(root, 'record.html');
    await typeInto(testIds.recordPath, page);
    await click(testIds.recordSave);
    await s.waitFor('the record saved', () => s.byTestId(testIds.recordDone), 30000);
    const html = await readFile(page, 'utf8');
    assert.match(html, /Installation record: shipshape-e2e-tool-file_2\.0_all\.deb|Installation record: shipshape-e2e-tool-file_1\.0_all\.deb/);
    assert.match(html, /<h2>Steps<\/h2>/);
    await click(testIds.recordClose);
  });

  step('Undo in the list asks first, then takes the installation away', async () => {
    await click(testIds.installedUndo, '');
    await s.waitFor('the question', () => s.byTestId(testIds.installUndoDialog));
    await click(testIds.installUndoConfirm);
    await s.waitFor('the undone row', () => s.byTestId(testIds.installedRow, '[data-outcome="undone"]'), 60000);
    assert.equal(await installed(), '');
  });

  step('a package found by name in the signed package sources is installed with what it needs, and undone', async () => {
    await click(testIds.installStartOver);
    await waitStep(1);
    await click(testIds.installSourcePackage);
    await typeInto(testIds.installName, 'tool-app');
    await click(testIds.installSearch);
    await s.waitFor('the packages found', () => s.byTestId(testIds.installFound, `[data-name="${BY_NAME}"]`));
    await click(testIds.installFound, `[data-name="${BY_NAME}"]`);
    assert.equal(await (await s.byTestId(testIds.installName)).property('value'), BY_NAME);
    await click(testIds.installNext);
    await waitStep(2);
    await s.byTestId(testIds.installProofSource);
    await click(testIds.installNext);
    const preview = await s.waitFor('the preview', () => s.byTestId(testIds.installPreview), 30000);
    assert.equal(await preview.attribute('data-trust'), 'signed_source');
    assert.deepEqual(await axeViolations(s), []);
    await snap('by-name');
    assert.match(await preview.text(), new RegExp(`${BY_NAME} 2\\.0 would be installed from file:.*with 1 other package`));
    assert.equal(await installed(BY_NAME), '', 'the preview installed nothing');
    await click(testIds.installConfirm);
    const result = await s.waitFor('the result', () => s.byTestId(testIds.installResult), 60000);
    assert.equal(await result.attribute('data-outcome'), 'done');
    assert.equal(await installed(BY_NAME), '2.0 ii');
    assert.equal(await installed(`${BY_NAME}-data`), '2.0 ii');
    await click(testIds.installUndo);
    await s.waitFor('the undo', () => s.byTestId(testIds.installUndoResult), 60000);
    assert.equal(await installed(BY_NAME), '');
    assert.equal(await installed(`${BY_NAME}-data`), '');
  });

  step('a program in a tarball goes into its own folder beside the version there, and the earlier one is put back in use', async () => {
    const v1 = await tarball('1.0');
    const v2 = await tarball('2.0');
    assert.equal(await installWithChecksum(v1), 'new');
    assert.equal(await current(), '1.0');
    assert.equal(await installWithChecksum(v2), 'beside');
    assert.equal(await current(), '2.0');
    const { stdout } = await run(join(env('SHIPSHAPE_OPT_DIR'), 'e2e-tool', '1.0', 'bin', 'e2e-tool'));
    assert.equal(stdout, '1.0\n', 'the earlier version stays, and runs');
    // Both in the menu, each named with its version, beside the one in use.
    const menu = env('SHIPSHAPE_MENU_DIR');
    const older = await readFile(join(menu, 'shipshape-opt-e2e-tool-V1.0.desktop'), 'utf8');
    assert.match(older, /^Name=e2e-tool 1\.0$/m);
    assert.match(await readFile(join(menu, 'shipshape-opt-e2e-tool.desktop'), 'utf8'), /\/e2e-tool\/current\/bin\/e2e-tool$/m);
    await click(testIds.installedSwitch);
    await s.waitFor('1.0 in use again', async () => (await current()) === '1.0', 30000);
  });

  step('a phased plan from a file is shown first, waits for approval between its stages, and is rolled back', async () => {
    const v3 = await tarball('3.0');
    const plan = join(root, 'plan.json');
    await writeFile(
      plan,
      JSON.stringify({
        name: 'Tool and its app',
        method: 'phased',
        stages: [
          { name: 'The app', parts: [{ kind: 'package', name: BY_NAME }] },
          { name: 'The tool', parts: [{ kind: 'program', file: v3, trust: { by: 'digest', algorithm: 'sha256', hex: await sha256(v3) } }] },
        ],
        gates: [{ kind: 'no_new_alerts' }],
        approval: 'ask',
      }),
    );
    await typeInto(testIds.deployPlanPath, plan);
    await click(testIds.deployPlanRead);
    const shown = await s.waitFor('the plan', () => s.byTestId(testIds.deployPlan));
    assert.match(await shown.text(), /The tool: e2e-tool-3\.0\.tar\.gz/);
    assert.equal(await installed(BY_NAME), '', 'reading the plan installed nothing');
    await click(testIds.deployStart);
    const row = `[data-testid="${testIds.deploymentRow}"]`;
    await s.waitFor('the first stage', async () => (await (await s.find(row)).attribute('data-status')) === 'waiting', 60000);
    assert.equal(await installed(BY_NAME), '2.0 ii');
    assert.equal(await current(), '1.0', 'the second stage waits');
    assert.deepEqual(await axeViolations(s), []);
    await click(testIds.deployApprove);
    await s.waitFor('the second stage', async () => (await (await s.find(row)).attribute('data-status')) === 'done', 60000);
    assert.equal(await current(), '3.0');
    await click(testIds.deployRollback);
    await s.waitFor('rolled back', async () => (await (await s.find(row)).attribute('data-status')) === 'rolled_back', 60000);
    assert.equal(await installed(BY_NAME), '');
    assert.equal(await current(), '1.0');
  });
});
