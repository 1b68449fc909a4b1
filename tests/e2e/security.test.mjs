// End-to-end: the Security screen in the real window, scanning a fixture
// system (run.sh points the app's test-only SHIPSHAPE_SCAN_ROOT at a folder
// this test fills before the app starts): the score and findings equal
// `shipshape scan --root` on the same folder, a finding opens with its
// evidence, a report is exported and recorded, a fix that could lock the
// administrator out is refused, a fix is previewed, applied and undone
// byte for byte, a risk is accepted, and the firewall is switched on with
// SSH kept open, after "Install ufw and continue" installed ufw with the
// real apt from a local signed archive (a stand-in whose one file is the
// fixture's usr/sbin/ufw, offered only when the real ufw is not here).
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';
import { testIds } from '../../ui/src/lib/testIds.js';
import { APP, DATA, WEBDRIVER, axeViolations, cli, env, openScreen, run, stepper } from './harness.mjs';
import { Session } from './webdriver.mjs';

let s;
const step = stepper(() => s);
const ROOT = env('SHIPSHAPE_SCAN_ROOT');
const ARCHIVE = join(dirname(fileURLToPath(import.meta.url)), 'apt-archive.sh');

/** The version of ufw dpkg has installed, or null. */
async function ufwInstalled() {
  const { stdout } = await run('dpkg-query', ['-W', '-f', '${Version} ${db:Status-Abbrev}', 'ufw']).catch((e) => e);
  const [version, status] = (stdout ?? '').trim().split(' ');
  return status?.startsWith('ii') ? version : null;
}
/** Whether this computer has the real ufw: then no stand-in is offered. */
let realUfw = false;

async function put(rel, text, mode = 0o644) {
  const path = join(ROOT, rel);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  await chmod(path, mode);
}

const SSHD = 'PermitRootLogin yes\nPasswordAuthentication yes\nX11Forwarding yes\n';

