import type { JobStatus } from '../../ipc';
import { backupJobs, backupRun, failing, healthy, hoursAgo, partial, repository, restoreTest, stale } from './fixtures';
import {
  allowedAgeMs,
  lateSentence,
  longestGapDays,
  newestCopy,
  newestFirst,
  outcomeWords,
  retentionWords,
  runFigures,
  verdict,
  worst,
} from './labels';

const DAY = 86_400_000;
const NOW = new Date();
const daily = 2 * DAY;

describe('verdict', () => {
  it('says when the newest copy was made, its size and the restore test, in one sentence', () => {
    const v = verdict(healthy, daily, NOW);
    expect(v.sentence).toBe('Backed up 3 hours ago, 2.1 GB; restore test passed yesterday.');
    expect(v).toMatchObject({ level: 'good', words: 'Backed up', late: false, newest: healthy.snapshots[1].time });
  });

  it('is red when the last backup failed, and says how old the newest copy is', () => {
    const v = verdict(failing, daily, NOW);
    expect(v).toMatchObject({ level: 'danger', words: 'Backup failed', late: false });
    expect(v.sentence).toBe(
      'The last backup failed 2 hours ago; the newest copy was made yesterday; restore test passed yesterday.',
    );
  });

  it('is red when the restore test failed, though the backup worked', () => {
    const v = verdict({ ...healthy, last_test: restoreTest({ id: 5, outcome: 'failed' }) }, daily, NOW);
    expect(v).toMatchObject({ level: 'danger', words: 'Restore test failed' });
    expect(v.sentence).toBe('Backed up 3 hours ago, 2.1 GB; restore test failed yesterday.');
  });

  it('names the failed backup first when both failed', () => {
    const v = verdict({ ...failing, last_test: restoreTest({ id: 5, outcome: 'failed' }) }, daily, NOW);
    expect(v.words).toBe('Backup failed');
  });

  it('is amber when the newest copy is older than the schedule allows', () => {
    const v = verdict(stale, daily, NOW);
    expect(v).toMatchObject({ level: 'warning', words: 'Out of date', late: true });
    expect(v.sentence).toBe('Last backed up 3 days ago, 2.1 GB; restore test passed 2 days ago.');
    // A weekly schedule allows it.
    expect(verdict(stale, 8 * DAY, NOW)).toMatchObject({ level: 'good', late: false });
  });

  it('is amber when files could not be read, and counts them', () => {
    const v = verdict(partial, daily, NOW);
    expect(v).toMatchObject({ level: 'warning', words: 'Some files missed' });
    expect(v.sentence).toBe('Backed up 3 hours ago, 2.1 GB, but 2 files could not be read; restore test passed yesterday.');
  });

  it('waits calmly for the first copy of a new backup, and is amber once it is late', () => {
    const fresh = { repository: repository({ created: hoursAgo(5) }), snapshots: [], last_backup: null, last_test: null };
    expect(verdict(fresh, daily, NOW)).toMatchObject({
      level: 'neutral',
      words: 'Waiting for the first backup',
      sentence: 'Not backed up yet; restore not tested yet.',
      newest: null,
      late: false,
    });
    const old = { ...fresh, repository: repository({ created: hoursAgo(24 * 5) }) };
    expect(verdict(old, daily, NOW)).toMatchObject({ level: 'warning', words: 'No copy yet', late: true });
  });

  it('says a cancelled first backup made no copy, and leaves out the size of a cancelled run', () => {
    const cancelled = backupRun({ id: 3, outcome: 'cancelled', finished: hoursAgo(1) });
    const fresh = { repository: repository({ created: hoursAgo(5) }), snapshots: [], last_backup: cancelled, last_test: null };
    expect(verdict(fresh, daily, NOW).sentence).toBe('The first backup was cancelled 1 hour ago; restore not tested yet.');
    expect(verdict({ ...healthy, last_backup: cancelled }, daily, NOW).sentence).toBe(
      'Backed up 3 hours ago; restore test passed yesterday.',
    );
  });
});

describe('newest copy', () => {
  it('is the newest snapshot, or the newest backup that made one', () => {
    expect(newestCopy(healthy)).toBe(healthy.snapshots[1].time);
    const run = backupRun({ id: 1, finished: hoursAgo(1) });
    expect(newestCopy({ ...healthy, last_backup: run })).toBe(run.finished);
    expect(newestCopy(failing)).toBe(failing.snapshots[0].time);
    expect(newestCopy({ ...failing, snapshots: [] })).toBeNull();
  });

  it('lists copies newest first', () => {
    expect(newestFirst(healthy.snapshots).map((s) => s.short_id)).toEqual(['a1b2c3d4', 'f00dcafe']);
  });
});

