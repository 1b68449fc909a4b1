// Words for the Office screen's access review.
import type {
  AccessReview,
  Decision,
  LineKind,
  RetireWhy,
  Ticket,
  TicketLinkKind,
  TicketPriority,
  TicketStatus,
} from '../../ipc';
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

// Words for the Office screen's software.

export const RETIRE_WHY: Record<RetireWhy, string> = {
  os_end_of_life: 'The system’s support ends',
  end_of_life: 'Past its end of life',
  no_source: 'No source offers it any more',
  old_kernel: 'An older kernel',
  unneeded: 'Nothing needs it any more',
};

// Words for the Office screen's incidents.
export const TICKET_STATUS: Record<TicketStatus, { words: string; level: Level }> = {
  open: { words: 'Open', level: 'danger' },
  in_work: { words: 'In work', level: 'warning' },
  on_hold: { words: 'On hold', level: 'neutral' },
  resolved: { words: 'Resolved', level: 'good' },
  closed: { words: 'Closed', level: 'good' },
};

export const PRIORITY: Record<TicketPriority, { words: string; level: Level }> = {
  critical: { words: 'Critical', level: 'danger' },
  high: { words: 'High', level: 'danger' },
  medium: { words: 'Medium', level: 'warning' },
  low: { words: 'Low', level: 'neutral' },
};

export const LINK_WORDS: Record<TicketLinkKind, string> = {
  finding: 'Security finding',
  alert: 'Alert',
  change: 'Change',
  run: 'Run',
  deployment: 'Deployment',
  anomaly: 'Difference from the baseline',
};

/** What a link's `cleared` means for its kind. */
export const CLEARED: Record<TicketLinkKind, string> = {
  finding: 'Passes now',
  alert: 'Cleared since',
  change: 'Cleared',
  run: 'Cleared',
  deployment: 'Cleared',
  anomaly: 'Not seen any more',
};

/** The filters of the incident list: what still needs someone first. */
export type TicketFilter = 'active' | TicketStatus;

export function shown(tickets: readonly Ticket[], filter: TicketFilter): Ticket[] {
  return tickets.filter((t) =>
    filter === 'active' ? t.status === 'open' || t.status === 'in_work' || t.status === 'on_hold' : t.status === filter,
  );
}
