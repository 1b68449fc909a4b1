// Backups, their copies and runs for the Backups screen's and the Overview's
// tests. Only tests import this file.
import type {
  BackupBoard,
  BackupEntry,
  BackupPlan,
  BackupRepository,
  BackupRun,
  BackupSnapshot,
  BackupStatus,
  JobStatus,
  RecoverySheet,
  Restored,
} from '../../ipc';

export const GiB = 1024 ** 3;

/**
 * One "now" for every fixture: a snapshot and the run that made it, both "3 hours ago", must be
 * the same instant, not a millisecond apart because they were built one after the other.
 */
const FIXTURES_MADE = new Date();

/** An ISO time `hours` hours before `from` (when the fixtures were made unless given). */
export function hoursAgo(hours: number, from = FIXTURES_MADE): string {
  return new Date(from.getTime() - hours * 3_600_000).toISOString();
}

export const plan: BackupPlan = {
  paths: ['/home', '/etc'],
  excludes: ['.cache', '.local/share/Trash', 'node_modules'],
  retention: { daily: 7, weekly: 4, monthly: 12 },
  before_updates: true,
};

export function repository(fields: Partial<BackupRepository> = {}): BackupRepository {
  const name = fields.name ?? 'Office backup';
  return {
    name,
    folder: '/var/backups/shipshape',
    password_name: `Backup: ${name}`,
    created: hoursAgo(24 * 30),
    plan,
    ...fields,
  };
}

export function snapshot(hours: number, id: string, paths = ['/etc', '/home']): BackupSnapshot {
  return {
    id: `${id}${'0'.repeat(64 - id.length)}`,
    short_id: id.slice(0, 8),
    time: hoursAgo(hours),
    paths,
    hostname: 'front-desk',
  };
}

export function backupRun(fields: Partial<BackupRun> & { id: number }): BackupRun {
  const finished = fields.finished ?? hoursAgo(3);
  return {
    repository: 'Office backup',
    kind: 'backup',
    started: finished,
    finished,
    outcome: 'done',
    message: 'The backup is saved: 48,213 files.',
    snapshot: 'a1b2c3d4e5f6',
    files: 48213,
    bytes: Math.round(2.1 * GiB),
    bytes_added: 120 * 1024 ** 2,
    unreadable: [],
    changed: [],
    ...fields,
  };
}

export function restoreTest(fields: Partial<BackupRun> & { id: number }): BackupRun {
  return backupRun({
    kind: 'restore_test',
    finished: hoursAgo(26),
    message: '10 files were restored and match what was backed up.',
    snapshot: null,
    files: 10,
    bytes: 5_000_000,
    bytes_added: 0,
    ...fields,
  });
}

/** Backed up 3 hours ago, 2.1 GB; restore test passed yesterday. */
export const healthy: BackupStatus = {
  repository: repository(),
  snapshots: [snapshot(27, 'f00dcafe'), snapshot(3, 'a1b2c3d4')],
  last_backup: backupRun({ id: 12 }),
  last_test: restoreTest({ id: 11 }),
};

/** The last backup failed 2 hours ago; the newest copy was made yesterday. */
export const failing: BackupStatus = {
  repository: repository({ name: 'Laptop backup', folder: '/media/backup/laptop' }),
  snapshots: [snapshot(26, 'beefbeef')],
  last_backup: backupRun({
    id: 22,
    repository: 'Laptop backup',
    finished: hoursAgo(2),
    outcome: 'failed',
    message: 'The backup disk is full.',
    snapshot: null,
    files: 0,
    bytes: 0,
    bytes_added: 0,
  }),
  last_test: restoreTest({ id: 21, repository: 'Laptop backup' }),
};

/** Last backed up 3 days ago. */
export const stale: BackupStatus = {
  repository: repository(),
  snapshots: [snapshot(72, 'c0ffee00')],
  last_backup: backupRun({ id: 31, finished: hoursAgo(72) }),
  last_test: restoreTest({ id: 30, finished: hoursAgo(70) }),
};

/** Backed up 3 hours ago, but 2 files could not be read. */
export const partial: BackupStatus = {
  ...healthy,
  last_backup: backupRun({
    id: 41,
    outcome: 'partial',
    message: 'The backup is saved, but 2 files could not be read.',
    unreadable: ['/home/anna/.ssh/id_ed25519: permission denied', '/home/ben/locked.db: file is locked'],
    changed: ['/home/anna/mail/inbox.sqlite'],
  }),
};

export const board = (backups: BackupStatus[], runs: BackupRun[] = []): BackupBoard => ({
  backups,
  runs,
  published: backups.length > 0 ? hoursAgo(1) : null,
});

export const emptyBoard: BackupBoard = { backups: [], runs: [], published: null };

export const sheet: RecoverySheet = {
  html: '<!doctype html><html><head><title>Recovery sheet</title></head><body><h1>Recovery sheet</h1></body></html>',
  password: 'canal-ripple-oyster-banjo-thirty-velvet-crisp',
};

/** The scheduled jobs a backup set up by the wizard has. */
export function backupJobs(): JobStatus[] {
  return [
    {
      id: 7,
      job: { kind: 'backup', recurrence: { every: 'day', at: '01:30' }, window: null, restart: 'never', paused: false },
      description: 'Back up files: every day at 01:30',
      next_run: hoursAgo(-10),
      last_run: null,
      missed: 0,
      waiting: null,
      attention: null,
    },
    {
      id: 8,
      job: {
        kind: 'restore_test',
        recurrence: { every: 'week', days: ['sun'], at: '03:00' },
        window: null,
        restart: 'never',
        paused: false,
      },
      description: 'Test restoring backups: every Sunday at 03:00',
      next_run: hoursAgo(-50),
      last_run: null,
      missed: 0,
      waiting: null,
      attention: null,
    },
  ];
}

/** A file (or, with `kind` "dir", a folder) in a copy, changed two days ago. */
export function entry(path: string, kind = 'file', size = 2048): BackupEntry {
  return { name: path.slice(path.lastIndexOf('/') + 1), path, kind, size: kind === 'dir' ? 0 : size, mtime: hoursAgo(48) };
}

/** What is in each folder of a copy of /etc and /home, in the order restic lists it. */
export const tree: Record<string, BackupEntry[]> = {
  '/': [entry('/home', 'dir'), entry('/etc', 'dir')],
  '/etc': [entry('/etc/hosts', 'file', 220)],
  '/home': [entry('/home/ann', 'dir')],
  '/home/ann': [
    entry('/home/ann/notes.txt', 'file', 1536),
    entry('/home/ann/Budget 10.ods', 'file', 48_000),
    entry('/home/ann/letters', 'dir'),
    entry('/home/ann/Budget 9.ods', 'file', 47_000),
    entry('/home/ann/.profile', 'symlink', 16),
  ],
  '/home/ann/letters': [entry('/home/ann/letters/offer.txt', 'file', 18_432)],
};

/** A restore that worked, as `backup_restore` answers. */
export function restored(fields: Partial<Restored> = {}): Restored {
  return {
    run: backupRun({
      id: 60,
      kind: 'restore',
      finished: new Date().toISOString(),
      message: '1 file was restored.',
      snapshot: null,
      files: 1,
      bytes: 18_432,
      bytes_added: 0,
    }),
    restored: '/home/ann/letters/offer.txt',
    kept: '/home/ann/letters/offer (before restore 2026-12-04 18.45).txt',
    ...fields,
  };
}
