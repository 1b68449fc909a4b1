// Restoring from a backup: which copy, where in it to start looking, the
// folders on the way up, the list as a file manager sorts it, where the
// restored file goes, and what happened in one sentence. Pure: the dialog
// makes the calls.
import { dayAndTime, relativeTime } from '../../format';
import type { BackupEntry, BackupSnapshot, Restored, RestoreWhere } from '../../ipc';
import { cleanPath } from './wizard';

/** `backup_find` answers at most this many matches. */
export const FIND_LIMIT = 200;

/** An example of a folder to restore into, for the hints. */
export const EXAMPLE_FOLDER = '/home/anna/Restored';

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function joined(segs: readonly string[]): string {
  return `/${segs.join('/')}`;
}

/**
 * Where browsing a copy starts: the deepest folder holding every path it
 * backed up (the path itself when it backed up one); "/" when it names none.
 */
export function commonFolder(paths: readonly string[]): string {
  if (paths.length === 0) return '/';
  const split = paths.map(segments);
  const first = split[0];
  let depth = 0;
  while (depth < first.length && split.every((s) => s[depth] === first[depth])) depth += 1;
  return joined(first.slice(0, depth));
}

/** The folder `path` is in; "/" for "/" itself. */
export function parentFolder(path: string): string {
  return joined(segments(path).slice(0, -1));
}

/** One step of the way from the top to a folder. */
export interface Crumb {
  /** What the button says: the folder's name, "Top" for "/". */
  label: string;
  path: string;
}

/** The way from the top to `folder`: "/home/ann" is Top › home › ann. */
export function crumbs(folder: string): Crumb[] {
  const segs = segments(folder);
  return [{ label: 'Top', path: '/' }, ...segs.map((label, i) => ({ label, path: joined(segs.slice(0, i + 1)) }))];
}

/** A folder (restic's "dir"); every other kind is shown as a file. */
export function isFolder(entry: BackupEntry): boolean {
  return entry.kind === 'dir';
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Folders first, then files, each in the order a person expects ("file 2"
 * before "file 10", "apple" beside "Apple"): by name in a folder, by full
 * path for search matches.
 */
export function sortEntries(entries: readonly BackupEntry[], by: 'name' | 'path' = 'name'): BackupEntry[] {
  return [...entries].sort(
    (a, b) =>
      Number(isFolder(b)) - Number(isFolder(a)) ||
      collator.compare(a[by], b[by]) ||
      (a[by] < b[by] ? -1 : a[by] > b[by] ? 1 : 0),
  );
}

/** A copy in the list to choose from: "4 Dec 2026, 18:45 (3 hours ago, the newest)". */
export function snapshotLabel(snapshot: BackupSnapshot, newest: boolean, now: Date): string {
  const ago = relativeTime(snapshot.time, now);
  // Older copies read "on 4 Nov 2026", which the date says already.
  const notes = [ago.startsWith('on ') || ago === snapshot.time ? '' : ago, newest ? 'the newest' : ''].filter(Boolean);
  const when = dayAndTime(snapshot.time);
  return notes.length > 0 ? `${when} (${notes.join(', ')})` : when;
}

/**
 * What something in the way is renamed to, as the dialog explains it:
 * "offer (before restore …).txt", "letters (before restore …)".
 */
export function keptName(name: string, folder: boolean): string {
  const dot = name.lastIndexOf('.');
  if (folder || dot <= 0) return `${name} (before restore …)`;
  return `${name.slice(0, dot)} (before restore …)${name.slice(dot)}`;
}

/** What "To its place" does with what is there now; `chosen` is null before anything is. */
export function placeNote(chosen: BackupEntry | null): string {
  const kept = chosen
    ? ` as “${keptName(chosen.name, isFolder(chosen))}”`
    : ', with “(before restore …)” added to its name';
  return `If something is there now, it is kept beside it${kept}: nothing is overwritten.`;
}

/** Why a folder to restore into cannot be used, and what to do. */
export interface FolderProblem {
  message: string;
  hint: string;
}

/** What is wrong with the folder typed for "To another folder"; null when it can be used. */
export function folderProblem(text: string): FolderProblem | null {
  const folder = cleanPath(text);
  if (folder === '') {
    return { message: 'Type the folder to restore into.', hint: `Its full path, for example ${EXAMPLE_FOLDER}.` };
  }
  if (!folder.startsWith('/')) {
    return {
      message: `“${folder}” is not a full path.`,
      hint: `A full path starts with /, for example ${EXAMPLE_FOLDER}.`,
    };
  }
  if (folder.split('/').includes('..')) {
    return { message: `“${folder}” climbs out of a folder with “..”.`, hint: 'Write the path without “..”.' };
  }
  return null;
}

/** Where to restore, as `backup_restore` takes it. */
export function restoreWhere(to: RestoreWhere['to'], folder: string): RestoreWhere {
  return to === 'place' ? { to: 'place' } : { to: 'folder', folder: cleanPath(folder) };
}

function files(n: number): string {
  return `${n.toLocaleString()} ${n === 1 ? 'file' : 'files'}`;
}

/**
 * What a restore did, in plain words: "Restored /home/ann/letters/offer.txt.
 * The file that was there is kept as /home/ann/letters/offer (before
 * restore 2026-12-04 18.45).txt". No full stop after a path that ends the
 * sentence: it would read as part of the name.
 */
export function restoredSentence(r: Restored, folder: boolean): string {
  const kept = r.kept ? ` The ${folder ? 'folder' : 'file'} that was there is kept as ${r.kept}` : '';
  switch (r.run.outcome) {
    case 'done':
      return `Restored ${r.restored}.${kept}`;
    case 'partial': {
      const missed = r.run.unreadable.length > 0 ? files(r.run.unreadable.length) : 'some files';
      return `Restored ${r.restored}, but ${missed} could not be restored.${kept}`;
    }
    case 'failed':
      return `${r.restored} could not be restored.${kept}`;
    case 'cancelled':
      return `The restore of ${r.restored} was cancelled.${kept}`;
  }
}

/** A restore cancelled part-way: what may be there now, and where to look. */
export function cancelledSentence(entry: BackupEntry, where: RestoreWhere): string {
  const cancelled = `The restore of ${entry.path} was cancelled; some of it may have been restored already`;
  if (where.to === 'folder') return `${cancelled}, into ${where.folder}.`;
  return `${cancelled}. What was in its place is not overwritten: look for “${keptName(entry.name, isFolder(entry))}” beside it.`;
}
