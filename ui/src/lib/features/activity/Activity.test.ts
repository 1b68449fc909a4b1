import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { failWith, mockCommands } from '../../ipc/testing';
import type { Entry, Filter } from '../../ipc';
import Activity from './Activity.svelte';
import { toFilter } from './filters';

const entry = (seq: number, action: string, outcome: 'ok' | 'failed' = 'ok'): Entry => ({
  seq,
  time: `2026-11-2${seq}T09:30:00.000Z`,
  actor: 'maria',
  source: seq === 1 ? 'cli' : 'app',
  action,
  target: `/home/maria/activity-${seq}.csv`,
  outcome,
  reason: outcome === 'failed' ? 'the disk is full' : null,
  details: { format: 'csv' },
  hash: 'ab'.repeat(32),
});

describe('Activity', () => {
  it('explains an empty log', async () => {
    mockCommands({ audit_list: () => [] });
    render(Activity, { storeError: null });
    expect(await screen.findByText('No activity yet')).toBeTruthy();
  });

  it('lists entries newest first in plain words', async () => {
    mockCommands({ audit_list: () => [entry(1, 'audit.export'), entry(2, 'audit.export', 'failed')] });
    render(Activity, { storeError: null });
    await screen.findByText('2 entries');
    const rows = screen.getAllByTestId('activity-row');
    expect(rows.map((r) => r.dataset.seq)).toEqual(['2', '1']);
    expect(screen.getAllByText('Exported the activity log', { selector: '.what' })).toHaveLength(2);
    expect(screen.getByText('Failed', { selector: '.badge' })).toBeTruthy();
    expect(screen.getByText('the disk is full')).toBeTruthy();
    expect(screen.getByText(/maria\s+from the command line/)).toBeTruthy();
  });

  it('sends the chosen filters and offers to clear them', async () => {
    const seen: Filter[] = [];
    mockCommands({
      audit_list: (args) => {
        seen.push(args.filter as Filter);
        return [];
      },
    });
    render(Activity, { storeError: null });
    await screen.findByText('No activity yet');
    await fireEvent.change(screen.getByTestId('activity-outcome'), { target: { value: 'failed' } });
    await screen.findByText('Nothing matches these filters');
    await waitFor(() => expect(seen.at(-1)).toEqual({ outcome: 'failed' }));
    await fireEvent.click(screen.getAllByRole('button', { name: 'Clear filters' })[0]);
    await screen.findByText('No activity yet');
  });

  it('exports to a typed path and refreshes the list', async () => {
    let exported: unknown = null;
    let listed = 0;
    mockCommands({
      audit_list: () => {
        listed += 1;
        return [entry(1, 'audit.export')];
      },
      audit_export: (args) => {
        exported = args;
        return { path: args.path, entries: 1, format: args.format };
      },
    });
    render(Activity, { storeError: null });
    await screen.findByText('1 entry');
    await fireEvent.input(screen.getByTestId('export-path'), { target: { value: '/tmp/out.csv' } });
    await fireEvent.click(screen.getByTestId('export-submit'));
    expect(await screen.findByText('/tmp/out.csv')).toBeTruthy();
    expect(exported).toEqual({ filter: {}, format: 'csv', path: '/tmp/out.csv' });
    await waitFor(() => expect(listed).toBeGreaterThan(1));
  });

  it('shows the reason and the hint when an export fails', async () => {
    mockCommands({
      audit_list: () => [],
      audit_export: () =>
        failWith({ code: 'invalid_input', message: 'out.csv is not a full path.', hint: 'Type a path that starts with /.' }),
    });
    render(Activity, { storeError: null });
    await fireEvent.input(screen.getByTestId('export-path'), { target: { value: 'out.csv' } });
    await fireEvent.click(screen.getByTestId('export-submit'));
    expect(await screen.findByText('out.csv is not a full path.')).toBeTruthy();
    expect(screen.getByText('Type a path that starts with /.')).toBeTruthy();
  });

  it('says so when the log cannot be opened', () => {
    render(Activity, {
      storeError: { code: 'store_too_new', message: 'Made by a newer Shipshape.', hint: 'Install the newer Shipshape.' },
    });
    expect(screen.getByText('Your activity log could not be opened')).toBeTruthy();
    expect(screen.getByText('Install the newer Shipshape.')).toBeTruthy();
  });

  it('reports a tampered log in plain words with the detail folded', async () => {
    mockCommands({
      audit_list: () => [],
      verify_audit_log: () => ({ status: 'tampered', entry: 7, problem: 'its content was edited after it was written.' }),
    });
    render(Activity, { storeError: null });
    await fireEvent.click(screen.getByTestId('verify-start'));
    expect(await screen.findByText('Tampered with')).toBeTruthy();
    expect(screen.getByText(/at entry 7/)).toBeTruthy();
    expect(screen.getByText('its content was edited after it was written.')).toBeTruthy();
  });

  it('says a cancelled check changed nothing', async () => {
    mockCommands({
      audit_list: () => [],
      verify_audit_log: () => failWith({ code: 'cancelled', message: 'The task was cancelled.', hint: '' }),
    });
    render(Activity, { storeError: null });
    await fireEvent.click(screen.getByTestId('verify-start'));
    expect(await screen.findByText(/The check was stopped/)).toBeTruthy();
  });
});

describe('toFilter', () => {
  it('turns local days into a UTC range that includes the last day', () => {
    const f = toFilter({ text: ' smb ', action: '', outcome: '', since: '2026-11-01', until: '2026-11-01' });
    expect(f.text).toBe('smb');
    expect(new Date(f.until!).getTime() - new Date(f.since!).getTime()).toBe(24 * 3600 * 1000);
  });
});
