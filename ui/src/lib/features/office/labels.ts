// Words for the Office screen's access review.
import type { AccessReview, Decision, LineKind } from '../../ipc';
import type { Level } from '../../status';

export const DECISION: Record<Decision, { words: string; level: Level }> = {
  keep: { words: 'Keep', level: 'good' },
  remove: { words: 'Remove', level: 'danger' },
  not_sure: { words: 'Not sure', level: 'warning' },
};

export const KIND_WORDS: Record<LineKind, string> = {
  account: 'An account',
  admin: 'An administrator right',
  key: 'An SSH key',
};

/** How many lines of `r` are decided. */
export function decidedCount(r: AccessReview): number {
  return r.lines.filter((l) => l.decision !== null).length;
}
