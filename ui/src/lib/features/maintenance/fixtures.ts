// Waiting updates and past runs for the Maintenance screen's tests. Only
// tests import this file.
import type { Update, UpdateRun, Waiting } from '../../ipc';

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
    undoes: null,
    undone_by: null,
    admin_run: fields.id + 100,
    log_tail: 'Setting up openssl (3.0.15-1~deb12u1) ...',
    ...fields,
  } as unknown as UpdateRun;
}
