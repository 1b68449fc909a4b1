// End-to-end: the Credentials screen in the real window, against the real
// Secret Service (a private gnome-keyring that run.sh starts on the test
// session bus) and the real clipboard of the test display. A canary secret
// is followed everywhere: it must reach the keyring, the clipboard and the
// one explicit reveal, and nothing else: not the data folder, not the log,
// not the app's output, not any other IPC response.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { testIds } from '../../ui/src/lib/testIds.js';
import { APP, ARTIFACTS, DATA, WEBDRIVER, axeViolations, cli, openScreen, run, stepper, text } from './harness.mjs';
import { Session } from './webdriver.mjs';

let s;
const step = stepper(() => s);

const CANARY = 'canary-e2e-Zr71-kq';
const NAME = 'Office Wi-Fi';

async function click(id, extra = '') {
  await (await s.byTestId(id, extra)).click();
}

async function typeInto(id, value) {
  const el = await s.byTestId(id);
  await el.clear();
  await el.type(value);
}

async function choose(id, value) {
  await (await s.find(`[data-testid="${id}"] option[value="${value}"]`)).click();
}

/** A button inside the row of credential `name`. */
async function rowButton(name, id) {
  const row = await s.byTestId(testIds.credentialRow, `[data-name="${name}"]`);
  return row.find(`[data-testid="${id}"]`);
}

async function rowNames() {
  const rows = await s.allByTestId(testIds.credentialRow);
  return Promise.all(rows.map((r) => r.attribute('data-name')));
}

async function clipboard() {
  const { stdout } = await run('xclip', ['-o', '-selection', 'clipboard']).catch(() => ({ stdout: '' }));
  return stdout;
}

/** Shipshape's items in the keyring, as secret-tool shows them. */
async function keyringItems() {
  const { stdout, stderr } = await run('secret-tool', ['search', '--all', 'service', 'org.shipshape.console']);
  return stdout + stderr;
}

/** Every IPC answer (and channel message) the window received, as JSON. */
async function ipcLog() {
  return s.execute('return window.__ipcLog;');
}

before(async () => {
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('the sidebar', () => s.byTestId(testIds.navCredentials));
  // Records every answer from the app, to prove where the secret went.
  // Tauri's `invoke` cannot be replaced (a non-writable property), but each
  // answer is handed to a callback kept in its callback map.
  await s.execute(`
    const callbacks = window.__TAURI_INTERNALS__.callbacks;
    window.__ipcLog = [];
    callbacks.set = function (id, callback) {
      return Map.prototype.set.call(this, id, (data) => {
        window.__ipcLog.push(JSON.stringify(data ?? null));
        return callback(data);
      });
    };
    return true;`);
});

after(async () => {
  await s?.end();
});

