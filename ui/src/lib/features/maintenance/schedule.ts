// Scheduled maintenance in plain words, the form for one job with its
// checks (the app's own words, so a refusal reads the same here and from
// the app), and the "Set up maintenance" wizard as a small state machine:
// three jobs with recommended defaults, then a summary that is saved only
// on its confirming step. Pure: the components make the calls and feed the
// answers in as events.
import type {
  AppError,
  JobKind,
  JobOutcome,
  JobStatus,
  MaintenanceWindow,
  Recurrence,
  RestartPolicy,
  ScheduleChange,
  ScheduledJob,
} from '../../ipc';
import { listWords } from '../../format';
import type { Level } from '../../status';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];

export const DAY_NAMES: Record<Day, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** What each job does, as the app names it. */
export const KIND_WORDS: Record<JobKind, string> = {
  update_check: 'Check for updates',
  security_patching: 'Install security updates',
  all_updates: 'Install all updates',
  security_scan: 'Check security settings',
  backup: 'Back up files',
  restore_test: 'Test restoring backups',
};

/** Jobs that install updates, so a restart may follow. */
export function installs(kind: JobKind): boolean {
  return kind === 'security_patching' || kind === 'all_updates';
}

export const RESTART_WORDS: Record<RestartPolicy, string> = {
  when_nobody_is_at_the_screen: 'Restart only when nobody is logged in at the screen',
  ask_me: 'Ask me before restarting',
  never: 'Never restart by itself',
};

/** A scheduled run's outcome in words, with its level. */
export const JOB_OUTCOME: Record<JobOutcome, { words: string; level: Level }> = {
  done: { words: 'Done', level: 'good' },
  failed: { words: 'Failed', level: 'danger' },
  running: { words: 'Running now', level: 'neutral' },
  cut_off: { words: 'Cut off', level: 'warning' },
  waiting: { words: 'Waiting', level: 'neutral' },
};

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

// ---- Times -------------------------------------------------------------

/** "2:30" or "02:30" as "02:30"; null when it is not a time of day on the 24-hour clock. */
export function parseTime(text: string): string | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  if (hours > 23 || minutes > 59) return null;
  return `${String(hours).padStart(2, '0')}:${m[2]}`;
}

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (t: Date) => `${pad(t.getHours())}:${pad(t.getMinutes())}`;

/** Whole calendar days from `from` to `to`, in this computer's time zone. */
function daysBetween(from: Date, to: Date): number {
  const start = Date.UTC(from.getFullYear(), from.getMonth(), from.getDate());
  const end = Date.UTC(to.getFullYear(), to.getMonth(), to.getDate());
  return Math.round((end - start) / 86_400_000);
}

function weekday(t: Date): string {
  return DAY_NAMES[DAYS[(t.getDay() + 6) % 7]];
}

/**
 * A moment in local time, as a person says it: "Today at 02:00",
 * "Tomorrow at 06:00", "Yesterday at 02:04", "Monday at 05:00" within a
 * week either way, else "Monday 12 May at 05:00" (with the year when it
 * is not this one).
 */
export function dayWords(iso: string, now: Date): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const days = daysBetween(now, t);
  const at = `at ${clock(t)}`;
  if (days === 0) return `Today ${at}`;
  if (days === 1) return `Tomorrow ${at}`;
  if (days === -1) return `Yesterday ${at}`;
  if (Math.abs(days) < 7) return `${weekday(t)} ${at}`;
  const year = t.getFullYear() === now.getFullYear() ? '' : ` ${t.getFullYear()}`;
  return `${weekday(t)} ${t.getDate()} ${MONTHS[t.getMonth()]}${year} ${at}`;
}

/** When a job runs next: "Due now" once the time has come, else as `dayWords`. */
export function nextWords(iso: string, now: Date): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  // The app gives "now" for a job it would start at once.
  if (t.getTime() <= now.getTime() + 60_000) return 'Due now';
  return dayWords(iso, now);
}

// ---- Plain words for a job, as the app writes them ----------------------

function dayList(days: readonly string[]): string[] {
  const known = DAYS.filter((d) => days.some((x) => x.toLowerCase() === d || x.toLowerCase() === DAY_NAMES[d].toLowerCase()));
  return known.map((d) => DAY_NAMES[d]);
}

