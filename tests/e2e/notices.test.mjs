// End-to-end: the Maintenance screen's notices in the real window, against a
// real SMTP server on loopback (aiosmtpd, STARTTLS required, one account,
// a certificate made here that the app's test-only SHIPSHAPE_SMTP_CA
// trusts) and the real keychain of run.sh's session. Problems are shown
// beside their fields with nothing saved; the settings are saved with the
// password in the keychain only (the CLI shows the same settings); a test
// message arrives at the server; with the server stopped, the failure is
// said in plain words.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import { testIds } from '../../ui/src/lib/testIds.js';
import { APP, DATA, WEBDRIVER, axeViolations, cli, env, openScreen, run, stepper, text } from './harness.mjs';
import { Session } from './webdriver.mjs';

const PASSWORD = 'e2e-mail-pw-5150';
const CERT = env('SHIPSHAPE_SMTP_CA');
const SMTP = dirname(CERT);
const MAIL = join(SMTP, 'mail');
const SERVER = join(dirname(fileURLToPath(import.meta.url)), '../smtp/server.py');

let s;
let server;
let port;
const step = stepper(() => s);

/** Starts the mail server; resolves with its port once it listens. */
async function startServer() {
  server = spawn('/usr/bin/python3', [
    SERVER,
    ...['--mode', 'starttls', '--user', 'office', '--password', PASSWORD],
    ...['--cert', CERT, '--key', join(SMTP, 'key.pem'), '--out', MAIL],
  ]);
  const [line] = await Promise.race([
    createInterface({ input: server.stdout })[Symbol.asyncIterator]().next().then((r) => [r.value]),
    new Promise((_, reject) => server.once('exit', (code) => reject(new Error(`the SMTP server exited (${code})`)))),
  ]);
  return Number(line);
}

const mail = () => readdirSync(MAIL).map((f) => readFileSync(join(MAIL, f), 'utf8'));
const field = (id) => s.byTestId(id);
async function fill(id, value) {
  const el = await field(id);
  await el.clear();
  await el.type(value);
  await s.waitFor(`the typed ${id}`, async () => (await el.property('value')) === value);
}
// Waits for the element: a screen may still be reading what it shows.
const click = async (id) => (await s.waitFor(id, () => s.byTestId(id))).click();

before(async () => {
  mkdirSync(MAIL, { recursive: true });
  await run('openssl', [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost'],
    ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(SMTP, 'key.pem'), '-out', CERT],
  ]);
  port = await startServer();
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('the sidebar', () => s.byTestId(testIds.navMaintenance));
});

after(async () => {
  server?.kill();
  await s?.end();
});

describe('Notices', () => {
  step('desktop notices are on and email is off until set up', async () => {
    await openScreen(s, testIds.navMaintenance, 'Maintenance');
    const desktop = await s.waitFor('the notices', () => s.byTestId(testIds.noticesDesktop));
    assert.equal(await desktop.property('checked'), true);
    assert.equal(await (await field(testIds.noticesEmail)).property('checked'), false);
    assert.equal((await s.allByTestId(testIds.noticesTest)).length, 0);
  });

  step('problems are shown beside their fields and nothing is saved', async () => {
    await click(testIds.noticesEmail);
    await s.waitFor('the email fields', () => s.byTestId(testIds.noticeServer));
    await fill(testIds.noticeTo, 'boss@example.com, nobody');
    await click(testIds.noticesSave);
    const errors = await s.waitFor('the field errors', async () => {
      const found = await s.allByTestId(testIds.noticeFieldError);
      return found.length > 0 && found;
    });
    const fields = await Promise.all(errors.map((e) => e.attribute('data-field')));
    assert.deepEqual(fields, ['server', 'username', 'password', 'from', 'to']);
    assert.equal(await (await field(testIds.noticeServer)).attribute('aria-invalid'), 'true');
    assert.match(await cli('notify', 'show'), /Email notices: off/);
  });

  step('the settings are saved with the password in the keychain only, as the CLI shows them', async () => {
    await fill(testIds.noticeServer, 'localhost');
    await fill(testIds.noticePort, String(port));
    await fill(testIds.noticeUsername, 'office');
    await fill(testIds.noticePassword, PASSWORD);
    await fill(testIds.noticeFrom, 'office@example.com');
    await fill(testIds.noticeTo, 'boss@example.com');
    await click(testIds.noticesSave);
    const result = await s.waitFor('the saved verdict', async () => {
      const r = await s.byTestId(testIds.noticesResult);
      return (await r.attribute('data-state')) === 'saved' && r;
    });
    assert.match(await result.text(), /The password is in your keychain/);
    assert.equal(await (await field(testIds.noticePassword)).property('value'), '');
    const shown = JSON.parse(await cli('notify', 'show', '--json'));
    assert.deepEqual(shown.email, {
      server: 'localhost',
      port,
      security: 'start_tls',
      username: 'office',
      password_name: 'Email notices',
      from: 'office@example.com',
      to: ['boss@example.com'],
      every_run: false,
    });
    const { stdout } = await run('grep', ['-rl', PASSWORD, DATA]).catch((err) => err);
    assert.equal(stdout, '', 'the password is in no file of the data folder');
    assert.deepEqual(await axeViolations(s), []);
  });

  step('a test message reaches the mail server', async () => {
    await click(testIds.noticesTest);
    const result = await s.waitFor('the sent verdict', async () => {
      const r = await s.byTestId(testIds.noticesResult);
      return (await r.attribute('data-state')) === 'sent' && r;
    });
    assert.match(await result.text(), /A test message was sent to boss@example\.com\./);
    const got = mail();
    assert.equal(got.length, 1);
    assert.match(got[0], /Subject: Shipshape test message from /);
  });

  step('with the mail server stopped, the failure is said in plain words', async () => {
    server.kill();
    await new Promise((r) => server.once('exit', r));
    await click(testIds.noticesTest);
    const result = await s.waitFor(
      'the failed verdict',
      async () => {
        const r = await s.byTestId(testIds.noticesResult);
        return (await r.attribute('data-state')) === 'failed' && r;
      },
      30000,
    );
    assert.equal(await result.attribute('data-code'), 'io');
    const words = await text(s, testIds.noticesResult);
    assert.match(words, /The test message was not sent/);
    assert.match(words, new RegExp(`The mail server localhost:${port} could not be reached`));
  });
});
