// The Overview's data as the app sends it, for tests.
import type { Alert, BaselineDiff, ComputerFacts, History, Overview, Rule, Sample } from '../../ipc';

export const GiB = 1024 ** 3;

export const sample: Sample = {
  time: '2026-05-28T08:00:00Z',
  cpu: { total_percent: 12.4, per_core_percent: [10, 14, 12, 13], cores: 4 },
  load: { one: 0.52, five: 0.4, fifteen: 0.3 },
  memory: { total_bytes: 16 * GiB, used_bytes: 4 * GiB, available_bytes: 12 * GiB },
  swap: { total_bytes: 2 * GiB, used_bytes: 0, available_bytes: 2 * GiB },
  swapping: { in_pages_per_second: 0, out_pages_per_second: 0 },
  disks: [
    {
      mount_point: '/',
      file_system: 'ext4',
      device: '/dev/sda1',
      total_bytes: 100 * GiB,
      used_bytes: 93 * GiB,
      free_bytes: 7 * GiB,
      used_percent: 93,
      inodes_total: 1000,
      inodes_free: 500,
    },
    {
      mount_point: '/home',
      file_system: 'ext4',
      device: '/dev/sda2',
      total_bytes: 400 * GiB,
      used_bytes: 100 * GiB,
      free_bytes: 300 * GiB,
      used_percent: 25,
      inodes_total: 1000,
      inodes_free: 900,
    },
  ],
  network: [
    { name: 'eth0', rx_bytes_per_second: 2048, tx_bytes_per_second: 1024, rx_bytes_total: 1e9, tx_bytes_total: 5e8 },
  ],
  top_cpu: [
    { pid: 4242, name: 'firefox', cpu_percent: 35.5, memory_bytes: 2 * GiB },
    { pid: 77, name: 'Xorg', cpu_percent: 4.2, memory_bytes: 0.3 * GiB },
  ],
  top_memory: [
    { pid: 4242, name: 'firefox', cpu_percent: 35.5, memory_bytes: 2 * GiB },
    { pid: 900, name: 'thunderbird', cpu_percent: 0.5, memory_bytes: 1 * GiB },
  ],
  uptime_seconds: 3 * 86400 + 4 * 3600,
  reboot: { required: true, packages: ['linux-image-6.1.0-21-amd64', 'libc6'] },
  users: [],
  temperatures: [],
  batteries: [],
  sockets: [
    {
      protocol: 'tcp',
      address: '0.0.0.0',
      port: 22,
      inode: 1,
      program: 'sshd',
      processes: [{ pid: 600, name: 'sshd', exe: '/usr/sbin/sshd' }],
    },
    { protocol: 'udp', address: '127.0.0.1', port: 5353, inode: 2, program: null, processes: [] },
  ],
  failed_logins: { source: 'the system journal', unreadable: [], count: 0, attempts: [] },
  problems: [],
};

export const diskAlert: Alert = {
  id: 7,
  rule: 'disk_full',
  subject: '/',
  value: 93,
  title: 'Your disk / is almost full (93 %)',
  short: 'the disk / is almost full',
  advice: 'Delete or move files you no longer need.',
  raised: '2026-05-28T07:55:00Z',
  cleared: null,
  acknowledged: null,
  acknowledged_by: null,
};

export const clearedAlert: Alert = {
  id: 3,
  rule: 'memory_pressure',
  subject: '',
  value: 6,
  title: 'Your computer is running out of memory (6 % left)',
  short: 'memory is running out',
  advice: 'Close programs you are not using.',
  raised: '2026-05-28T06:00:00Z',
  cleared: '2026-05-28T06:30:00Z',
  acknowledged: null,
  acknowledged_by: null,
};

export const needsAttention: Overview = {
  sample,
  summary: {
    status: 'needs_attention',
    sentence: '1 thing needs attention: the disk / is almost full',
    items: ['the disk / is almost full'],
  },
  alerts: [diskAlert],
  forecasts: [
    {
      mount_point: '/',
      full_at: '2026-06-06T08:00:00Z',
      days_left: 9.2,
      bytes_per_day: 0.8 * GiB,
      sentence: '/ full in about 9 days at this rate',
    },
  ],
  anomalies: [],
};

