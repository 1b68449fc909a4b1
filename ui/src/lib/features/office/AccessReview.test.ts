import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { AccessReview as Review, ReviewLine } from '../../ipc';
import { failWith, recordCommands } from '../../ipc/testing';
import { testIds } from '../../testIds';
import AccessReview from './AccessReview.svelte';

function line(id: string, fields: Partial<ReviewLine> = {}): ReviewLine {
  return {
    id,
    account: id.split(':')[1],
    kind: 'account',
    what: `${id.split(':')[1]} (UID 1000) can log in`,
    facts: 'password set; last login: never',
    new: false,
    decision: null,
    reason: '',
    decided_by: null,
    decided_at: null,
    ...fields,
  };
}

function review(fields: Partial<Review> = {}): Review {
  return {
    id: 3,
    computer: 'office-pc',
    started: '2026-12-05T08:00:00Z',
    by: 'maria',
    lines: [line('account:sam', { new: true }), line('account:old')],
    gone: [],
    problems: ['/etc/shadow could not be read: permission denied.'],
    signed: null,
    ...fields,
  };
}

const byId = (id: string) => screen.getByTestId(id);
const row = (id: string) => screen.getAllByTestId(testIds.accessLine).find((r) => r.dataset.id === id) as HTMLElement;

describe('AccessReview', () => {
  it('starts a review as the administrator, takes decisions with reasons, and signs it off only when all are decided', async () => {
    let current: Review | null = null;
    const signedOff: Review[] = [];
    const calls = recordCommands({
      access_history: () => (current ? [current, ...signedOff] : signedOff),
      access_review: () => (current = review()),
      access_decide: (args) =>
        (current = {
          ...(current as Review),
          lines: (current as Review).lines.map((l) =>
            l.id === args.line ? { ...l, decision: args.decision as ReviewLine['decision'], reason: args.reason as string } : l,
          ),
        }),
      access_sign_off: (args) => {
        signedOff.push({ ...(current as Review), signed: { name: args.name as string, by: 'maria', time: '2026-12-05T09:00:00Z' } });
        current = null;
        return signedOff[0];
      },
    });
    render(AccessReview);
    await waitFor(() => byId(testIds.accessLast));
    expect(byId(testIds.accessLast).textContent).toContain('No access review has been made');
    await fireEvent.click(byId(testIds.accessStart));
    await waitFor(() => byId(testIds.accessProgress));
    expect(calls.access_review).toEqual([{ asAdmin: true }]);
    expect(row('account:sam').textContent).toContain('New since the last review');
    expect(byId(testIds.accessProgress).dataset.left).toBe('2');

    await fireEvent.click(row('account:sam').querySelector(`[data-testid="${testIds.accessKeep}"]`) as HTMLElement);
    await waitFor(() => expect(row('account:sam').dataset.decision).toBe('keep'));
    // Remove asks why first.
    await fireEvent.click(row('account:old').querySelector(`[data-testid="${testIds.accessRemove}"]`) as HTMLElement);
    expect((byId(testIds.accessReasonSave) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(byId(testIds.accessReason), { target: { value: 'left in May' } });
    await fireEvent.click(byId(testIds.accessReasonSave));
    await waitFor(() => expect(row('account:old').dataset.decision).toBe('remove'));
    expect(calls.access_decide[1]).toEqual({ id: 3, line: 'account:old', decision: 'remove', reason: 'left in May' });

    expect((byId(testIds.accessSignOff) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(byId(testIds.accessSigner), { target: { value: 'Maria Rossi' } });
    await fireEvent.click(byId(testIds.accessSignOff));
    await waitFor(() => byId(testIds.accessPast));
    expect(calls.access_sign_off).toEqual([{ id: 3, name: 'Maria Rossi' }]);
    expect(byId(testIds.accessLast).textContent).toContain('signed off by Maria Rossi');
    expect(byId(testIds.accessLast).textContent).toMatch(/The next\s+is due by 2027-03-06/);
  });

  it('carries out a signed review\'s removal after showing what it changes', async () => {
    const signed = review({
      lines: [line('account:old', { decision: 'remove', reason: 'left in May' }), line('account:sam', { decision: 'keep' })],
      signed: { name: 'Maria Rossi', by: 'maria', time: '2026-12-05T09:00:00Z' },
    });
    const preview = {
      check_id: 'access-lock:old',
      title: 'Lock the account old',
      steps: [{ target: '/etc/shadow', summary: 'Change 1 line', diff: '', command: '' }],
      notes: [],
    };
    const calls = recordCommands({
      access_history: () => [signed],
      access_remove_preview: () => preview,
      access_remove: () => ({
        change: { id: 9 },
        recheck: { detail: 'old is locked and has expired.' },
      }),
    });
    render(AccessReview);
    await waitFor(() => byId(testIds.accessRemoval));
    expect(screen.getAllByTestId(testIds.accessRemoval)).toHaveLength(1);
    await fireEvent.click(byId(testIds.accessCarryOut));
    await waitFor(() => byId(testIds.accessRemoveConfirm));
    expect(byId(testIds.accessRemoveDialog).textContent).toContain('/etc/shadow');
    expect(calls.access_remove).toBeUndefined();
    await fireEvent.click(byId(testIds.accessRemoveConfirm));
    await waitFor(() => byId(testIds.accessRemoved));
    expect(calls.access_remove).toEqual([{ id: 3, line: 'account:old', seen: preview }]);
    expect(byId(testIds.accessRemoved).textContent).toContain('old is locked');
  });

  it('picks up a review not signed off yet, and says why a decision was refused', async () => {
    recordCommands({
      access_history: () => [review({ lines: [line('account:sam', { decision: 'keep' })] })],
      access_decide: () =>
        failWith({ code: 'conflict', message: 'Access review 3 was signed off by Maria on 2026-12-05; it does not change any more.', hint: 'Start the next review.' }),
    });
    render(AccessReview);
    await waitFor(() => byId(testIds.accessProgress));
    expect(byId(testIds.accessProgress).dataset.left).toBe('0');
    await fireEvent.click(row('account:sam').querySelector(`[data-testid="${testIds.accessKeep}"]`) as HTMLElement);
    await waitFor(() => byId(testIds.accessError));
    expect(byId(testIds.accessError).dataset.code).toBe('conflict');
  });
});