/** A small Debian server with a few classic mistakes. */
async function fixture() {
  await rm(ROOT, { recursive: true, force: true });
  await put('etc/os-release', 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
  await put('etc/hostname', 'fixture-server\n');
  await put('etc/passwd', 'root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\nann:x:1000:1000:Ann:/home/ann:/bin/bash\n');
  await put('etc/shadow', 'root:$6$abc$def:19000:0:99999:7:::\ntoor::19000:0:99999:7:::\nann:$6$x$y:19000:0:99999:7:::\n', 0o640);
  await put('etc/group', 'root:x:0:\nsudo:x:27:ann\n');
  await put('etc/ssh/sshd_config', SSHD);
  await put('etc/login.defs', 'PASS_MAX_DAYS 99999\nUMASK 022\n');
  // ufw's settings as the package leaves them: switched off, no rules yet;
  // its program comes with the stand-in package, unless ufw is really here.
  if (realUfw) await put('usr/sbin/ufw', '', 0o755);
  await put('etc/ufw/ufw.conf', 'ENABLED=no\nLOGLEVEL=low\n');
  await put('etc/default/ufw', 'IPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\nDEFAULT_OUTPUT_POLICY="ACCEPT"\n');
  await put('etc/ufw/user.rules', UFW_RULES, 0o640);
  await put('etc/ufw/user6.rules', UFW_RULES.replaceAll('ufw-', 'ufw6-'), 0o640);
}

const UFW_RULES = '*filter\n:ufw-user-input - [0:0]\n:ufw-user-output - [0:0]\n:ufw-user-forward - [0:0]\n### RULES ###\nCOMMIT\n';

/** A finding's card, by check id. */
const card = (id) => `[data-testid="${testIds.securityFinding}"][data-id="${id}"]`;
/** Something inside a finding's card. */
const inCard = (id, testid) => `${card(id)} [data-testid="${testid}"]`;

/** Chooses which findings the list shows ("attention", "accepted", ...). */
async function filterStatus(value) {
  await s.execute(
    `const f = document.querySelector('[data-testid="${testIds.securityFilterStatus}"]');
     f.value = arguments[0]; f.dispatchEvent(new Event('change', { bubbles: true })); return true;`,
    [value],
  );
}

async function attr(id, name, extra = '') {
  return (await s.byTestId(id, extra)).attribute(`data-${name}`);
}

before(async () => {
  realUfw = (await ufwInstalled()) !== null;
  // The Install test's "Make it safe" step scanned already: this test starts
  // from a computer never scanned (the app is not running between tests).
  await run('python3', [
    '-c',
    'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM security_scans"); c.commit()',
    join(DATA, 'shipshape.db'),
  ]);
  await fixture();
  if (!realUfw) await run('bash', [ARCHIVE, 'needed', dirname(env('SHIPSHAPE_APT_CONFIG')), join(ROOT, 'usr/sbin/ufw')]);
  s = await Session.start(WEBDRIVER, APP);
});

after(async () => {
  await s?.end();
  await run('bash', [ARCHIVE, 'remove']);
});

describe('Security', () => {
  step('before any scan the screen says what a check does', async () => {
    await openScreen(s, testIds.navSecurity, 'Security');
    await s.waitFor('the empty state', () => s.byTestId(testIds.securityEmpty));
    assert.deepEqual(await axeViolations(s), []);
  });

  step('a scan of the fixture gives the score and findings the CLI gives', async () => {
    await (await s.byTestId(testIds.securityScan)).click();
    await s.waitFor('a score', () => s.byTestId(testIds.securityScore), 30000);
    const shown = Number(await attr(testIds.securityScore, 'score'));
    const expected = JSON.parse(await cli('scan', '--root', ROOT, '--json').catch((e) => e.stdout));
    assert.equal(shown, expected.score);
    const failing = expected.checks.filter((c) => c.status === 'fail' || c.status === 'warning').map((c) => c.id);
    const cards = await s.allByTestId(testIds.securityFinding);
    const ids = await Promise.all(cards.map((c) => c.attribute('data-id')));
    assert.deepEqual(ids.slice().sort(), failing.slice().sort());
    for (const id of ['ssh.root_login', 'accounts.extra_uid0', 'accounts.empty_password']) {
      if (expected.checks.some((c) => c.id === id)) assert.ok(ids.includes(id), `${id} is shown`);
    }
    assert.deepEqual(await axeViolations(s), []);
  });

  step('a finding shows where it was found', async () => {
    const card = await s.byTestId(testIds.securityFinding, '[data-id="ssh.root_login"]');
    const evidence = await card.find(`[data-testid="${testIds.securityEvidence}"]`);
    await s.execute(`document.querySelector('[data-testid="${testIds.securityFinding}"][data-id="ssh.root_login"] [data-testid="${testIds.securityEvidence}"]').open = true; return true;`);
    assert.match(await evidence.text(), /sshd_config:1/);
  });

  step('the report is exported to a typed path and recorded', async () => {
    const path = join(ROOT, '..', 'security-report.html');
    const input = await s.byTestId(testIds.reportPath);
    await input.clear();
    await input.type(path);
    await (await s.byTestId(testIds.reportSave)).click();
    await s.waitFor('the report written', async () => (await attr(testIds.reportDone, 'path')) === path);
    const html = await readFile(path, 'utf8');
    assert.match(html, /<html/i);
    assert.match(html, /fixture-server|Debian/);
    const actions = JSON.parse(await cli('audit', 'list', '--json')).map((e) => e.action);
    assert.ok(actions.includes('security.scan') && actions.includes('security.report'), actions.join(' '));
  });

  step('a fix that could lock the administrator out is refused with the reason', async () => {
    await (await s.find(inCard('ssh.password_auth', testIds.securityFixOpen))).click();
    const dialog = await s.waitFor('the refusal', () => s.byTestId(testIds.fixDialog, '[data-mode="error"]'));
    const error = await dialog.find(`[data-testid="${testIds.errorState}"]`);
    assert.equal(await error.attribute('data-code'), 'would_lock_out');
    assert.match(await error.text(), /SSH key/);
    await (await s.byTestId(testIds.fixClose)).click();
    await s.waitFor('the dialog closed', async () => (await s.allByTestId(testIds.fixDialog)).length === 0);
  });

  step('a fix is previewed as a diff, applied, and the check passes', async () => {
    await (await s.find(inCard('ssh.x11_forwarding', testIds.securityFixOpen))).click();
    const dialog = await s.waitFor('the preview', () => s.byTestId(testIds.fixDialog, '[data-mode="ready"]'));
    const diff = await (await dialog.find(`[data-testid="${testIds.fixDiff}"]`)).text();
    assert.match(diff, /^-X11Forwarding yes$/m);
    assert.match(diff, /^\+X11Forwarding no$/m);
    assert.equal(await readFile(join(ROOT, 'etc/ssh/sshd_config'), 'utf8'), SSHD, 'the preview changed nothing');
    assert.deepEqual(await axeViolations(s), []);
    await (await s.byTestId(testIds.fixApply)).click();
    const result = await s.waitFor('the result', () => s.byTestId(testIds.fixResult), 15000);
    assert.equal(await result.attribute('data-status'), 'pass');
    assert.match(await readFile(join(ROOT, 'etc/ssh/sshd_config'), 'utf8'), /^X11Forwarding no$/m);
    // This test's changes (the Install test switched a service off, the
    // Office test locked an account).
    const changes = JSON.parse(await cli('changes', '--json')).filter(
      (c) => !c.check_id.startsWith('installed-service:') && !c.check_id.startsWith('access-'),
    );
    assert.deepEqual(changes.map((c) => [c.kind, c.check_id]), [['fix', 'ssh.x11_forwarding']]);
    await (await s.byTestId(testIds.fixClose)).click();
    // The screen checked again: the finding is gone from "needs fixing".
    await s.waitFor('the finding passes', async () => (await s.findAll(card('ssh.x11_forwarding'))).length === 0, 15000);
  });

  step('undo puts the file back byte for byte, and is itself listed', async () => {
    await (await s.find(`[data-testid="${testIds.changeRow}"][data-kind="fix"] [data-testid="${testIds.changeUndo}"]`)).click();
    await s.waitFor('the undo listed', () => s.byTestId(testIds.changeRow, '[data-kind="undo"]'), 15000);
    assert.equal(await readFile(join(ROOT, 'etc/ssh/sshd_config'), 'utf8'), SSHD);
    await s.waitFor('the finding back', () => s.byTestId(testIds.securityFinding, '[data-id="ssh.x11_forwarding"]'), 15000);
    const actions = JSON.parse(await cli('audit', 'list', '--json')).map((e) => e.action);
    assert.ok(actions.includes('security.fix') && actions.includes('security.undo'), actions.join(' '));
  });

  step("the Activity screen lists root's records of the fix and its undo, and checks both logs", async () => {
    await openScreen(s, testIds.navActivity, 'Activity');
    await (await s.byTestId(testIds.activityLogAdmin)).click();
    const adminRows = async () => s.findAll(`[data-testid="${testIds.activityRow}"][data-log="admin"]`);
    await s.waitFor("root's entries", async () => (await adminRows()).length >= 2);
    const actions = await Promise.all((await adminRows()).map((r) => r.attribute('data-action')));
    assert.deepEqual(actions.slice(0, 2), ['security.undo', 'security.fix']);
    const first = await (await adminRows())[0].text();
    assert.match(first, /Undid a security fix\s*Administrator/);
    // The app runs as root here: root's record names root, in the app.
    assert.match(first, /root\s+in the app/);
    const published = JSON.parse(await cli('audit', 'list', '--admin', '--json'));
    assert.equal((await adminRows()).length, published.length);

    await (await s.byTestId(testIds.verifyStart)).click();
    await s.waitFor('both verdicts', async () => /The administrator's log/.test(await (await s.byTestId(testIds.verifyResult)).text()));
    const verdicts = await (await s.byTestId(testIds.verifyResult)).text();
    // The user's own log was edited on purpose by the app's tests: only its verdict's presence counts here.
    assert.match(verdicts, /Your log:/);
    assert.match(verdicts, new RegExp(`The administrator's log:\\s*all ${published.length} entries are as Shipshape wrote them`));
    await openScreen(s, testIds.navSecurity, 'Security');
  });

  step('a risk is accepted with a reason and a date, and shows as accepted', async () => {
    await s.waitFor('the finding', () => s.find(inCard('ssh.password_auth', testIds.securityAcceptOpen)));
    await (await s.find(inCard('ssh.password_auth', testIds.securityAcceptOpen))).click();
    await s.waitFor('the accept dialog', () => s.byTestId(testIds.acceptDialog));
    await (await s.byTestId(testIds.acceptReason)).type('Staff log in with passwords until keys are rolled out');
    await (await s.byTestId(testIds.acceptSave)).click();
    await s.waitFor('the accepted risk listed', () => s.byTestId(testIds.acceptedRow, '[data-id="ssh.password_auth"]'));
    const listed = JSON.parse(await cli('accepted', '--json'));
    assert.equal(listed[0].reason, 'Staff log in with passwords until keys are rolled out');
    const scan = JSON.parse(await cli('scan', '--root', ROOT, '--json').catch((e) => e.stdout));
    assert.equal(scan.checks.find((c) => c.id === 'ssh.password_auth').status, 'accepted');
    // Shown under "Accepted risks" in the status filter, no longer as needing a fix.
    await filterStatus('accepted');
    const accepted = await s.waitFor('the accepted finding', () => s.find(`${card('ssh.password_auth')}[data-status="accepted"]`));
    assert.match(await accepted.text(), /Accepted risk/);
    assert.deepEqual(await axeViolations(s), []);
  });

  step('switching the firewall on keeps the SSH server reachable', async () => {
    await filterStatus('attention');
    await (await s.find(inCard('firewall.active', testIds.securityFixOpen))).click();
    if (!realUfw) {
      const missing = await s.waitFor('the offer to install ufw', () => s.byTestId(testIds.fixMissing));
      assert.equal(await missing.attribute('data-package'), 'ufw');
      assert.match(await missing.text(), /ufw is not installed/);
      assert.deepEqual(await axeViolations(s), []);
      const install = await s.byTestId(testIds.fixInstall);
      assert.equal(await install.text(), 'Install ufw and continue');
      await install.click();
      const installed = await s.waitFor('ufw installed', () => s.byTestId(testIds.fixInstalled), 40000);
      assert.match(await installed.text(), /ufw 0\.1 was installed/);
      assert.equal(await ufwInstalled(), '0.1');
      const history = JSON.parse(await cli('updates', 'history', '--json'));
      assert.deepEqual([history[0].kind, history[0].outcome, history[0].packages[0].new_version], ['install', 'done', '0.1']);
    }
    const dialog = await s.waitFor('the preview', () => s.byTestId(testIds.fixDialog, '[data-mode="ready"]'));
    const rules = await s.find(
      `[data-testid="${testIds.fixStep}"][data-target="/etc/ufw/user.rules"] [data-testid="${testIds.fixDiff}"]`,
    );
    assert.match(await rules.text(), /^\+-A ufw-user-input -p tcp --dport 22 -j ACCEPT$/m);
    assert.match(await dialog.text(), /SSH \(port 22\) stays allowed/);
    await (await s.byTestId(testIds.fixApply)).click();
    const result = await s.waitFor('the result', () => s.byTestId(testIds.fixResult), 15000);
    assert.equal(await result.attribute('data-status'), 'pass');
    assert.match(await readFile(join(ROOT, 'etc/ufw/ufw.conf'), 'utf8'), /^ENABLED=yes$/m);
    assert.match(await readFile(join(ROOT, 'etc/ufw/user6.rules'), 'utf8'), /^-A ufw6-user-input -p tcp --dport 22 -j ACCEPT$/m);
    await (await s.byTestId(testIds.fixClose)).click();
    await s.waitFor('the finding passes', async () => (await s.findAll(card('firewall.active'))).length === 0, 15000);
  });

  step('the Overview shows the latest score and links to it', async () => {
    await openScreen(s, testIds.navOverview, 'Overview');
    const tile = await s.waitFor('the security tile', () => s.byTestId(testIds.tileSecurity, '[data-state="scored"]'), 15000);
    const latest = JSON.parse(await cli('history', '--json'))[0];
    assert.equal(Number(await tile.attribute('data-score')), latest.score);
    await (await s.byTestId(testIds.tileSecurityLink)).click();
    await s.waitFor('the Security screen', () => s.byTestId(testIds.securityScreen));
  });
});
