// Words for the Install screen: what the package manager would do to each
// package, and how the file was trusted.
import type {
  Algorithm,
  Deployment,
  DeploymentStatus,
  Hardening,
  HealthGate,
  InstallMethod,
  PackageStep,
  PlanPart,
  Trust,
  UpdateRun,
  VersionChange,
} from '../../ipc';
import type { Level } from '../../status';

/** What happens to one package, in a word the table marks its row with. */
export type Action = 'add' | 'change' | 'again' | 'remove';

export function action(s: PackageStep): Action {
  if (s.to === null) return 'remove';
  if (s.from === null) return 'add';
  return s.from === s.to ? 'again' : 'change';
}

export const ACTION_WORDS: Record<Action, string> = {
  add: 'Added',
  change: 'Changed',
  again: 'Installed again',
  remove: 'Removed',
};

/** "1.0 → 2.0", "2.0 (new)", "1.0 (removed)". */
export function versions(s: PackageStep): string {
  if (s.from === null) return `${s.to ?? ''} (new)`;
  if (s.to === null) return `${s.from} (removed)`;
  return s.from === s.to ? s.to : `${s.from} → ${s.to}`;
}

export const ALGORITHM_LABELS: Record<Algorithm, string> = {
  sha256: 'SHA-256',
  sha512: 'SHA-512',
  blake3: 'BLAKE3',
  sha1: 'SHA-1',
  md5: 'MD5',
};

/** The badge for how the file was trusted. */
export function trustBadge(t: Trust): { level: Level; words: string } {
  return t.by === 'digest' ? { level: 'good', words: 'Verified' } : { level: 'danger', words: 'Not verified' };
}

/** The badge for a package from this computer's package sources. */
export const SIGNED_SOURCE_BADGE: { level: Level; words: string } = { level: 'good', words: 'Signed source' };

/** How a package from the package sources is proven, in the preview. */
export function sourceSentence(source: string): string {
  return `From ${source}. apt checks the package against the list that source signed, and refuses one that does not match.`;
}

/** How the trust is said in the preview. */
export function trustSentence(t: Trust): string {
  return t.by === 'digest'
    ? `Its ${ALGORITHM_LABELS[t.algorithm]} checksum matches the one that proved it genuine.`
    : `It was not proven genuine. You accepted the risk because: ${t.reason}`;
}

/** The main package's change in plain words: "New on this computer", "Replaces 1.0". */
export function changeWords(p: { change: VersionChange; installed: string | null }): string {
  switch (p.change) {
    case 'new':
      return 'New on this computer';
    case 'upgrade':
      return `Replaces version ${p.installed ?? ''}; that version is kept so you can go back`;
    case 'reinstall':
      return 'The same version is installed again';
    case 'downgrade':
      return `Takes ${p.installed ?? 'the installed version'} back to this older version`;
  }
}

/** The version a program's installation into /opt replaced, while it can
 * still be put in use again; null for anything else. */
export function switchBackTo(run: UpdateRun): { name: string; version: string } | null {
  const p = run.packages[0];
  if (run.kind !== 'install_program' || run.outcome !== 'done' || run.undone_by !== null || !p?.old_version) return null;
  return { name: p.name, version: p.old_version };
}

/** What undoing `run` would do, in plain words, before it is asked. */
export function undoWords(run: UpdateRun): string {
  const p = run.packages[0];
  switch (run.kind) {
    case 'install_program':
      return p?.old_version
        ? `${p.name} ${p.new_version ?? ''} is removed from its folder, and ${p.old_version} is in use again.`
        : `${p?.name ?? 'The program'} is removed, with its folder.`;
    case 'program_switch':
      return `${p?.name ?? 'The program'} ${p?.old_version ?? ''} is in use again.`;
    default: {
      const back = run.packages.filter((c) => c.old_version !== null).map((c) => `${c.name} ${c.old_version}`);
      const gone = run.packages.filter((c) => c.old_version === null).map((c) => c.name);
      const said = [];
      if (back.length > 0) said.push(`The earlier versions are put back and held there: ${back.join(', ')}.`);
      if (gone.length > 0) said.push(`What it brought in new is removed: ${gone.join(', ')}.`);
      return said.join(' ') || 'What it changed is put back.';
    }
  }
}

/** The button that makes an item found after installing safe. */
export function hardenActionWords(h: Hardening): string {
  switch (h.found.kind) {
    case 'service':
      return 'Switch it off…';
    case 'default_password':
      return 'Replace with a new password';
    case 'password_file':
      return 'Move to Credentials';
    case 'password_question':
      return 'Make a password and keep it';
    case 'sample_data':
      return 'Remove it (a copy is kept)';
    case 'port':
      return '';
  }
}

/** The security score after installing, beside the last one before. */
export function scoreWords(before: number | null, after: number): string {
  if (before === null) return `Security score now: ${after} of 100.`;
  if (after === before) return `Security score: ${after} of 100, the same as before.`;
  const by = Math.abs(after - before);
  return after > before
    ? `Security score: ${after} of 100, up ${by} from ${before}.`
    : `Security score: ${after} of 100, down ${by} from ${before}. The Security screen says what changed.`;
}

/** Each way to install, in one sentence. */
export const METHOD_WORDS: Record<InstallMethod, string> = {
  direct: 'Direct: the new version replaces the installed one.',
  parallel: 'Parallel: the new version goes in beside the old one, and you switch between them.',
  phased:
    'Phased: the parts go in stage by stage; each next stage waits until the health checks pass and, if the plan says so, your approval.',
  pilot: 'Pilot: it goes first on the pilot computer and is watched for a while; then you promote it or roll it back.',
};

export const DEPLOYMENT_STATUS: Record<DeploymentStatus, { words: string; level: Level }> = {
  running: { words: 'Installing', level: 'warning' },
  waiting: { words: 'Waits for you', level: 'warning' },
  soaking: { words: 'Being watched', level: 'neutral' },
  done: { words: 'Done', level: 'good' },
  halted: { words: 'Stopped', level: 'danger' },
  rolled_back: { words: 'Rolled back', level: 'neutral' },
};

/** A health check, in a few words. */
export function gateWords(g: HealthGate): string {
  switch (g.kind) {
    case 'service_running':
      return `${g.unit} runs`;
    case 'port_answers':
      return `port ${g.port} answers`;
    case 'no_new_journal_errors':
      return 'no new errors in the system journal';
    case 'no_new_alerts':
      return 'no new alerts';
  }
}

/** A part of a plan: its file's name, or the package's. */
export function partLabel(p: PlanPart): string {
  return p.kind === 'package' ? p.name : (p.file.split('/').pop() ?? p.file);
}

/** What approving a waiting deployment does: the next stage, or promotion. */
export function nextStep(d: Deployment): string {
  const next = d.plan.stages[d.stages.length];
  return next ? `Go on with ${next.name}` : 'Promote it';
}