function ordinal(n: number): string {
  const suffix = n === 1 || n === 21 ? 'st' : n === 2 || n === 22 ? 'nd' : n === 3 || n === 23 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

/** "Every Tuesday and Thursday at 02:00", "Every month on the 1st at 03:00". */
export function recurrenceWords(r: Recurrence): string {
  const at = parseTime(r.at) ?? r.at;
  switch (r.every) {
    case 'day':
      return `Every day at ${at}`;
    case 'week': {
      const names = dayList(r.days);
      return names.length === 7 ? `Every day at ${at}` : `Every ${listWords(names)} at ${at}`;
    }
    case 'month':
      return `Every month on the ${ordinal(r.day)} at ${at}`;
  }
}

/** "only between 02:00 and 04:00". */
export function windowWords(w: MaintenanceWindow): string {
  return `only between ${w.from} and ${w.to}`;
}

/**
 * "Install security updates: every day at 02:00, only between 02:00 and
 * 04:00", as the app describes a job it has.
 */
export function describeJob(job: ScheduledJob): string {
  const when = recurrenceWords(job.recurrence);
  let s = `${KIND_WORDS[job.kind]}: ${when.charAt(0).toLowerCase()}${when.slice(1)}`;
  if (job.window) s += `, ${windowWords(job.window)}`;
  if (job.paused) s += ' (paused)';
  return s;
}

/** What an installing job does about a restart, in a sentence; null for other jobs. */
export function restartSentence(job: ScheduledJob): string | null {
  return installs(job.kind) ? `${RESTART_WORDS[job.restart]}.` : null;
}

// ---- The form for one job ----------------------------------------------

export interface JobForm {
  kind: JobKind;
  every: Recurrence['every'];
  /** "HH:MM", as typed. */
  at: string;
  /** For a weekly job. */
  days: Day[];
  /** For a monthly job: 1 to 28 (null while the field is empty). */
  monthDay: number | null;
  windowOn: boolean;
  from: string;
  to: string;
  restart: RestartPolicy;
  /** Kept as it was; the form does not pause or resume. */
  paused: boolean;
}

export type Field = 'at' | 'days' | 'monthDay' | 'from' | 'to';

/** Why a field cannot be saved: the message and hint the app would give. */
export interface Problem {
  field: Field;
  message: string;
  hint: string;
}

function timeProblem(field: Field, text: string): Problem | null {
  if (parseTime(text) !== null) return null;
  return {
    field,
    message: `"${text}" is not a time of day.`,
    hint: 'Write it as HH:MM on the 24-hour clock, for example 02:30.',
  };
}

/** Everything that stops the job being saved, in the order of the fields. */
export function problemsOf(f: JobForm): Problem[] {
  const found: (Problem | null)[] = [];
  if (f.every === 'week' && f.days.length === 0) {
    found.push({
      field: 'days',
      message: 'A weekly job needs at least one day.',
      hint: 'Choose the days it runs on, for example Tuesday and Thursday.',
    });
  }
  if (f.every === 'month') {
    const day = f.monthDay;
    if (day === null || !Number.isInteger(day) || day < 1 || day > 28) {
      found.push({
        field: 'monthDay',
        message: day === null || Number.isNaN(day) ? 'No day of the month was given.' : `Day ${day} is not in every month.`,
        hint: 'Choose a day from 1 to 28.',
      });
    }
  }
  found.push(timeProblem('at', f.at));
  if (f.windowOn) {
    const from = timeProblem('from', f.from);
    const to = timeProblem('to', f.to);
    found.push(from, to);
    if (!from && !to && parseTime(f.from) === parseTime(f.to)) {
      found.push({
        field: 'to',
        message: 'A maintenance window must not start and end at the same time.',
        hint: 'Give a window such as 02:00 to 04:00, or none for any time.',
      });
    }
  }
  return found.filter((p): p is Problem => p !== null);
}

/** The job the form describes; call only when `problemsOf` finds nothing. */
export function jobOf(f: JobForm): ScheduledJob {
  const at = parseTime(f.at) ?? f.at.trim();
  const recurrence: Recurrence =
    f.every === 'day'
      ? { every: 'day', at }
      : f.every === 'week'
        ? { every: 'week', days: DAYS.filter((d) => f.days.includes(d)), at }
        : { every: 'month', day: f.monthDay ?? 1, at };
  const window: MaintenanceWindow | null = f.windowOn
    ? { from: parseTime(f.from) ?? f.from.trim(), to: parseTime(f.to) ?? f.to.trim() }
    : null;
  return { kind: f.kind, recurrence, window, restart: f.restart, paused: f.paused };
}

/** The form for a job the app has, to edit it. */
export function formOf(job: ScheduledJob): JobForm {
  const r = job.recurrence;
  return {
    kind: job.kind,
    every: r.every,
    at: r.at,
    days: r.every === 'week' ? DAYS.filter((d) => dayList(r.days).includes(DAY_NAMES[d])) : ['mon'],
    monthDay: r.every === 'month' ? r.day : 1,
    windowOn: job.window !== null,
    from: job.window?.from ?? '02:00',
    to: job.window?.to ?? '04:00',
    restart: job.restart,
    paused: job.paused,
  };
}

// ---- The recommended set-up -------------------------------------------

/** The jobs the wizard sets up, one step each, in this order. */
export const SETUP_KINDS = ['update_check', 'security_patching', 'security_scan'] as const;
export type SetupKind = (typeof SETUP_KINDS)[number];

export interface Recommendation {
  /** The step's heading. */
  title: string;
  /** What the job does, in one sentence. */
  what: string;
  /** Each default, explained in one sentence. */
  why: string[];
  form: JobForm;
}

const base = { days: ['mon'] as Day[], monthDay: 1, windowOn: false, from: '02:00', to: '04:00', paused: false };

export const RECOMMENDED: Record<SetupKind, Recommendation> = {
  update_check: {
    title: 'Check for updates every morning',
    what: 'Shipshape downloads the latest lists of updates, so this screen shows what is waiting; it installs nothing.',
    why: ['Every day at 06:00, so the lists are fresh when the working day starts.'],
    form: { ...base, kind: 'update_check', every: 'day', at: '06:00', restart: 'never' },
  },
  security_patching: {
    title: 'Install security updates every night',
    what: 'Shipshape installs the updates that fix security problems, keeping a copy of each old version so you can undo.',
    why: [
      'Every night at 02:00, when nobody is working.',
      'Only between 02:00 and 04:00: if the computer was off, or a run would not finish by 04:00, it waits for the next night instead of running into the working day.',
      'Some updates need a restart: Shipshape restarts only when nobody is logged in at the screen, so nobody loses their work.',
    ],
    form: {
      ...base,
      kind: 'security_patching',
      every: 'day',
      at: '02:00',
      windowOn: true,
      restart: 'when_nobody_is_at_the_screen',
    },
  },
  security_scan: {
    title: 'Check security settings every week',
    what: "Shipshape checks this computer's security settings and keeps the score; it changes nothing.",
    why: ['Every Monday at 05:00, so you see at the start of the week if anything changed.'],
    form: { ...base, kind: 'security_scan', every: 'week', days: ['mon'], at: '05:00', restart: 'never' },
  },
};

// ---- The wizard --------------------------------------------------------

export type SetupStep = 1 | 2 | 3 | 4;
export const SETUP_STEP_COUNT = 4;

export interface SetupJob {
  kind: SetupKind;
  /** Whether this job is set up at all. */
  include: boolean;
  form: JobForm;
  /** Already sent and accepted: it is not sent again. */
  saved: boolean;
  /** A job of this kind is scheduled already, so it starts left out. */
  existing: boolean;
}

export interface Setup {
  step: SetupStep;
  /** One per `SETUP_KINDS`; step n edits job n - 1. */
  jobs: SetupJob[];
  /** Next was pressed on this step with something wrong: show what. */
  tried: boolean;
  saving: boolean;
  /** The first refusal while saving, and whose. */
  error: { kind: SetupKind; error: AppError } | null;
  /** Every chosen job was saved. */
  done: boolean;
}

export type SetupEvent =
  | { type: 'next' }
  | { type: 'back' }
  | { type: 'saving' }
  | { type: 'saved'; kind: SetupKind }
  | { type: 'failed'; kind: SetupKind; error: AppError }
  | { type: 'finished' };

/** The wizard with the recommended jobs; kinds already scheduled start left out. */
export function initialSetup(existing: readonly JobKind[] = []): Setup {
  return {
    step: 1,
    jobs: SETUP_KINDS.map((kind) => {
      const there = existing.includes(kind);
      return {
        kind,
        include: !there,
        form: structuredClone(RECOMMENDED[kind].form),
        saved: false,
        existing: there,
      };
    }),
    tried: false,
    saving: false,
    error: null,
    done: false,
  };
}

/** The job a step edits; null on the summary. */
export function stepJob(s: Setup): SetupJob | null {
  return s.step <= SETUP_KINDS.length ? s.jobs[s.step - 1] : null;
}

/** What is wrong on the current step (only once Next was pressed there). */
export function stepProblems(s: Setup): Problem[] {
  const job = stepJob(s);
  if (!s.tried || !job || !job.include || job.saved) return [];
  return problemsOf(job.form);
}

/** The additions still to send, in order. */
export function pending(s: Setup): { kind: SetupKind; change: ScheduleChange }[] {
  return s.jobs
    .filter((j) => j.include && !j.saved)
    .map((j) => ({ kind: j.kind, change: { kind: 'add', job: jobOf(j.form) } }));
}

/** Whether the summary can be saved now. */
export function canSave(s: Setup): boolean {
  return (
    s.step === SETUP_STEP_COUNT &&
    !s.saving &&
    !s.done &&
    s.jobs.some((j) => j.include && !j.saved) &&
    s.jobs.every((j) => !j.include || j.saved || problemsOf(j.form).length === 0)
  );
}

/** "Check for updates and Install security updates", for the result. */
export function kindList(kinds: readonly JobKind[]): string {
  return listWords(kinds.map((k) => KIND_WORDS[k]));
}

export function transition(s: Setup, e: SetupEvent): Setup {
  switch (e.type) {
    case 'next': {
      const job = stepJob(s);
      if (!job || s.saving) return s;
      if (job.include && !job.saved && problemsOf(job.form).length > 0) return { ...s, tried: true };
      return { ...s, step: (s.step + 1) as SetupStep, tried: false, error: null };
    }
    case 'back':
      if (s.step === 1 || s.saving) return s;
      return { ...s, step: (s.step - 1) as SetupStep, tried: false, error: null };
    case 'saving':
      return canSave(s) ? { ...s, saving: true, error: null } : s;
    case 'saved':
      if (!s.saving) return s;
      return { ...s, jobs: s.jobs.map((j) => (j.kind === e.kind ? { ...j, saved: true } : j)) };
    case 'failed':
      if (!s.saving) return s;
      return { ...s, saving: false, error: { kind: e.kind, error: e.error } };
    case 'finished':
      if (!s.saving) return s;
      return { ...s, saving: false, done: s.jobs.every((j) => !j.include || j.saved) };
  }
}

// ---- The list ------------------------------------------------------------

/** A failed run or a row that cannot be read is red; runs missed are amber. */
export function attentionLevel(status: JobStatus): Level {
  return status.job === null || status.last_run?.outcome === 'failed' ? 'danger' : 'warning';
}

/** "It missed 2 runs while the computer was off; it catches up once." */
export function missedWords(missed: number): string {
  return `${plural(missed, 'run was', 'runs were')} missed since the last one, while the computer was off or asleep; one run catches up for them.`;
}

/** The kinds scheduled already, so the wizard leaves them out at first. */
export function scheduledKinds(list: readonly JobStatus[]): JobKind[] {
  return list.flatMap((s) => (s.job ? [s.job.kind] : []));
}

/** The soonest next run among the jobs that are not paused. */
export function soonest(list: readonly JobStatus[]): JobStatus | null {
  let best: JobStatus | null = null;
  for (const s of list) {
    if (!s.job || s.job.paused || !s.next_run) continue;
    if (!best || Date.parse(s.next_run) < Date.parse(best.next_run!)) best = s;
  }
  return best;
}
