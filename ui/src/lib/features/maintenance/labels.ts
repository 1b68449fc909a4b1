// The Maintenance screen's words: the verdict on waiting updates, one line
// per update, what is not offered and why, and each run of the package
// manager in plain language, with a level (colour and icon) where one applies.
import { bytes, listWords, percent } from '../../format';
import type {
  ChangedConfig,
  ConfigChange,
  ConfigKept,
  JobProgress,
  PackageChange,
  RunKind,
  RunOutcome,
  Update,
  UpdateRun,
  Waiting,
} from '../../ipc';
import type { Level } from '../../status';

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** How many of `updates` fix a security problem. */
export function securityCount(updates: readonly Update[]): number {
  return updates.filter((u) => u.security).length;
}

/**
 * The verdict in one sentence, as the command line says it:
 * "3 security updates are waiting.", "This computer is up to date.".
 */
export function headline(waiting: Waiting): string {
  const n = waiting.updates.length;
  const s = securityCount(waiting.updates);
  if (n === 0) return 'This computer is up to date.';
  if (s === 0) return `${n} ${plural(n, 'update is', 'updates are')} waiting; none fixes a security problem.`;
  if (s === n) return `${n} security ${plural(n, 'update is', 'updates are')} waiting.`;
  return `${s} security ${plural(s, 'update', 'updates')} and ${n - s} other ${plural(n - s, 'update are', 'updates are')} waiting.`;
}

/** The verdict's badge: security fixes waiting need attention; others can wait. */
export function verdictBadge(waiting: Waiting): { level: Level; words: string } {
  if (securityCount(waiting.updates) > 0) return { level: 'warning', words: 'Security fixes waiting' };
  if (waiting.updates.length > 0) return { level: 'neutral', words: 'Updates waiting' };
  return { level: 'good', words: 'Up to date' };
}

/** Security fixes first, then by name; the app sends them so, and the list must never hide one. */
export function securityFirst(updates: readonly Update[]): Update[] {
  return [...updates].sort((a, b) => Number(b.security) - Number(a.security) || a.name.localeCompare(b.name));
}

/** "firefox-esr 128.3 → 128.4: fixes security problems"; "libfoo 2.1 (new)". */
export function updateLine(u: Update): string {
  const versions = u.installed === null ? `${u.candidate} (new)` : `${u.installed} → ${u.candidate}`;
  return `${u.name} ${versions}${u.security ? ': fixes security problems' : ''}`;
}

/** "1.4 MB"; nothing to fetch when the package is already downloaded. */
export function downloadSize(n: number): string {
  return n > 0 ? bytes(n) : 'Already downloaded';
}

/** "3 updates, 12.4 MB to download". */
export function setSize(updates: readonly Update[]): string {
  const total = updates.reduce((sum, u) => sum + u.download_bytes, 0);
  const count = `${updates.length} ${plural(updates.length, 'update', 'updates')}`;
  return total > 0 ? `${count}, ${bytes(total)} to download` : count;
}

export type NotOfferedKind = 'kept_back' | 'held' | 'phased';

export interface NotOffered {
  kind: NotOfferedKind;
  title: string;
  /** Why they wait, and what to do, naming the packages. */
  sentence: string;
}

/** Updates that exist but are not installed by "Install all", each group in plain words. */
export function notOffered(waiting: Waiting): NotOffered[] {
  const groups: NotOffered[] = [];
  if (waiting.kept_back.length > 0) {
    groups.push({
      kind: 'kept_back',
      title: 'Held back by the package manager',
      sentence: `Installing ${listWords(waiting.kept_back)} would remove or hold back another package, so they wait for a later update.`,
    });
  }
  if (waiting.held.length > 0) {
    groups.push({
      kind: 'held',
      title: 'Kept at their version',
      sentence: `${listWords(waiting.held)} ${plural(waiting.held.length, 'is', 'are')} held at the installed version (for example after an undo), so Shipshape does not update ${plural(waiting.held.length, 'it', 'them')}. Release the hold with sudo apt-mark unhold when a fixed update comes.`,
    });
  }
  if (waiting.phased.length > 0) {
    groups.push({
      kind: 'phased',
      title: 'Not offered to this computer yet',
      sentence: `Your distribution releases ${listWords(waiting.phased)} in stages and has not offered ${plural(waiting.phased.length, 'it', 'them')} here yet; ${plural(waiting.phased.length, 'it comes', 'they come')} by ${plural(waiting.phased.length, 'itself', 'themselves')} in a few days.`,
    });
  }
  return groups;
}

