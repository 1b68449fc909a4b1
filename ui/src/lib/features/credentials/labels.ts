// Plain words for what the Credentials screen shows.
import { listWords } from '../../format';
import type { CheckReport, Credential, Kind } from '../../ipc';
import type { Level } from '../../status';
import { calendarDay, relativeDay } from './dates';

export const kindLabels: Record<Kind, string> = {
  password: 'Password',
  api_token: 'API token',
  ssh_passphrase: 'SSH key passphrase',
  wi_fi: 'Wi-Fi',
  email: 'Email account',
  backup_repository: 'Backup repository',
  other: 'Other',
};

/** The choices in the kind select, in the app's order. */
export const kindChoices = Object.entries(kindLabels).map(([value, label]) => ({
  value: value as Kind,
  label,
}));

/** Where a credential stands with its rotation reminder. `level` is null
 * when there is no reminder: nothing to flag. */
export function rotationStatus(
  c: Pick<Credential, 'rotation' | 'last_rotated' | 'due'>,
  now: Date,
  locale?: string,
): { level: Level | null; words: string } {
  switch (c.rotation) {
    case 'not_scheduled':
      return { level: null, words: 'No reminder' };
    case 'current':
      return { level: 'good', words: `Changed ${relativeDay(c.last_rotated, now)}` };
    case 'due':
      return {
        level: 'warning',
        words: c.due ? `Change due ${calendarDay(c.due, locale)}` : 'Change due soon',
      };
    case 'overdue':
      return {
        level: 'danger',
        words: c.due ? `Change overdue since ${calendarDay(c.due, locale)}` : 'Change overdue',
      };
  }
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "3 credentials; 1 overdue for a change and 1 due soon". */
export function summary(list: Credential[]): string {
  const total = count(list.length, 'credential');
  const overdue = list.filter((c) => c.rotation === 'overdue').length;
  const due = list.filter((c) => c.rotation === 'due').length;
  if (overdue > 0 && due > 0) return `${total}; ${overdue} overdue for a change and ${due} due soon`;
  if (overdue > 0) return `${total}; ${overdue} overdue for a change`;
  if (due > 0) return `${total}; ${due} due for a change soon`;
  if (list.some((c) => c.rotation === 'current')) return `${total}; none due for a change`;
  return total;
}

/** What the start-up check repaired, one sentence each; empty when nothing. */
export function checkSentences(report: CheckReport): string[] {
  const sentences: string[] = [];
  const { restored, removed } = report;
  if (restored.length > 0) {
    sentences.push(
      `Shipshape found the ${restored.length === 1 ? 'secret' : 'secrets'} of ${listWords(restored)} in your keychain without ${restored.length === 1 ? 'its entry' : 'their entries'} in this list, and put ${restored.length === 1 ? 'it' : 'them'} back in the list.`,
    );
  }
  if (removed.length > 0) {
    sentences.push(
      `Shipshape removed ${listWords(removed)} from this list: ${removed.length === 1 ? 'its secret is' : 'their secrets are'} no longer in your keychain.`,
    );
  }
  return sentences;
}

/** A strength score (0 to 4) as a status level. */
export function strengthLevel(score: number): Level {
  if (score >= 3) return 'good';
  if (score === 2) return 'warning';
  return 'danger';
}
