import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { FileVerdict, PastVerification, PinPreview, Publisher } from '../../ipc';
import { dropFiles, failWith, mockCommands, report, type Handler } from '../../ipc/testing';
import { testIds } from '../../testIds';
import { acme, FILE, FPR, KEY, LIST, LIST_SIG, NEW_FPR, past, safe, unpinned, unsafe } from './fixtures';
import Verify from './Verify.svelte';

const MB = 1024 * 1024;
const suggestions = { lists: [LIST], signatures: [LIST_SIG], keys: [KEY] };

/** The screen with a history and publishers the test can change. */
function setup(overrides: Record<string, Handler> = {}, state: { publishers?: Publisher[]; history?: PastVerification[] } = {}) {
  const calls: Record<string, Record<string, unknown>[]> = {};
  const s = { publishers: state.publishers ?? [acme], history: state.history ?? [] };
  const seen = (cmd: string, handler: Handler): Handler => (args) => {
    (calls[cmd] ??= []).push(args);
    return handler(args);
  };
  const handlers: Record<string, Handler> = {
    verify_history: () => s.history,
    publishers_list: () => s.publishers,
    verify_suggestions: () => suggestions,
    cancel_job: () => null,
    ...overrides,
  };
  mockCommands(Object.fromEntries(Object.entries(handlers).map(([k, h]) => [k, seen(k, h)])));
  render(Verify);
  return { calls, state: s };
}

const step = () => Number(screen.getByTestId(testIds.wizardStep).dataset.step);

async function chooseFile(path = FILE) {
  await fireEvent.input(screen.getByTestId(testIds.wizardFilePath), { target: { value: path } });
  await fireEvent.click(screen.getByTestId(testIds.wizardNext));
}

async function pasteChecksum(hex: string) {
  await chooseFile();
  await waitFor(() => expect(step()).toBe(2));
  await fireEvent.click(screen.getByTestId(testIds.wizardMethodChecksum));
  await fireEvent.input(screen.getByTestId(testIds.wizardHex), { target: { value: hex } });
  await fireEvent.click(screen.getByTestId(testIds.wizardNext));
}

/** A job the test finishes by hand. */
function pending() {
  let resolve!: (v: FileVerdict) => void;
  let reject!: (e: unknown) => void;
  let args: Record<string, unknown> = {};
  const promise = new Promise<FileVerdict>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const handler: Handler = (a) => {
    args = a;
    return promise;
  };
  return { handler, resolve, reject, args: () => args };
}

