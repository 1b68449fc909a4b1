// The Install wizard as a small state machine: what to install (a package
// file, or a package by name from this computer's package sources), the
// proof that it is genuine, what would change, then the installation and
// its verdict. Pure: the screen makes the calls and feeds their answers in
// as events. Nothing changes on the computer before "Install" on step 3.
import { ALGORITHM_LABELS } from './labels';
import {
  AppError,
  type Algorithm,
  type DebAsk,
  type DebPreview,
  type Deployment,
  type DeploymentPlan,
  type PackageAsk,
  type PackagePreview,
  type PastVerification,
  type ProgramAsk,
  type ProgramPreview,
  type Trust,
  type UpdateRun,
} from '../../ipc';

export type Step = 1 | 2 | 3 | 4 | 5;
export const STEP_COUNT = 5;

/** Where the software comes from. */
export type Source = 'file' | 'package';

/** What the preview step shows: a package file's, a package's by name,
 * or a program's going into /opt. */
export type AnyPreview = DebPreview | PackagePreview | ProgramPreview;

/** The previews of what the package manager installs. */
export type PackagedPreview = DebPreview | PackagePreview;

export function isPackagePreview(p: AnyPreview): p is PackagePreview {
  return 'source' in p;
}

export function isProgramPreview(p: AnyPreview): p is ProgramPreview {
  return 'folder' in p;
}

/** A tarball or an AppImage: installed into /opt/NAME/VERSION, not by the package manager. */
export function isProgramFile(file: string): boolean {
  return /\.(tar\.gz|tgz|tar\.xz|txz|tar\.zst|tzst|appimage)$/i.test(file.trim());
}

export function stepTitle(step: Step, source: Source): string {
  switch (step) {
    case 1:
      return 'What do you want to install?';
    case 2:
      return source === 'file' ? 'How do you know it is genuine?' : 'How it is proven genuine';
    case 3:
      return 'What will change';
    case 4:
      return 'Installing';
    case 5:
      return 'Make it safe';
  }
}

/** How the file is proven genuine. */
export type Proof = 'verified' | 'checksum' | 'risk';

/** The checksum kinds that can prove a file was not swapped. */
export const STRONG: Algorithm[] = ['sha256', 'sha512', 'blake3'];
const HEX_LENGTH: Record<Algorithm, number> = { sha256: 64, sha512: 128, blake3: 64, sha1: 40, md5: 32 };

export interface Wizard {
  step: Step;
  source: Source;
  file: string;
  /** The package's name, for a package from the package sources. */
  name: string;
  /** A program's name and version in /opt, when its file's name does not say them. */
  programName: string;
  programVersion: string;
  proof: Proof;
  /** The newest check on the Verify screen that found this file safe. */
  verified: PastVerification | null;
  algorithm: Algorithm;
  hex: string;
  reason: string;
  allowDowngrade: boolean;
  /** Step 3: what the package manager would do. */
  preview: AnyPreview | null;
  /** Step 4: the run, once it ended; step 5: with what was answered since. */
  run: UpdateRun | null;
  /** Step 3: install it as a pilot, watched for `soak` minutes first. */
  pilot: boolean;
  soak: number;
  /** Step 4, for a pilot: its deployment. */
  deployment: Deployment | null;
  /** Work under way: reading the file (step 3) or installing (step 4). */
  busy: boolean;
  /** Shown on the step that caused it. */
  error: { step: Step; error: AppError } | null;
}

export type WizardEvent =
  /** 1 → 2, with the Verify screen's past checks to find this file in. */
  | { type: 'next'; history: PastVerification[] }
  | { type: 'source'; source: Source }
  | { type: 'proof'; proof: Proof }
  | { type: 'allowDowngrade'; on: boolean }
  /** 2 → 3: the file is read and the package manager asked. */
  | { type: 'preview' }
  | { type: 'previewed'; preview: AnyPreview }
  /** 3 → 4: the installation starts. */
  | { type: 'install' }
  | { type: 'installed'; run: UpdateRun }
  | { type: 'pilot'; on: boolean }
  | { type: 'deployed'; deployment: Deployment }
  /** 4 → 5: what the installation switched on or left open. */
  | { type: 'harden' }
  /** Step 5: an item answered; the run as now recorded. */
  | { type: 'answered'; run: UpdateRun }
  | { type: 'failed'; error: AppError }
  /** A cancel before anything changed: back to where it started. */
  | { type: 'cancelled' }
  | { type: 'back' }
  | { type: 'startOver' };

