import type { Filter, Outcome } from '../../ipc';

/** What the user set in the filter bar, as typed. */
export interface FilterForm {
  text: string;
  action: string;
  outcome: '' | Outcome;
  /** Local dates, YYYY-MM-DD, both days included. */
  since: string;
  until: string;
}

export const emptyForm: FilterForm = { text: '', action: '', outcome: '', since: '', until: '' };

/** Local calendar days become UTC instants: from the first day's midnight to
 * the midnight after the last day. */
export function toFilter(form: FilterForm): Filter {
  const filter: Filter = {};
  if (form.text.trim()) filter.text = form.text.trim();
  if (form.action.trim()) filter.action = form.action.trim();
  if (form.outcome) filter.outcome = form.outcome;
  if (form.since) filter.since = new Date(`${form.since}T00:00:00`).toISOString();
  if (form.until) {
    const end = new Date(`${form.until}T00:00:00`);
    end.setDate(end.getDate() + 1);
    filter.until = end.toISOString();
  }
  return filter;
}

export function isFiltered(form: FilterForm): boolean {
  return Object.values(form).some((v) => v !== '');
}
