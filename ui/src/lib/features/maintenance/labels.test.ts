import type { Update } from '../../ipc';
import { firefox, kernel, openssl, run, tzdata, upToDate, waiting } from './fixtures';
import {
  OUTCOME,
  canUndo,
  downloadSize,
  headline,
  notOffered,
  packageLine,
  progressWords,
  runSummary,
  runTitle,
  securityFirst,
  setSize,
  undoLines,
  updateLine,
  verdictBadge,
} from './labels';

const only = (...updates: Update[]) => ({ ...upToDate, updates });

describe('headline', () => {
  it('says the same sentence as the command line, security first', () => {
    expect(headline(upToDate)).toBe('This computer is up to date.');
    expect(headline(only(openssl))).toBe('1 security update is waiting.');
    expect(headline(only(openssl, firefox, tzdata))).toBe('2 security updates and 1 other update are waiting.');
    expect(headline(only(openssl, tzdata, kernel))).toBe('1 security update and 2 other updates are waiting.');
    expect(headline(only(openssl, firefox))).toBe('2 security updates are waiting.');
    expect(headline(only(tzdata))).toBe('1 update is waiting; none fixes a security problem.');
    expect(headline(only(tzdata, kernel))).toBe('2 updates are waiting; none fixes a security problem.');
  });

  it('gives the verdict a level with words', () => {
    expect(verdictBadge(upToDate)).toEqual({ level: 'good', words: 'Up to date' });
    expect(verdictBadge(only(tzdata))).toEqual({ level: 'neutral', words: 'Updates waiting' });
    expect(verdictBadge(waiting)).toEqual({ level: 'warning', words: 'Security fixes waiting' });
  });
});

describe('the list', () => {
  it('puts security fixes first, then orders by name', () => {
    expect(securityFirst(waiting.updates).map((u) => u.name)).toEqual([
      'firefox-esr',
      'openssl',
      'linux-image-6.1.0-27-amd64',
      'tzdata',
    ]);
  });

  it('says each update in one line', () => {
    expect(updateLine(firefox)).toBe('firefox-esr 128.3.0esr-1~deb12u1 → 128.4.0esr-1~deb12u1: fixes security problems');
    expect(updateLine(tzdata)).toBe('tzdata 2024a-0+deb12u1 → 2024b-0+deb12u1');
    expect(updateLine(kernel)).toBe('linux-image-6.1.0-27-amd64 6.1.115-1 (new)');
  });

  it('says sizes in familiar units', () => {
    expect(downloadSize(1468006)).toBe('1.4 MB');
    expect(downloadSize(0)).toBe('Already downloaded');
    expect(setSize([openssl, firefox])).toBe('2 updates, 70.4 MB to download');
    expect(setSize([{ ...tzdata, download_bytes: 0 }])).toBe('1 update');
  });

  it('says why updates are not installed with the others', () => {
    expect(notOffered(upToDate)).toEqual([]);
    const groups = notOffered({ ...waiting, held: ['firefox-esr', 'curl'] });
    expect(groups.map((g) => g.kind)).toEqual(['kept_back', 'held', 'phased']);
    expect(groups[0].sentence).toContain('Installing libreoffice-core would remove or hold back another package');
    expect(groups[1].sentence).toContain('firefox-esr and curl are held at the installed version');
    expect(groups[1].sentence).toContain('apt-mark unhold');
    expect(groups[2].sentence).toContain('releases systemd in stages');
    expect(groups[2].sentence).toContain('it comes by itself');
  });
});

describe('progressWords', () => {
  it('counts steps with a percentage, and nothing before the first report', () => {
    expect(progressWords(null)).toBe('');
    expect(progressWords({ done: 0, total: 0 })).toBe('');
    expect(progressWords({ done: 3, total: 8 })).toBe('3 of 8 steps (38 %)');
    expect(progressWords({ done: 8, total: 8 })).toBe('8 of 8 steps (100 %)');
  });
});