export function initialWizard(): Wizard {
  return {
    step: 1,
    source: 'file',
    file: '',
    name: '',
    programName: '',
    programVersion: '',
    proof: 'checksum',
    verified: null,
    algorithm: 'sha256',
    hex: '',
    reason: '',
    allowDowngrade: false,
    preview: null,
    run: null,
    pilot: false,
    soak: 60,
    deployment: null,
    busy: false,
    error: null,
  };
}

/** Why the file cannot be taken yet, or null. */
export function fileProblem(file: string): string | null {
  const f = file.trim();
  if (f === '') return 'Choose the package file first.';
  if (!f.startsWith('/')) return 'Give the full path, starting with /.';
  if (!f.endsWith('.deb') && !isProgramFile(f)) {
    return 'Shipshape installs package files (.deb), programs in tarballs (.tar.gz, .tar.xz, .tar.zst) and AppImages.';
  }
  return null;
}

/** Why `name` cannot be asked for yet, or null. */
export function nameProblem(name: string): string | null {
  const n = name.trim();
  if (n === '') return "Type the package's name, or search for it.";
  if (!/^[a-z0-9][a-z0-9+.-]+$/.test(n)) return 'Package names are lower-case letters, digits and + - . (for example gimp).';
  return null;
}

/** Why what was chosen on step 1 cannot be taken yet, or null. */
export function choiceProblem(w: Wizard): string | null {
  return w.source === 'file' ? fileProblem(w.file) : nameProblem(w.name);
}

/** Why the proof is not enough yet, or null. A package from the sources
 * is proven by their signatures. */
export function proofProblem(w: Wizard): string | null {
  if (w.source === 'package') return null;
  switch (w.proof) {
    case 'verified':
      return w.verified ? null : 'This file has not been found safe on the Verify screen.';
    case 'checksum': {
      const hex = w.hex.trim();
      if (hex === '') return "Paste the checksum the publisher gives for this file.";
      const want = HEX_LENGTH[w.algorithm];
      if (hex.length !== want || !/^[0-9a-fA-F]+$/.test(hex)) {
        return `A ${ALGORITHM_LABELS[w.algorithm]} checksum is ${want} letters and digits (0–9, a–f).`;
      }
      return null;
    }
    case 'risk':
      return w.reason.trim() === '' ? 'Say why you install it without proof; the record keeps your reason.' : null;
  }
}

/** The newest check of `file` on the Verify screen that found it safe. */
export function newestSafe(history: PastVerification[], file: string): PastVerification | null {
  let best: PastVerification | null = null;
  for (const p of history) {
    if (p.verdict.file !== file || p.verdict.safety !== 'safe' || !STRONG.includes(p.verdict.algorithm)) continue;
    if (best === null || Date.parse(p.time) > Date.parse(best.time)) best = p;
  }
  return best;
}

/** The installed packages the preview said would change: root keeps their
 * versions first, so the installation can be undone. */
function keep(w: Wizard): string[] {
  if (!w.preview || isProgramPreview(w.preview)) return [];
  return w.preview.steps.filter((s) => s.from !== null).map((s) => s.name);
}

/** What is asked of the app for a package by name, or null. */
export function packageAsk(w: Wizard): PackageAsk | null {
  if (w.source !== 'package' || nameProblem(w.name) !== null) return null;
  return { name: w.name.trim(), keep: keep(w) };
}

/** Whether everything the preview needs is given. */
export function ready(w: Wizard): boolean {
  return w.source === 'file' ? ask(w) !== null || programAsk(w) !== null : packageAsk(w) !== null;
}

/** How the file is trusted, once the proof is enough. */
function trust(w: Wizard): Trust {
  if (w.proof === 'risk') return { by: 'risk_accepted', reason: w.reason.trim() };
  if (w.proof === 'verified' && w.verified) {
    const v = w.verified.verdict;
    return { by: 'digest', algorithm: v.algorithm, hex: v.actual };
  }
  return { by: 'digest', algorithm: w.algorithm, hex: w.hex.trim().toLowerCase() };
}

/** What is asked of the app for a program going into /opt, or null. Once
 * previewed, the name and version are the preview's, so root installs
 * what was shown. */
export function programAsk(w: Wizard): ProgramAsk | null {
  if (w.source !== 'file' || fileProblem(w.file) !== null || !isProgramFile(w.file) || proofProblem(w) !== null) {
    return null;
  }
  const shown = w.preview && isProgramPreview(w.preview) ? w.preview : null;
  return {
    file: w.file.trim(),
    trust: trust(w),
    name: shown?.name ?? (w.programName.trim() || null),
    version: shown?.version ?? (w.programVersion.trim() || null),
  };
}

