import { AppError } from '../../ipc';
import { checked, FILE, preview, SHA256 } from './fixtures';
import { installedRun } from './fixtures';
import {
  ask,
  fileProblem,
  initialWizard,
  nameProblem,
  newestSafe,
  packageAsk,
  proofProblem,
  ready,
  refusedAsOlder,
  stepTitle,
  transition,
  type Wizard,
} from './wizard';
import { packagePreview } from './fixtures';

const at = (fields: Partial<Wizard>): Wizard => ({ ...initialWizard(), ...fields });

describe('the install wizard', () => {
  it('takes only a full path to a .deb', () => {
    expect(fileProblem('')).toMatch(/Choose/);
    expect(fileProblem('Downloads/app.deb')).toMatch(/full path/);
    expect(fileProblem('/tmp/app.zip')).toMatch(/\.deb/);
    expect(fileProblem('/tmp/app-1.0.tar.gz')).toBeNull();
    expect(fileProblem('/tmp/App-1.0-x86_64.AppImage')).toBeNull();
    expect(fileProblem(` ${FILE} `)).toBeNull();
    const refused = transition(at({ file: 'app.deb' }), { type: 'next', history: [] });
    expect(refused.step).toBe(1);
    expect(refused.error?.error.message).toMatch(/full path/);
  });

  it('takes a package by its name alone: the sources\' signatures are its proof', () => {
    expect(nameProblem('')).toMatch(/Type/);
    for (const bad of ['Gimp', 'g', '-o', 'gimp=2.10', 'a b']) expect(nameProblem(bad), bad).toMatch(/lower-case/);
    expect(nameProblem(' libreoffice-writer ')).toBeNull();
    const chosen = transition(at({ name: 'gimp' }), { type: 'source', source: 'package' });
    expect(transition(chosen, { type: 'source', source: 'file' }).source).toBe('file');
    const w = transition(chosen, { type: 'next', history: [checked] });
    expect(w).toMatchObject({ step: 2, source: 'package', verified: null });
    expect(stepTitle(2, 'package')).toBe('How it is proven genuine');
    expect(proofProblem(w)).toBeNull();
    expect(ready(w)).toBe(true);
    expect(ask(w)).toBeNull();
    expect(packageAsk(w)).toEqual({ name: 'gimp', keep: [] });
    const previewed = transition(transition(w, { type: 'preview' }), { type: 'previewed', preview: packagePreview });
    expect(previewed.step).toBe(3);
    // A package from the sources may bring others, never keep anything it does not replace.
    expect(packageAsk(previewed)).toEqual({ name: 'gimp', keep: [] });
    expect(transition(at({ step: 2 }), { type: 'source', source: 'package' }).source).toBe('file');
  });

  it("offers the Verify screen's newest safe check of the same file, and only that file", () => {
    const older = { ...checked, time: '2025-01-01T00:00:00.000Z' };
    const unsafe = { ...checked, time: '2025-05-01T00:00:00.000Z', verdict: { ...checked.verdict, safety: 'unsafe' as const } };
    const other = { ...checked, verdict: { ...checked.verdict, file: '/tmp/other.deb' } };
    const weak = { ...checked, time: '2025-06-01T00:00:00.000Z', verdict: { ...checked.verdict, algorithm: 'md5' as const } };
    expect(newestSafe([older, unsafe, checked, other, weak], FILE)).toBe(checked);
    expect(newestSafe([other], FILE)).toBeNull();

    const w = transition(at({ file: FILE }), { type: 'next', history: [older, checked] });
    expect(w).toMatchObject({ step: 2, proof: 'verified', verified: checked });
    expect(ask(w)).toEqual({
      file: FILE,
      trust: { by: 'digest', algorithm: 'sha512', hex: checked.verdict.actual },
      allow_downgrade: false,
      keep: [],
    });
    // Not found: the checksum is asked for instead.
    expect(transition(at({ file: FILE, proof: 'verified' }), { type: 'next', history: [] }).proof).toBe('checksum');
  });

  it('asks for a whole checksum of a strong kind, or a reason to go without', () => {
    const w = at({ step: 2, file: FILE, proof: 'checksum' });
    expect(proofProblem(w)).toMatch(/Paste/);
    expect(proofProblem({ ...w, hex: 'abc' })).toMatch(/64 letters/);
    expect(proofProblem({ ...w, algorithm: 'sha512', hex: SHA256 })).toMatch(/128 letters/);
    expect(ask({ ...w, hex: ` ${SHA256.toUpperCase()} ` })?.trust).toEqual({ by: 'digest', algorithm: 'sha256', hex: SHA256 });
    const risk = { ...w, proof: 'risk' as const };
    expect(proofProblem(risk)).toMatch(/why/);
    expect(ask({ ...risk, reason: ' a test build ' })?.trust).toEqual({ by: 'risk_accepted', reason: 'a test build' });
    expect(proofProblem({ ...w, proof: 'verified' })).toMatch(/not been found safe/);
  });

  it('previews, then installs only from a preview, and goes back only before anything changed', () => {
    let w = at({ step: 2, file: FILE, hex: SHA256 });
    expect(transition(at({ step: 2, file: FILE }), { type: 'preview' }).step).toBe(2);
    w = transition(w, { type: 'preview' });
    expect(w).toMatchObject({ step: 3, busy: true });
    expect(transition(w, { type: 'install' }).step).toBe(3);
    expect(transition(w, { type: 'back' }).step).toBe(3);
    w = transition(w, { type: 'previewed', preview });
    expect(w).toMatchObject({ busy: false, preview });
    w = transition(w, { type: 'install' });
    expect(w).toMatchObject({ step: 4, busy: true });
    expect(transition(w, { type: 'cancelled' })).toMatchObject({ step: 3, busy: false });
    w = transition(w, { type: 'installed', run: installedRun });
    expect(w.run).toBe(installedRun);
    expect(transition(w, { type: 'back' }).step).toBe(4);
    expect(transition(w, { type: 'startOver' })).toEqual(initialWizard());
    // After a successful installation: making it safe, answer by answer.
    w = transition(w, { type: 'harden' });
    expect(w.step).toBe(5);
    expect(transition(w, { type: 'back' }).step).toBe(5);
    const later = { ...installedRun, message: 'answered' };
    expect(transition(w, { type: 'answered', run: later }).run).toBe(later);
    expect(transition(w, { type: 'answered', run: { ...later, id: 99 } }).run).toBe(installedRun);
    const failed = { ...installedRun, outcome: 'failed' as const };
    expect(transition(at({ step: 4, run: failed }), { type: 'harden' }).step).toBe(4);
  });

  it('offers the older version on purpose only when that was the refusal', () => {
    const older = new AppError({ code: 'conflict', message: 'office-app 1.0 is older than the 2.0 installed, so nothing was changed.', hint: '' });
    let w = transition(at({ step: 2, file: FILE, hex: SHA256 }), { type: 'preview' });
    w = transition(w, { type: 'failed', error: older });
    expect(refusedAsOlder(w)).toBe(true);
    w = transition(w, { type: 'allowDowngrade', on: true });
    expect(ask(w)?.allow_downgrade).toBe(true);
    const busy = new AppError({ code: 'conflict', message: 'Another installation is running.', hint: '' });
    expect(refusedAsOlder(transition(w, { type: 'failed', error: busy }))).toBe(false);
  });
});
