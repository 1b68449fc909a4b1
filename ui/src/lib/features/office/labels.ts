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

/** How often a review is due: quarterly, as core's `review::REVIEW_DAYS`. */
export const REVIEW_DAYS = 91;

/** The day the review after one signed at `signed` is due (YYYY-MM-DD). */
export function nextDue(signed: string): string {
  return new Date(Date.parse(signed) + REVIEW_DAYS * 86_400_000).toISOString().slice(0, 10);
}
