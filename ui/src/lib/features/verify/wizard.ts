// The Verify wizard as a small state machine: four steps, the data each step
// adds, and the transitions between them. Pure: the screen does the calls
// and feeds their answers in as events.
import { AppError, type Algorithm, type FileVerdict, type Suggestions, type VerifyRequest } from '../../ipc';
import { fileName, listWords } from './labels';

export type Step = 1 | 2 | 3 | 4;
export const STEP_COUNT = 4;

export const stepTitles: Record<Step, string> = {
  1: 'Choose the file',
  2: 'Choose what to compare it with',
  3: 'Checking the file',
  4: 'The result',
};

/** What the file is compared with. */
export type Choice = 'checksum' | 'list' | 'signature';
/** Whose key must have made a signature. */
export type Signer = 'key' | 'publisher';

export interface CompareForm {
  choice: Choice;
  /** A pasted checksum and its kind. */
  algorithm: Algorithm;
  hex: string;
  /** A checksum list, its optional signature, and its kind ('auto': from its name). */
  list: string;
  listAlgorithm: Algorithm | 'auto';
  listSignature: string;
  /** A signature over the file itself. */
  signature: string;
  /** For either signature: a key file, or a pinned publisher. */
  signer: Signer;
  key: string;
  publisher: string;
}

export const emptyCompare: Readonly<CompareForm> = Object.freeze({
  choice: 'checksum',
  algorithm: 'sha256',
  hex: '',
  list: '',
  listAlgorithm: 'auto',
  listSignature: '',
  signature: '',
  signer: 'key',
  key: '',
  publisher: '',
});

/** The fields a suggestion may fill, and what it filled them with. */
type Suggestable = 'choice' | 'list' | 'listSignature' | 'signature' | 'signer' | 'key';
export type Suggested = Partial<Pick<CompareForm, Suggestable>>;

export interface Wizard {
  step: Step;
  /** Step 1: the download. */
  file: string;
  /** Step 2: what to compare it with. */
  compare: CompareForm;
  /** The file the suggestions were made for, and what they filled in. */
  suggestedFor: string | null;
  suggested: Suggested;
  /** What Shipshape found next to the file, in one sentence. */
  found: string | null;
  /** Step 3: the request being checked (kept to check again). */
  request: VerifyRequest | null;
  /** Step 4. */
  verdict: FileVerdict | null;
  /** Shown on the step that caused it. */
  error: { step: 1 | 2; error: AppError } | null;
  /** A neutral word on step 2, such as after a cancel. */
  notice: string | null;
}

export type WizardEvent =
  /** 1 → 2 when the suggestions for this file are already in. */
  | { type: 'next' }
  /** 1 → 2 with what was found beside the file. */
  | { type: 'suggested'; file: string; suggestions: Suggestions; publishers: string[] }
  /** 2 → 3, or 4 → 3 to check the same again. */
  | { type: 'check' }
  | { type: 'checked'; verdict: FileVerdict }
  /** On step 1 or 2; or from 3 back to the step that caused it. */
  | { type: 'failed'; error: AppError; publishers: string[] }
  | { type: 'cancelled' }
  | { type: 'back' }
  | { type: 'startOver' };

export const CANCELLED_NOTICE = 'Cancelled; nothing was changed.';

export function initialWizard(): Wizard {
  return {
    step: 1,
    file: '',
    compare: { ...emptyCompare },
    suggestedFor: null,
    suggested: {},
    found: null,
    request: null,
    verdict: null,
    error: null,
    notice: null,
  };
}

/** A path the app can use without guessing a folder: "/…" or "C:\…". */
export function isFullPath(path: string): boolean {
  return /^(\/|[A-Za-z]:[\\/])/.test(path.trim());
}

/** Why the typed file cannot be checked yet, or null. */
export function fileProblem(file: string): AppError | null {
  const path = file.trim();
  if (path === '') {
    return new AppError({
      code: 'invalid_input',
      message: 'No file was chosen.',
      hint: 'Choose the installer you downloaded, drop it here, or type its full path.',
    });
  }
  if (!isFullPath(path)) {
    return new AppError({
      code: 'invalid_input',
      message: `${path} is not a full path.`,
      hint: 'Type the whole path, starting with /, such as /home/you/Downloads/setup.exe.',
    });
  }
  return null;
}

/** Whether the current step has what it needs to go on. */
export function canContinue(w: Wizard): boolean {
  if (w.step === 1) return w.file.trim() !== '';
  if (w.step !== 2) return false;
  const c = w.compare;
  const signed = c.signer === 'key' ? c.key.trim() !== '' : c.publisher !== '';
  switch (c.choice) {
    case 'checksum':
      return c.hex.trim() !== '';
    case 'list':
      return c.list.trim() !== '';
    case 'signature':
      return c.signature.trim() !== '' && signed;
  }
}

const orNull = (s: string) => (s.trim() === '' ? null : s.trim());

/** What the app is asked to check. */
export function requestOf(file: string, c: CompareForm): VerifyRequest {
  const key = c.signer === 'key' ? orNull(c.key) : null;
  const publisher = c.signer === 'publisher' ? orNull(c.publisher) : null;
  switch (c.choice) {
    case 'checksum':
      return { file: file.trim(), method: { kind: 'checksum', algorithm: c.algorithm, hex: c.hex.trim() } };
    case 'list':
      return {
        file: file.trim(),
        method: {
          kind: 'list',
          list: c.list.trim(),
          algorithm: c.listAlgorithm === 'auto' ? null : c.listAlgorithm,
          signature: orNull(c.listSignature),
          key,
          publisher,
        },
      };
    case 'signature':
      return { file: file.trim(), method: { kind: 'signature', signature: c.signature.trim(), key, publisher } };
  }
}