describe('Credentials', () => {
  step('the empty screen says what it is for, and passes axe', async () => {
    await openScreen(s, testIds.navCredentials, 'Credentials');
    const empty = await s.waitFor('the empty state', () => s.byTestId(testIds.credentialsEmpty));
    assert.match(await empty.text(), /keychain/i);
    assert.deepEqual(await axeViolations(s), []);
  });

  step('adding a credential puts the secret in the keyring with our attributes', async () => {
    await click(testIds.credentialsAdd);
    await s.waitFor('the dialog', () => s.byTestId(testIds.credentialDialog));
    await typeInto(testIds.credentialName, NAME);
    await choose(testIds.credentialKind, 'wi_fi');
    await typeInto(testIds.credentialUsername, 'office');
    await typeInto(testIds.credentialUrl, 'router.local');
    await choose(testIds.credentialRotation, '90');
    await typeInto(testIds.credentialSecret, CANARY);
    await s.waitFor('a strength estimate', async () => (await text(s, testIds.strengthLabel)).length > 0);
    assert.deepEqual(await axeViolations(s), []);
    await click(testIds.credentialSave);
    await s.waitFor('the new row', async () => (await rowNames()).includes(NAME));

    const items = await keyringItems();
    assert.match(items, new RegExp(`secret = ${CANARY}`));
    assert.match(items, /attribute\.shipshape-name = Office Wi-Fi/);
    assert.match(items, /attribute\.shipshape-kind = wi_fi/);
    assert.match(items, /attribute\.shipshape-login = office/);
    assert.match(items, /label = Shipshape: Office Wi-Fi/);
    const [listed] = JSON.parse(await cli('vault', 'list', '--json'));
    assert.equal(listed.name, NAME);
    assert.equal(listed.rotate_days, 90);
    assert.equal(listed.rotation, 'current');
  });

  step('a duplicate name is refused in the dialog, which keeps what was typed', async () => {
    await click(testIds.credentialsAdd);
    await typeInto(testIds.credentialName, 'office wi-fi');
    await typeInto(testIds.credentialSecret, 'another-secret');
    await click(testIds.credentialSave);
    const dialog = await s.byTestId(testIds.credentialDialog);
    await s.waitFor('the error', async () => /already exists/.test(await dialog.text()));
    assert.equal(await (await s.byTestId(testIds.credentialName)).property('value'), 'office wi-fi');
    // A click can land while the form re-lays itself out (the field that
    // lost focus checks itself), so it is repeated until the dialog is gone.
    await s.waitFor('the dialog closed', async () => {
      if ((await s.allByTestId(testIds.credentialDialog)).length === 0) return true;
      await click(testIds.credentialCancel).catch(() => {});
      return false;
    });
    assert.deepEqual(await rowNames(), [NAME]);
  });

  step('reveal shows the secret on request and hides it again', async () => {
    await (await rowButton(NAME, testIds.credentialReveal)).click();
    const shown = await s.waitFor('the secret', async () => {
      const el = await s.byTestId(testIds.credentialRevealed);
      return (await el.property('value')) || (await el.text());
    });
    assert.equal(shown, CANARY);
    assert.match(await text(s, testIds.credentialCountdown), /\d+/);
    await (await rowButton(NAME, testIds.credentialHide)).click();
    await s.waitFor('the secret hidden', async () => (await s.allByTestId(testIds.credentialRevealed)).length === 0);
  });

  step('copy puts the secret on the clipboard and takes it off again', async () => {
    await (await rowButton(NAME, testIds.credentialCopy)).click();
    await s.waitFor('the copied notice', () => s.byTestId(testIds.credentialCopied));
    await s.waitFor('the secret on the clipboard', async () => (await clipboard()) === CANARY);
    // run.sh shortens the 30 s to 3 s for this test.
    await s.waitFor('the clipboard cleared', async () => (await clipboard()) !== CANARY, 15000);
  });

  step('rotate now stores a generated secret and records the date', async () => {
    await (await rowButton(NAME, testIds.credentialRotate)).click();
    await s.waitFor('the rotate dialog', () => s.byTestId(testIds.credentialDialog, '[data-mode="rotate"]'));
    await click(testIds.generateSubmit);
    await s.waitFor('a generated secret', async () => {
      const v = await (await s.byTestId(testIds.credentialSecret)).property('value');
      return v && v !== CANARY;
    });
    await click(testIds.credentialSave);
    await s.waitFor('the dialog closed', async () => (await s.allByTestId(testIds.credentialDialog)).length === 0);
    const now = (await cli('vault', 'get', NAME, '--stdout')).trim();
    assert.notEqual(now, CANARY);
    assert.ok(now.length >= 20, now);
  });

  step('delete asks first, then removes the secret from the keyring', async () => {
    await (await rowButton(NAME, testIds.credentialDelete)).click();
    await s.waitFor('the confirmation', () => s.byTestId(testIds.credentialDeleteConfirm));
    assert.deepEqual(await axeViolations(s), []);
    await click(testIds.credentialDeleteConfirm);
    await s.waitFor('the empty state again', () => s.byTestId(testIds.credentialsEmpty));
    assert.doesNotMatch(await keyringItems(), /secret = /);
  });

  step('every action is in the log, and the secret is nowhere it should not be', async () => {
    // This credential's entries: other screens' tests keep passwords too.
    const actions = JSON.parse(await cli('audit', 'list', '--json'))
      .filter((e) => e.target === NAME)
      .map((e) => e.action)
      .filter((a) => a.startsWith('vault.'));
    assert.deepEqual(actions, ['vault.add', 'vault.reveal', 'vault.copy', 'vault.rotate', 'vault.reveal', 'vault.delete']);

    const answers = await ipcLog();
    // One answer carried it: the bare string of the one Reveal click (which
    // also shows the recording works).
    const carriers = answers.filter((a) => a.includes(CANARY));
    assert.deepEqual(carriers, [JSON.stringify(CANARY)]);

    const { stdout } = await run('grep', ['-rlF', CANARY, DATA]).catch((e) => e);
    assert.equal(stdout ?? '', '');
    const driverLog = await readFile(join(ARTIFACTS, 'tauri-driver.log'), 'utf8').catch(() => '');
    assert.ok(!driverLog.includes(CANARY), 'the app printed the secret');
  });
});
