import { AppError } from '../../ipc';
import { backupJobs, plan, repository } from './fixtures';
import {
  canConnect,
  canCreate,
  canFinish,
  connectRequest,
  cleanPath,
  estimateWords,
  hostChanged,
  hostTrusted,
  initialSetup,
  jobFor,
  pendingJobs,
  planKey,
  problemsOn,
  remoteLocation,
  remoteProblems,
  request,
  serverLocation,
  serverProblems,
  stepProblems,
  transition,
  type Remote,
  type Server,
  type Setup,
  type SetupEvent,
} from './wizard';
import type { BackupHostKey, BackupServer } from '../../ipc';

const refused = new AppError({ code: 'needs_admin', message: 'The password was not given.', hint: 'Try again.' });

function run(s: Setup, ...events: SetupEvent[]): Setup {
  return events.reduce(transition, s);
}

/** A wizard on step `step` with everything filled in right. */
function at(step: 1 | 2 | 3): Setup {
  let s = run(initialSetup([], []), { type: 'defaults', plan });
  s = { ...s, folder: '/var/backups/shipshape' };
  while (s.step < step) s = transition(s, { type: 'next' });
  return s;
}

const fields = (s: Setup, step: 1 | 2 | 3 | 4 = s.step) => problemsOn(s, step).map((p) => p.field);

describe('step 1: where and what name', () => {
  it('suggests a name, not a folder, and shows nothing wrong before Next', () => {
    const s = initialSetup([], []);
    expect(s).toMatchObject({ step: 1, name: 'Office backup', folder: '', backupAt: '01:30', testDay: 'sun', testAt: '03:00' });
    expect(stepProblems(s)).toEqual([]);
    expect(initialSetup(['Office backup'], []).name).toBe('');
  });

  it('stays with what is wrong: an empty name and no folder', () => {
    const s = run({ ...initialSetup([], []), name: '  ' }, { type: 'next' });
    expect(s.step).toBe(1);
    expect(s.tried).toBe(true);
    expect(stepProblems(s).map((p) => [p.field, p.message])).toEqual([
      ['name', 'Give this backup a name.'],
      ['folder', 'Say where to keep the backup.'],
    ]);
  });

  it('refuses a name taken already, whatever its case', () => {
    const s = { ...initialSetup(['Office backup'], []), name: 'office BACKUP', folder: '/srv/backup' };
    expect(problemsOn(s, 1).map((p) => p.message)).toEqual(['You have a backup called “office BACKUP” already.']);
  });

  it('refuses a relative folder path, and one climbing out with ..', () => {
    const relative = { ...initialSetup([], []), folder: 'backups' };
    expect(problemsOn(relative, 1)).toEqual([
      {
        field: 'folder',
        message: '“backups” is not a full path.',
        hint: 'A full path starts with /, for example /var/backups/shipshape.',
      },
    ]);
    expect(fields({ ...relative, folder: '/var/../tmp' })).toEqual(['folder']);
  });

  it('goes on with a name and a full path, tidied', () => {
    const s = run({ ...initialSetup([], []), folder: ' /media/usb/backup/ ' }, { type: 'defaults', plan }, { type: 'next' });
    expect(s.step).toBe(2);
    expect(request(s)).toEqual({ name: 'Office backup', folder: '/media/usb/backup', plan, trust: null });
    expect(cleanPath('/')).toBe('/');
    expect(cleanPath('///')).toBe('/');
  });
});