/** The key file a check used, if it used one (to offer pinning it). */
export function keyFileOf(request: VerifyRequest | null): string | null {
  const m = request?.method;
  return m && m.kind !== 'checksum' ? m.key : null;
}

const SIGNATURE_ENDINGS = ['.asc', '.sig', '.gpg', '.minisig', '.sign'];

/**
 * Fills the form with what was found beside the file. A field the user
 * changed is kept; one that is empty or still holds an earlier suggestion
 * is replaced.
 */
export function applySuggestions(
  compare: CompareForm,
  previous: Suggested,
  file: string,
  s: Suggestions,
  publishers: string[],
): { compare: CompareForm; suggested: Suggested; found: string } {
  const base = fileName(file.trim());
  const list = s.lists.find((l) => fileName(l).startsWith(base)) ?? s.lists[0] ?? '';
  const signatureOf = (target: string) =>
    target === '' ? '' : (s.signatures.find((x) => SIGNATURE_ENDINGS.some((e) => x === target + e)) ?? '');
  const listSignature = signatureOf(list);
  const signature = signatureOf(file.trim());
  const key = s.keys[0] ?? '';
  const choice: Choice = list ? 'list' : signature ? 'signature' : 'checksum';
  const signer: Signer = key === '' && publishers.length > 0 ? 'publisher' : 'key';
  const suggested: Suggested = { choice, list, listSignature, signature, signer, key };

  const next: CompareForm = { ...compare };
  const untouched = <K extends Suggestable>(f: K) => next[f] === (previous[f] ?? emptyCompare[f]);
  const fill = <K extends Suggestable>(f: K, value: CompareForm[K]) => {
    if (untouched(f)) next[f] = value;
  };
  fill('choice', choice);
  fill('list', list);
  fill('listSignature', listSignature);
  fill('signature', signature);
  fill('key', key);
  fill('signer', signer);

  const used =
    next.choice === 'list'
      ? [next.list === list ? list : '', next.listSignature === listSignature ? listSignature : '']
      : next.choice === 'signature'
        ? [next.signature === signature ? signature : '']
        : [];
  if (next.choice !== 'checksum' && next.signer === 'key' && next.key === key) used.push(key);
  const names = used.filter((p) => p !== '').map(fileName);
  const found =
    names.length > 0
      ? `Shipshape found ${listWords(names)} next to your file.`
      : 'Shipshape found no checksum list or signature next to your file.';
  return { compare: next, suggested, found };
}

/**
 * Which step an error from the check belongs to: a missing or changing
 * download is step 1's; anything about what to compare with is step 2's.
 * Branches on the code only; a `not_found` is the file's unless the check
 * named a publisher that is no longer pinned.
 */
export function errorStep(code: AppError['code'], request: VerifyRequest | null, publishers: string[]): 1 | 2 {
  if (code === 'file_changed') return 1;
  if (code === 'not_found') {
    const m = request?.method;
    const publisher = m && m.kind !== 'checksum' ? m.publisher : null;
    return publisher !== null && !publishers.includes(publisher) ? 2 : 1;
  }
  return 2;
}

export function transition(w: Wizard, e: WizardEvent): Wizard {
  switch (e.type) {
    case 'next':
      if (w.step === 1 && w.suggestedFor === w.file.trim()) {
        return { ...w, step: 2, error: null, notice: null };
      }
      return w;
    case 'suggested': {
      if (w.step !== 1 || e.file !== w.file.trim()) return w;
      const applied = applySuggestions(w.compare, w.suggested, e.file, e.suggestions, e.publishers);
      return {
        ...w,
        step: 2,
        compare: applied.compare,
        suggested: applied.suggested,
        suggestedFor: e.file,
        found: applied.found,
        error: null,
        notice: null,
      };
    }
    case 'check': {
      if (w.step === 2 && canContinue(w)) {
        return { ...w, step: 3, request: requestOf(w.file, w.compare), verdict: null, error: null, notice: null };
      }
      if (w.step === 4 && w.request) return { ...w, step: 3, verdict: null, error: null, notice: null };
      return w;
    }
    case 'checked':
      return w.step === 3 ? { ...w, step: 4, verdict: e.verdict } : w;
    case 'failed': {
      if (w.step === 4) return w;
      const step = w.step === 3 ? errorStep(e.error.code, w.request, e.publishers) : w.step;
      return { ...w, step, error: { step, error: e.error }, notice: null };
    }
    case 'cancelled':
      return w.step === 3 ? { ...w, step: 2, notice: CANCELLED_NOTICE, error: null } : w;
    case 'back':
      if (w.step === 1) return w;
      if (w.step === 3) return { ...w, step: 2, notice: CANCELLED_NOTICE, error: null };
      if (w.step === 4) return { ...w, step: 2, verdict: null, error: null, notice: null };
      return { ...w, step: 1, error: null, notice: null };
    case 'startOver':
      return initialWizard();
  }
}
