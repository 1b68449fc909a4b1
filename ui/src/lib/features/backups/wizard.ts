// The "Set up a backup" wizard as a small state machine: where the backup
// is kept and its name, what it copies, how often it runs, then its
// password. Nothing is made before "Set up the backup" on step 3, which
// makes the backup (its password made and kept in the keychain) and
// schedules it; step 4 shows that password on the recovery sheet, and
// Finish waits until the administrator says the sheet is printed or saved.
// Pure: the screen makes the calls and feeds the answers in as events.
import { bytes } from '../../format';
import type {
  AppError,
  BackupEstimate,
  BackupPlan,
  BackupRepository,
  JobKind,
  JobProgress,
  JobStatus,
  ScheduleChange,
  ScheduledJob,
} from '../../ipc';
import { parseTime, type Day } from '../maintenance/schedule';

export type Step = 1 | 2 | 3 | 4;
export const STEP_COUNT = 4;

export const STEP_TITLES: Record<Step, string> = {
  1: 'Where to keep the backup',
  2: 'What to back up',
  3: 'How often',
  4: 'The password',
};

export const SUGGESTED_NAME = 'Office backup';
export const SUGGESTED_FOLDER = '/var/backups/shipshape';

/** The scheduled jobs a backup needs. */
export type BackupJobKind = Extract<JobKind, 'backup' | 'restore_test'>;
export const JOB_KINDS: readonly BackupJobKind[] = ['backup', 'restore_test'];

export type Field = 'name' | 'folder' | 'paths' | 'path' | 'exclude' | 'backupAt' | 'testAt';

/** Why a field cannot be used, and what to do. */
export interface Problem {
  field: Field;
  message: string;
  hint: string;
}

export interface Setup {
  step: Step;
  /** Step 1. */
  name: string;
  folder: string;
  /** Step 2: the suggested plan once it arrives, with the administrator's changes. */
  plan: BackupPlan | null;
  defaultsError: AppError | null;
  /** What is typed in the fields that add a folder or something to leave out. */
  newPath: string;
  newExclude: string;
  /** Why the last Add did nothing. */
  addProblem: Problem | null;
  /** Step 3: "HH:MM", as typed. */
  backupAt: string;
  testDay: Day;
  testAt: string;
  /** Names of the backups there are already. */
  taken: string[];
  /** A job of this kind is scheduled already (its description): it serves this backup too. */
  existing: Record<BackupJobKind, string | null>;
  /** Next was pressed on this step with something wrong: show what. */
  tried: boolean;
  /** Making the backup, or scheduling it. */
  working: boolean;
  repository: BackupRepository | null;
  scheduled: BackupJobKind[];
  /** Why the backup was not made; shown on step 3. */
  error: AppError | null;
  /** Why it was made but not scheduled; shown on step 4. */
  scheduleError: AppError | null;
  /** "I have printed or saved the recovery sheet". */
  sheetKept: boolean;
}

export type SetupEvent =
  | { type: 'defaults'; plan: BackupPlan }
  | { type: 'defaultsFailed'; error: AppError }
  | { type: 'next' }
  | { type: 'back' }
  | { type: 'addPath' }
  | { type: 'removePath'; path: string }
  | { type: 'addExclude' }
  | { type: 'removeExclude'; pattern: string }
  | { type: 'working' }
  | { type: 'created'; repository: BackupRepository }
  | { type: 'failed'; error: AppError }
  | { type: 'scheduled'; kind: BackupJobKind }
  | { type: 'scheduleFailed'; error: AppError }
  | { type: 'settled' };

/** The wizard, knowing the backups there are and the schedule. */
export function initialSetup(taken: readonly string[], jobs: readonly JobStatus[]): Setup {
  const existing = (kind: BackupJobKind) => jobs.find((j) => j.job?.kind === kind)?.description ?? null;
  return {
    step: 1,
    name: taken.includes(SUGGESTED_NAME) ? '' : SUGGESTED_NAME,
    folder: '',
    plan: null,
    defaultsError: null,
    newPath: '',
    newExclude: '',
    addProblem: null,
    backupAt: '01:30',
    testDay: 'sun',
    testAt: '03:00',
    taken: [...taken],
    existing: { backup: existing('backup'), restore_test: existing('restore_test') },
    tried: false,
    working: false,
    repository: null,
    scheduled: [],
    error: null,
    scheduleError: null,
    sheetKept: false,
  };
}

// ---- Checks ------------------------------------------------------------

/** A path as typed, without spaces around it or a slash at its end. */
export function cleanPath(text: string): string {
  const t = text.trim();
  return t.length > 1 ? t.replace(/\/+$/, '') || '/' : t;
}

