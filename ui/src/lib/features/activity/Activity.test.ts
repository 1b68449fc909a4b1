import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { failWith, mockCommands } from '../../ipc/testing';
import type { AdminPage, Entry, Filter, Page } from '../../ipc';
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

const page = (entries: Entry[], more = false): Page => ({ entries, more });

const adminPage = (entries: Entry[], chain: AdminPage['chain']): AdminPage => ({
  page: page(entries),
  chain,
  written: '2026-11-29T10:00:00Z',
});

const rootEntry = (seq: number): Entry => ({
  ...entry(seq, 'security.fix'),
  source: 'helper',
  target: 'ssh.x11_forwarding',
});

describe('Activity', () => {
  it('explains an empty log', async () => {
    mockCommands({ audit_page: () => page([]) });
    render(Activity, { storeError: null });
    expect(await screen.findByText('No activity yet')).toBeTruthy();
  });

  it('lists entries newest first in plain words', async () => {
    mockCommands({ audit_page: () => page([entry(2, 'audit.export', 'failed'), entry(1, 'audit.export')]) });
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
      audit_page: (args) => {
        seen.push(args.filter as Filter);
        return page([]);
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
      audit_page: () => {
        listed += 1;
        return page([entry(1, 'audit.export')]);
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
      audit_page: () => page([]),
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
      audit_page: () => page([]),
      verify_audit_log: () => ({ status: 'tampered', entry: 7, problem: 'its content was edited after it was written.' }),
      admin_activity: () => null,
    });
    render(Activity, { storeError: null });
    await fireEvent.click(screen.getByTestId('verify-start'));
    expect(await screen.findByText('Tampered with')).toBeTruthy();
    expect(screen.getByText(/at entry 7/)).toBeTruthy();
    expect(screen.getByText('its content was edited after it was written.')).toBeTruthy();
  });

  it('says a cancelled check changed nothing', async () => {
    mockCommands({
      audit_page: () => page([]),
      verify_audit_log: () => failWith({ code: 'cancelled', message: 'The task was cancelled.', hint: '' }),
      admin_activity: () => null,
    });
    render(Activity, { storeError: null });
    await fireEvent.click(screen.getByTestId('verify-start'));
    expect(await screen.findByText(/The check was stopped/)).toBeTruthy();
  });

  it('loads older entries a page at a time, after the ones shown', async () => {
    const befores: unknown[] = [];
    mockCommands({
      audit_page: (args) => {
        befores.push(args.before);
        return args.before === null ? page([entry(3, 'audit.export'), entry(2, 'audit.export')], true) : page([entry(1, 'audit.export')]);
      },
    });
    render(Activity, { storeError: null });
    await screen.findByText('The newest 2 entries');
    await fireEvent.click(screen.getByTestId('activity-more'));
    await screen.findByText('3 entries');
    expect(screen.getAllByTestId('activity-row').map((r) => r.dataset.seq)).toEqual(['3', '2', '1']);
    expect(befores).toEqual([null, 2]);
    expect(screen.queryByTestId('activity-more')).toBeNull();
  });

  it("lists what was done with administrator rights, marked as the administrator's", async () => {
    const filters: unknown[] = [];
    mockCommands({
      audit_page: () => page([entry(1, 'audit.export')]),
      admin_activity: (args) => {
        filters.push(args.filter);
        return adminPage([rootEntry(4)], { status: 'intact', entries: 4 });
      },
    });
    render(Activity, { storeError: null });
    await screen.findByText('1 entry');
    await fireEvent.click(screen.getByTestId('activity-log-admin'));
    await screen.findByText(/Fixed a security finding/, { selector: '.what' });
    const row = screen.getByTestId('activity-row');
    expect(row.dataset.log).toBe('admin');
    expect(screen.getByText('Administrator', { selector: '.admin' })).toBeTruthy();
    expect(screen.getByText(/maria\s+with administrator rights/)).toBeTruthy();
    await fireEvent.change(screen.getByTestId('activity-outcome'), { target: { value: 'failed' } });
    await waitFor(() => expect(filters.at(-1)).toEqual({ outcome: 'failed' }));
    expect(screen.queryByTestId('activity-admin-tampered')).toBeNull();
  });

  it('keeps marking the shown entries by the log they came from until the other answers', async () => {
    let answer: (p: AdminPage) => void = () => {};
    mockCommands({
      audit_page: () => page([entry(1, 'audit.export')]),
      admin_activity: () => new Promise<AdminPage>((resolve) => (answer = resolve)),
    });
    render(Activity, { storeError: null });
    await screen.findByText('1 entry');
    await fireEvent.click(screen.getByTestId('activity-log-admin'));
    await new Promise((r) => setTimeout(r, 300));
    expect(screen.getByTestId('activity-row').dataset.log).toBe('yours');
    expect(screen.queryByText('Administrator', { selector: '.admin' })).toBeNull();
    answer(adminPage([rootEntry(4)], { status: 'intact', entries: 4 }));
    await waitFor(() => expect(screen.getByTestId('activity-row').dataset.log).toBe('admin'));
  });

  it("warns when the administrator's log was changed and explains an empty one", async () => {
    let published: AdminPage | null = adminPage([rootEntry(2)], {
      status: 'tampered',
      entry: 2,
      problem: 'entry 2 was changed after it was written',
    });
    mockCommands({ audit_page: () => page([]), admin_activity: () => published });
    render(Activity, { storeError: null });
    await fireEvent.click(screen.getByTestId('activity-log-admin'));
    expect((await screen.findByTestId('activity-admin-tampered')).textContent).toMatch(/at entry 2/);
    published = null;
    await fireEvent.click(screen.getByTestId('activity-log-yours'));
    await screen.findByText('No activity yet');
    await fireEvent.click(screen.getByTestId('activity-log-admin'));
    expect(await screen.findByText('Nothing done with administrator rights yet')).toBeTruthy();
  });

  it('checks both logs: the own by walking it, the administrator\'s as published', async () => {
    mockCommands({
      audit_page: () => page([]),
      verify_audit_log: () => ({ status: 'intact', entries: 3 }),
      admin_activity: () =>
        adminPage([], { status: 'tampered', entry: 5, problem: 'entry 5 is missing' }),
    });
    render(Activity, { storeError: null });
    await fireEvent.click(screen.getByTestId('verify-start'));
    const result = screen.getByTestId('verify-result');
    await waitFor(() => expect(result.textContent).toMatch(/Your log:\s*all 3 entries are as Shipshape wrote them/));
    expect(result.textContent).toMatch(/The administrator's log: someone changed it outside Shipshape, at entry 5/);
    expect(screen.getByText('entry 5 is missing')).toBeTruthy();
  });

  it('says when nothing was done with administrator rights, and when its log cannot be read', async () => {
    let answer: () => AdminPage | null = () => null;
    mockCommands({
      audit_page: () => page([]),
      verify_audit_log: () => ({ status: 'intact', entries: 0 }),
      admin_activity: () => answer(),
    });
    render(Activity, { storeError: null });
    await fireEvent.click(screen.getByTestId('verify-start'));
    expect(await screen.findByText(/nothing has been done with administrator rights yet/)).toBeTruthy();
    answer = () =>
      failWith({
        code: 'conflict',
        message: '/var/log/shipshape/activity.json is not a record written by the administrator, so it is not shown.',
        hint: 'Ask the administrator to look at it.',
      });
    await fireEvent.click(screen.getByTestId('verify-start'));
    expect(await screen.findByText("The administrator's log could not be checked")).toBeTruthy();
    expect(screen.getByText(/is not a record written by the administrator/)).toBeTruthy();
  });
});

describe('toFilter', () => {
  it('turns local days into a UTC range that includes the last day', () => {
    const f = toFilter({ text: ' smb ', action: '', outcome: '', since: '2026-11-01', until: '2026-11-01' });
    expect(f.text).toBe('smb');
    expect(new Date(f.until!).getTime() - new Date(f.since!).getTime()).toBe(24 * 3600 * 1000);
  });
});
