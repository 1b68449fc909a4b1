// The Overview's "Last backup" tile: when the newest copy was made, how big
// it is and how the restore test went, for the backup that needs attention
// most. Red when a backup or a restore test failed, amber when the newest
// copy is older than the schedule allows or no backup is set up.
import type { AppError, BackupBoard, BackupStatus, JobStatus } from '../../ipc';
import type { Level } from '../../status';
import { allowedAgeMs, capital, lateSentence, worst } from './labels';

export interface BackupTile {
  level: Level;
  words: string;
  headline: string;
  detail: string;
  /** The link's words, to the Backups screen. */
  link: string;
  /** The backup shown, and when its newest copy was made; null with none. */
  shown: { status: BackupStatus; newest: string | null } | null;
}

/** What the Overview knows of the backups. */
export type BackupsState = { state: 'loading' } | { state: 'ready'; board: BackupBoard } | { state: 'error'; error: AppError };

/** The tile's state as a word, for tests: loading, none, ready, error. */
export function backupsWord(s: BackupsState): string {
  return s.state === 'ready' && s.board.backups.length === 0 ? 'none' : s.state;
}

/** The tile; `jobs` is the schedule (null when not known), which says how old a copy may be. */
export function backupTile(s: BackupsState, jobs: readonly JobStatus[] | null, now: Date): BackupTile {
  if (s.state === 'loading') {
    return {
      level: 'neutral',
      words: 'Reading',
      headline: 'Reading the backups…',
      detail: '',
      link: 'Go to Backups',
      shown: null,
    };
  }
  if (s.state === 'error') {
    return {
      level: 'neutral',
      words: 'Could not read',
      headline: 'Backups not known',
      detail: s.error.message,
      link: 'Go to Backups',
      shown: null,
    };
  }
  const backups = s.board.backups;
  const found = worst(backups, allowedAgeMs(jobs), now);
  if (!found) {
    return {
      level: 'warning',
      words: 'Not set up',
      headline: 'No backup set up',
      detail: 'Shipshape can copy your files every night to a disk you choose, and test that they can be restored.',
      link: 'Set up a backup',
      shown: null,
    };
  }
  const { status, verdict } = found;
  const detail =
    backups.length > 1
      ? `${status.repository.name}: ${verdict.test}. ${backups.length} backups in all.`
      : `${capital(verdict.test)}.`;
  return {
    level: verdict.level,
    words: verdict.words,
    headline: verdict.copy,
    detail,
    link: 'See the backups',
    shown: { status, newest: verdict.newest },
  };
}

/** The Overview sentence's words about backups older than their schedule allows; null when none is. */
export function backupsLate(s: BackupsState, jobs: readonly JobStatus[] | null, now: Date): string | null {
  return s.state === 'ready' ? lateSentence(s.board.backups, allowedAgeMs(jobs), now) : null;
}