function pathProblem(field: Field, path: string, example: string): Problem | null {
  if (!path.startsWith('/')) {
    return {
      field,
      message: `“${path}” is not a full path.`,
      hint: `A full path starts with /, for example ${example}.`,
    };
  }
  if (path.split('/').includes('..')) {
    return { field, message: `“${path}” climbs out of a folder with “..”.`, hint: 'Write the path without “..”.' };
  }
  return null;
}

/** Whether `inner` is `outer` or inside it. */
function within(inner: string, outer: string): boolean {
  return outer === '/' || inner === outer || inner.startsWith(`${outer}/`);
}

function nameProblems(s: Setup): Problem[] {
  const name = s.name.trim();
  if (name === '') {
    return [
      {
        field: 'name',
        message: 'Give this backup a name.',
        hint: `For example “${SUGGESTED_NAME}”. Its password is kept in Credentials under this name.`,
      },
    ];
  }
  if (s.taken.some((t) => t.toLowerCase() === name.toLowerCase())) {
    return [{ field: 'name', message: `You have a backup called “${name}” already.`, hint: 'Give this one another name.' }];
  }
  return [];
}

function folderProblems(s: Setup): Problem[] {
  const folder = cleanPath(s.folder);
  if (folder === '') {
    return [
      {
        field: 'folder',
        message: 'Say where to keep the backup.',
        hint: `Type the full path of a folder, for example ${SUGGESTED_FOLDER}.`,
      },
    ];
  }
  const problem = pathProblem('folder', folder, SUGGESTED_FOLDER);
  return problem ? [problem] : [];
}

function planProblems(s: Setup): Problem[] {
  if (!s.plan) return [];
  if (s.plan.paths.length === 0) {
    return [{ field: 'paths', message: 'Choose at least one folder to back up.', hint: 'Add a folder below, for example /home.' }];
  }
  const folder = cleanPath(s.folder);
  const inside = s.plan.paths.find((p) => within(folder, p));
  if (inside && !s.plan.excludes.includes(folder)) {
    return [
      {
        field: 'paths',
        message: `The backup folder ${folder} is inside ${inside}, which is backed up: the backup would copy itself.`,
        hint: `Keep the backup somewhere else (go back to step 1), or leave ${folder} out below.`,
      },
    ];
  }
  return [];
}

function timeProblem(field: Field, text: string): Problem | null {
  if (parseTime(text) !== null) return null;
  return {
    field,
    message: `“${text.trim()}” is not a time of day.`,
    hint: 'Write it as HH:MM on the 24-hour clock, for example 01:30.',
  };
}

function scheduleProblems(s: Setup): Problem[] {
  const found = [
    s.existing.backup === null ? timeProblem('backupAt', s.backupAt) : null,
    s.existing.restore_test === null ? timeProblem('testAt', s.testAt) : null,
  ];
  return found.filter((p): p is Problem => p !== null);
}

/** Everything on `step` that stops the wizard going on, in the order of the fields. */
export function problemsOn(s: Setup, step: Step): Problem[] {
  switch (step) {
    case 1:
      return [...nameProblems(s), ...folderProblems(s)];
    case 2:
      return planProblems(s);
    case 3:
      return scheduleProblems(s);
    case 4:
      return [];
  }
}

/** What is wrong on the current step (only once Next was pressed there). */
export function stepProblems(s: Setup): Problem[] {
  return s.tried ? problemsOn(s, s.step) : [];
}

// ---- Making it ---------------------------------------------------------

/** The scheduled job of `kind` the wizard adds. */
export function jobFor(s: Setup, kind: BackupJobKind): ScheduledJob {
  const recurrence: ScheduledJob['recurrence'] =
    kind === 'backup'
      ? { every: 'day', at: parseTime(s.backupAt) ?? s.backupAt.trim() }
      : { every: 'week', days: [s.testDay], at: parseTime(s.testAt) ?? s.testAt.trim() };
  return { kind, recurrence, window: null, restart: 'never', paused: false };
}

/** The jobs still to add: those not scheduled already, nor added by this wizard. */
export function pendingJobs(s: Setup): { kind: BackupJobKind; change: ScheduleChange }[] {
  return JOB_KINDS.filter((k) => s.existing[k] === null && !s.scheduled.includes(k)).map((kind) => ({
    kind,
    change: { kind: 'add', job: jobFor(s, kind) },
  }));
}

/** The backup to make: its name, folder and plan as `backup_init` takes them. */
export function request(s: Setup): { name: string; folder: string; plan: BackupPlan } | null {
  if (!s.plan) return null;
  return { name: s.name.trim(), folder: cleanPath(s.folder), plan: s.plan };
}

/** Whether "Set up the backup" can be pressed now. */
export function canCreate(s: Setup): boolean {
  return (
    s.step === 3 &&
    !s.working &&
    s.repository === null &&
    s.plan !== null &&
    ([1, 2, 3] as const).every((step) => problemsOn(s, step).length === 0)
  );
}

