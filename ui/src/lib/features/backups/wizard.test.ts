import { AppError } from '../../ipc';
import { backupJobs, plan, repository } from './fixtures';
import {
  canCreate,
  canFinish,
  cleanPath,
  estimateWords,
  initialSetup,
  jobFor,
  pendingJobs,
  planKey,
  problemsOn,
  request,
  stepProblems,
  transition,
  type Setup,
  type SetupEvent,
} from './wizard';

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
    expect(request(s)).toEqual({ name: 'Office backup', folder: '/media/usb/backup', plan });
    expect(cleanPath('/')).toBe('/');
    expect(cleanPath('///')).toBe('/');
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