/** "3 of 8 steps (37 %)"; empty until the first report. */
export function progressWords(p: JobProgress | null): string {
  if (!p || p.total <= 0) return '';
  return `${p.done} of ${p.total} steps (${percent(p.done, p.total)} %)`;
}

/** A run's outcome in words, with its level. A run still "running" in the history was cut off. */
export const OUTCOME: Record<RunOutcome, { words: string; level: Level }> = {
  done: { words: 'Done', level: 'good' },
  failed: { words: 'Failed', level: 'danger' },
  running: { words: 'Not finished', level: 'warning' },
  undone: { words: 'Undone', level: 'neutral' },
};

/** What a run was asked to do: "Install security updates", "Undo run 4". */
export function runTitle(run: UpdateRun): string {
  switch (run.kind) {
    case 'apply':
      return `Install ${run.asked}`;
    case 'undo':
      return run.undoes === null ? 'Undo an installation' : `Undo run ${run.undoes}`;
    case 'repair':
      return 'Repair an interrupted installation';
    case 'install':
      return `Install ${run.asked}, which a fix needs`;
    case 'install_file':
      // "app_2.0_all.deb (verified, SHA-256 …)": the checksum is in the details.
      return `Install the package file ${run.asked.split(' (')[0]}`;
    case 'install_package':
      // "app 2.0 from http://… (signed package source)": where it came from is in the details.
      return `Install ${run.asked.split(' from ')[0]}`;
    case 'install_program':
      return `Install ${programVersion(run)} into its own folder`;
    case 'program_switch':
      return `Use ${programVersion(run)} again`;
    case 'retire':
      return `Remove outdated ${run.asked}`;
  }
}

/** "tool 2.0": the program and version a run of a program in /opt put in use. */
function programVersion(run: UpdateRun): string {
  const p = run.packages[0];
  return p ? `${p.name} ${p.new_version ?? ''}`.trim() : run.asked;
}

/** "Install security updates: done, 3 packages". */
export function runSummary(run: UpdateRun): string {
  const n = run.packages.length;
  const packages = n > 0 ? `, ${n} ${plural(n, 'package', 'packages')}` : '';
  return `${runTitle(run)}: ${OUTCOME[run.outcome].words.toLowerCase()}${packages}`;
}

/** "firefox-esr 128.3 → 128.4"; "libfoo 2.1 (new)"; "bar 1.0 → not installed". */
export function packageLine(p: PackageChange): string {
  if (p.old_version === null && p.new_version === null) return p.name;
  if (p.old_version === null) return `${p.name} ${p.new_version} (new)`;
  return `${p.name} ${p.old_version} → ${p.new_version ?? 'not installed'}`;
}

/** Runs of the Install screen: listed there, each undone by taking away what it brought. */
export const INSTALLATIONS: RunKind[] = ['install_file', 'install_package', 'install_program', 'program_switch'];

/** An installation that worked and was not turned back yet. */
export function canUndo(run: UpdateRun): boolean {
  return (
    (run.kind === 'apply' || run.kind === 'retire' || INSTALLATIONS.includes(run.kind)) &&
    run.outcome === 'done' &&
    run.undone_by === null &&
    run.admin_run !== null
  );
}

/** The configuration kept before `run` that its undo can put back, if any. */
export function keptConfig(run: UpdateRun): ConfigKept | null {
  const kept = run.before;
  return kept !== null && kept.snapshot !== null && kept.changed.length > 0 ? kept : null;
}

const CHANGE: Record<ConfigChange, string> = { changed: 'changed', added: 'new', removed: 'removed' };

/** A configuration file a run changed: "/etc/ssh/sshd_config (changed)". */
export function configLine(c: ChangedConfig): string {
  return `${c.path} (${CHANGE[c.change]})`;
}

/** What an undo of `run` would put back: "firefox-esr 128.4 → 128.3". */
export function undoLines(run: UpdateRun): string[] {
  return run.packages
    .filter((p) => p.old_version !== null && p.undo_copy)
    .map((p) => `${p.name} ${p.new_version ?? 'not installed'} → ${p.old_version}`);
}
