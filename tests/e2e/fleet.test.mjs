// End-to-end: the Computers screen in the real window. The test starts a
// real OpenSSH server on 127.0.0.1 (its own host key and authorized_keys;
// it answers only through `shipshape fleet serve`, with its own data
// folder). The computer is added by its address: the fingerprint shown is
// the one ssh-keygen gives for the server's key, the line shown goes into
// authorized_keys, and once confirmed the grid shows it reached with its
// report; "Check all now" asks it again. Then a package from the local
// signed archive (apt-archive.sh) is rolled out pilot first: that computer
// installs it for real with apt, its part shows done and healthy, and the
// roll-out is rolled back, which removes it again; its plan is also
// written as an Ansible playbook from the same form. A deployment plan of
// two stages (the program's data, then the program) is rolled out from its
// file and rolled back whole. Last, a second
// server stands for a computer without Shipshape: from root's address,
// its one-hour setting-up line and a Shipshape package file built from
// this build's program, the console installs Shipshape there with the
// real apt, makes its own account, and the grid shows that account's
// computer reached. The servers are stopped by their pids; what the
// archive installed, the package and the account are taken away after.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';
import { testIds } from '../../ui/src/lib/testIds.js';
import { APP, CLI, DATA, WEBDRIVER, axeViolations, env, openScreen, run, stepper } from './harness.mjs';
import { Session } from './webdriver.mjs';

let s;
let sshd;
let bare;
let folder;
const step = stepper(() => s);
const PORT = 20000 + (process.pid % 20000);
/** The computer without Shipshape. */
const BARE_PORT = PORT + 1;
const ARCHIVE = join(dirname(fileURLToPath(import.meta.url)), 'apt-archive.sh');
/** In the archive's signed package list, never installed by it. */
const PACKAGE = 'shipshape-e2e-tool-app';

async function installed(name) {
  return run('dpkg-query', ['-W', '-f', '${Status} ${Version}', name])
    .then((r) => (r.stdout.startsWith('install ok installed') ? r.stdout.split(' ').pop() : null))
    .catch(() => null);
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** sshd on 127.0.0.1:`port` for `users`, its host key and config in `dir`. */
async function startSshd(dir, port, users, keys) {
  await mkdir(dir, { recursive: true });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${keys}`,
      'StrictModes no',
      `PidFile ${join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `AllowUsers ${users}`,
      'PermitRootLogin prohibit-password',
      '',
    ].join('\n'),
  );
  const server = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: 'ignore' });
  const started = Date.now();
  while (!(await listening(port))) {
    if (Date.now() - started > 20000) throw new Error('sshd never listened');
    await new Promise((r) => setTimeout(r, 100));
  }
  return server;
}

before(async () => {
  await run('bash', [ARCHIVE, 'make', dirname(env('SHIPSHAPE_APT_CONFIG'))]);
  folder = await mkdtemp(join(tmpdir(), 'shipshape-fleet-'));
  await mkdir(join(folder, 'data'), { recursive: true });
  await mkdir('/run/sshd', { recursive: true });
  await writeFile(join(folder, 'authorized_keys'), '');
  sshd = await startSshd(folder, PORT, 'root', join(folder, 'authorized_keys'));
  // Root's keys in bare/root_keys; the console's account's in its home.
  bare = await startSshd(join(folder, 'bare'), BARE_PORT, 'root shipshape-fleet', `${join(folder, 'bare')}/%u_keys .ssh/authorized_keys`);
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('the sidebar', () => s.byTestId(testIds.navFleet));
});

