// Plain words for what the Verify screen shows.
import type { Algorithm, Safety } from '../../ipc';
import type { Level } from '../../status';

export { listWords } from '../../format';

export const algorithmLabels: Record<Algorithm, string> = {
  sha256: 'SHA-256',
  sha512: 'SHA-512',
  blake3: 'BLAKE3',
  sha1: 'SHA-1',
  md5: 'MD5',
};

/** SHA-1 and MD5 can be forged: a match proves completeness, not origin. */
export const weakAlgorithms: ReadonlySet<Algorithm> = new Set(['sha1', 'md5']);

/** The choices in an algorithm select, strong ones first. */
export const algorithmChoices: { value: Algorithm; label: string }[] = (
  ['sha256', 'sha512', 'blake3', 'sha1', 'md5'] as Algorithm[]
).map((a) => ({
  value: a,
  label: weakAlgorithms.has(a) ? `${algorithmLabels[a]} (weak)` : algorithmLabels[a],
}));

/** A verdict's level and its words: colour is never the only signal. */
export const safetyBadges: Record<Safety, { level: Level; words: string }> = {
  safe: { level: 'good', words: 'Safe to install' },
  caution: { level: 'warning', words: 'Check before installing' },
  unsafe: { level: 'danger', words: 'Do not install' },
};

/** The last part of a path: "/home/you/setup.exe" → "setup.exe". */
export function fileName(path: string): string {
  const trimmed = path.replace(/[/\\]+$/, '');
  const parts = trimmed.split(/[/\\]/);
  return parts[parts.length - 1] || path;
}

/** A fingerprint in groups of four, as publishers print them. */
export function groupFingerprint(fingerprint: string): string {
  return fingerprint.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

