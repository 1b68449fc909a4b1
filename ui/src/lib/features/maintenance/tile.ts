// The Overview's maintenance tiles: the updates waiting with when this
// computer was last patched, and the next scheduled maintenance with any
// job that needs attention. Each has a level (colour and icon) and words.
import { relativeTime } from '../../format';
import type { AppError, JobStatus, UpdateRun, Waiting } from '../../ipc';
import type { Level } from '../../status';
import { securityCount } from './labels';
import { attentionLevel, KIND_WORDS, nextWords, soonest } from './schedule';

export interface MaintenanceTile {
  level: Level;
  words: string;
  headline: string;
  detail: string;
  /** The link's words, to the Maintenance screen. */
  link: string;
}

/** What the Overview knows of the waiting updates. `runs` is null when the history could not be read. */
export type UpdatesState =
  | { state: 'loading' }
  | { state: 'ready'; waiting: Waiting; runs: UpdateRun[] | null }
  | { state: 'error'; error: AppError };

/** What the Overview knows of the schedule. */
export type SchedulesState = { state: 'loading' } | { state: 'ready'; jobs: JobStatus[] } | { state: 'error'; error: AppError };

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The newest installation that worked: when this computer was last patched. */
export function lastPatched(runs: readonly UpdateRun[]): UpdateRun | null {
  let newest: UpdateRun | null = null;
  for (const r of runs) {
    if (r.kind !== 'apply' || r.outcome !== 'done') continue;
    if (!newest || Date.parse(r.started) > Date.parse(newest.started)) newest = r;
  }
  return newest;
}

function patchedWords(runs: UpdateRun[] | null, now: Date): string {
  if (runs === null) return 'When updates were last installed could not be read.';
  const last = lastPatched(runs);
  return last
    ? `Updates last installed ${relativeTime(last.started, now)}.`
    : 'No updates installed with Shipshape yet.';
}

export function updatesTile(s: UpdatesState, now: Date): MaintenanceTile {
  switch (s.state) {
    case 'ready': {
      const n = s.waiting.updates.length;
      const security = securityCount(s.waiting.updates);
      const detail = patchedWords(s.runs, now);
      if (security > 0) {
        return {
          level: 'warning',
          words: 'Security fixes waiting',
          headline: `${plural(security, 'security update', 'security updates')} waiting`,
          detail: n > security ? `${plural(n - security, 'other update', 'other updates')} too. ${detail}` : detail,
          link: 'Install them',
        };
      }
      if (n > 0) {
        return {
          level: 'neutral',
          words: 'Updates waiting',
          headline: `${plural(n, 'update', 'updates')} waiting`,
          detail: `None fixes a security problem. ${detail}`,
          link: 'See the updates',
        };
      }
      return { level: 'good', words: 'Up to date', headline: 'No updates waiting', detail, link: 'See the updates' };
    }
    case 'error':
      return {
        level: 'neutral',
        words: 'Could not read',
        headline: 'Updates not known',
        detail: s.error.message,
        link: 'Go to Maintenance',
      };
    default:
      return { level: 'neutral', words: 'Reading', headline: 'Looking for updates…', detail: '', link: 'Go to Maintenance' };
  }
}

/** The tile's state as a word, for tests: loading, scheduled, paused, none, error. */
export function schedulesWord(s: SchedulesState): string {
  if (s.state !== 'ready') return s.state;
  if (s.jobs.length === 0) return 'none';
  return soonest(s.jobs) ? 'scheduled' : 'paused';
}

export function maintenanceTile(s: SchedulesState, now: Date): MaintenanceTile {
  if (s.state === 'loading') {
    return { level: 'neutral', words: 'Reading', headline: 'Reading the schedule…', detail: '', link: 'Go to Maintenance' };
  }
  if (s.state === 'error') {
    return {
      level: 'neutral',
      words: 'Could not read',
      headline: 'Schedule not known',
      detail: s.error.message,
      link: 'Go to Maintenance',
    };
  }
  if (s.jobs.length === 0) {
    return {
      level: 'neutral',
      words: 'Not scheduled',
      headline: 'Nothing scheduled',
      detail: 'Shipshape can check for updates and install security fixes by itself, at night.',
      link: 'Set up maintenance',
    };
  }
  const next = soonest(s.jobs);
  const headline = next?.next_run ? nextWords(next.next_run, now) : 'Nothing planned';
  const what = next?.job ? `${KIND_WORDS[next.job.kind]}.` : 'Every job is paused.';
  const troubled = s.jobs.filter((j) => j.attention);
  if (troubled.length > 0) {
    const level = troubled.some((j) => attentionLevel(j) === 'danger') ? 'danger' : 'warning';
    const first = troubled[0];
    const name = first.job ? KIND_WORDS[first.job.kind] : 'A job';
    const more = troubled.length > 1 ? ` ${plural(troubled.length - 1, 'other job needs', 'other jobs need')} attention too.` : '';
    return {
      level,
      words: 'Needs attention',
      headline,
      detail: `${name}. ${first.attention}${more}`,
      link: 'See the schedule',
    };
  }
  if (!next) {
    return { level: 'warning', words: 'All paused', headline, detail: 'Resume a job to have maintenance run again.', link: 'See the schedule' };
  }
  const paused = s.jobs.filter((j) => j.job?.paused).length;
  return {
    level: 'good',
    words: 'Scheduled',
    headline,
    detail: paused > 0 ? `${what} ${plural(paused, 'job is', 'jobs are')} paused.` : what,
    link: 'See the schedule',
  };
}