after(async () => {
  await s?.end();
  for (const server of [sshd, bare]) if (server?.pid) process.kill(server.pid, 'SIGTERM');
  await run('bash', [ARCHIVE, 'remove']);
  // What the set-up made: the console's account, its sudo rule, the package.
  // Only the test's own package: never a Shipshape installed here before.
  if ((await installed('shipshape')) === '0.0.1~e2e') {
    await run(CLI, ['fleet', 'prepare', '--remove']).catch(() => {});
    await run('dpkg', ['--purge', 'shipshape']).catch(() => {});
  }
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** Shipshape's package built from this build's program (stripped, as the
 * release's is); its path and SHA-256. */
async function shipshapePackage() {
  const script = `set -e; d="$1/pkg"; mkdir -p "$d/DEBIAN" "$d/usr/bin"
printf 'Package: shipshape\\nVersion: 0.0.1~e2e\\nArchitecture: %s\\nMaintainer: Shipshape tests <tests@example.invalid>\\nDescription: Shipshape, as the end-to-end test builds it\\n' "$(dpkg --print-architecture)" >"$d/DEBIAN/control"
objcopy --strip-debug "$2" "$d/usr/bin/shipshape"
dpkg-deb --root-owner-group -Zgzip -z1 -b "$d" "$1/shipshape_0.0.1~e2e.deb" >/dev/null
echo "$1/shipshape_0.0.1~e2e.deb"`;
  const file = (await run('bash', ['-c', script, 'package', folder, CLI])).stdout.trim();
  const { stdout } = await run('sha256sum', [file]);
  return { file, sha256: stdout.slice(0, 64) };
}

describe('Computers', () => {
  step('a computer is added once its fingerprint is confirmed, and the grid shows its report', async () => {
    await openScreen(s, testIds.navFleet, 'Computers');
    await (await s.waitFor('add', () => s.byTestId(testIds.fleetAdd))).click();
    await (await s.waitFor('the address', () => s.byTestId(testIds.fleetAddress))).type(`root@127.0.0.1:${PORT}`);
    await (await s.byTestId(testIds.fleetName)).type('Reception PC');
    await (await s.byTestId(testIds.fleetLook)).click();
    const shown = await s.waitFor('the fingerprint', () => s.byTestId(testIds.fleetFingerprint), 60000);
    const { stdout } = await run('ssh-keygen', ['-lf', join(folder, 'host_key.pub')]);
    assert.equal((await shown.text()).trim(), stdout.split(/\s+/)[1]);
    const line = (await (await s.byTestId(testIds.fleetKeyLine)).text()).trim();
    assert.match(line, /^restrict,command="shipshape fleet serve" ssh-ed25519 /);
    // Its own administrator's records, and apt reading the local archive.
    const settings = `SHIPSHAPE_APT_CONFIG=${env('SHIPSHAPE_APT_CONFIG')} SHIPSHAPE_STATE_DIR=${join(folder, 'state')}`;
    const mine = line.replace(
      'command="shipshape fleet serve"',
      `command="env ${settings} ${CLI} --data-dir ${join(folder, 'data')} fleet serve"`,
    );
    await writeFile(join(folder, 'authorized_keys'), `${mine}\n`);
    assert.deepEqual(await axeViolations(s), []);
    await (await s.byTestId(testIds.fleetSame)).click();
    await (await s.byTestId(testIds.fleetEnrol)).click();
    const row = await s.waitFor('the computer in the grid', () => s.byTestId(testIds.fleetRow), 120000);
    assert.equal(await row.attribute('data-reached'), 'Reached');
    assert.match(await row.text(), /Reception PC/);
    const cells = await s.findAll(`[data-testid="${testIds.fleetCell}"]`);
    assert.equal(cells.length, 7);
    assert.equal(await cells[0].attribute('data-column'), 'security');
    assert.match(await cells[0].text(), /Score \d+/);
    assert.deepEqual(await axeViolations(s), []);
  });

  step('"Check all now" asks every computer again', async () => {
    await (await s.byTestId(testIds.fleetCheck)).click();
    await s.waitFor('the check to end', () => s.byTestId(testIds.fleetCheck), 120000);
    const row = await s.byTestId(testIds.fleetRow);
    assert.equal(await row.attribute('data-reached'), 'Reached');
    const listed = JSON.parse((await run(CLI, ['--data-dir', DATA, 'fleet', 'list', '--json'])).stdout);
    assert.equal(listed.length, 1);
    assert.ok(listed[0].last_seen);
  });

  step("a computer's own screen is read from it", async () => {
    await (await s.byTestId(testIds.fleetDetailsOpen)).click();
    const dialog = await s.waitFor('its details', async () => {
      const d = await s.byTestId(testIds.fleetDetails);
      return d && /Security checks that need attention/.test(await d.text()) ? d : null;
    }, 120000);
    try {
      // One line for each finding its report counts, kept by the console.
      const shown = (await s.findAll(`[data-testid="${testIds.fleetDetailsFinding}"]`)).length;
      const listed = JSON.parse((await run(CLI, ['--data-dir', DATA, 'fleet', 'list', '--json'])).stdout);
      assert.equal(shown, listed[0].report.findings);
      assert.match(await dialog.text(), new RegExp(`Security checks that need attention \\(${shown}\\)`));
      assert.match(await dialog.text(), /Updates waiting \(\d+\)/);
      assert.deepEqual(await axeViolations(s), []);
    } finally {
      await (await s.find(`[data-testid="${testIds.fleetDetails}"] .actions button`)).click();
    }
  });

  step('a package is rolled out pilot first, then rolled back', async () => {
    assert.equal(await installed(PACKAGE), null);
    await (await s.waitFor('roll out', () => s.byTestId(testIds.rolloutNew))).click();
    await (await s.waitFor('the package', () => s.byTestId(testIds.rolloutPackage))).type(PACKAGE);
    await (await s.byTestId(testIds.rolloutPilot)).click();
    const waves = await s.byTestId(testIds.rolloutWaves);
    await waves.clear();
    await waves.type('100');
    // The same plan as an Ansible playbook first (folded under the form).
    await (await s.find(`[data-testid="${testIds.rolloutDialog}"] details summary`)).click();
    await (await s.byTestId(testIds.rolloutAnsibleFolder)).type(join(folder, 'ansible'));
    await (await s.byTestId(testIds.rolloutAnsibleWrite)).click();
    const written = await s.waitFor('the playbook written', () => s.byTestId(testIds.rolloutAnsibleWritten), 30000);
    assert.match(await written.text(), /ansible-playbook -i /);
    const playbook = await readFile(join(folder, 'ansible', 'playbook.yml'), 'utf8');
    assert.match(playbook, new RegExp(`ansible.builtin.raw: shipshape fleet apply package ${PACKAGE} --json`));
    assert.match(playbook, /max_fail_percentage: 0/);
    assert.deepEqual(await axeViolations(s), []);
    await (await s.byTestId(testIds.rolloutStart)).click();
    const item = await s.waitFor(
      'the roll-out done',
      async () => {
        const found = await s.byTestId(testIds.rolloutItem);
        return found && (await found.attribute('data-status')) === 'done' ? found : null;
      },
      180000,
    );
    assert.match(await item.text(), /Done/);
    assert.equal(await installed(PACKAGE), '2.0');
    const part = await s.byTestId(testIds.rolloutPart);
    assert.equal(await part.attribute('data-state'), 'done');
    assert.deepEqual(await axeViolations(s), []);

    await (await s.byTestId(testIds.rolloutRollback)).click();
    await s.waitFor(
      'the roll-out rolled back',
      async () => (await (await s.byTestId(testIds.rolloutItem))?.attribute('data-status')) === 'rolled_back',
      180000,
    );
    assert.equal(await installed(PACKAGE), null);
    const listed = JSON.parse((await run(CLI, ['--data-dir', DATA, 'fleet', 'status', '--json'])).stdout);
    assert.equal(listed.length, 1);
    assert.equal(listed[0].status, 'rolled_back');
  });

  step('a deployment plan of two stages is rolled out from its file, then rolled back', async () => {
    const plan = join(folder, 'plan.json');
    await writeFile(
      plan,
      JSON.stringify({
        name: 'Office tool 2.0',
        method: 'phased',
        approval: 'automatic',
        stages: [
          { name: 'Data', parts: [{ kind: 'package', name: `${PACKAGE}-data` }] },
          { name: 'Program', parts: [{ kind: 'package', name: PACKAGE }] },
        ],
        gates: [{ kind: 'no_new_alerts' }],
      }),
    );
    await (await s.waitFor('roll out', () => s.byTestId(testIds.rolloutNew))).click();
    await (await s.waitFor('the plan kind', () => s.byTestId(testIds.rolloutPlanKind))).click();
    await (await s.waitFor('the plan file', () => s.byTestId(testIds.rolloutPlanFile))).type(plan);
    await (await s.byTestId(testIds.rolloutPilot)).click();
    const waves = await s.byTestId(testIds.rolloutWaves);
    await waves.clear();
    await waves.type('100');
    assert.deepEqual(await axeViolations(s), []);
    await (await s.byTestId(testIds.rolloutStart)).click();
    const item = await s.waitFor(
      'the plan rolled out',
      async () => {
        const found = await s.byTestId(testIds.rolloutItem);
        return found && (await found.attribute('data-status')) === 'done' && /Office tool 2\.0/.test(await found.text()) ? found : null;
      },
      180000,
    );
    assert.match(await item.text(), /Carry out the plan “Office tool 2\.0” \(2 stages\)/);
    assert.equal(await installed(`${PACKAGE}-data`), '2.0');
    assert.equal(await installed(PACKAGE), '2.0');
    const listed = JSON.parse((await run(CLI, ['--data-dir', DATA, 'fleet', 'status', '--json'])).stdout);
    assert.equal(listed[0].rings[0].parts[0].runs.length, 2, JSON.stringify(listed[0]));

    await (await s.byTestId(testIds.rolloutRollback)).click();
    await s.waitFor(
      'the plan rolled back',
      async () => (await (await s.byTestId(testIds.rolloutItem))?.attribute('data-status')) === 'rolled_back',
      180000,
    );
    assert.equal(await installed(PACKAGE), null);
    assert.equal(await installed(`${PACKAGE}-data`), null);
  });

  step('Shipshape is set up from the console on a computer without it, and added as its own account', async () => {
    assert.equal(await installed('shipshape'), null, "Shipshape's package is installed here; the test would replace it");
    await assert.rejects(run('getent', ['passwd', 'shipshape-fleet']), 'this computer has a shipshape-fleet account; the test would take it away');
    const { file, sha256 } = await shipshapePackage();
    await (await s.byTestId(testIds.fleetAdd)).click();
    await (await s.waitFor('the address', () => s.byTestId(testIds.fleetAddress))).type(`root@127.0.0.1:${BARE_PORT}`);
    await (await s.byTestId(testIds.fleetName)).type('Back office PC');
    await (await s.byTestId(testIds.fleetLook)).click();
    const shown = await s.waitFor('the fingerprint', () => s.byTestId(testIds.fleetFingerprint), 60000);
    const { stdout } = await run('ssh-keygen', ['-lf', join(folder, 'bare', 'host_key.pub')]);
    assert.equal((await shown.text()).trim(), stdout.split(/\s+/)[1]);
    await (await s.find(`[data-testid="${testIds.fleetSetup}"] summary`)).click();
    const line = (await (await s.byTestId(testIds.fleetSetupLine)).text()).trim();
    assert.match(line, /^restrict,expiry-time="\d{12}Z" ssh-ed25519 /);
    await writeFile(join(folder, 'bare', 'root_keys'), `${line}\n`);
    await (await s.byTestId(testIds.fleetSetupPackage)).type(file);
    await (await s.byTestId(testIds.fleetSetupSha256)).type(sha256);
    await (await s.byTestId(testIds.fleetSame)).click();
    assert.deepEqual(await axeViolations(s), []);
    await (await s.byTestId(testIds.fleetSetUp)).click();
    const row = await s.waitFor(
      'the computer set up in the grid',
      async () => {
        const rows = await s.allByTestId(testIds.fleetRow);
        for (const r of rows) if (/Back office PC/.test(await r.text())) return r;
        return null;
      },
      240000,
    );
    assert.equal(await row.attribute('data-reached'), 'Reached');
    assert.equal(await installed('shipshape'), '0.0.1~e2e');
    const listed = JSON.parse((await run(CLI, ['--data-dir', DATA, 'fleet', 'list', '--json'])).stdout);
    assert.ok(listed.some((c) => c.address === `shipshape-fleet@127.0.0.1:${BARE_PORT}`), JSON.stringify(listed));
    const sudoers = await readFile('/etc/sudoers.d/shipshape-fleet', 'utf8');
    assert.match(sudoers, /shipshape-fleet ALL=\(root\) NOPASSWD: \/usr\/bin\/shipshape helper \*/);
  });
});
