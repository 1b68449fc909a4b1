// Waiting updates, past runs and scheduled jobs for the Maintenance screen's tests. Only
// tests import this file.
import type { JobStatus, ScheduledJob, ScheduledRun, Update, UpdateRun, Waiting } from '../../ipc';

export const openssl: Update = {
  name: 'openssl',
  arch: 'amd64',
  installed: '3.0.14-1~deb12u2',
  candidate: '3.0.15-1~deb12u1',
  security: true,
  sources: ['Debian-Security:12/stable-security'],
  download_bytes: 1468006,
  installed_kib: 2208,
  summary: 'Secure Sockets Layer toolkit - cryptographic utility',
  needs_restart: false,
};

export const firefox: Update = {
  name: 'firefox-esr',
  arch: 'amd64',
  installed: '128.3.0esr-1~deb12u1',
  candidate: '128.4.0esr-1~deb12u1',
  security: true,
  sources: ['Debian-Security:12/stable-security'],
  download_bytes: 72351744,
  installed_kib: 251904,
  summary: 'Mozilla Firefox web browser - Extended Support Release (ESR)',
  needs_restart: false,
};

export const tzdata: Update = {
  name: 'tzdata',
  arch: 'all',
  installed: '2024a-0+deb12u1',
  candidate: '2024b-0+deb12u1',
  security: false,
  sources: ['Debian:12.8/stable'],
  download_bytes: 262144,
  installed_kib: 1024,
  summary: 'time zone and daylight-saving time data',
  needs_restart: false,
};

export const kernel: Update = {
  name: 'linux-image-6.1.0-27-amd64',
  arch: 'amd64',
  installed: null,
  candidate: '6.1.115-1',
  security: false,
  sources: ['Debian:12.8/stable'],
  download_bytes: 70254592,
  installed_kib: 412672,
  summary: 'Linux 6.1 for 64-bit PCs (signed)',
  needs_restart: true,
};

/** Sent in the app's order (security first); the list must keep it so even if it were not. */
export const waiting: Waiting = {
  updates: [tzdata, openssl, kernel, firefox],
  kept_back: ['libreoffice-core'],
  held: [],
  phased: ['systemd'],
  refreshed: false,
};

export const upToDate: Waiting = { updates: [], kept_back: [], held: [], phased: [], refreshed: true };

type Numbered = 'id' | 'undoes' | 'undone_by' | 'admin_run';

/** A run as the app sends it: its numbers are plain JSON numbers. */
export function run(
  fields: Partial<Omit<UpdateRun, Numbered>> & {
    id: number;
    undoes?: number | null;
    undone_by?: number | null;
    admin_run?: number | null;
  },
): UpdateRun {
  return {
    kind: 'apply',
    asked: 'security updates',
    started: '2025-03-04T10:00:00.000Z',
    finished: '2025-03-04T10:02:00.000Z',
    outcome: 'done',
    message: '2 updates were installed.',
    packages: [
      { name: 'openssl', arch: 'amd64', old_version: '3.0.14-1~deb12u2', new_version: '3.0.15-1~deb12u1', undo_copy: true },
      {
        name: 'firefox-esr',
        arch: 'amd64',
        old_version: '128.3.0esr-1~deb12u1',
        new_version: '128.4.0esr-1~deb12u1',
        undo_copy: true,
      },
    ],
    restart_needed: false,
    before: null,
    config_put_back: [],
    old_libraries: [],
    recheck: null,
    undoes: null,
    undone_by: null,
    admin_run: fields.id + 100,
    log_tail: 'Setting up openssl (3.0.15-1~deb12u1) ...',
    steps: [],
    hardening: [],
    ...fields,
  } as unknown as UpdateRun;
}

// ---- Schedules ----------------------------------------------------------

export const patchingJob: ScheduledJob = {
  kind: 'security_patching',
  recurrence: { every: 'week', days: ['tue', 'thu'], at: '02:00' },
  window: { from: '02:00', to: '04:00' },
  restart: 'when_nobody_is_at_the_screen',
  paused: false,
};

export const checkJob: ScheduledJob = {
  kind: 'update_check',
  recurrence: { every: 'day', at: '06:00' },
  window: null,
  restart: 'never',
  paused: false,
};

export const scanJob: ScheduledJob = {
  kind: 'security_scan',
  recurrence: { every: 'week', days: ['mon'], at: '05:00' },
  window: null,
  restart: 'never',
  paused: true,
};

/** The set-up wizard's recommended jobs, as Save sends them when nothing is changed. */
export const recommendedJobs: ScheduledJob[] = [
  checkJob,
  { ...patchingJob, recurrence: { every: 'day', at: '02:00' } },
  { ...scanJob, paused: false },
];

/** An ISO time `days` days and `hours` hours from now (negative: before). */
export function fromNow(days: number, hours = 0): string {
  return new Date(Date.now() + (days * 24 + hours) * 3_600_000).toISOString();
}

export function scheduledRun(fields: Partial<ScheduledRun> & { id: number; job: number }): ScheduledRun {
  return {
    started: fromNow(-1),
    finished: fromNow(-1),
    outcome: 'done',
    message: 'Everything is up to date.',
    ...fields,
  };
}

/** A job as the app lists it: working, with a next run. */
export function jobStatus(fields: Partial<JobStatus> & { id: number }): JobStatus {
  return {
    job: checkJob,
    description: 'Check for updates: every day at 06:00',
    next_run: fromNow(0, 5),
    last_run: null,
    missed: 0,
    waiting: null,
    attention: null,
    ...fields,
  };
}

/** Patching whose last run failed, carried to its window. */
export const failingPatching: JobStatus = jobStatus({
  id: 1,
  job: patchingJob,
  description: 'Install security updates: every Tuesday and Thursday at 02:00, only between 02:00 and 04:00',
  next_run: fromNow(2),
  last_run: scheduledRun({
    id: 11,
    job: 1,
    outcome: 'failed',
    message: 'The updates could not be downloaded.',
  }),
  waiting: 'It runs only between 02:00 and 04:00: it waits for the window.',
  attention: 'Its last run failed: The updates could not be downloaded.',
});

export const dailyCheck: JobStatus = jobStatus({
  id: 2,
  last_run: scheduledRun({ id: 12, job: 2, message: '2 security updates are waiting.' }),
});

export const pausedScan: JobStatus = jobStatus({
  id: 3,
  job: scanJob,
  description: 'Check security settings: every Monday at 05:00 (paused)',
  next_run: null,
});

export const unreadable: JobStatus = {
  id: 4,
  job: null,
  description: 'Scheduled job 4 (cannot be read)',
  next_run: null,
  last_run: null,
  missed: 0,
  waiting: null,
  attention:
    "This job's stored settings could not be read (unknown variant `monthly`), so it does not run. Remove it and add it again.",
};