/** Whether Finish can be pressed now. */
export function canFinish(s: Setup): boolean {
  return s.step === 4 && s.repository !== null && s.sheetKept && !s.working;
}

function addPath(s: Setup): Setup {
  if (!s.plan) return s;
  const path = cleanPath(s.newPath);
  const problem: Problem | null =
    path === ''
      ? { field: 'path', message: 'Type the full path of a folder first.', hint: 'For example /home/anna/Documents.' }
      : s.plan.paths.includes(path)
        ? { field: 'path', message: `${path} is in the list already.`, hint: '' }
        : pathProblem('path', path, '/home/anna/Documents');
  if (problem) return { ...s, addProblem: problem };
  return { ...s, plan: { ...s.plan, paths: [...s.plan.paths, path] }, newPath: '', addProblem: null };
}

function addExclude(s: Setup): Setup {
  if (!s.plan) return s;
  const pattern = s.newExclude.trim();
  const problem: Problem | null =
    pattern === ''
      ? { field: 'exclude', message: 'Type what to leave out first.', hint: 'A name such as .cache, or a pattern such as *.iso.' }
      : s.plan.excludes.includes(pattern)
        ? { field: 'exclude', message: `${pattern} is left out already.`, hint: '' }
        : null;
  if (problem) return { ...s, addProblem: problem };
  return { ...s, plan: { ...s.plan, excludes: [...s.plan.excludes, pattern] }, newExclude: '', addProblem: null };
}

export function transition(s: Setup, e: SetupEvent): Setup {
  switch (e.type) {
    case 'defaults':
      return s.plan ? s : { ...s, plan: e.plan, defaultsError: null };
    case 'defaultsFailed':
      return s.plan ? s : { ...s, defaultsError: e.error };
    case 'next':
      if (s.step > 2 || s.working || (s.step === 2 && !s.plan)) return s;
      if (problemsOn(s, s.step).length > 0) return { ...s, tried: true };
      return { ...s, step: (s.step + 1) as Step, tried: false, addProblem: null };
    case 'back':
      if (s.step === 1 || s.step === 4 || s.working) return s;
      return { ...s, step: (s.step - 1) as Step, tried: false, addProblem: null, error: null };
    case 'addPath':
      return addPath(s);
    case 'removePath':
      return s.plan ? { ...s, plan: { ...s.plan, paths: s.plan.paths.filter((p) => p !== e.path) } } : s;
    case 'addExclude':
      return addExclude(s);
    case 'removeExclude':
      return s.plan ? { ...s, plan: { ...s.plan, excludes: s.plan.excludes.filter((p) => p !== e.pattern) } } : s;
    case 'working':
      if (canCreate(s)) return { ...s, working: true, tried: false, error: null };
      if (problemsOn(s, 3).length > 0 && s.step === 3) return { ...s, tried: true };
      // On step 4, scheduling again what was refused.
      if (s.step === 4 && !s.working && pendingJobs(s).length > 0) return { ...s, working: true, scheduleError: null };
      return s;
    case 'created':
      return s.working ? { ...s, repository: e.repository } : s;
    case 'failed':
      return s.working && !s.repository ? { ...s, working: false, error: e.error } : s;
    case 'scheduled':
      return s.working && !s.scheduled.includes(e.kind) ? { ...s, scheduled: [...s.scheduled, e.kind] } : s;
    case 'scheduleFailed':
      return s.working ? { ...s, scheduleError: e.error } : s;
    case 'settled':
      if (!s.working) return s;
      return { ...s, working: false, step: s.repository ? 4 : s.step };
  }
}

// ---- The size estimate -----------------------------------------------

/** The plan an estimate was made for, to tell when the list changed since. */
export function planKey(plan: BackupPlan): string {
  return JSON.stringify([plan.paths, plan.excludes]);
}

/** The estimate of step 2, as far as it went. */
export type EstimateState =
  | { state: 'idle' }
  | { state: 'running'; progress: JobProgress | null; cancelling: boolean }
  | { state: 'done'; key: string; result: BackupEstimate }
  | { state: 'cancelled' }
  | { state: 'failed'; error: AppError };

function files(n: number): string {
  return `${n.toLocaleString()} ${n === 1 ? 'file' : 'files'}`;
}

/** "About 12,345 files, 3.2 GB.", saying when some files could not be counted. */
export function estimateWords(e: BackupEstimate): string {
  const base = `About ${files(e.files)}, ${bytes(e.bytes)}.`;
  if (e.unreadable === 0) return base;
  return `${base} ${files(e.unreadable)} could not be read while counting, so the backup may be larger.`;
}
