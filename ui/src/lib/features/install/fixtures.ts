// Fixtures for the Install screen's tests: a package file, a past check of
// it on the Verify screen, the preview of installing it, and its run.
import type { DebPreview, PackagePreview, PastVerification, ProgramPreview, UpdateRun } from '../../ipc';
import { run } from '../maintenance/fixtures';

export const FILE = '/home/maria/Downloads/office-app_2.0_all.deb';
export const SHA256 = 'ab'.repeat(32);

export const checked: PastVerification = {
  time: '2025-03-04T09:00:00.000Z',
  verdict: {
    safety: 'safe',
    headline: 'Safe to install: office-app_2.0_all.deb matches the checksum its publisher signed.',
    advice: 'Install it.',
    file: FILE,
    link_target: null,
    size: 4096,
    algorithm: 'sha512',
    expected: 'cd'.repeat(64),
    actual: 'cd'.repeat(64),
    source: 'in SHA512SUMS, line 2',
    vouched_by: null,
    staged: null,
  },
};

export const preview: DebPreview = {
  headline: 'office-app would be upgraded from 1.0 to 2.0, with 1 other package; its checksum matches the verified one.',
  ask: { file: FILE, trust: { by: 'digest', algorithm: 'sha256', hex: SHA256 }, allow_downgrade: false, keep: [] },
  sha256: SHA256,
  deb: {
    package: 'office-app',
    version: '2.0',
    architecture: 'all',
    maintainer: 'Acme Releases <rel@acme.test>',
    summary: 'The office app',
    homepage: null,
    depends: 'office-lib',
    installed_size: 8192,
    scripts: [{ name: 'postinst', when: 'after its files are unpacked, to set it up', lines: 12 }],
    conffiles: ['/etc/office-app.conf'],
    services: ['/lib/systemd/system/office-app.service'],
    sources: ['/etc/apt/sources.list.d/office-app.list'],
    keys: [],
    cron: [],
    privileged: [],
    files: 7,
  },
  installed: '1.0',
  change: 'upgrade',
  steps: [
    { name: 'office-lib', from: null, to: '1.4' },
    { name: 'office-app', from: '1.0', to: '2.0' },
    { name: 'old-plugin', from: '0.9', to: null },
  ],
};

export const installedRun: UpdateRun = run({
  id: 3,
  kind: 'install_file',
  asked: `office-app_2.0_all.deb (verified, SHA-256 ${SHA256})`,
  message: 'office-app 2.0 is installed, replacing 1.0; the earlier version is kept to go back to.',
  packages: [{ name: 'office-app', arch: 'all', old_version: '1.0', new_version: '2.0', undo_copy: true }],
  admin_run: 41,
});

export const packagePreview: PackagePreview = {
  headline:
    'gimp 2.10 would be installed from http://deb.debian.org/debian bookworm/main amd64, with 1 other package; apt checks it against that source\'s signed package list.',
  ask: { name: 'gimp', keep: [] },
  source: 'http://deb.debian.org/debian bookworm/main amd64',
  deb: { ...preview.deb, package: 'gimp', version: '2.10', sources: [], services: [] },
  installed: null,
  change: 'new',
  steps: [
    { name: 'libgimp2.0', from: null, to: '2.10' },
    { name: 'gimp', from: null, to: '2.10' },
  ],
};

export const packageRun: UpdateRun = run({
  id: 5,
  kind: 'install_package',
  asked: 'gimp 2.10 from http://deb.debian.org/debian bookworm/main amd64 (signed package source)',
  message: 'gimp 2.10 is installed.',
  packages: [
    { name: 'gimp', arch: 'amd64', old_version: null, new_version: '2.10', undo_copy: false },
    { name: 'libgimp2.0', arch: 'amd64', old_version: null, new_version: '2.10', undo_copy: false },
  ],
  admin_run: 42,
});

export const PROGRAM_FILE = '/home/maria/Downloads/tool-2.0.tar.gz';

export const programPreview: ProgramPreview = {
  headline: 'tool 2.0 would be installed in /opt/tool/2.0; 1.0 stays beside it, and switching back is one click; its checksum matches the verified one.',
  ask: { file: PROGRAM_FILE, trust: { by: 'digest', algorithm: 'sha256', hex: SHA256 }, name: null, version: null },
  sha256: SHA256,
  kind: 'tarball',
  name: 'tool',
  version: '2.0',
  folder: '/opt/tool/2.0',
  files: 12,
  size: 40960,
  programs: ['bin/tool'],
  installed: ['1.0'],
  current: '1.0',
};

export const programRun: UpdateRun = run({
  id: 6,
  kind: 'install_program',
  asked: `tool-2.0.tar.gz (verified, SHA-256 ${SHA256}) into /opt/tool/2.0`,
  message: 'tool 2.0 is installed in /opt/tool/2.0 and in use (/opt/tool/current); 1.0 stays beside it.',
  packages: [{ name: 'tool', arch: '', old_version: '1.0', new_version: '2.0', undo_copy: true }],
  admin_run: 43,
});
