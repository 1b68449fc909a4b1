// The Backups screen's words: each backup's verdict in one sentence (the
// newest copy, its size, the restore test), each run in plain language, and
// how long a backup may go without a new copy before it is late. Every
// verdict has a level (colour and icon) and words, never colour alone.
import { bytes, listWords, relativeTime } from '../../format';
import type {
  BackupKind,
  BackupOutcome,
  BackupRun,
  BackupSnapshot,
  BackupStatus,
  JobStatus,
  Recurrence,
  Retention,
} from '../../ipc';
import type { Level } from '../../status';
import { DAYS } from '../maintenance/schedule';

const DAY_MS = 86_400_000;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** The sentence's first letter as a capital. */
export function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** What a run did, as a title. */
export const RUN_TITLE: Record<BackupKind, string> = {
  init: 'Backup set up',
  backup: 'Backup',
  restore: 'Restore',
  check: 'Check of the stored copies',
  forget: 'Old copies removed',
  restore_test: 'Restore test',
  before_updates: 'Configuration kept before updates',
};

/** A run's outcome in words, with its level; a restore test passes or fails. */
export function outcomeWords(kind: BackupKind, outcome: BackupOutcome): { level: Level; words: string } {
  const test = kind === 'restore_test';
  switch (outcome) {
    case 'done':
      return { level: 'good', words: test ? 'Passed' : 'Done' };
    case 'partial':
      return { level: 'warning', words: test ? 'Passed in part' : 'Partly done' };
    case 'failed':
      return { level: 'danger', words: 'Failed' };
    case 'cancelled':
      return { level: 'neutral', words: 'Cancelled' };
  }
}

/** "12,345 files, 3.2 GB, 120.0 MB of it new"; empty for runs that copy nothing. */
export function runFigures(run: BackupRun): string {
  if (run.kind !== 'backup' || run.outcome === 'failed' || run.outcome === 'cancelled') return '';
  return `${plural(run.files, 'file')}, ${bytes(run.bytes)}, ${bytes(run.bytes_added)} of it new`;
}

/** "3 files could not be read". */
export function unreadableWords(count: number): string {
  return `${plural(count, 'file')} could not be read`;
}

/** Files that changed while they were backed up: their copy may be between two states. */
export function changedWords(count: number): string {
  return `${plural(count, 'file')} changed while backed up`;
}

/** restic's short id: the first 8 characters. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** "Keeps the last 7 daily, 4 weekly and 12 monthly copies." */
export function retentionWords(r: Retention): string {
  const kept: [number, string][] = [
    [r.daily, 'daily'],
    [r.weekly, 'weekly'],
    [r.monthly, 'monthly'],
  ];
  const parts = kept.filter(([n]) => n > 0).map(([n, every]) => `${n} ${every}`);
  if (parts.length === 0) return 'Keeps every copy; none is removed.';
  return `Keeps the last ${listWords(parts)} copies, and removes older ones.`;
}

/** The copies, the newest first. */
export function newestFirst(snapshots: readonly BackupSnapshot[]): BackupSnapshot[] {
  return [...snapshots].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
}

// ---- When a backup is late ---------------------------------------------

/** The longest wait between two runs of a recurrence, in whole days. */
export function longestGapDays(r: Recurrence): number {
  switch (r.every) {
    case 'day':
      return 1;
    case 'month':
      return 31;
    case 'week': {
      const days = [
        ...new Set(r.days.map((d) => DAYS.indexOf(d.toLowerCase().slice(0, 3) as (typeof DAYS)[number]))),
      ]
        .filter((i) => i >= 0)
        .sort((a, b) => a - b);
      if (days.length === 0) return 7;
      return Math.max(...days.map((d, i) => (i + 1 < days.length ? days[i + 1] - d : days[0] + 7 - d)));
    }
  }
}

/** The scheduled job that makes the backups, when one is set and not paused. */
export function backupJob(jobs: readonly JobStatus[]): JobStatus | null {
  return jobs.find((j) => j.job?.kind === 'backup' && !j.job.paused) ?? null;
}

/** The scheduled restore test, paused or not. */
export function testJob(jobs: readonly JobStatus[]): JobStatus | null {
  return jobs.find((j) => j.job?.kind === 'restore_test') ?? null;
}

/**
 * How old the newest copy may be before it is late: the schedule's longest
 * wait and a day more (a daily backup is late after 2 days). Without a
 * schedule, or when it is not known, a daily backup is expected.
 */
export function allowedAgeMs(jobs: readonly JobStatus[] | null): number {
  const job = jobs ? backupJob(jobs)?.job : null;
  return ((job ? longestGapDays(job.recurrence) : 1) + 1) * DAY_MS;
}

// ---- The verdict ---------------------------------------------------------

const RANK: Record<Level, number> = { good: 0, neutral: 1, warning: 2, danger: 3 };

