import { AppError, type Change, type FixOutcome, type Preview } from '../../ipc';
import { changeTargets, changeTitle, defaultUntil, diffLines, fixPhase, fixVerdict, latestUntil, missingPackage } from './fixes';
import { rootLogin } from './fixtures';

const change: Change = {
  id: 2,
  time: '2025-03-04T10:00:00Z',
  actor: 'alice',
  check_id: 'kernel.aslr',
  title: 'Memory layout randomisation is off',
  root: '/',
  kind: 'fix',
  undoes: null,
  undone_by: null,
    admin_change: null,
  steps: [
    { kind: 'kernel', path: 'proc/sys/kernel/randomize_va_space', before: '0', after: '2' },
    { kind: 'file', path: 'etc/sysctl.d/60-shipshape.conf', before: null, after: null },
  ],
};

describe('fixes', () => {
  it('marks diff lines for colour, headers apart', () => {
    const lines = diffLines('--- a (now)\n+++ a (after the fix)\n@@ -1 +1 @@\n-old\n+new\n same\n');
    expect(lines.map((l) => l.kind)).toEqual(['header', 'header', 'header', 'removed', 'added', 'same']);
  });

  it('says what the check found after a fix or an undo', () => {
    const fixed: FixOutcome = { change, recheck: { ...rootLogin, status: 'pass', detail: 'Set safely.' } };
    expect(fixVerdict(fixed)).toMatchObject({ level: 'good', words: 'Fixed' });
    const still: FixOutcome = { change, recheck: { ...rootLogin, status: 'fail', detail: 'Still on.' } };
    expect(fixVerdict(still).sentence).toBe('The change was made, but the check still finds a problem: Still on.');
    const undone: FixOutcome = { change: { ...change, kind: 'undo', undoes: 2 }, recheck: still.recheck };
    expect(fixVerdict(undone).words).toBe('Turned back');
  });

  it('names a change and what it touched', () => {
    expect(changeTitle(change)).toBe('Fixed: Memory layout randomisation is off');
    expect(changeTitle({ ...change, kind: 'undo', undoes: 1 })).toBe('Undid change 1: Memory layout randomisation is off');
    expect(changeTargets(change)).toBe('kernel.randomize_va_space, /etc/sysctl.d/60-shipshape.conf');
    const firewall: Change = {
      ...change,
      check_id: 'firewall.active',
      steps: [
        { kind: 'file', path: 'etc/ufw/ufw.conf', before: null, after: null },
        { kind: 'restart', unit: 'ufw.service', reload: false },
      ],
    };
    expect(changeTargets(firewall)).toBe('/etc/ufw/ufw.conf, ufw.service');
  });

  it('offers 90 days for an acceptance and allows at most a year', () => {
    const today = new Date('2026-11-24T12:00:00Z');
    expect(defaultUntil(today)).toBe('2027-02-22');
    expect(latestUntil(today)).toBe('2027-11-25');
  });
});

describe('a fix that needs a missing program', () => {
  const missing = new AppError({ code: 'needs_package', message: 'ufw is not installed.', hint: '', package: 'ufw' });
  const refused = new AppError({ code: 'would_lock_out', message: 'No way in would remain.', hint: '' });
  const preview: Preview = { check_id: 'firewall.active', title: 'No firewall', steps: [], notes: [] };
  const base = { preview: null, error: null, installing: false, applying: false, outcome: null };

  it('names the package only for needs_package', () => {
    expect(missingPackage(missing)).toBe('ufw');
    expect(missingPackage(refused)).toBeNull();
    expect(missingPackage(null)).toBeNull();
    expect(new AppError({ code: 'io', message: 'x', hint: '' }).package).toBeNull();
  });

  it('offers the installation before the preview, then goes on', () => {
    expect(fixPhase(base)).toBe('loading');
    expect(fixPhase({ ...base, error: refused })).toBe('error');
    expect(fixPhase({ ...base, error: missing })).toBe('missing');
    expect(fixPhase({ ...base, error: missing, installing: true })).toBe('installing');
    expect(fixPhase({ ...base, preview })).toBe('ready');
    expect(fixPhase({ ...base, preview, applying: true })).toBe('applying');
  });
});
