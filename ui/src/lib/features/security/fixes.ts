// Words and shapes for fixes: a diff split into lines to colour, the
// verdict after a fix or undo, and a change in one sentence.
import type { AppError, Change, FixOutcome, Preview } from '../../ipc';
import type { Level } from '../../status';

export interface DiffLine {
  kind: 'added' | 'removed' | 'header' | 'same';
  text: string;
}

/** A unified diff's lines, each marked for colour. */
export function diffLines(diff: string): DiffLine[] {
  return diff
    .split('\n')
    .filter((l, i, all) => l !== '' || i < all.length - 1)
    .map((text) => {
      if (text.startsWith('+++') || text.startsWith('---') || text.startsWith('@@')) return { kind: 'header', text };
      if (text.startsWith('+')) return { kind: 'added', text };
      if (text.startsWith('-')) return { kind: 'removed', text };
      return { kind: 'same', text };
    });
}

export type FixPhase = 'loading' | 'missing' | 'installing' | 'ready' | 'applying' | 'done' | 'error';

/** The package a refusal says is missing and Shipshape can install, if any. */
export function missingPackage(error: AppError | null): string | null {
  return error?.code === 'needs_package' ? error.package : null;
}

/** Where the fix dialog is: a missing package is offered for installation
 * before the preview; installing and applying show as busy. */
export function fixPhase(s: {
  preview: Preview | null;
  error: AppError | null;
  installing: boolean;
  applying: boolean;
  outcome: FixOutcome | null;
}): FixPhase {
  if (s.outcome) return 'done';
  if (s.applying) return 'applying';
  if (s.installing) return 'installing';
  if (s.preview) return 'ready';
  if (missingPackage(s.error)) return 'missing';
  return s.error ? 'error' : 'loading';
}

/** After a fix or undo: what the check says now, in plain words first. */
export function fixVerdict(o: FixOutcome): { level: Level; words: string; sentence: string } {
  const undo = o.change.kind === 'undo';
  switch (o.recheck.status) {
    case 'pass':
      return {
        level: 'good',
        words: undo ? 'Applied again' : 'Fixed',
        sentence: `The check now passes: ${o.recheck.detail}`,
      };
    case 'fail':
    case 'warning':
      return {
        level: undo ? 'neutral' : 'warning',
        words: undo ? 'Turned back' : 'Changed, but not yet passing',
        sentence: undo
          ? `The files are as they were before: ${o.recheck.detail}`
          : `The change was made, but the check still finds a problem: ${o.recheck.detail}`,
      };
    default:
      return { level: 'neutral', words: 'Changed', sentence: o.recheck.detail };
  }
}

/** "Fixed: SSH passes graphical programs through" or "Undid change 3". */
export function changeTitle(c: Change): string {
  return c.kind === 'fix' ? `Fixed: ${c.title}` : `Undid change ${c.undoes}: ${c.title}`;
}

/** The files and settings a change touched. */
export function changeTargets(c: Change): string {
  return c.steps
    .map((s) => {
      switch (s.kind) {
        case 'file':
        case 'link':
          return `/${s.path}`;
        case 'kernel':
          return s.path.replace(/^proc\/sys\//, '').replaceAll('/', '.');
        case 'running':
        case 'restart':
          return s.unit;
      }
    })
    .join(', ');
}

/** The date an acceptance defaults to: 90 days from `today`, as YYYY-MM-DD. */
export function defaultUntil(today: Date): string {
  const d = new Date(today.getTime() + 90 * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** The latest date an acceptance may run to: a year from `today`. */
export function latestUntil(today: Date): string {
  return new Date(today.getTime() + 366 * 86_400_000).toISOString().slice(0, 10);
}