export const allGood: Overview = {
  sample: {
    ...sample,
    disks: [{ ...sample.disks[0], used_bytes: 40 * GiB, free_bytes: 60 * GiB, used_percent: 40 }],
    reboot: { required: false, packages: [] },
  },
  summary: { status: 'all_good', sentence: 'All good', items: [] },
  alerts: [],
  forecasts: [],
  anomalies: [],
};

export const firstReading: Overview = {
  sample: null,
  summary: { status: 'all_good', sentence: 'All good', items: [] },
  alerts: [],
  forecasts: [],
  anomalies: [],
};

export const facts: ComputerFacts = {
  hostname: 'front-desk',
  os_name: 'Debian GNU/Linux',
  os_version: '12',
  kernel: '6.1.0-18-amd64',
  uptime_seconds: 3 * 86400 + 4 * 3600,
  cpu_model: 'Intel(R) Core(TM) i5-8500',
  cpu_cores: 4,
  memory_total_bytes: 16 * GiB,
  memory_used_bytes: 4 * GiB,
  disk_total_bytes: 100 * GiB,
  disk_used_bytes: 93 * GiB,
  disks: [{ mount_point: '/', file_system: 'ext4', total_bytes: 100 * GiB, used_bytes: 93 * GiB, available_bytes: 7 * GiB }],
};

export const rules: Rule[] = [
  {
    kind: 'disk_full',
    name: 'Disk almost full',
    description: 'A disk is more than 90 % full.',
    unit: '% used',
    threshold: 90,
    duration_seconds: 60,
    enabled: true,
    is_default: true,
  },
  {
    kind: 'failed_logins',
    name: 'Burst of failed logins',
    description: 'At least 5 logins failed within 10 minutes.',
    unit: 'failed logins in 10 minutes',
    threshold: 5,
    duration_seconds: 0,
    enabled: true,
    is_default: true,
  },
];

const T0 = Date.parse('2026-05-27T08:00:00Z') / 1000;
const times = [0, 5, 10, 15].map((s) => T0 + s);

export const history: History = {
  from: '2026-05-27T08:00:00Z',
  to: '2026-05-28T08:00:00Z',
  step_seconds: 1,
  series: [
    { metric: 'cpu_percent', subject: '', times, values: [10, 20, 85, 5] },
    { metric: 'memory_used_bytes', subject: '', times, values: [4, 4, 5, 4].map((g) => g * GiB) },
    { metric: 'disk_used_bytes', subject: '/', times, values: [90, 91, 92, 93].map((g) => g * GiB) },
    { metric: 'disk_used_bytes', subject: '/home', times, values: [100, 100, 100, 100].map((g) => g * GiB) },
    { metric: 'net_rx_bytes_per_second', subject: 'eth0', times: times.slice(1), values: [1000, 2000, 3000] },
    { metric: 'net_tx_bytes_per_second', subject: 'eth0', times: times.slice(1), values: [100, 200, 300] },
  ],
};

export const emptyHistory: History = { ...history, series: [] };

export const noBaseline: BaselineDiff | null = null;

export const clean: BaselineDiff = { accepted: '2026-05-01T09:00:00Z', anomalies: [] };

export const changed: BaselineDiff = {
  accepted: '2026-05-01T09:00:00Z',
  anomalies: [
    {
      kind: 'new_listener',
      subject: '8080',
      what: 'A new program listens on port 8080: python3',
      short: 'a new program listens on port 8080',
      advice: 'If you did not start it, stop it and find out what it is.',
    },
    {
      kind: 'changed_file',
      subject: '/usr/bin/sudo',
      what: 'The system file /usr/bin/sudo changed',
      short: 'the system file /usr/bin/sudo changed',
      advice: 'After an update this is expected; otherwise ask for help.',
    },
    {
      kind: 'new_administrator',
      subject: 'mallory',
      what: 'mallory can now act as administrator (member of sudo)',
      short: 'mallory became an administrator',
      advice: 'If you did not add mallory, remove the account from the sudo group.',
    },
  ],
};
