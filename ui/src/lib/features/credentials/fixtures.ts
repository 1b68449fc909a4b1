// Credentials as the app lists them, for tests.
import type { Credential } from '../../ipc';

export const wifi: Credential = {
  id: 'c-wifi',
  name: 'Office Wi-Fi',
  kind: 'wi_fi',
  username: '',
  url: 'router.local',
  notes: 'The sticker on the router is out of date.',
  created: '2026-01-10T09:00:00.000Z',
  last_rotated: '2026-01-10T09:00:00.000Z',
  rotate_days: 90,
  rotation: 'overdue',
  due: '2026-04-10T09:00:00.000Z',
};

export const mail: Credential = {
  id: 'c-mail',
  name: 'Front desk mail',
  kind: 'email',
  username: 'frontdesk@example.com',
  url: 'https://mail.example.com',
  notes: '',
  created: '2026-05-01T09:00:00.000Z',
  last_rotated: '2026-05-01T09:00:00.000Z',
  rotate_days: 30,
  rotation: 'due',
  due: '2026-05-31T09:00:00.000Z',
};

export const backup: Credential = {
  id: 'c-backup',
  name: 'Backup repository',
  kind: 'backup_repository',
  username: 'restic',
  url: 'sftp:nas.local:/backups',
  notes: '',
  created: '2026-02-01T09:00:00.000Z',
  last_rotated: '2026-02-01T09:00:00.000Z',
  rotate_days: null,
  rotation: 'not_scheduled',
  due: null,
};