describe('step 1: another computer over SSH', () => {
  const nas: Remote = { user: 'backup', host: 'nas.local', port: '22', folder: '/srv/backups' };
  const fingerprint = 'SHA256:n4Yx0Q2c3m4V5b6N7m8K9j0H1g2F3d4S5a6P7o8I9u0';
  const key = (trusted: string | null = null): BackupHostKey => ({
    location: 'sftp:backup@nas.local:/srv/backups',
    fingerprint,
    trusted,
    root_key: 'restrict ssh-ed25519 AAAA root@front-desk',
    add_to: '~backup/.ssh/authorized_keys',
  });
  const remote = (r: Partial<Remote> = {}): Setup =>
    run(
      initialSetup([], []),
      { type: 'defaults', plan },
      { type: 'where', where: 'remote' },
      ...Object.entries({ ...nas, ...r }).map(([field, value]) => ({ type: 'remote', field, value }) as SetupEvent),
    );

  it('builds the sftp location, the port only when it is not 22', () => {
    expect(remoteLocation(nas)).toBe('sftp:backup@nas.local:/srv/backups');
    expect(remoteLocation({ ...nas, port: ' 2222 ', host: ' 192.168.1.20 ', folder: '/srv/backups/' })).toBe(
      'sftp:backup@192.168.1.20:2222:/srv/backups',
    );
    expect(remoteLocation({ ...nas, port: '0' })).toBeNull();
  });

  it('says what is wrong beside each field', () => {
    expect(remoteProblems({ user: '', host: '', port: '', folder: '' }).map((p) => [p.field, p.message])).toEqual([
      ['user', 'Say which account to use on the other computer.'],
      ['host', 'Say which computer keeps the backup.'],
      ['port', 'Say which port SSH listens on.'],
      ['remoteFolder', 'Say which folder on that computer keeps the backup.'],
    ]);
    const wrong = (r: Partial<Remote>) => remoteProblems({ ...nas, ...r }).map((p) => p.message);
    expect(wrong({ user: '-oProxyCommand=x' })).toEqual(['“-oProxyCommand=x” is not an account name.']);
    expect(wrong({ host: '-nas' })).toEqual(['“-nas” is not a computer\'s name or address.']);
    expect(wrong({ host: '[fe80::1]' })).toEqual(['“[fe80::1]” is not a computer\'s name or address.']);
    expect(wrong({ user: 'b ob' })).toEqual(['“b ob” has a space, a quote or a backslash.']);
    expect(wrong({ folder: "/srv/it's" })).toEqual(['“/srv/it\'s” has a space, a quote or a backslash.']);
    expect(wrong({ host: 'nas"local' })).toEqual(['“nas"local” has a space, a quote or a backslash.']);
    expect(wrong({ port: '65536' })).toEqual(['“65536” is not a port number.']);
    expect(wrong({ port: '22a' })).toEqual(['“22a” is not a port number.']);
    expect(wrong({ port: '65535' })).toEqual([]);
    expect(wrong({ folder: 'srv/backups' })).toEqual(['“srv/backups” is not a full path.']);
    expect(wrong({ folder: '/srv/../etc' })).toEqual(['“/srv/../etc” climbs out of a folder with “..”.']);
    expect(wrong({ folder: '/' })).toEqual(['/ itself cannot keep a backup.']);
  });

  it('checks the computer only when its fields are right, and goes on once the fingerprint is confirmed', () => {
    const bad = transition(remote({ port: 'ssh' }), { type: 'checking' });
    expect(bad).toMatchObject({ checking: null, tried: true });
    expect(fields(bad)).toEqual(['port']);

    let s = transition(remote(), { type: 'next' });
    expect(s.step).toBe(1);
    expect(fields(s)).toEqual(['hostKey']);
    s = transition(s, { type: 'checking' });
    expect(s.checking).toBe('sftp:backup@nas.local:/srv/backups');
    expect(stepProblems(s).map((p) => p.message)).toEqual(['Shipshape is still checking the computer.']);
    s = transition(s, { type: 'hostKey', to: 'sftp:backup@nas.local:/srv/backups', key: key() });
    expect(s).toMatchObject({ checking: null, hostKey: key() });
    expect(fields(s)).toEqual(['hostConfirmed']);
    s = run({ ...s, hostConfirmed: true }, { type: 'next' });
    expect(s.step).toBe(2);
    expect(request(s)).toEqual({ name: 'Office backup', folder: 'sftp:backup@nas.local:/srv/backups', plan, trust: fingerprint });
  });

  it('forgets the check when a field or the choice changes, and ignores a late answer', () => {
    const checked = { ...run(remote(), { type: 'checking' }), hostKey: key(), checking: null, hostConfirmed: true };
    expect(transition(checked, { type: 'remote', field: 'folder', value: '/srv/other' })).toMatchObject({
      hostKey: null,
      hostConfirmed: false,
      remote: { ...nas, folder: '/srv/other' },
    });
    expect(transition(checked, { type: 'where', where: 'local' })).toMatchObject({ where: 'local', hostKey: null });
    const asked = transition(remote(), { type: 'checking' });
    const edited = transition(asked, { type: 'remote', field: 'user', value: 'ann' });
    expect(edited.checking).toBeNull();
    expect(transition(edited, { type: 'hostKey', to: asked.checking!, key: key() }).hostKey).toBeNull();
    expect(transition(edited, { type: 'checkFailed', to: asked.checking!, error: refused }).checkError).toBeNull();
    expect(transition(asked, { type: 'checkFailed', to: asked.checking!, error: refused })).toMatchObject({
      checking: null,
      checkError: refused,
    });
  });

  it('needs no confirmation for a computer trusted already, and tells a changed identity', () => {
    expect(hostTrusted(key(fingerprint))).toBe(true);
    expect(hostChanged(key(fingerprint))).toBe(false);
    expect(hostChanged(key(null))).toBe(false);
    expect(hostChanged(key('SHA256:old'))).toBe(true);
    const s = { ...run(remote(), { type: 'checking' }), checking: null, hostKey: key(fingerprint) };
    expect(problemsOn(s, 1)).toEqual([]);
    expect(transition({ ...s, hostKey: key('SHA256:old') }, { type: 'next' }).step).toBe(1);
  });

  it('does not check the backup folder against what is backed up, it is on another computer', () => {
    const s = { ...remote({ folder: '/home/backup' }), hostKey: key(fingerprint) };
    expect(problemsOn(s, 2)).toEqual([]);
  });

  it('passes no fingerprint for a folder on this computer', () => {
    expect(request(at(2))?.trust).toBeNull();
  });
});

