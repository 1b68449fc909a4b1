// End-to-end: the Office screen's access review in the real window. The
// app reads the accounts of the fixture system run.sh points it at (its
// test-only scan root): people, an administrator through the sudo group
// and a dormant account. Each line is decided (a removal with its reason),
// the review is signed off by name, saved as CSV for an auditor, and the
// removals are carried out: the dormant account is locked and an old key
// taken out of its file, the other key kept. The software card
// says how long this system is supported and where its dates come from;
// an incident goes from open to closed.
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { after, before, describe } from 'node:test';
import { testIds } from '../../ui/src/lib/testIds.js';
import { APP, CLI, DATA, WEBDRIVER, axeViolations, env, openScreen, run, stepper } from './harness.mjs';
import { Session } from './webdriver.mjs';

let s;
const step = stepper(() => s);
const ROOT = env('SHIPSHAPE_SCAN_ROOT');

/** An ed25519 public key line's key (base64) made from `seed`, and its fingerprint as ssh-keygen prints it. */
function edKey(seed) {
  const field = (b) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const blob = Buffer.concat([field(Buffer.from('ssh-ed25519')), field(Buffer.alloc(32, seed))]);
  const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  return { key: blob.toString('base64'), fingerprint };
}
const oldKey = edKey(1);
const newKey = edKey(2);
const keys = `ssh-ed25519 ${oldKey.key} ann@old-laptop\nssh-ed25519 ${newKey.key} ann@laptop\n`;

async function put(rel, text, mode = 0o644) {
  const path = join(ROOT, rel);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  await chmod(path, mode);
}

before(async () => {
  await rm(ROOT, { recursive: true, force: true });
  await put('etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nann:x:1000:1000:Ann:/home/ann:/bin/bash\nbob:x:1001:1001:Bob:/home/bob:/bin/bash\n');
  await put('etc/group', 'root:x:0:\nsudo:x:27:ann\nann:x:1000:\nbob:x:1001:\n');
  await put('etc/shadow', 'root:!:19000:0:99999:7:::\nann:$y$j9T$a:19000:0:99999:7:::\nbob:$y$j9T$b:19000:0:99999:7:::\n', 0o640);
  await put('etc/sudoers', '%sudo ALL=(ALL:ALL) ALL\n', 0o440);
  await put('home/ann/.ssh/authorized_keys', keys, 0o600);
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('the sidebar', () => s.byTestId(testIds.navOffice));
});

after(async () => {
  await s?.end();
  await rm(ROOT, { recursive: true, force: true });
});

const line = (id) => `[data-testid="${testIds.accessLine}"][data-id="${id}"]`;
const carryOut = (id) => `[data-testid="${testIds.accessRemoval}"][data-id="${id}"] [data-testid="${testIds.accessCarryOut}"]`;
const oldKeyLine = `key:ann:${oldKey.fingerprint}`;
const removals = { 'account:bob': 'left the office in May', [oldKeyLine]: 'the old laptop was sold' };