/** What is asked of the app for a package file, or null while something
 * is missing. */
export function ask(w: Wizard): DebAsk | null {
  if (w.source !== 'file' || fileProblem(w.file) !== null || isProgramFile(w.file) || proofProblem(w) !== null) {
    return null;
  }
  return { file: w.file.trim(), allow_downgrade: w.allowDowngrade, keep: keep(w), trust: trust(w) };
}

/** Whether the preview was refused only because the file is an older version. */
export function refusedAsOlder(w: Wizard): boolean {
  return w.error?.step === 3 && w.error.error.code === 'conflict' && /is older than/.test(w.error.error.message);
}

export function transition(w: Wizard, e: WizardEvent): Wizard {
  switch (e.type) {
    case 'next': {
      if (w.step !== 1) return w;
      const problem = choiceProblem(w);
      if (problem) return { ...w, error: { step: 1, error: localError(problem, w.source) } };
      if (w.source === 'package') return { ...w, step: 2, error: null };
      const verified = newestSafe(e.history, w.file.trim());
      return { ...w, step: 2, verified, proof: verified ? 'verified' : w.proof === 'verified' ? 'checksum' : w.proof, error: null };
    }
    case 'source':
      return w.step === 1 ? { ...w, source: e.source, error: null } : w;
    case 'proof':
      return { ...w, proof: e.proof, error: null };
    case 'allowDowngrade':
      return { ...w, allowDowngrade: e.on };
    case 'preview':
      if ((w.step !== 2 && w.step !== 3) || !ready(w)) return w;
      return { ...w, step: 3, busy: true, preview: null, error: null };
    case 'previewed':
      return w.step === 3 ? { ...w, busy: false, preview: e.preview } : w;
    case 'install':
      return w.step === 3 && w.preview && !w.busy ? { ...w, step: 4, busy: true, run: null, error: null } : w;
    case 'installed':
      return w.step === 4 ? { ...w, busy: false, run: e.run } : w;
    case 'pilot':
      return w.step === 3 && !w.busy ? { ...w, pilot: e.on, error: null } : w;
    case 'deployed':
      return w.step === 4 ? { ...w, busy: false, deployment: e.deployment } : w;
    case 'harden':
      return w.step === 4 && w.run?.outcome === 'done' && !w.busy ? { ...w, step: 5, error: null } : w;
    case 'answered':
      return w.step === 5 && w.run?.id === e.run.id ? { ...w, run: e.run } : w;
    case 'failed':
      return { ...w, busy: false, error: { step: w.step, error: e.error } };
    case 'cancelled':
      // Nothing changed: the step before the work started.
      return { ...w, busy: false, step: w.step === 4 ? 3 : 2, error: null };
    case 'back':
      if (w.busy || w.step === 1 || w.run !== null || w.deployment !== null) return w;
      return { ...w, step: (w.step - 1) as Step, error: null };
    case 'startOver':
      return w.busy ? w : initialWizard();
  }
}

function localError(message: string, source: Source): AppError {
  const hint =
    source === 'file'
      ? 'Choose the .deb file, for example in your Downloads folder.'
      : 'Search the package sources for part of its name.';
  return new AppError({ code: 'invalid_input', message, hint });
}

/** Why the pilot's watch cannot be taken, or null. */
export function soakProblem(w: Wizard): string | null {
  if (!w.pilot) return null;
  return Number.isInteger(w.soak) && w.soak >= 1 && w.soak <= 10080
    ? null
    : 'Watch the pilot for between 1 minute and a week (10080 minutes).';
}

/** The plan of installing what was previewed as a pilot, or null. */
export function pilotPlan(w: Wizard): DeploymentPlan | null {
  if (!w.pilot || soakProblem(w) !== null) return null;
  const file = ask(w);
  const program = programAsk(w);
  const pkg = packageAsk(w);
  const part = file
    ? { kind: 'file' as const, ...file }
    : program
      ? { kind: 'program' as const, ...program }
      : pkg
        ? { kind: 'package' as const, ...pkg }
        : null;
  if (!part) return null;
  const name = part.kind === 'package' ? part.name : (part.file.split('/').pop() ?? part.file);
  return {
    name,
    method: 'pilot',
    stages: [{ name: 'Install', parts: [part] }],
    gates: [{ kind: 'no_new_alerts' }],
    approval: 'ask',
    soak_minutes: w.soak,
  };
}
