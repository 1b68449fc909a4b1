// Words for the Computers screen: each grid cell in plain words with its level.
import type { FleetComputer, FleetReport } from '../../ipc';
import type { Level } from '../../status';
import { SUPPORT } from '../../support';

export type Cell = { words: string; level: Level };

const UNKNOWN: Cell = { words: 'Not known yet', level: 'neutral' };

export const COLUMNS = ['security', 'updates', 'backup', 'alerts', 'support', 'review', 'incidents'] as const;
export type Column = (typeof COLUMNS)[number];

export const COLUMN_TITLES: Record<Column, string> = {
  security: 'Security',
  updates: 'Updates',
  backup: 'Last backup',
  alerts: 'Alerts',
  support: 'System support',
  review: 'Access review',
  incidents: 'Incidents',
};

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What a computer's report says for one column. */
export function cell(r: FleetReport | null, column: Column): Cell {
  if (!r) return UNKNOWN;
  switch (column) {
    case 'security':
      if (r.score === null) return UNKNOWN;
      return { words: `Score ${r.score}`, level: r.score >= 80 ? 'good' : r.score >= 60 ? 'warning' : 'danger' };
    case 'updates':
      if (r.security_updates === null) return UNKNOWN;
      if (r.security_updates > 0)
        return { words: plural(r.security_updates, 'security update waits', 'security updates wait'), level: 'danger' };
      return { words: r.updates ? plural(r.updates, 'other update', 'other updates') : 'Up to date', level: 'good' };
    case 'backup':
      if (r.last_backup_ok === null) return { words: 'No backup', level: 'danger' };
      if (!r.last_backup_ok) return { words: 'Last backup failed', level: 'danger' };
      if (r.restore_test_ok === false) return { words: 'Restore test failed', level: 'danger' };
      return {
        words: r.restore_test_ok ? 'Backed up, restore tested' : 'Backed up, never restore tested',
        level: r.restore_test_ok ? 'good' : 'warning',
      };
    case 'alerts':
      return r.open_alerts > 0
        ? { words: plural(r.open_alerts, 'open alert', 'open alerts'), level: 'danger' }
        : { words: 'None', level: 'good' };
    case 'support':
      return SUPPORT[r.support_level];
    case 'review':
      if (!r.last_review) return { words: 'Never reviewed', level: 'warning' };
      return { words: `Signed ${r.last_review}`, level: r.review_overdue ? 'warning' : 'good' };
    case 'incidents':
      return r.open_incidents > 0
        ? { words: plural(r.open_incidents, 'not resolved', 'not resolved'), level: 'warning' }
        : { words: 'None open', level: 'good' };
  }
}

/** Whether the computer answered its last check. */
export function reached(c: FleetComputer): Cell {
  if (c.problem) return { words: 'Not reached', level: 'danger' };
  if (!c.last_seen) return { words: 'Never checked', level: 'neutral' };
  return { words: 'Reached', level: 'good' };
}
