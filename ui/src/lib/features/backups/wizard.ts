// The "Set up a backup" wizard as a small state machine: where the backup
// is kept and its name, what it copies, how often it runs, then its
// password. Nothing is made before "Set up the backup" on step 3, which
// makes the backup (its password made and kept in the keychain) and
// schedules it; step 4 shows that password on the recovery sheet, and
// Finish waits until the administrator says the sheet is printed or saved.
// The backup is kept in a folder on this computer (or a disk), on
// another computer over SSH (SFTP), whose host key the administrator
// checks and confirms before going on, or on a restic REST server, whose
// certificate they confirm and whose account's password Shipshape keeps
// sealed ("Connect"), tried before going on.
// Pure: the screen makes the calls and feeds the answers in as events.
import { bytes } from '../../format';
import type {
  AppError,
  BackupEstimate,
  BackupHostKey,
  BackupPlan,
  BackupServer,
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

export type Field =
  | 'name'
  | 'folder'
  | 'user'
  | 'host'
  | 'port'
  | 'remoteFolder'
  | 'hostKey'
  | 'hostConfirmed'
  | 'serverAddress'
  | 'serverUser'
  | 'serverPassword'
  | 'serverFolder'
  | 'serverConfirmed'
  | 'serverReady'
  | 'paths'
  | 'path'
  | 'exclude'
  | 'backupAt'
  | 'testAt';

/** A folder on this computer or a disk, another computer over SSH, or a restic REST server. */
export type Where = 'local' | 'remote' | 'server';

/** The fields of another computer, as typed. */
export interface Remote {
  user: string;
  host: string;
  port: string;
  folder: string;
}
export type RemoteField = keyof Remote;

/** The fields of a backup server, as typed; its password is typed too, and forgotten once kept. */
export interface Server {
  /** `https://HOST[:PORT]`, or `http://` for a server without encryption. */
  address: string;
  /** Its account, when it asks for one. */
  user: string;
  password: string;
  folder: string;
}
export type ServerField = keyof Server;

export const SUGGESTED_SERVER_FOLDER = 'shipshape';
/** What the administrator runs on the server to see its certificate's fingerprint. */
export const CERTIFICATE_COMMAND = 'openssl x509 -noout -fingerprint -sha256 -in CERTIFICATE';

export const DEFAULT_PORT = '22';
export const SUGGESTED_REMOTE_FOLDER = '/srv/backups/shipshape';
/** What the administrator runs on the other computer to see its fingerprint. */
export const FINGERPRINT_COMMAND = 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub';

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
  where: Where;
  folder: string;
  remote: Remote;
  /** The location being checked now (`backup_host_key`, `backup_server`), if any. */
  checking: string | null;
  /** The check now is "Connect" (the server's certificate trusted and password kept). */
  connecting: boolean;
  server: Server;
  /** The backup server, for the fields as they are. */
  serverInfo: BackupServer | null;
  /** The other computer's host key, for the fields as they are. */
  hostKey: BackupHostKey | null;
  /** Why the other computer or the server could not be checked. */
  checkError: AppError | null;
  /** "The fingerprint matches what the other computer (or the server) shows". */
  hostConfirmed: boolean;
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
  | { type: 'where'; where: Where }
  | { type: 'remote'; field: RemoteField; value: string }
  | { type: 'checking' }
  | { type: 'hostKey'; to: string; key: BackupHostKey }
  | { type: 'checkFailed'; to: string; error: AppError }
  | { type: 'serverField'; field: ServerField; value: string }
  | { type: 'connecting' }
  | { type: 'server'; to: string; info: BackupServer }
  | { type: 'next' }
  | { type: 'back' }
  | { type: 'addPath' }
  | { type: 'removePath'; path: string }
  | { type: 'addExclude' }
  | { type: 'removeExclude'; pattern: string }
  | { type: 'beforeUpdates'; on: boolean }
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
    where: 'local',
    folder: '',
    remote: { user: '', host: '', port: DEFAULT_PORT, folder: '' },
    checking: null,
    connecting: false,
    server: { address: '', user: '', password: '', folder: SUGGESTED_SERVER_FOLDER },
    serverInfo: null,
    hostKey: null,
    checkError: null,
    hostConfirmed: false,
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

/** A space, a quote or a backslash: ssh and restic would read them differently. */
const UNSAFE = /[\s"'`\\]/;

function unsafeProblem(field: Field, text: string): Problem | null {
  if (!UNSAFE.test(text)) return null;
  return {
    field,
    message: `“${text}” has a space, a quote or a backslash.`,
    hint: 'ssh and restic would read it differently: leave them out.',
  };
}

/** Letters, digits and `extra`, not starting with - (ssh would read an option) or a dot. */
function plain(text: string, extra: string): boolean {
  return /^[A-Za-z0-9]/.test(text) && [...text].every((c) => /[A-Za-z0-9]/.test(c) || extra.includes(c));
}

function userProblem(text: string): Problem | null {
  const user = text.trim();
  if (user === '') {
    return {
      field: 'user',
      message: 'Say which account to use on the other computer.',
      hint: 'For example backup: an account there set aside for backups.',
    };
  }
  const unsafe = unsafeProblem('user', user);
  if (unsafe) return unsafe;
  if (user.length > 32 || !plain(user, '._-')) {
    return {
      field: 'user',
      message: `“${user}” is not an account name.`,
      hint: 'Use letters, digits, dots, dashes and underscores, starting with a letter or digit.',
    };
  }
  return null;
}

function hostProblem(text: string): Problem | null {
  const host = text.trim();
  if (host === '') {
    return {
      field: 'host',
      message: 'Say which computer keeps the backup.',
      hint: 'Its name, such as nas.local, or its address, such as 192.168.1.20.',
    };
  }
  const unsafe = unsafeProblem('host', host);
  if (unsafe) return unsafe;
  if (host.length > 253 || !plain(host, '.-_')) {
    return {
      field: 'host',
      message: `“${host}” is not a computer's name or address.`,
      hint: 'Give its name, such as nas.local, or its IPv4 address, such as 192.168.1.20 (starting with a letter or digit).',
    };
  }
  return null;
}

function portProblem(text: string): Problem | null {
  const port = text.trim();
  const number = /^[0-9]{1,5}$/.test(port) ? Number(port) : 0;
  if (number >= 1 && number <= 65535) return null;
  return {
    field: 'port',
    message: port === '' ? 'Say which port SSH listens on.' : `“${port}” is not a port number.`,
    hint: 'A number from 1 to 65535; SSH listens on 22 unless it was changed.',
  };
}

function remoteFolderProblem(text: string): Problem | null {
  const folder = cleanPath(text);
  if (folder === '') {
    return {
      field: 'remoteFolder',
      message: 'Say which folder on that computer keeps the backup.',
      hint: `Type its full path there, for example ${SUGGESTED_REMOTE_FOLDER}.`,
    };
  }
  const unsafe = unsafeProblem('remoteFolder', folder);
  if (unsafe) return unsafe;
  const problem = pathProblem('remoteFolder', folder, SUGGESTED_REMOTE_FOLDER);
  if (problem) return problem;
  if (folder === '/') {
    return { field: 'remoteFolder', message: '/ itself cannot keep a backup.', hint: 'Give a folder in it.' };
  }
  return null;
}

/** What is wrong with the other computer's fields, in their order. */
export function remoteProblems(r: Remote): Problem[] {
  const found = [userProblem(r.user), hostProblem(r.host), portProblem(r.port), remoteFolderProblem(r.folder)];
  return found.filter((p): p is Problem => p !== null);
}

/** `sftp:USER@HOST[:PORT]:/folder`, the port only when it is not 22; null while a field is wrong. */
export function remoteLocation(r: Remote): string | null {
  if (remoteProblems(r).length > 0) return null;
  const port = Number(r.port.trim());
  return `sftp:${r.user.trim()}@${r.host.trim()}${port === 22 ? '' : `:${port}`}:${cleanPath(r.folder)}`;
}

/** The host key shown differs from the one Shipshape trusts for that computer. */
export function hostChanged(key: BackupHostKey): boolean {
  return key.trusted !== null && key.trusted !== key.fingerprint;
}

/** Shipshape trusts the host key the computer offers: nothing to confirm. */
export function hostTrusted(key: BackupHostKey): boolean {
  return key.trusted === key.fingerprint;
}

function hostKeyProblems(s: Setup): Problem[] {
  if (s.checking !== null) {
    return [{ field: 'hostKey', message: 'Shipshape is still checking the computer.', hint: 'Wait for its fingerprint.' }];
  }
  if (!s.hostKey) {
    return [
      {
        field: 'hostKey',
        message: 'Check the computer first.',
        hint: 'Press “Check the computer”, then compare its fingerprint with what it shows.',
      },
    ];
  }
  if (!hostTrusted(s.hostKey) && !s.hostConfirmed) {
    return [
      {
        field: 'hostConfirmed',
        message: 'Compare the fingerprint with what the other computer shows.',
        hint: 'Tick the box once they match; if they do not, do not go on.',
      },
    ];
  }
  return [];
}

const ADDRESS = /^(https?):\/\/([^/:@]+)(?::([^/]*))?\/?$/;

/** What is wrong with a backup server's fields, in their order. */
export function serverProblems(v: Server): Problem[] {
  const problems: Problem[] = [];
  const address = v.address.trim();
  const parts = ADDRESS.exec(address);
  if (address === '') {
    problems.push({
      field: 'serverAddress',
      message: 'Say which server keeps the backup.',
      hint: 'Its address with https:// and the port its backup service listens on, for example https://nas.local:8000.',
    });
  } else if (address.includes('@')) {
    problems.push({
      field: 'serverAddress',
      message: 'The address has an account or a password in it.',
      hint: 'Write the address alone (https://HOST:PORT) and put the account and its password in their own fields below.',
    });
  } else if (!parts) {
    problems.push({
      field: 'serverAddress',
      message: `“${address}” is not a server's address.`,
      hint: 'Write https://, its name or IPv4 address, and the port: for example https://nas.local:8000 (http:// only for a server without encryption).',
    });
  } else if (parts[2].length > 253 || !plain(parts[2], '.-')) {
    problems.push({
      field: 'serverAddress',
      message: `“${parts[2]}” is not a server's name or address.`,
      hint: 'Give its name, such as nas.local, or its IPv4 address, such as 192.168.1.20.',
    });
  } else if (parts[3] !== undefined && portProblem(parts[3])) {
    problems.push({
      field: 'serverAddress',
      message: `“${parts[3]}” is not a port number.`,
      hint: 'A number from 1 to 65535: the port the backup service listens on (rest-server uses 8000).',
    });
  }
  const user = v.user.trim();
  if (user !== '' && (user.length > 64 || !plain(user, '._-'))) {
    problems.push({
      field: 'serverUser',
      message: `“${user}” is not an account name.`,
      hint: 'Use letters, digits, dots, dashes and underscores, starting with a letter or digit; leave it empty when the server asks for no account.',
    });
  }
  const folder = v.folder.trim().replace(/^\/+|\/+$/g, '');
  if (folder === '' || !folder.split('/').every((p) => plain(p, '._-'))) {
    problems.push({
      field: 'serverFolder',
      message: folder === '' ? 'Say which folder on the server keeps the backup.' : `“${folder}” is not a plain folder name.`,
      hint: `Use letters, digits, dots, dashes and underscores, for example ${SUGGESTED_SERVER_FOLDER}; a server with private folders wants the account's name.`,
    });
  }
  return problems;
}

/** `rest:https://USER@HOST[:PORT]/folder`; null while a field is wrong. */
export function serverLocation(v: Server): string | null {
  if (serverProblems(v).length > 0) return null;
  const user = v.user.trim();
  const address = v.address.trim().replace(/\/+$/, '');
  const [scheme, rest] = address.split('://');
  const folder = v.folder.trim().replace(/^\/+|\/+$/g, '');
  return `rest:${scheme}://${user === '' ? '' : `${user}@`}${rest}/${folder}`;
}

/** The server shows the certificate Shipshape trusts for it: nothing to confirm. */
export function certificateTrusted(info: BackupServer): boolean {
  return !info.encrypted || (info.trusted !== null && info.trusted === info.fingerprint);
}

/** The server shows another certificate than the one Shipshape trusts. */
export function certificateChanged(info: BackupServer): boolean {
  return info.trusted !== null && info.fingerprint !== null && info.trusted !== info.fingerprint;
}

/** Whether "Connect" can be pressed: checked, certificate compared, password typed (or kept). */
export function canConnect(s: Setup): boolean {
  const info = s.serverInfo;
  if (s.where !== 'server' || s.checking !== null || !info) return false;
  if (!certificateTrusted(info) && !s.hostConfirmed) return false;
  return info.user === null || info.login_kept || s.server.password !== '';
}

/** What Connect sends: the fingerprint to trust (when not trusted yet) and the password (when typed). */
export function connectRequest(s: Setup): { to: string; trust: string | null; password: string | null } | null {
  const to = serverLocation(s.server);
  const info = s.serverInfo;
  if (!to || !info) return null;
  return {
    to,
    trust: certificateTrusted(info) ? null : info.fingerprint,
    password: info.user === null || s.server.password === '' ? null : s.server.password,
  };
}

function serverReadyProblems(s: Setup): Problem[] {
  if (s.checking !== null) {
    return [{ field: 'serverReady', message: 'Shipshape is still checking the server.', hint: 'Wait for its answer.' }];
  }
  const info = s.serverInfo;
  if (!info) {
    return [
      {
        field: 'serverReady',
        message: 'Check the server first.',
        hint: 'Press “Check the server”, then compare its certificate with what the server shows.',
      },
    ];
  }
  if (!certificateTrusted(info) && !s.hostConfirmed) {
    return [
      {
        field: 'serverConfirmed',
        message: 'Compare the fingerprint with what the server shows.',
        hint: 'Tick the box once they match; if they do not, do not go on.',
      },
    ];
  }
  if (!info.ready) {
    if (info.user !== null && !info.login_kept && s.server.password === '') {
      return [
        {
          field: 'serverPassword',
          message: `Type the password of the account ${info.user} on the server.`,
          hint: 'Shipshape keeps it sealed, readable only by the administrator on this computer.',
        },
      ];
    }
    return [
      {
        field: 'serverReady',
        message: 'Connect to the server.',
        hint: 'Press “Connect”: Shipshape trusts the certificate, keeps the password and tries them.',
      },
    ];
  }
  if (info.has_backup) {
    return [
      {
        field: 'serverFolder',
        message: 'There is a backup in that folder on the server already.',
        hint: 'Choose another folder: a new backup needs an empty one. (To use that backup, add it with shipshape backup connect.)',
      },
    ];
  }
  return [];
}

function whereProblems(s: Setup): Problem[] {
  if (s.where === 'local') return folderProblems(s);
  if (s.where === 'server') {
    const problems = serverProblems(s.server);
    return problems.length > 0 ? problems : serverReadyProblems(s);
  }
  const problems = remoteProblems(s.remote);
  return problems.length > 0 ? problems : hostKeyProblems(s);
}

function planProblems(s: Setup): Problem[] {
  if (!s.plan) return [];
  if (s.plan.paths.length === 0) {
    return [{ field: 'paths', message: 'Choose at least one folder to back up.', hint: 'Add a folder below, for example /home.' }];
  }
  if (s.where !== 'local') return [];
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
      return [...nameProblems(s), ...whereProblems(s)];
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

/** The backup to make as `backup_init` takes it: its name, where (a folder, an `sftp:` or a `rest:` location), plan, and the fingerprint confirmed for another computer. */
export function request(
  s: Setup,
): { name: string; folder: string; plan: BackupPlan; trust: string | null } | null {
  if (!s.plan) return null;
  const name = s.name.trim();
  if (s.where === 'local') return { name, folder: cleanPath(s.folder), plan: s.plan, trust: null };
  if (s.where === 'server') {
    const location = serverLocation(s.server);
    return location && s.serverInfo?.ready ? { name, folder: location, plan: s.plan, trust: null } : null;
  }
  const location = remoteLocation(s.remote);
  if (!location || !s.hostKey) return null;
  return { name, folder: location, plan: s.plan, trust: s.hostKey.fingerprint };
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

/** A changed field or choice: the check was of another computer or server, or of none. */
function forgetHostKey(s: Setup): Setup {
  return {
    ...s,
    checking: null,
    connecting: false,
    hostKey: null,
    serverInfo: null,
    checkError: null,
    hostConfirmed: false,
  };
}

export function transition(s: Setup, e: SetupEvent): Setup {
  switch (e.type) {
    case 'defaults':
      return s.plan ? s : { ...s, plan: e.plan, defaultsError: null };
    case 'defaultsFailed':
      return s.plan ? s : { ...s, defaultsError: e.error };
    case 'where':
      return s.step === 1 && s.where !== e.where
        ? { ...forgetHostKey(s), where: e.where, server: { ...s.server, password: '' } }
        : s;
    case 'remote':
      return s.step === 1 ? { ...forgetHostKey(s), remote: { ...s.remote, [e.field]: e.value } } : s;
    case 'serverField':
      // The password alone changes nothing that was checked.
      if (s.step !== 1) return s;
      if (e.field === 'password') return { ...s, server: { ...s.server, password: e.value } };
      return { ...forgetHostKey(s), server: { ...s.server, [e.field]: e.value } };
    case 'checking': {
      if (s.step !== 1 || s.where === 'local' || s.checking !== null) return s;
      const to = s.where === 'remote' ? remoteLocation(s.remote) : serverLocation(s.server);
      if (!to) return { ...s, tried: true };
      return { ...forgetHostKey(s), checking: to };
    }
    case 'connecting': {
      if (s.step !== 1 || !canConnect(s)) return { ...s, tried: s.step === 1 };
      const to = serverLocation(s.server);
      return to ? { ...s, checking: to, connecting: true, checkError: null } : s;
    }
    case 'server': {
      if (s.checking !== e.to) return s;
      const password = e.info.ready ? '' : s.server.password;
      return { ...s, checking: null, connecting: false, serverInfo: e.info, server: { ...s.server, password } };
    }
    case 'hostKey':
      return s.checking === e.to ? { ...s, checking: null, hostKey: e.key } : s;
    case 'checkFailed':
      return s.checking === e.to ? { ...s, checking: null, connecting: false, checkError: e.error } : s;
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
    case 'beforeUpdates':
      return s.plan ? { ...s, plan: { ...s.plan, before_updates: e.on } } : s;
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
