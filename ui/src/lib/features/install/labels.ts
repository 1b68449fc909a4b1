// Words for the Install screen: what the package manager would do to each
// package, and how the file was trusted.
import type { Algorithm, PackageStep, Trust, UpdateRun, VersionChange } from '../../ipc';
import type { Level } from '../../status';

/** What happens to one package, in a word the table marks its row with. */
export type Action = 'add' | 'change' | 'again' | 'remove';

export function action(s: PackageStep): Action {
  if (s.to === null) return 'remove';
  if (s.from === null) return 'add';
  return s.from === s.to ? 'again' : 'change';
}

export const ACTION_WORDS: Record<Action, string> = {
  add: 'Added',
  change: 'Changed',
  again: 'Installed again',
  remove: 'Removed',
};

/** "1.0 → 2.0", "2.0 (new)", "1.0 (removed)". */
export function versions(s: PackageStep): string {
  if (s.from === null) return `${s.to ?? ''} (new)`;
  if (s.to === null) return `${s.from} (removed)`;
  return s.from === s.to ? s.to : `${s.from} → ${s.to}`;
}

export const ALGORITHM_LABELS: Record<Algorithm, string> = {
  sha256: 'SHA-256',
  sha512: 'SHA-512',
  blake3: 'BLAKE3',
  sha1: 'SHA-1',
  md5: 'MD5',
};

/** The badge for how the file was trusted. */
export function trustBadge(t: Trust): { level: Level; words: string } {
  return t.by === 'digest' ? { level: 'good', words: 'Verified' } : { level: 'danger', words: 'Not verified' };
}

/** The badge for a package from this computer's package sources. */
export const SIGNED_SOURCE_BADGE: { level: Level; words: string } = { level: 'good', words: 'Signed source' };

/** How a package from the package sources is proven, in the preview. */
export function sourceSentence(source: string): string {
  return `From ${source}. apt checks the package against the list that source signed, and refuses one that does not match.`;
}

/** How the trust is said in the preview. */
export function trustSentence(t: Trust): string {
  return t.by === 'digest'
    ? `Its ${ALGORITHM_LABELS[t.algorithm]} checksum matches the one that proved it genuine.`
    : `It was not proven genuine. You accepted the risk because: ${t.reason}`;
}

/** The main package's change in plain words: "New on this computer", "Replaces 1.0". */
export function changeWords(p: { change: VersionChange; installed: string | null }): string {
  switch (p.change) {
    case 'new':
      return 'New on this computer';
    case 'upgrade':
      return `Replaces version ${p.installed ?? ''}; that version is kept so you can go back`;
    case 'reinstall':
      return 'The same version is installed again';
    case 'downgrade':
      return `Takes ${p.installed ?? 'the installed version'} back to this older version`;
  }
}

/** The version a program's installation into /opt replaced, while it can
 * still be put in use again; null for anything else. */
export function switchBackTo(run: UpdateRun): { name: string; version: string } | null {
  const p = run.packages[0];
  if (run.kind !== 'install_program' || run.outcome !== 'done' || run.undone_by !== null || !p?.old_version) return null;
  return { name: p.name, version: p.old_version };
}