describe('Office', () => {
  step('an access review lists the people, their rights and the dormant account', async () => {
    await openScreen(s, testIds.navOffice, 'Office');
    await s.waitFor('no review yet', () => s.byTestId(testIds.accessLast));
    assert.deepEqual(await axeViolations(s), []);
    await (await s.byTestId(testIds.accessStart)).click();
    await s.waitFor('the review', () => s.byTestId(testIds.accessProgress), 30000);
    const ann = await s.find(line('admin:ann:It is in the sudo group.'));
    assert.match(await ann.text(), /ann may act as administrator/);
    assert.match(await (await s.find(line('account:bob'))).text(), /not used for 45 days or more/);
    assert.deepEqual(await axeViolations(s), []);
  });

  step('each line is decided, a removal with its reason, and the review is signed off and saved', async () => {
    const rows = await s.findAll(`[data-testid="${testIds.accessLine}"]`);
    const ids = [];
    for (const r of rows) ids.push(await r.attribute('data-id'));
    for (const id of ids) {
      if (removals[id]) {
        await (await s.find(`${line(id)} [data-testid="${testIds.accessRemove}"]`)).click();
        const reason = await s.byTestId(testIds.accessReason);
        await reason.type(removals[id]);
        await (await s.byTestId(testIds.accessReasonSave)).click();
      } else {
        await (await s.find(`${line(id)} [data-testid="${testIds.accessKeep}"]`)).click();
      }
      await s.waitFor(`${id} decided`, async () => (await (await s.find(line(id))).attribute('data-decision')) !== '');
    }
    assert.equal(await (await s.byTestId(testIds.accessProgress)).attribute('data-left'), '0');
    await (await s.byTestId(testIds.accessSigner)).type('Maria Rossi');
    await (await s.byTestId(testIds.accessSignOff)).click();
    const past = await s.waitFor('the signed review', () => s.byTestId(testIds.accessPast), 30000);
    assert.match(await past.text(), /signed off by Maria Rossi/);

    await (await s.byTestId(testIds.accessExport)).click();
    await s.waitFor('the save dialog', () => s.byTestId(testIds.recordDialog));
    const csv = join(ROOT, '..', 'access-review.csv');
    await s.execute(
      `const f = document.querySelector('[data-testid="${testIds.recordFormat}"]');
       f.value = 'csv'; f.dispatchEvent(new Event('change', { bubbles: true })); return true;`,
    );
    const path = await s.byTestId(testIds.recordPath);
    await path.clear();
    await path.type(csv);
    await (await s.byTestId(testIds.recordSave)).click();
    await s.waitFor('saved', () => s.byTestId(testIds.recordDone), 30000);
    const table = await readFile(csv, 'utf8');
    assert.match(table, /account:bob,bob,account,.*Remove,left the office in May,.*Maria Rossi/);
    await (await s.byTestId(testIds.recordClose)).click();
    const { stdout } = await run(CLI, ['--data-dir', DATA, 'access', 'history', '--json']);
    assert.equal(JSON.parse(stdout)[0].signed.name, 'Maria Rossi');
    await rm(csv, { force: true });
  });

  step('the removal decided is carried out after its preview: the account is locked', async () => {
    await (await s.find(carryOut('account:bob'))).click();
    const confirm = await s.waitFor('the preview', () => s.byTestId(testIds.accessRemoveConfirm), 30000);
    assert.match(await (await s.byTestId(testIds.accessRemoveDialog)).text(), /etc\/shadow/);
    assert.deepEqual(await axeViolations(s), []);
    await confirm.click();
    await s.waitFor('removed', () => s.byTestId(testIds.accessRemoved), 30000);
    const bob = (await readFile(join(ROOT, 'etc/shadow'), 'utf8')).split('\n').find((l) => l.startsWith('bob:'));
    assert.match(bob, /^bob:!\$y\$j9T\$b:19000:0:99999:7::1:$/);
  });

  step('the old key decided remove is taken out of its file after its preview, the other kept', async () => {
    await (await s.byTestId(testIds.accessRemoveClose)).click();
    await (await s.find(carryOut(oldKeyLine))).click();
    const confirm = await s.waitFor('the preview', () => s.byTestId(testIds.accessRemoveConfirm), 30000);
    assert.match(await (await s.byTestId(testIds.accessRemoveDialog)).text(), /home\/ann\/\.ssh\/authorized_keys/);
    await confirm.click();
    await s.waitFor('removed', () => s.byTestId(testIds.accessRemoved), 30000);
    const left = await readFile(join(ROOT, 'home/ann/.ssh/authorized_keys'), 'utf8');
    assert.equal(left, `ssh-ed25519 ${newKey.key} ann@laptop\n`);
  });

  step('an incident is opened, held with a reminder, resolved with what would stop it again, and closed', async () => {
    await (await s.byTestId(testIds.accessRemoveClose)).click();
    await (await s.byTestId(testIds.incidentNew)).click();
    await (await s.waitFor('the form', () => s.byTestId(testIds.incidentTitle))).type('The print server stopped');
    await (await s.byTestId(testIds.incidentWhat)).type('Nobody could print this morning.');
    await (await s.byTestId(testIds.incidentCreate)).click();
    const dialog = await s.waitFor('the incident', () => s.byTestId(testIds.incidentDialog), 30000);
    assert.match(await dialog.text(), /Incident \d+: The print server stopped/);
    await (await s.byTestId(testIds.incidentHold)).click();
    await (await s.byTestId(testIds.incidentReason)).type('waiting for the vendor');
    await (await s.byTestId(testIds.incidentSave)).click();
    const held = async () => /reminder on \d{4}-\d{2}-\d{2}/.test(await (await s.byTestId(testIds.incidentDialog)).text());
    await s.waitFor('on hold with a reminder', held, 30000);
    await (await s.byTestId(testIds.incidentResolve)).click();
    await (await s.byTestId(testIds.incidentDone)).type('Restarted the print service.');
    await (await s.byTestId(testIds.incidentPrevention)).type('A weekly check of the print queue.');
    await (await s.byTestId(testIds.incidentSave)).click();
    const close = await s.waitFor('resolved', () => s.byTestId(testIds.incidentClose), 30000);
    assert.deepEqual(await axeViolations(s), []);
    await close.click();
    await s.waitFor('closed', () => s.byTestId(testIds.incidentReopen), 30000);
    // The timeline is read again after the move: its fourth line comes then.
    const events = await s.waitFor('the closing in the timeline', async () => {
      const all = await s.findAll(`[data-testid="${testIds.incidentEvent}"]`);
      return all.length === 4 ? all : null;
    });
    assert.equal(events.length, 4);
    assert.match(await events[2].text(), /To stop it happening again: A weekly check of the print queue\./);
    const { stdout } = await run(CLI, ['--data-dir', DATA, 'incident', 'list', '--status', 'closed', '--json']);
    assert.deepEqual(JSON.parse(stdout).map((t) => t.title), ['The print server stopped']);
    await (await s.byTestId(testIds.incidentDismiss)).click();
  });

  step('lists the software with the system’s support and the source of each end-of-life date', async () => {
    // The fixture system is a Debian 12 whose regular support ended (in
    // distro-info-data's dates) while Debian LTS goes on.
    const csv = 'version,codename,series,created,release,eol,eol-lts,eol-elts\n12,Bookworm,bookworm,2021-08-14,2023-06-10,2024-07-11,2099-06-30,2099-12-31\n';
    await put('etc/os-release', 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n');
    await put('usr/share/distro-info/debian.csv', csv);
    try {
      await openScreen(s, testIds.navOverview, 'Overview');
      await openScreen(s, testIds.navOffice, 'Office');
      const system = await s.waitFor('the system’s support', () => s.byTestId(testIds.softwareSystem), 60000);
      assert.match(await system.text(), /Debian 12 \(Bookworm\)'s regular security support ended on 2024-07-11\. Debian LTS gives security updates/);
      assert.equal(await system.attribute('data-level'), 'warning');
      assert.match(await (await s.byTestId(testIds.softwareSource)).text(), /endoflife\.date, snapshot of \d{4}-\d{2}-\d{2}/);
      assert.match(await (await s.byTestId(testIds.softwarePackages)).text(), /All \d+ installed packages/);
      assert.deepEqual(await axeViolations(s), []);
    } finally {
      await rm(join(ROOT, 'etc/os-release'), { force: true });
      await rm(join(ROOT, 'usr/share/distro-info'), { recursive: true, force: true });
    }
  });
});