describe('how old a copy may be', () => {
  it('takes the longest wait between runs', () => {
    expect(longestGapDays({ every: 'day', at: '01:30' })).toBe(1);
    expect(longestGapDays({ every: 'week', days: ['mon', 'thu'], at: '01:30' })).toBe(4);
    expect(longestGapDays({ every: 'week', days: ['sun'], at: '01:30' })).toBe(7);
    expect(longestGapDays({ every: 'week', days: ['Monday', 'wed'], at: '01:30' })).toBe(5);
    expect(longestGapDays({ every: 'week', days: [], at: '01:30' })).toBe(7);
    expect(longestGapDays({ every: 'month', day: 1, at: '01:30' })).toBe(31);
  });

  it('allows a day more than the backup schedule, and a daily backup without one', () => {
    expect(allowedAgeMs(null)).toBe(2 * DAY);
    expect(allowedAgeMs([])).toBe(2 * DAY);
    expect(allowedAgeMs(backupJobs())).toBe(2 * DAY);
    const [job, test] = backupJobs();
    const weekly: JobStatus = { ...job, job: { ...job.job!, recurrence: { every: 'week', days: ['fri'], at: '18:00' } } };
    expect(allowedAgeMs([test, weekly])).toBe(8 * DAY);
    const paused: JobStatus = { ...weekly, job: { ...weekly.job!, paused: true } };
    expect(allowedAgeMs([paused])).toBe(2 * DAY);
  });
});

describe('late backups, for the Overview', () => {
  it('says nothing when every backup is on time', () => {
    expect(lateSentence([healthy, failing], daily, NOW)).toBeNull();
  });

  it('names a late backup and when it last made a copy', () => {
    expect(lateSentence([healthy, stale], daily, NOW)).toBe(
      'Office backup was last backed up 3 days ago, longer ago than its schedule allows.',
    );
    const never = { repository: repository({ name: 'Shared', created: hoursAgo(24 * 4) }), snapshots: [], last_backup: null, last_test: null };
    expect(lateSentence([never], daily, NOW)).toBe('Shared has made no copy since it was set up 4 days ago.');
    expect(lateSentence([stale, never], daily, NOW)).toBe(
      '2 backups are older than their schedule allows: Office backup and Shared.',
    );
  });
});

describe('the backup needing attention most', () => {
  it('ranks red over amber over the rest, keeping the first of equals', () => {
    expect(worst([], daily, NOW)).toBeNull();
    expect(worst([healthy, stale, failing], daily, NOW)?.status).toBe(failing);
    expect(worst([healthy, { ...healthy, repository: repository({ name: 'Second' }) }], daily, NOW)?.status).toBe(healthy);
  });
});

describe('runs in words', () => {
  it('says how each run ended; a restore test passes or fails', () => {
    expect(outcomeWords('backup', 'done')).toEqual({ level: 'good', words: 'Done' });
    expect(outcomeWords('restore_test', 'done')).toEqual({ level: 'good', words: 'Passed' });
    expect(outcomeWords('backup', 'partial')).toEqual({ level: 'warning', words: 'Partly done' });
    expect(outcomeWords('restore_test', 'failed')).toEqual({ level: 'danger', words: 'Failed' });
    expect(outcomeWords('backup', 'cancelled')).toEqual({ level: 'neutral', words: 'Cancelled' });
  });

  it('gives a backup’s figures, and none for a run that copied nothing', () => {
    expect(runFigures(backupRun({ id: 1 }))).toBe('48,213 files, 2.1 GB, 120.0 MB of it new');
    expect(runFigures(failing.last_backup!)).toBe('');
    expect(runFigures(restoreTest({ id: 2 }))).toBe('');
  });

  it('says how many copies are kept', () => {
    expect(retentionWords({ daily: 7, weekly: 4, monthly: 12 })).toBe(
      'Keeps the last 7 daily, 4 weekly and 12 monthly copies, and removes older ones.',
    );
    expect(retentionWords({ daily: 14, weekly: 0, monthly: 0 })).toBe('Keeps the last 14 daily copies, and removes older ones.');
    expect(retentionWords({ daily: 0, weekly: 0, monthly: 0 })).toBe('Keeps every copy; none is removed.');
  });
});
