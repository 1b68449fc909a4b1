// Scans for the Security screen's tests. Only tests import this file.
import type { Counts, Finding, PastScan, Scan } from '../../ipc';

export const rootLogin: Finding = {
  id: 'ssh-root-login',
  area: 'ssh',
  title: 'Administrators can log in remotely as root',
  severity: 'critical',
  status: 'fail',
  why: 'Anyone who guesses the root password controls the whole computer.',
  detail: 'The SSH server allows root to log in with a password.',
  evidence: [{ source: '/etc/ssh/sshd_config', line: 32, text: 'PermitRootLogin yes' }],
  remediation: 'Set PermitRootLogin to no in /etc/ssh/sshd_config and restart the SSH server.',
  fixable: true,
  references: ['CIS Debian 12 5.1.20', 'Lynis SSH-7408'],
  accepted: null,
};

export const firewallOff: Finding = {
  id: 'firewall-active',
  area: 'firewall',
  title: 'No firewall is switched on',
  severity: 'high',
  status: 'fail',
  why: 'Every program that listens on the network can be reached from outside.',
  detail: 'Neither ufw, nftables nor iptables has rules loaded.',
  evidence: [{ source: 'ufw status', line: null, text: 'Status: inactive' }],
  remediation: 'Switch on the firewall: sudo ufw enable.',
  fixable: false,
  references: ['CIS Debian 12 4.1.1'],
  accepted: null,
};

export const passAgeing: Finding = {
  id: 'login-defs-max-days',
  area: 'accounts',
  title: 'Passwords never expire',
  severity: 'medium',
  status: 'warning',
  why: 'A password that leaked years ago still works.',
  detail: 'PASS_MAX_DAYS is 99999 in /etc/login.defs.',
  evidence: [{ source: '/etc/login.defs', line: 165, text: 'PASS_MAX_DAYS\t99999' }],
  remediation: 'Set PASS_MAX_DAYS to 365 or less in /etc/login.defs.',
  fixable: true,
  references: ['CIS Debian 12 5.4.1.1', 'Lynis AUTH-9286'],
  accepted: null,
};

export const banner: Finding = {
  id: 'banner-issue',
  area: 'banners',
  title: 'The login message shows the system version',
  severity: 'low',
  status: 'warning',
  why: 'It tells an attacker which weaknesses to try.',
  detail: '/etc/issue names the operating system and its version.',
  evidence: [],
  remediation: 'Replace /etc/issue with a short warning that names no version.',
  fixable: true,
  references: [],
  accepted: null,
};

export const aslr: Finding = {
  id: 'kernel-aslr',
  area: 'kernel',
  title: 'Memory layout is randomised',
  severity: 'high',
  status: 'pass',
  why: 'It makes many attacks much harder.',
  detail: 'kernel.randomize_va_space is 2.',
  evidence: [{ source: '/proc/sys/kernel/randomize_va_space', line: 1, text: '2' }],
  remediation: 'Nothing to do.',
  fixable: false,
  references: ['CIS Debian 12 1.5.1'],
  accepted: null,
};

export const shadow: Finding = {
  id: 'accounts-empty-password',
  area: 'accounts',
  title: 'Accounts without a password',
  severity: 'critical',
  status: 'needs_admin',
  why: 'An account without a password lets anyone log in.',
  detail: '/etc/shadow can only be read by an administrator.',
  evidence: [],
  remediation: 'Run the check as an administrator.',
  fixable: false,
  references: [],
  accepted: null,
};

export const telnet: Finding = {
  id: 'services-telnet',
  area: 'services',
  title: 'Telnet server',
  severity: 'high',
  status: 'not_applicable',
  why: 'Telnet sends passwords in the clear.',
  detail: 'No telnet server is installed.',
  evidence: [],
  remediation: 'Nothing to do.',
  fixable: false,
  references: [],
  accepted: null,
};

/** Security updates wait; the Maintenance screen installs them. Not in `scan`. */
export const pendingUpdates: Finding = {
  id: 'updates.pending_security',
  area: 'updates',
  title: 'Security updates are waiting to be installed',
  severity: 'high',
  status: 'fail',
  why: 'Each waiting security update is a known hole that attackers already have instructions for.',
  detail: '2 security update(s) are waiting: openssl, libssl3.',
  evidence: [
    {
      source: 'apt-get -s upgrade',
      line: null,
      text: 'Inst openssl [3.0.14-1~deb12u2] (3.0.15-1~deb12u1 Debian-Security:12/stable-security [amd64])',
    },
  ],
  remediation: 'Install them now: apt update && apt upgrade (Fedora: dnf upgrade --security).',
  fixable: false,
  references: ['CIS Debian 12 1.2.2.1', 'Lynis PKGS-7392'],
  accepted: null,
};

export const findings = [rootLogin, firewallOff, passAgeing, banner, aslr, shadow, telnet];

function countsOf(list: Finding[]): Counts {
  const c: Counts = { pass: 0, fail: 0, warning: 0, not_applicable: 0, needs_admin: 0, error: 0, accepted: 0 };
  for (const f of list) c[f.status] += 1;
  return c;
}

export const scan: Scan = {
  time: '2025-03-04T09:30:00Z',
  computer: 'office-pc',
  system: 'Debian GNU/Linux 12 (bookworm)',
  root: '/',
  as_admin: false,
  score: 64,
  costs: [
    { id: 'ssh-root-login', title: rootLogin.title, severity: 'critical', status: 'fail', points: 18.2 },
    { id: 'firewall-active', title: firewallOff.title, severity: 'high', status: 'fail', points: 12.1 },
    { id: 'login-defs-max-days', title: passAgeing.title, severity: 'medium', status: 'warning', points: 3 },
  ],
  counts: countsOf(findings),
  checks: findings,
};

/** A later scan with everything fixed. */
export const cleanScan: Scan = {
  ...scan,
  time: '2025-03-05T09:30:00Z',
  as_admin: true,
  score: 100,
  costs: [],
  counts: countsOf([aslr, telnet]),
  checks: [aslr, telnet],
};

export const history: PastScan[] = [
  { id: 2, time: '2025-03-04T09:30:00Z', root: '/', score: 64, failed: 2 },
  { id: 1, time: '2025-03-01T09:30:00Z', root: '/', score: 58, failed: 3 },
];
