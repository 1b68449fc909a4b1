// End-to-end: the Security screen in the real window, scanning a fixture
// system (run.sh points the app's test-only SHIPSHAPE_SCAN_ROOT at a folder
// this test fills before the app starts): the score and findings equal
// `shipshape scan --root` on the same folder, a finding opens with its
// evidence, and a report is exported and recorded.
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe } from 'node:test';
import { testIds } from '../../ui/src/lib/testIds.js';
import { APP, WEBDRIVER, axeViolations, cli, env, openScreen, stepper } from './harness.mjs';
import { Session } from './webdriver.mjs';

let s;
const step = stepper(() => s);
const ROOT = env('SHIPSHAPE_SCAN_ROOT');

async function put(rel, text, mode = 0o644) {
  const path = join(ROOT, rel);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  await chmod(path, mode);
}

/** A small Debian server with a few classic mistakes. */
async function fixture() {
  await rm(ROOT, { recursive: true, force: true });
  await put('etc/os-release', 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
  await put('etc/hostname', 'fixture-server\n');
  await put('etc/passwd', 'root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\nann:x:1000:1000:Ann:/home/ann:/bin/bash\n');
  await put('etc/shadow', 'root:$6$abc$def:19000:0:99999:7:::\ntoor::19000:0:99999:7:::\nann:$6$x$y:19000:0:99999:7:::\n', 0o640);
  await put('etc/group', 'root:x:0:\nsudo:x:27:ann\n');
  await put('etc/ssh/sshd_config', 'PermitRootLogin yes\nPasswordAuthentication yes\nX11Forwarding yes\n');
  await put('etc/login.defs', 'PASS_MAX_DAYS 99999\nUMASK 022\n');
}

async function attr(id, name, extra = '') {
  return (await s.byTestId(id, extra)).attribute(`data-${name}`);
}

before(async () => {
  await fixture();
  s = await Session.start(WEBDRIVER, APP);
});

after(async () => {
  await s?.end();
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

  step('the Overview shows the latest score and links to it', async () => {
    await openScreen(s, testIds.navOverview, 'Overview');
    const tile = await s.waitFor('the security tile', () => s.byTestId(testIds.tileSecurity, '[data-state="scored"]'), 15000);
    const latest = JSON.parse(await cli('history', '--json'))[0];
    assert.equal(Number(await tile.attribute('data-score')), latest.score);
    await (await s.byTestId(testIds.tileSecurityLink)).click();
    await s.waitFor('the Security screen', () => s.byTestId(testIds.securityScreen));
  });
});