describe('step 1: a restic REST server', () => {
  const fingerprint = '25:7B:32:96:A6:A6:FA:E0:50:A3:2E:00:02:41:0A:B7:1A:59:3A:02:06:4B:F0:FF:D9:19:F9:6B:6B:F3:D1:D8';
  const good: Server = { address: 'https://NAS.local:8000/', user: 'office', password: '', folder: '/office/' };
  const to = 'rest:https://office@NAS.local:8000/office';
  const info = (over: Partial<BackupServer> = {}): BackupServer => ({
    location: to,
    encrypted: true,
    fingerprint,
    trusted: null,
    user: 'office',
    login_kept: false,
    ready: false,
    has_backup: false,
    ...over,
  });
  const onServer = (server: Server = good): Setup =>
    run(initialSetup([], []), { type: 'defaults', plan }, { type: 'where', where: 'server' }, ...(Object.keys(server) as (keyof Server)[]).map((field) => ({ type: 'serverField' as const, field, value: server[field] })));

  it('builds the rest location from the fields, the account only when given', () => {
    expect(serverLocation(good)).toBe(to);
    expect(serverLocation({ ...good, user: '', address: 'http://10.0.0.9' })).toBe('rest:http://10.0.0.9/office');
    expect(serverLocation({ ...good, folder: 'a/b' })).toBe('rest:https://office@NAS.local:8000/a/b');
  });

  it('says what is wrong beside each field', () => {
    const wrong = (server: Partial<Server>) => serverProblems({ ...good, ...server }).map((p) => [p.field, p.message]);
    expect(wrong({ address: '' })).toEqual([['serverAddress', 'Say which server keeps the backup.']]);
    expect(wrong({ address: 'nas.local:8000' })[0][1]).toContain('is not a server');
    expect(wrong({ address: 'ftp://nas' })[0][1]).toContain('is not a server');
    expect(wrong({ address: 'https://office:pw@nas' })[0][1]).toContain('has an account or a password in it');
    expect(wrong({ address: 'https://-nas:8000' })[0][1]).toContain("is not a server's name");
    expect(wrong({ address: 'https://nas:99999' })[0][1]).toContain('is not a port number');
    expect(wrong({ user: '-o' })[0][0]).toBe('serverUser');
    expect(wrong({ folder: '../etc' })[0][0]).toBe('serverFolder');
    expect(wrong({ folder: '' })[0][1]).toBe('Say which folder on the server keeps the backup.');
    expect(wrong({ user: '' })).toEqual([]);
  });

  it('checks, needs the certificate confirmed and the password typed, connects, then goes on', () => {
    let s = onServer();
    expect(fields(s)).toEqual(['serverReady']);
    s = run(s, { type: 'checking' });
    expect(s.checking).toBe(to);
    expect(fields(s)).toEqual(['serverReady']);
    s = run(s, { type: 'server', to, info: info() });
    expect(fields(s)).toEqual(['serverConfirmed']);
    expect(canConnect(s)).toBe(false);
    s = { ...s, hostConfirmed: true };
    expect(fields(s)).toEqual(['serverPassword']);
    expect(canConnect(s)).toBe(false);
    s = run(s, { type: 'serverField', field: 'password', value: 's3cr:t' });
    expect(s.hostConfirmed).toBe(true);
    expect(fields(s)).toEqual(['serverReady']);
    expect(canConnect(s)).toBe(true);
    expect(connectRequest(s)).toEqual({ to, trust: fingerprint, password: 's3cr:t' });
    s = run(s, { type: 'connecting' });
    expect([s.checking, s.connecting]).toEqual([to, true]);
    // A refusal keeps what was looked at, with the reason.
    s = run(s, { type: 'checkFailed', to, error: refused });
    expect([s.checking, s.connecting, s.checkError, s.serverInfo?.fingerprint]).toEqual([null, false, refused, fingerprint]);
    s = run(s, { type: 'connecting' }, { type: 'server', to, info: info({ trusted: fingerprint, login_kept: true, ready: true }) });
    expect(s.server.password).toBe('');
    expect(fields(s)).toEqual([]);
    s = run(s, { type: 'next' });
    expect(s.step).toBe(2);
    expect(fields(s)).toEqual([]);
    expect(request(s)).toEqual({ name: 'Office backup', folder: to, plan, trust: null });
  });

  it('forgets the check when a field changes but not the password, and ignores a late answer', () => {
    let s = run(onServer(), { type: 'checking' }, { type: 'server', to, info: info() });
    s = run(s, { type: 'serverField', field: 'password', value: 'x' });
    expect(s.serverInfo).not.toBeNull();
    s = run(s, { type: 'serverField', field: 'folder', value: 'other' });
    expect(s.serverInfo).toBeNull();
    s = run(s, { type: 'server', to, info: info() });
    expect(s.serverInfo).toBeNull();
    expect(request(s)).toBeNull();
  });

  it('asks nothing for a trusted certificate or a server without encryption, and refuses a folder holding a backup', () => {
    let s = run(onServer(), { type: 'checking' }, { type: 'server', to, info: info({ trusted: fingerprint, login_kept: true }) });
    expect(canConnect(s)).toBe(true);
    expect(connectRequest(s)).toEqual({ to, trust: null, password: null });
    const plain = { ...good, address: 'http://nas.local:8000' };
    const plainTo = 'rest:http://office@nas.local:8000/office';
    s = run(onServer(plain), { type: 'checking' }, { type: 'server', to: plainTo, info: info({ encrypted: false, fingerprint: null, login_kept: true }) });
    expect(fields(s)).toEqual(['serverReady']);
    s = run(s, { type: 'connecting' }, { type: 'server', to: plainTo, info: info({ encrypted: false, fingerprint: null, ready: true, has_backup: true }) });
    expect(problemsOn(s, 1).map((p) => [p.field, p.message])).toEqual([['serverFolder', 'There is a backup in that folder on the server already.']]);
  });
});

