// End-to-end through the real pkexec: the app runs as a normal account
// (tests/pkexec/run.sh starts it as a throwaway user whom a test-only polkit
// rule lets in), so a fix and its undo go through pkexec and root's helper,
// and the Activity screen shows root's records of them, naming that user.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { testIds } from '../../ui/src/lib/testIds.js';
import { APP, WEBDRIVER, env, openScreen, stepper } from '../e2e/harness.mjs';
import { Session } from '../e2e/webdriver.mjs';

let s;
const step = stepper(() => s);
const CONF = join(env('SHIPSHAPE_SCAN_ROOT'), 'etc/ssh/sshd_config.d/10-local.conf');
const USER = env('PKEXEC_TEST_USER');

const card = (id) => `[data-testid="${testIds.securityFinding}"][data-id="${id}"]`;

before(async () => {
  s = await Session.start(WEBDRIVER, APP);
});

after(async () => {
  await s?.end();
});

describe('A fix from the app, as a normal account, through pkexec', () => {
  step('the scan finds X11 forwarding on', async () => {
    await openScreen(s, testIds.navSecurity, 'Security');
    await (await s.waitFor('the check button', () => s.byTestId(testIds.securityScan), 15000)).click();
    await s.waitFor('a score', () => s.byTestId(testIds.securityScore), 30000);
    await s.waitFor('the finding', () => s.byTestId(testIds.securityFinding, '[data-id="ssh.x11_forwarding"]'), 15000);
  });

  step('the fix is made by root through pkexec, and the check passes', async () => {
    await (await s.find(`${card('ssh.x11_forwarding')} [data-testid="${testIds.securityFixOpen}"]`)).click();
    await s.waitFor('the preview', () => s.byTestId(testIds.fixDialog, '[data-mode="ready"]'), 15000);
    await (await s.byTestId(testIds.fixApply)).click();
    const result = await s.waitFor('the result', () => s.byTestId(testIds.fixResult), 30000);
    assert.equal(await result.attribute('data-status'), 'pass');
    assert.equal(await readFile(CONF, 'utf8'), 'X11Forwarding no\n');
    await (await s.byTestId(testIds.fixClose)).click();
  });

  step('its undo puts the file back, through pkexec too', async () => {
    const undo = `[data-testid="${testIds.changeRow}"][data-kind="fix"] [data-testid="${testIds.changeUndo}"]`;
    await (await s.waitFor('the change listed', () => s.find(undo), 15000)).click();
    await s.waitFor('the undo listed', () => s.byTestId(testIds.changeRow, '[data-kind="undo"]'), 30000);
    assert.equal(await readFile(CONF, 'utf8'), 'X11Forwarding yes\n');
  });

  step("the Activity screen shows root's records, naming this account, and both logs hold", async () => {
    await openScreen(s, testIds.navActivity, 'Activity');
    await (await s.byTestId(testIds.activityLogAdmin)).click();
    const rows = async () => s.findAll(`[data-testid="${testIds.activityRow}"][data-log="admin"]`);
    await s.waitFor("root's entries", async () => (await rows()).length >= 2);
    const first = await (await rows())[0].text();
    assert.match(first, /Undid a security fix/);
    assert.match(first, new RegExp(`${USER}\\s+with administrator rights`));
    await (await s.byTestId(testIds.verifyStart)).click();
    await s.waitFor('both verdicts', async () => /The administrator's log/.test(await (await s.byTestId(testIds.verifyResult)).text()));
    const verdicts = await (await s.byTestId(testIds.verifyResult)).text();
    assert.match(verdicts, /Your log:\s*all \d+ entries are as Shipshape wrote them/);
    assert.match(verdicts, /The administrator's log:\s*all \d+ entries are as Shipshape wrote them/);
  });
});
