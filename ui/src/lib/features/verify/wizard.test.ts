import { AppError } from '../../ipc';
import { FILE, KEY, LIST, LIST_SIG, safe } from './fixtures';
import { fileName, groupFingerprint, listWords } from './labels';
import {
  applySuggestions,
  CANCELLED_NOTICE,
  canContinue,
  emptyCompare,
  errorStep,
  fileProblem,
  initialWizard,
  requestOf,
  transition,
  type Wizard,
} from './wizard';

const found = { lists: [LIST], signatures: [LIST_SIG, '/home/maria/Downloads/other.sig'], keys: [KEY] };
const err = (code: AppError['code']) => new AppError({ code, message: 'm', hint: 'h' });

function atStep2(): Wizard {
  const w = { ...initialWizard(), file: FILE };
  return transition(w, { type: 'suggested', file: FILE, suggestions: found, publishers: [] });
}

describe('the wizard', () => {
  it('goes through the four steps and back', () => {
    let w = atStep2();
    expect(w.step).toBe(2);
    expect(w.compare).toMatchObject({ choice: 'list', list: LIST, listSignature: LIST_SIG, key: KEY, signer: 'key' });
    expect(w.found).toBe('Shipshape found SHA256SUMS, SHA256SUMS.asc and acme.asc next to your file.');
    w = transition(w, { type: 'check' });
    expect(w.step).toBe(3);
    expect(w.request).toEqual({
      file: FILE,
      method: { kind: 'list', list: LIST, algorithm: null, signature: LIST_SIG, key: KEY, publisher: null },
    });
    w = transition(w, { type: 'checked', verdict: safe });
    expect(w.step).toBe(4);
    w = transition(w, { type: 'back' });
    expect(w.step).toBe(2);
    expect(w.verdict).toBeNull();
    w = transition(w, { type: 'back' });
    expect(w.step).toBe(1);
    expect(transition(w, { type: 'back' })).toBe(w);
    // The suggestions are not asked for again for the same file.
    expect(transition(w, { type: 'next' }).step).toBe(2);
    expect(transition({ ...w, file: '/elsewhere/x.bin' }, { type: 'next' }).step).toBe(1);
  });

  it('goes back to step 2 with a neutral word after a cancel, and starts over from nothing', () => {
    let w = transition(atStep2(), { type: 'check' });
    w = transition(w, { type: 'cancelled' });
    expect(w.step).toBe(2);
    expect(w.notice).toBe(CANCELLED_NOTICE);
    expect(transition(w, { type: 'startOver' })).toEqual(initialWizard());
  });

  it('shows an error on the step that caused it', () => {
    const checking = transition(atStep2(), { type: 'check' });
    const bad = transition(checking, { type: 'failed', error: err('invalid_input'), publishers: [] });
    expect(bad.step).toBe(2);
    expect(bad.error?.step).toBe(2);
    const missing = transition(checking, { type: 'failed', error: err('not_found'), publishers: [] });
    expect(missing.step).toBe(1);
    // A new try clears it.
    expect(transition(bad, { type: 'check' }).error).toBeNull();
  });

  it('only checks when the step has what it needs', () => {
    const w = atStep2();
    expect(canContinue({ ...w, compare: { ...w.compare, choice: 'checksum' } })).toBe(false);
    expect(canContinue({ ...w, compare: { ...w.compare, choice: 'checksum', hex: 'ab' } })).toBe(true);
    expect(canContinue({ ...w, compare: { ...w.compare, choice: 'signature', signature: '/s.sig', key: '' } })).toBe(
      false,
    );
    const none = { ...w, compare: { ...emptyCompare, choice: 'list' as const } };
    expect(transition(none, { type: 'check' })).toBe(none);
  });
});