describe('step 2: what to back up', () => {
  it('waits for the suggested plan before going on', () => {
    const s = run({ ...initialSetup([], []), folder: '/srv/backup' }, { type: 'next' }, { type: 'next' });
    expect(s.step).toBe(2);
    expect(s.plan).toBeNull();
    const failed = transition(s, { type: 'defaultsFailed', error: refused });
    expect(failed.defaultsError).toBe(refused);
    const loaded = transition(failed, { type: 'defaults', plan });
    expect(loaded).toMatchObject({ plan, defaultsError: null });
    // A late answer never replaces what was changed meanwhile.
    const changed = transition(loaded, { type: 'removePath', path: '/etc' });
    expect(transition(changed, { type: 'defaults', plan }).plan?.paths).toEqual(['/home']);
  });

  it('refuses to go on with no folder chosen', () => {
    let s = run(at(2), { type: 'removePath', path: '/home' }, { type: 'removePath', path: '/etc' }, { type: 'next' });
    expect(s.step).toBe(2);
    expect(stepProblems(s).map((p) => p.message)).toEqual(['Choose at least one folder to back up.']);
    s = run({ ...s, newPath: '/srv/shared' }, { type: 'addPath' }, { type: 'next' });
    expect(s.step).toBe(3);
  });

  it('adds full paths only, once each, and says why not', () => {
    let s = run({ ...at(2), newPath: 'Documents' }, { type: 'addPath' });
    expect(s.addProblem).toMatchObject({ field: 'path', message: '“Documents” is not a full path.' });
    expect(s.plan?.paths).toEqual(['/home', '/etc']);
    expect(s.newPath).toBe('Documents');
    s = run({ ...s, newPath: '/home/' }, { type: 'addPath' });
    expect(s.addProblem?.message).toBe('/home is in the list already.');
    s = run({ ...s, newPath: '' }, { type: 'addPath' });
    expect(s.addProblem?.message).toBe('Type the full path of a folder first.');
    s = run({ ...s, newPath: ' /srv/shared ' }, { type: 'addPath' });
    expect(s).toMatchObject({ newPath: '', addProblem: null });
    expect(s.plan?.paths).toEqual(['/home', '/etc', '/srv/shared']);
  });

  it('adds and removes what is left out', () => {
    let s = run({ ...at(2), newExclude: '*.iso' }, { type: 'addExclude' });
    expect(s.plan?.excludes).toEqual([...plan.excludes, '*.iso']);
    s = run({ ...s, newExclude: '*.iso' }, { type: 'addExclude' });
    expect(s.addProblem?.message).toBe('*.iso is left out already.');
    s = run(s, { type: 'removeExclude', pattern: 'node_modules' });
    expect(s.plan?.excludes).toEqual(['.cache', '.local/share/Trash', '*.iso']);
    // /etc and the package list before updates: on unless turned off.
    expect(s.plan?.before_updates).toBe(true);
    s = run(s, { type: 'beforeUpdates', on: false });
    expect(s.plan?.before_updates).toBe(false);
    expect(s.plan?.excludes).toHaveLength(3);
  });

  it('refuses a backup folder inside what it backs up, unless it is left out', () => {
    let s = { ...at(2), folder: '/home/backup' };
    expect(problemsOn(s, 2)[0].message).toBe(
      'The backup folder /home/backup is inside /home, which is backed up: the backup would copy itself.',
    );
    s = run({ ...s, newExclude: '/home/backup' }, { type: 'addExclude' });
    expect(problemsOn(s, 2)).toEqual([]);
    s = { ...at(2), plan: { ...plan, paths: ['/'] } };
    expect(fields(s, 2)).toEqual(['paths']);
  });

  it('goes back without losing anything', () => {
    const s = run({ ...at(2), newPath: '/srv' }, { type: 'addPath' }, { type: 'back' });
    expect(s.step).toBe(1);
    expect(transition(s, { type: 'next' }).plan?.paths).toContain('/srv');
  });
});

