// The add and edit form: what the user types, checked before it is sent.
import type { Credential, Details, Kind } from '../../ipc';

/** How often the secret should change; "custom" takes a typed number of days. */
export type Reminder = 'none' | '30' | '90' | '180' | '365' | 'custom';

export const reminderChoices: { value: Reminder; label: string }[] = [
  { value: 'none', label: 'No reminder' },
  { value: '30', label: 'Every 30 days' },
  { value: '90', label: 'Every 90 days' },
  { value: '180', label: 'Every 180 days' },
  { value: '365', label: 'Every year (365 days)' },
  { value: 'custom', label: 'Another number of days…' },
];

/** The longest reminder the app accepts: ten years. */
export const MAX_REMINDER_DAYS = 3650;

export interface DetailsForm {
  name: string;
  kind: Kind;
  username: string;
  url: string;
  notes: string;
  reminder: Reminder;
  /** For "custom"; null while the field is empty. */
  days: number | null;
}

export function emptyForm(): DetailsForm {
  return { name: '', kind: 'password', username: '', url: '', notes: '', reminder: 'none', days: null };
}

/** The form filled in from a saved credential, for editing. */
export function formOf(c: Credential): DetailsForm {
  const days = c.rotate_days;
  const preset = reminderChoices.find((r) => r.value === String(days));
  return {
    name: c.name,
    kind: c.kind,
    username: c.username,
    url: c.url,
    notes: c.notes,
    reminder: days === null ? 'none' : preset ? preset.value : 'custom',
    days: days !== null && !preset ? days : null,
  };
}

export interface Problems {
  name?: string;
  days?: string;
  secret?: string;
}

/** What must be fixed before saving; empty when nothing. The app checks the
 * rest (duplicate names, lengths, line breaks) and says so itself. */
export function problems(form: DetailsForm, secret?: string): Problems {
  const found: Problems = {};
  if (form.name.trim() === '') {
    found.name = 'Give it a name you will recognise, such as "Office Wi-Fi".';
  }
  if (form.reminder === 'custom') {
    const d = form.days;
    if (d === null || !Number.isInteger(d) || d < 1 || d > MAX_REMINDER_DAYS) {
      found.days = `Type a whole number of days from 1 to ${MAX_REMINDER_DAYS}.`;
    }
  }
  if (secret !== undefined) {
    const p = secretProblem(secret);
    if (p) found.secret = p;
  }
  return found;
}

export function secretProblem(secret: string): string | undefined {
  return secret === '' ? 'Type the secret, or generate one below.' : undefined;
}

export function rotateDays(form: DetailsForm): number | null {
  if (form.reminder === 'none') return null;
  if (form.reminder === 'custom') return form.days;
  return Number(form.reminder);
}

/** What the app takes. Check `problems` first. */
export function toDetails(form: DetailsForm): Details {
  return {
    name: form.name.trim(),
    kind: form.kind,
    username: form.username.trim(),
    url: form.url.trim(),
    notes: form.notes,
    rotate_days: rotateDays(form),
  };
}