describe('applySuggestions', () => {
  it('keeps what the user typed and replaces only earlier suggestions', () => {
    const first = applySuggestions({ ...emptyCompare, key: '/mine.asc' }, {}, FILE, found, []);
    expect(first.compare.key).toBe('/mine.asc');
    expect(first.found).toBe('Shipshape found SHA256SUMS and SHA256SUMS.asc next to your file.');
    const other = { lists: ['/other/SHA512SUMS'], signatures: [], keys: [] };
    const second = applySuggestions(first.compare, first.suggested, '/other/app.bin', other, []);
    expect(second.compare).toMatchObject({ list: '/other/SHA512SUMS', listSignature: '', key: '/mine.asc' });
  });

  it('prefers a list named after the file and finds the file’s own signature', () => {
    const s = {
      lists: ['/d/SHA256SUMS', '/d/setup.bin.sha256'],
      signatures: ['/d/setup.bin.sha256.sig'],
      keys: [],
    };
    expect(applySuggestions(emptyCompare, {}, '/d/setup.bin', s, []).compare).toMatchObject({
      list: '/d/setup.bin.sha256',
      listSignature: '/d/setup.bin.sha256.sig',
    });
    const sig = { lists: [], signatures: ['/d/setup.bin.minisig'], keys: [] };
    const r = applySuggestions(emptyCompare, {}, '/d/setup.bin', sig, ['Acme']);
    expect(r.compare).toMatchObject({ choice: 'signature', signature: '/d/setup.bin.minisig', signer: 'publisher' });
    expect(r.found).toBe('Shipshape found setup.bin.minisig next to your file.');
  });

  it('says so when nothing was found', () => {
    const r = applySuggestions(emptyCompare, {}, FILE, { lists: [], signatures: [], keys: [] }, []);
    expect(r.compare.choice).toBe('checksum');
    expect(r.found).toBe('Shipshape found no checksum list or signature next to your file.');
  });
});

describe('requests and errors', () => {
  it('sends only the chosen signer, and null for empty paths', () => {
    const c = { ...emptyCompare, choice: 'signature' as const, signature: ' /d/s.sig ', signer: 'publisher' as const };
    expect(requestOf(' /d/f ', { ...c, key: '/d/k.asc', publisher: 'Acme' })).toEqual({
      file: '/d/f',
      method: { kind: 'signature', signature: '/d/s.sig', key: null, publisher: 'Acme' },
    });
    expect(requestOf('/d/f', { ...emptyCompare, hex: ' AB ', algorithm: 'md5' })).toEqual({
      file: '/d/f',
      method: { kind: 'checksum', algorithm: 'md5', hex: 'AB' },
    });
    expect(requestOf('/d/f', { ...emptyCompare, choice: 'list', list: '/d/l', listAlgorithm: 'sha512' }).method).toEqual(
      { kind: 'list', list: '/d/l', algorithm: 'sha512', signature: null, key: null, publisher: null },
    );
  });

  it('puts a missing publisher on step 2 and a missing file on step 1', () => {
    const req = requestOf(FILE, { ...emptyCompare, choice: 'signature', signature: '/s', signer: 'publisher', publisher: 'Gone' });
    expect(errorStep('not_found', req, ['Acme'])).toBe(2);
    expect(errorStep('not_found', req, ['Gone'])).toBe(1);
    expect(errorStep('file_changed', req, [])).toBe(1);
    expect(errorStep('io', req, [])).toBe(2);
  });

  it('asks for a full path before looking for the file', () => {
    expect(fileProblem('')?.message).toBe('No file was chosen.');
    expect(fileProblem('setup.exe')?.hint).toMatch(/starting with \//);
    expect(fileProblem('/home/maria/setup.exe')).toBeNull();
    expect(fileProblem('C:\\Users\\maria\\setup.exe')).toBeNull();
  });
});

describe('labels', () => {
  it('formats names, fingerprints and lists', () => {
    expect(fileName('/a/b/setup.exe')).toBe('setup.exe');
    expect(fileName('C:\\x\\y.msi')).toBe('y.msi');
    expect(groupFingerprint('0123456789ABCDEF')).toBe('0123 4567 89AB CDEF');
    expect(listWords(['a'])).toBe('a');
    expect(listWords(['a', 'b', 'c'])).toBe('a, b and c');
  });
});