/** When the newest copy was made: the newest snapshot, or the newest backup that made one. */
export function newestCopy(s: BackupStatus): string | null {
  let newest: string | null = null;
  const times = s.snapshots.map((snap) => snap.time);
  const run = s.last_backup;
  if (run && (run.outcome === 'done' || run.outcome === 'partial')) times.push(run.finished);
  for (const t of times) {
    if (Number.isNaN(Date.parse(t))) continue;
    if (newest === null || Date.parse(t) > Date.parse(newest)) newest = t;
  }
  return newest;
}

export interface Verdict {
  level: Level;
  /** The badge: what needs attention most, or that all is well. */
  words: string;
  /** The newest copy: "Backed up 3 hours ago, 2.1 GB". */
  copy: string;
  /** The restore test: "restore test passed yesterday". */
  test: string;
  /** Both, the copy first: "Backed up 3 hours ago, 2.1 GB; restore test passed yesterday." */
  sentence: string;
  /** When the newest copy was made; null when there is none. */
  newest: string | null;
  /** The newest copy (or, with none, the set-up) is older than the schedule allows. */
  late: boolean;
}

interface Part {
  level: Level;
  words: string;
  text: string;
}

function copyPart(s: BackupStatus, newest: string | null, late: boolean, now: Date): Part {
  const run = s.last_backup;
  const when = (iso: string) => relativeTime(iso, now);
  const size = run && (run.outcome === 'done' || run.outcome === 'partial') ? `, ${bytes(run.bytes)}` : '';
  if (run?.outcome === 'failed') {
    const since = newest ? `the newest copy was made ${when(newest)}` : 'there is no copy yet';
    return { level: 'danger', words: 'Backup failed', text: `The last backup failed ${when(run.finished)}; ${since}` };
  }
  if (newest === null) {
    const text = run?.outcome === 'cancelled' ? `The first backup was cancelled ${when(run.finished)}` : 'Not backed up yet';
    return late
      ? { level: 'warning', words: 'No copy yet', text }
      : { level: 'neutral', words: 'Waiting for the first backup', text };
  }
  if (late) return { level: 'warning', words: 'Out of date', text: `Last backed up ${when(newest)}${size}` };
  if (run?.outcome === 'partial') {
    const missed = run.unreadable.length > 0 ? unreadableWords(run.unreadable.length) : 'some files could not be read';
    return { level: 'warning', words: 'Some files missed', text: `Backed up ${when(newest)}${size}, but ${missed}` };
  }
  return { level: 'good', words: 'Backed up', text: `Backed up ${when(newest)}${size}` };
}

function testPart(run: BackupRun | null, now: Date): Part {
  if (!run) return { level: 'good', words: '', text: 'restore not tested yet' };
  const when = relativeTime(run.finished, now);
  switch (run.outcome) {
    case 'done':
      return { level: 'good', words: '', text: `restore test passed ${when}` };
    case 'failed':
      return { level: 'danger', words: 'Restore test failed', text: `restore test failed ${when}` };
    case 'partial':
      return { level: 'warning', words: 'Restore test passed in part', text: `restore test passed only in part ${when}` };
    case 'cancelled':
      return { level: 'good', words: '', text: `restore test cancelled ${when}` };
  }
}

/** One backup in a sentence with its level: the newest copy first, then the restore test. */
export function verdict(s: BackupStatus, allowedMs: number, now: Date): Verdict {
  const newest = newestCopy(s);
  const since = newest ?? s.repository.created;
  const late = now.getTime() - Date.parse(since) > allowedMs;
  const copy = copyPart(s, newest, late, now);
  const test = testPart(s.last_test, now);
  const first = RANK[test.level] > RANK[copy.level] ? test : copy;
  return {
    level: first.level,
    words: first.words,
    copy: copy.text,
    test: test.text,
    sentence: `${capital(copy.text)}; ${test.text}.`,
    newest,
    late,
  };
}

/** The backup that needs attention most (the first of equals), with its verdict. */
export function worst(
  backups: readonly BackupStatus[],
  allowedMs: number,
  now: Date,
): { status: BackupStatus; verdict: Verdict } | null {
  let found: { status: BackupStatus; verdict: Verdict } | null = null;
  for (const status of backups) {
    const v = verdict(status, allowedMs, now);
    if (!found || RANK[v.level] > RANK[found.verdict.level]) found = { status, verdict: v };
  }
  return found;
}

/**
 * The backups whose newest copy is older than their schedule allows, in a
 * sentence for the Overview; null when none is late.
 */
export function lateSentence(backups: readonly BackupStatus[], allowedMs: number, now: Date): string | null {
  const late = backups.filter((s) => verdict(s, allowedMs, now).late);
  if (late.length === 0) return null;
  if (late.length > 1) {
    return `${late.length} backups are older than their schedule allows: ${listWords(late.map((s) => s.repository.name))}.`;
  }
  const s = late[0];
  const newest = newestCopy(s);
  return newest
    ? `${s.repository.name} was last backed up ${relativeTime(newest, now)}, longer ago than its schedule allows.`
    : `${s.repository.name} has made no copy since it was set up ${relativeTime(s.repository.created, now)}.`;
}