describe('runs', () => {
  it('names what each run was asked to do', () => {
    expect(runTitle(run({ id: 1 }))).toBe('Install security updates');
    expect(runTitle(run({ id: 2, asked: 'all updates' }))).toBe('Install all updates');
    expect(runTitle(run({ id: 3, kind: 'undo', asked: 'undo run 101', undoes: 1 }))).toBe('Undo run 1');
    expect(runTitle(run({ id: 4, kind: 'repair', asked: 'repair', packages: [] }))).toBe(
      'Repair an interrupted installation',
    );
    expect(runTitle(run({ id: 5, kind: 'install', asked: 'ufw' }))).toBe('Install ufw, which a fix needs');
    expect(runTitle(run({ id: 6, kind: 'install_file', asked: 'app_2.0_all.deb (verified, SHA-256 ab12)' }))).toBe(
      'Install the package file app_2.0_all.deb',
    );
    expect(
      runTitle(run({ id: 7, kind: 'install_package', asked: 'gimp 2.10 from http://deb.debian.org/debian bookworm/main amd64 (signed package source)' })),
    ).toBe('Install gimp 2.10');
    const program = { name: 'tool', arch: '', old_version: '1.0', new_version: '2.0', undo_copy: true };
    expect(runTitle(run({ id: 8, kind: 'install_program', packages: [program] }))).toBe('Install tool 2.0 into its own folder');
    expect(runTitle(run({ id: 9, kind: 'program_switch', packages: [{ ...program, new_version: '1.0' }] }))).toBe(
      'Use tool 1.0 again',
    );
  });

  it('sums a run up in one line', () => {
    expect(runSummary(run({ id: 1 }))).toBe('Install security updates: done, 2 packages');
    expect(runSummary(run({ id: 2, outcome: 'failed' }))).toBe('Install security updates: failed, 2 packages');
    expect(runSummary(run({ id: 3, kind: 'repair', outcome: 'running', packages: [] }))).toBe(
      'Repair an interrupted installation: not finished',
    );
  });

  it('says every outcome in words with a level', () => {
    expect(OUTCOME.done).toEqual({ words: 'Done', level: 'good' });
    expect(OUTCOME.failed).toEqual({ words: 'Failed', level: 'danger' });
    expect(OUTCOME.running.level).toBe('warning');
    expect(OUTCOME.undone.level).toBe('neutral');
  });

  it('shows each package with its old and new version', () => {
    const p = { name: 'openssl', arch: 'amd64', old_version: '3.0.14', new_version: '3.0.15', undo_copy: true };
    expect(packageLine(p)).toBe('openssl 3.0.14 → 3.0.15');
    expect(packageLine({ ...p, old_version: null })).toBe('openssl 3.0.15 (new)');
    expect(packageLine({ ...p, new_version: null })).toBe('openssl 3.0.14 → not installed');
  });

  it('offers undo only for an installation that worked and stands', () => {
    expect(canUndo(run({ id: 1 }))).toBe(true);
    expect(canUndo(run({ id: 1, outcome: 'failed' }))).toBe(false);
    expect(canUndo(run({ id: 1, kind: 'install_file' }))).toBe(true);
    expect(canUndo(run({ id: 1, kind: 'install_file', outcome: 'failed' }))).toBe(false);
    expect(canUndo(run({ id: 1, kind: 'install_package' }))).toBe(true);
    expect(canUndo(run({ id: 1, kind: 'install' }))).toBe(false);
    expect(canUndo(run({ id: 1, outcome: 'undone', undone_by: 2 }))).toBe(false);
    expect(canUndo(run({ id: 1, kind: 'undo' }))).toBe(false);
    expect(canUndo(run({ id: 1, kind: 'repair' }))).toBe(false);
    expect(canUndo(run({ id: 1, kind: 'install' }))).toBe(false);
    expect(canUndo(run({ id: 1, admin_run: null }))).toBe(false);
  });

  it('says what an undo puts back, only where a copy was kept', () => {
    const r = run({ id: 1 });
    expect(undoLines(r)).toEqual([
      'openssl 3.0.15-1~deb12u1 → 3.0.14-1~deb12u2',
      'firefox-esr 128.4.0esr-1~deb12u1 → 128.3.0esr-1~deb12u1',
    ]);
    const noCopy = run({ id: 2, packages: [{ ...r.packages[0], undo_copy: false }, { ...r.packages[1], old_version: null }] });
    expect(undoLines(noCopy)).toEqual([]);
  });
});