describe('Verify', () => {
  it('walks through all four steps to a green verdict and lists it in the history', async () => {
    const job = pending();
    const { calls, state } = setup({ verify_file: job.handler });
    expect(screen.getByTestId(testIds.wizardStepLabel).textContent).toBe('Step 1 of 4');
    expect(await screen.findByText('No downloads checked yet')).toBeTruthy();
    expect((screen.getByTestId(testIds.wizardNext) as HTMLButtonElement).disabled).toBe(true);

    await chooseFile();
    await waitFor(() => expect(step()).toBe(2));
    expect(screen.getByTestId(testIds.wizardStepLabel).textContent).toBe('Step 2 of 4');
    expect(calls.verify_suggestions).toEqual([{ file: FILE }]);

    // Check the list's signature against the pinned publisher.
    await fireEvent.click(screen.getByTestId(testIds.wizardSignerPublisher));
    expect((screen.getByTestId(testIds.wizardPublisher) as HTMLSelectElement).value).toBe('Acme');
    await fireEvent.click(screen.getByTestId(testIds.wizardNext));
    await waitFor(() => expect(step()).toBe(3));
    expect(screen.getByTestId(testIds.wizardStepLabel).textContent).toBe('Step 3 of 4');
    expect(job.args().request).toEqual({
      file: FILE,
      method: { kind: 'list', list: LIST, algorithm: null, signature: LIST_SIG, key: null, publisher: 'Acme' },
    });

    report(job.args(), { done: 2 * MB, total: 5 * MB });
    await waitFor(() => expect(screen.getByTestId(testIds.wizardProgressText).textContent).toContain('40 %'));
    expect((screen.getByTestId(testIds.wizardProgress) as HTMLProgressElement).value).toBe(40);

    state.history = [past(safe)];
    job.resolve(safe);
    await waitFor(() => expect(step()).toBe(4));
    const verdict = screen.getByTestId(testIds.wizardVerdict);
    expect(verdict.dataset.safety).toBe('safe');
    expect(within(verdict).getByText('Safe to install')).toBeTruthy();
    expect(within(verdict).getByText(/signed by Acme/)).toBeTruthy();
    const details = screen.getByTestId(testIds.wizardVerdictDetails);
    expect(within(details).getByText('in SHA256SUMS, line 1')).toBeTruthy();
    expect(within(details).getByText('0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567')).toBeTruthy();
    expect(screen.queryByTestId(testIds.wizardPinPublisher)).toBeNull();

    const row = await screen.findByTestId(testIds.historyRow);
    expect(row.dataset.safety).toBe('safe');
    expect(within(row).getByText('setup.bin')).toBeTruthy();

    await fireEvent.click(screen.getByTestId(testIds.wizardAgain));
    expect(step()).toBe(1);
    expect((screen.getByTestId(testIds.wizardFilePath) as HTMLInputElement).value).toBe('');
  });

  it('prefills what it found next to the file and says so', async () => {
    setup();
    await chooseFile();
    expect((await screen.findByTestId(testIds.wizardSuggestions)).textContent).toContain(
      'Shipshape found SHA256SUMS, SHA256SUMS.asc and acme.asc next to your file.',
    );
    expect((screen.getByTestId(testIds.wizardMethodList) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId(testIds.wizardListPath) as HTMLInputElement).value).toBe(LIST);
    expect((screen.getByTestId(testIds.wizardSignaturePath) as HTMLInputElement).value).toBe(LIST_SIG);
    expect((screen.getByTestId(testIds.wizardKeyPath) as HTMLInputElement).value).toBe(KEY);
    expect((screen.getByTestId(testIds.wizardListAlgorithm) as HTMLSelectElement).value).toBe('auto');
  });

  it('shows a red verdict with the detail folded', async () => {
    const { calls } = setup({ verify_file: () => unsafe });
    await pasteChecksum('cd'.repeat(32));
    const verdict = await screen.findByTestId(testIds.wizardVerdict);
    expect(verdict.dataset.safety).toBe('unsafe');
    expect(within(verdict).getByText('Do not install')).toBeTruthy();
    expect(within(verdict).getByText(/does not match/)).toBeTruthy();
    expect(screen.getByText('cd'.repeat(32))).toBeTruthy();
    expect(calls.verify_file[0].request).toEqual({
      file: FILE,
      method: { kind: 'checksum', algorithm: 'sha256', hex: 'cd'.repeat(32) },
    });
    await waitFor(() => expect(calls.verify_history.length).toBe(2));
  });

  it('shows a bad checksum on step 2 with what to do', async () => {
    setup({
      verify_file: () =>
        failWith({
          code: 'invalid_input',
          message: 'A SHA-256 checksum has 64 hexadecimal digits; this one has 40.',
          hint: 'That length fits SHA-1: did you pick the wrong kind?',
        }),
    });
    await pasteChecksum('ab'.repeat(20));
    const error = await screen.findByTestId(testIds.errorState);
    expect(step()).toBe(2);
    expect(error.dataset.code).toBe('invalid_input');
    expect(within(error).getByText('That length fits SHA-1: did you pick the wrong kind?')).toBeTruthy();
    // The form keeps what was typed.
    expect((screen.getByTestId(testIds.wizardHex) as HTMLInputElement).value).toBe('ab'.repeat(20));
  });

  it('shows a missing file on step 1', async () => {
    setup({
      verify_file: () =>
        failWith({ code: 'not_found', message: 'Could not read /x: it does not exist.', hint: 'Check the path.' }),
    });
    await pasteChecksum('ab'.repeat(32));
    await screen.findByText('Could not read /x: it does not exist.');
    expect(step()).toBe(1);
  });

  it('goes on when Enter is pressed in the typed path', async () => {
    setup();
    const input = screen.getByTestId(testIds.wizardFilePath);
    await fireEvent.input(input, { target: { value: FILE } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(step()).toBe(2));
  });

  it('asks for a full path before going on', async () => {
    const { calls } = setup();
    await chooseFile('setup.bin');
    expect(await screen.findByText('setup.bin is not a full path.')).toBeTruthy();
    expect(step()).toBe(1);
    expect(calls.verify_suggestions).toBeUndefined();
  });

  it('goes back to step 2 after a cancel, saying nothing changed', async () => {
    const job = pending();
    const { calls } = setup({
      verify_file: job.handler,
      cancel_job: (args) => {
        job.reject({ code: 'cancelled', message: 'The task was cancelled.', hint: '' });
        return args && null;
      },
    });
    await pasteChecksum('ab'.repeat(32));
    await waitFor(() => expect(step()).toBe(3));
    await fireEvent.click(screen.getByTestId(testIds.wizardCancel));
    await waitFor(() => expect(step()).toBe(2));
    expect(screen.getByTestId(testIds.wizardNotice).textContent).toContain('Cancelled; nothing was changed.');
    expect(calls.cancel_job[0].job).toBe(job.args().job);
    expect((screen.getByTestId(testIds.wizardHex) as HTMLInputElement).value).toBe('ab'.repeat(32));
  });

  it('Back while checking stops the check', async () => {
    const job = pending();
    const { calls } = setup({ verify_file: job.handler });
    await pasteChecksum('ab'.repeat(32));
    await waitFor(() => expect(step()).toBe(3));
    await fireEvent.click(screen.getByTestId(testIds.wizardBack));
    expect(step()).toBe(2);
    await waitFor(() => expect(calls.cancel_job?.length).toBe(1));
    // A late answer does not pull the wizard forward.
    job.resolve(safe);
    await new Promise((r) => setTimeout(r, 10));
    expect(step()).toBe(2);
  });

  it('takes a file dropped on the window', async () => {
    setup();
    const zone = screen.getByTestId(testIds.wizardDropZone);
    await waitFor(() => expect(zone.dataset.ready).toBe('true'));
    await dropFiles([FILE, '/home/maria/Downloads/other.bin']);
    await waitFor(() =>
      expect((screen.getByTestId(testIds.wizardFilePath) as HTMLInputElement).value).toBe(FILE),
    );
    expect(screen.getByText(/You dropped 2 files; Shipshape will check setup.bin/)).toBeTruthy();
  });

  it('offers to pin an unpinned signer, then checks again', async () => {
    let answer: FileVerdict = unpinned;
    const { calls, state } = setup(
      {
        verify_suggestions: () => ({ lists: [LIST], signatures: [LIST_SIG], keys: [KEY] }),
        verify_file: () => answer,
        publisher_preview: (a): PinPreview => ({ name: a.name as string, fingerprint: FPR, user_ids: acme.user_ids, replaces: null }),
        publisher_pin: (a) => {
          state.publishers = [{ ...acme, name: a.name as string }];
          answer = safe;
          return state.publishers[0];
        },
      },
      { publishers: [] },
    );
    await chooseFile();
    await waitFor(() => expect(step()).toBe(2));
    await fireEvent.click(screen.getByTestId(testIds.wizardNext));
    const verdict = await screen.findByTestId(testIds.wizardVerdict);
    expect(verdict.dataset.safety).toBe('caution');
    expect(within(verdict).getByText('Check before installing')).toBeTruthy();

    await fireEvent.click(screen.getByTestId(testIds.wizardPinPublisher));
    expect((screen.getByTestId(testIds.pinName) as HTMLInputElement).value).toBe('Acme Releases');
    expect((screen.getByTestId(testIds.pinKeyPath) as HTMLInputElement).value).toBe(KEY);
    await fireEvent.click(screen.getByTestId(testIds.pinPreview));
    expect((await screen.findByTestId(testIds.pinFingerprint)).dataset.fingerprint).toBe(FPR);
    expect(screen.getByText("Check that this fingerprint matches the one on the publisher's own website.")).toBeTruthy();
    await fireEvent.click(screen.getByTestId(testIds.pinSubmit));
    expect(calls.publisher_pin[0]).toEqual({ name: 'Acme Releases', keyFile: KEY, replace: false });

    await fireEvent.click(await screen.findByTestId(testIds.wizardCheckAgain));
    await waitFor(() => expect(screen.getByTestId(testIds.wizardVerdict).dataset.safety).toBe('safe'));
    expect(calls.verify_file).toHaveLength(2);
    await waitFor(() => expect(screen.getAllByTestId(testIds.publisherRow)).toHaveLength(1));
  });

  it('warns loudly when a publisher’s key changed and pins only after the confirmation', async () => {
    const { calls } = setup({
      publisher_preview: (): PinPreview => ({ name: 'Acme', fingerprint: NEW_FPR, user_ids: [], replaces: FPR }),
      publisher_pin: () => ({ ...acme, fingerprint: NEW_FPR }),
    });
    await fireEvent.click(await screen.findByTestId(testIds.pinOpen));
    await fireEvent.input(screen.getByTestId(testIds.pinName), { target: { value: 'Acme' } });
    await fireEvent.input(screen.getByTestId(testIds.pinKeyPath), { target: { value: '/keys/new.asc' } });
    await fireEvent.click(screen.getByTestId(testIds.pinPreview));

    const warning = await screen.findByTestId(testIds.pinKeyChanged);
    expect(within(warning).getByText("The publisher's key has changed")).toBeTruthy();
    expect(within(warning).getByText('0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567')).toBeTruthy();
    expect(within(warning).getByText('FEDC BA98 7654 3210 FEDC BA98 7654 3210 FEDC BA98')).toBeTruthy();
    const pin = screen.getByTestId(testIds.pinSubmit) as HTMLButtonElement;
    expect(pin.disabled).toBe(true);
    await fireEvent.click(pin);
    expect(calls.publisher_pin).toBeUndefined();

    await fireEvent.click(screen.getByTestId(testIds.pinConfirmChanged));
    expect(pin.disabled).toBe(false);
    await fireEvent.click(pin);
    await waitFor(() => expect(calls.publisher_pin).toEqual([{ name: 'Acme', keyFile: '/keys/new.asc', replace: true }]));
    expect((await screen.findByTestId(testIds.pinDone)).textContent).toContain('Acme is now a trusted publisher.');
  });

  it('removes a publisher only after a confirmation', async () => {
    const { calls, state } = setup({
      publisher_remove: (a) => {
        state.publishers = [];
        return a && null;
      },
    });
    const row = await screen.findByTestId(testIds.publisherRow);
    expect(within(row).getByText('Acme Releases <rel@acme.test>')).toBeTruthy();
    await fireEvent.click(within(row).getByTestId(testIds.publisherRemove));
    expect(calls.publisher_remove).toBeUndefined();
    await fireEvent.click(within(row).getByTestId(testIds.publisherRemoveConfirm));
    expect(calls.publisher_remove).toEqual([{ name: 'Acme' }]);
    expect(await screen.findByText('No trusted publishers yet')).toBeTruthy();
  });

  it('says what went wrong when the history cannot be read', async () => {
    setup({
      verify_history: () =>
        failWith({ code: 'store_unavailable', message: 'Shipshape has no data folder.', hint: 'Set HOME.' }),
    });
    expect(await screen.findByText('Past verifications could not be read')).toBeTruthy();
    expect(screen.getByText('Set HOME.')).toBeTruthy();
  });
});