describe('step 3: how often, then making it', () => {
  it('adds a daily backup and a weekly restore test', () => {
    const s = { ...at(3), backupAt: '2:15', testDay: 'sat' as const, testAt: '04:00' };
    expect(pendingJobs(s).map((p) => p.change)).toEqual([
      { kind: 'add', job: { kind: 'backup', recurrence: { every: 'day', at: '02:15' }, window: null, restart: 'never', paused: false } },
      {
        kind: 'add',
        job: {
          kind: 'restore_test',
          recurrence: { every: 'week', days: ['sat'], at: '04:00' },
          window: null,
          restart: 'never',
          paused: false,
        },
      },
    ]);
    expect(jobFor(s, 'backup').recurrence).toEqual({ every: 'day', at: '02:15' });
  });

  it('keeps the jobs scheduled already instead of adding them again', () => {
    const [job] = backupJobs();
    const s = { ...initialSetup([], [job]), step: 3 as const, backupAt: 'not a time' };
    expect(s.existing).toEqual({ backup: 'Back up files: every day at 01:30', restore_test: null });
    expect(pendingJobs(s).map((p) => p.kind)).toEqual(['restore_test']);
    // The time of a job not added is not checked.
    expect(problemsOn(s, 3)).toEqual([]);
  });

  it('says which time is not a time of day, and makes nothing', () => {
    const s = run({ ...at(3), backupAt: '25:00', testAt: 'noon' }, { type: 'working' });
    expect(s.working).toBe(false);
    expect(stepProblems(s).map((p) => [p.field, p.message])).toEqual([
      ['backupAt', '“25:00” is not a time of day.'],
      ['testAt', '“noon” is not a time of day.'],
    ]);
  });

  it('makes the backup, schedules it, then shows the password', () => {
    let s = at(3);
    expect(canCreate(s)).toBe(true);
    s = transition(s, { type: 'working' });
    expect(s.working).toBe(true);
    expect(transition(s, { type: 'back' }).step).toBe(3);
    s = run(
      s,
      { type: 'created', repository: repository() },
      { type: 'scheduled', kind: 'backup' },
      { type: 'scheduled', kind: 'restore_test' },
      { type: 'settled' },
    );
    expect(s).toMatchObject({ step: 4, working: false, scheduled: ['backup', 'restore_test'], scheduleError: null });
    expect(pendingJobs(s)).toEqual([]);
    // The backup is made: there is no going back.
    expect(transition(s, { type: 'back' }).step).toBe(4);
  });

  it('stays on step 3 with the reason when the backup was not made', () => {
    const s = run(at(3), { type: 'working' }, { type: 'failed', error: refused }, { type: 'settled' });
    expect(s).toMatchObject({ step: 3, working: false, repository: null, error: refused });
    expect(canCreate(s)).toBe(true);
    expect(transition(s, { type: 'back' }).error).toBeNull();
  });

  it('goes on to the password when the backup was made but not scheduled, and schedules the rest again', () => {
    let s = run(
      at(3),
      { type: 'working' },
      { type: 'created', repository: repository() },
      { type: 'scheduled', kind: 'backup' },
      { type: 'scheduleFailed', error: refused },
      { type: 'settled' },
    );
    expect(s).toMatchObject({ step: 4, scheduleError: refused });
    expect(pendingJobs(s).map((p) => p.kind)).toEqual(['restore_test']);
    s = transition(s, { type: 'working' });
    expect(s).toMatchObject({ working: true, scheduleError: null });
    s = run(s, { type: 'scheduled', kind: 'restore_test' }, { type: 'settled' });
    expect(s).toMatchObject({ step: 4, working: false, scheduled: ['backup', 'restore_test'] });
  });
});

describe('step 4: the password', () => {
  it('finishes only once the recovery sheet is printed or saved', () => {
    let s = run(at(3), { type: 'working' }, { type: 'created', repository: repository() }, { type: 'settled' });
    expect(canFinish(s)).toBe(false);
    s = { ...s, sheetKept: true };
    expect(canFinish(s)).toBe(true);
  });
});

describe('the size estimate', () => {
  it('says how many files, how big, and what could not be counted', () => {
    expect(estimateWords({ files: 48213, bytes: 2.5 * 1024 ** 3, unreadable: 0 })).toBe('About 48,213 files, 2.5 GB.');
    expect(estimateWords({ files: 1, bytes: 10, unreadable: 1 })).toBe(
      'About 1 file, 10 B. 1 file could not be read while counting, so the backup may be larger.',
    );
  });

  it('tells a changed plan from the one estimated', () => {
    expect(planKey(plan)).toBe(planKey({ ...plan, retention: { daily: 1, weekly: 1, monthly: 1 } }));
    expect(planKey(plan)).not.toBe(planKey({ ...plan, paths: ['/home'] }));
  });
});
