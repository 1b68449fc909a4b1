// Filtering, grouping and counting a scan's findings for the Security screen.
import type { Area, Counts, Finding, Severity, Status } from '../../ipc';
import { AREA, SEVERITIES, STATUS } from './labels';

/** What the status filter offers; `attention` (fail and warning) is the default. */
export type StatusChoice =
  | 'attention'
  | 'fail'
  | 'warning'
  | 'accepted'
  | 'all'
  | 'pass'
  | 'needs_admin'
  | 'error'
  | 'not_applicable';

/** The check that fails while security updates wait; the Maintenance screen installs them. */
export const PENDING_SECURITY_UPDATES = 'updates.pending_security';

export const STATUS_CHOICES: { value: StatusChoice; label: string }[] = [
  { value: 'attention', label: 'Needs fixing or worth a look' },
  { value: 'fail', label: 'Needs fixing' },
  { value: 'warning', label: 'Worth a look' },
  { value: 'accepted', label: 'Accepted risks' },
  { value: 'all', label: 'All, including passed' },
  { value: 'pass', label: 'Passed' },
  { value: 'needs_admin', label: 'Needs admin rights' },
  { value: 'error', label: 'Could not check' },
  { value: 'not_applicable', label: 'Does not apply' },
];

export interface FindingFilter {
  status: StatusChoice;
  /** '' for every severity. */
  severity: Severity | '';
  /** '' for every area. */
  area: Area | '';
  /** Words to look for, in any order; case does not matter. */
  text: string;
}

export const DEFAULT_FILTER: FindingFilter = { status: 'attention', severity: '', area: '', text: '' };

function statusMatches(choice: StatusChoice, status: Status): boolean {
  if (choice === 'all') return true;
  if (choice === 'attention') return status === 'fail' || status === 'warning';
  return choice === status;
}

/** Everything a search can find a finding by: its words, id, area and references. */
function haystack(f: Finding): string {
  return [f.id, f.title, f.detail, f.why, f.remediation, AREA[f.area], STATUS[f.status].words, ...f.references]
    .join('\n')
    .toLowerCase();
}

export function matches(f: Finding, filter: FindingFilter): boolean {
  if (!statusMatches(filter.status, f.status)) return false;
  if (filter.severity && f.severity !== filter.severity) return false;
  if (filter.area && f.area !== filter.area) return false;
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = haystack(f);
  return words.every((w) => text.includes(w));
}

/** Needs fixing, then worth a look, then the rest: the order within a group. */
const STATUS_ORDER: Status[] = ['fail', 'warning', 'accepted', 'error', 'needs_admin', 'pass', 'not_applicable'];

export interface Group {
  severity: Severity;
  findings: Finding[];
}

/** The matching findings by severity, worst first; groups with none are left out. */
export function groupFindings(findings: Finding[], filter: FindingFilter): Group[] {
  const shown = findings.filter((f) => matches(f, filter));
  return SEVERITIES.map((severity) => ({
    severity,
    findings: shown
      .filter((f) => f.severity === severity)
      // Stable: the scan's own order within one status.
      .sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status)),
  })).filter((g) => g.findings.length > 0);
}

/** The areas the scan looked at, in the screen's order. */
export function areasOf(findings: Finding[]): Area[] {
  const present = new Set(findings.map((f) => f.area));
  return (Object.keys(AREA) as Area[]).filter((a) => present.has(a));
}

export function isFiltered(filter: FindingFilter): boolean {
  return (
    filter.status !== DEFAULT_FILTER.status || filter.severity !== '' || filter.area !== '' || filter.text.trim() !== ''
  );
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "2 need fixing, 3 are worth a look, 90 passed, 4 need admin rights." (zeros left out). */
export function countsSentence(c: Counts): string {
  const parts = [
    c.fail > 0 ? plural(c.fail, 'needs fixing', 'need fixing') : '',
    c.warning > 0 ? plural(c.warning, 'is worth a look', 'are worth a look') : '',
    c.accepted > 0 ? plural(c.accepted, 'is an accepted risk', 'are accepted risks') : '',
    c.pass > 0 ? `${c.pass} passed` : '',
    c.needs_admin > 0 ? plural(c.needs_admin, 'needs admin rights', 'need admin rights') : '',
    c.error > 0 ? plural(c.error, 'could not be checked', 'could not be checked') : '',
    c.not_applicable > 0 ? plural(c.not_applicable, 'does not apply', 'do not apply') : '',
  ].filter(Boolean);
  if (parts.length === 0) return 'No checks ran.';
  const last = parts.pop()!;
  return `${parts.length > 0 ? `${parts.join(', ')} and ${last}` : last}.`;
}

/** Checks that need fixing or are worth a look. */
export function attention(c: Counts): number {
  return c.fail + c.warning;
}
