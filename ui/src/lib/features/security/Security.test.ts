import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { PastScan, Scan } from '../../ipc';
import { failWith, mockCommands, type Handler } from '../../ipc/testing';
import { testIds } from '../../testIds';
import { FakePlot } from '../../components/uplot.testing';
import { cleanScan, history, scan } from './fixtures';
import Security from './Security.svelte';

vi.mock('uplot', () => import('../../components/uplot.testing'));

interface State {
  latest: Scan | null;
  history: PastScan[];
}

function setup(overrides: Record<string, Handler> = {}, start: Partial<State> = {}) {
  const calls: Record<string, Record<string, unknown>[]> = {};
  const state: State = { latest: scan, history, ...start };
  const handlers: Record<string, Handler> = {
    security_latest: () => state.latest,
    security_history: () => state.history,
    security_scan: () => {
      state.latest = cleanScan;
      state.history = [{ id: 3, time: cleanScan.time, root: '/', score: 100, failed: 0 }, ...state.history];
      return cleanScan;
    },
    security_report: (a) => ({ path: a.path, format: a.format, scan_time: scan.time, score: scan.score }),
    choose_report_file: () => null,
    ...overrides,
  };
  mockCommands(
    Object.fromEntries(
      Object.entries(handlers).map(([k, h]) => [
        k,
        (args: Record<string, unknown>) => {
          (calls[k] ??= []).push(args);
          return h(args);
        },
      ]),
    ),
  );
  render(Security);
  return { calls, state };
}

const byId = (id: string) => screen.getByTestId(id);
const all = (id: string) => screen.queryAllByTestId(id);
const groups = () => all(testIds.securityGroup).map((g) => [g.dataset.severity, g.dataset.count]);
const cards = () => all(testIds.securityFinding).map((c) => c.dataset.id);

beforeEach(() => {
  FakePlot.made = [];
});

describe('Security', () => {
  it('paints the latest scan at once: score, costs, trend and findings by severity', async () => {
    const { calls } = setup();
    const ring = await screen.findByTestId(testIds.securityScore);
    expect(ring.dataset.score).toBe('64');
    expect(ring.dataset.level).toBe('warning');
    expect(ring.textContent).toContain('Needs work');
    expect(within(ring).getByRole('img').getAttribute('aria-label')).toBe('Security score 64 out of 100: Needs work');
    expect(calls.security_scan).toBeUndefined();

    expect(screen.getByText('office-pc')).toBeTruthy();
    expect(screen.getByText('Debian GNU/Linux 12 (bookworm)')).toBeTruthy();

    const costs = all(testIds.securityCost);
    expect(costs.map((c) => [c.dataset.id, c.dataset.points])).toEqual([
      ['ssh-root-login', '18.2'],
      ['firewall-active', '12.1'],
      ['login-defs-max-days', '3'],
    ]);
    expect(costs[0].textContent).toContain('18.2 points');

    await waitFor(() => expect(byId(testIds.securityHistoryChart).dataset.points).toBe('2'));
    expect(byId(testIds.securityTrend).textContent).toContain('Up 6 points since your previous check.');
    expect(FakePlot.live()).toHaveLength(1);

    expect(groups()).toEqual([
      ['critical', '1'],
      ['high', '1'],
      ['medium', '1'],
      ['low', '1'],
    ]);
    expect(all(testIds.securityGroup)[0].textContent).toContain('Fix these today');
    const card = all(testIds.securityFinding)[0];
    expect(card.dataset).toMatchObject({ id: 'ssh-root-login', status: 'fail', severity: 'critical' });
    expect(card.textContent).toContain('Anyone who guesses the root password');
    expect(card.textContent).toContain('Set PermitRootLogin to no');
    const evidence = within(card).getByTestId(testIds.securityEvidence);
    expect(evidence.tagName).toBe('DETAILS');
    expect((evidence as HTMLDetailsElement).open).toBe(false);
    expect(evidence.textContent).toContain('/etc/ssh/sshd_config:32');
    expect(evidence.textContent).toContain('PermitRootLogin yes');
    expect(evidence.textContent).toContain('Lynis SSH-7408');
    expect(evidence.textContent).toContain('CIS Debian 12 5.1.20');
    // No fixes yet: nothing offers one.
    expect(screen.queryByRole('button', { name: /fix/i })).toBeNull();
  });

  it('says some checks need administrator rights and can show them', async () => {
    setup();
    const notice = await screen.findByTestId(testIds.securityAdminNotice);
    expect(notice.textContent).toContain('sudo shipshape scan');
    await fireEvent.click(within(notice).getByRole('button', { name: 'Show these checks' }));
    expect((byId(testIds.securityFilterStatus) as HTMLSelectElement).value).toBe('needs_admin');
    expect(cards()).toEqual(['accounts-empty-password']);
  });

  it('filters by status, severity, area and words', async () => {
    setup();
    await screen.findByTestId(testIds.securityScore);

    await fireEvent.change(byId(testIds.securityFilterStatus), { target: { value: 'all' } });
    expect(cards()).toHaveLength(7);
    expect(groups()).toEqual([
      ['critical', '2'],
      ['high', '3'],
      ['medium', '1'],
      ['low', '1'],
    ]);

    await fireEvent.change(byId(testIds.securityFilterSeverity), { target: { value: 'high' } });
    expect(cards()).toEqual(['firewall-active', 'kernel-aslr', 'services-telnet']);

    await fireEvent.change(byId(testIds.securityFilterArea), { target: { value: 'kernel' } });
    expect(cards()).toEqual(['kernel-aslr']);
    const passed = all(testIds.securityFinding)[0];
    expect(passed.dataset.status).toBe('pass');
    expect(passed.textContent).toContain('Passed');

    await fireEvent.change(byId(testIds.securityFilterArea), { target: { value: '' } });
    await fireEvent.change(byId(testIds.securityFilterSeverity), { target: { value: '' } });
    await fireEvent.input(byId(testIds.securitySearch), { target: { value: 'password' } });
    // Still "all": telnet does not apply here, but its words mention passwords.
    expect(cards()).toEqual(['ssh-root-login', 'accounts-empty-password', 'services-telnet', 'login-defs-max-days']);

    await fireEvent.input(byId(testIds.securitySearch), { target: { value: 'no such thing' } });
    expect(cards()).toEqual([]);
    const none = byId(testIds.securityNoMatch);
    expect(none.dataset.reason).toBe('filtered');
    await fireEvent.click(within(none).getByRole('button', { name: 'Clear the filters' }));
    expect(cards()).toEqual(['ssh-root-login', 'firewall-active', 'login-defs-max-days', 'banner-issue']);
  });

  it('offers the first check when there is none, then shows its result', async () => {
    let finish: (s: Scan) => void = () => {};
    const { calls } = setup(
      { security_scan: () => new Promise<Scan>((resolve) => (finish = resolve)) },
      { latest: null, history: [] },
    );
    const empty = await screen.findByTestId(testIds.securityEmpty);
    expect(empty.textContent).toContain('changes nothing');
    expect(screen.queryByTestId(testIds.securityAdminNotice)).toBeNull();

    await fireEvent.click(within(empty).getByTestId(testIds.securityScan));
    const busy = await screen.findByTestId(testIds.securityBusy);
    expect(busy.getAttribute('role')).toBe('status');
    expect(busy.textContent).toContain('Checking this computer…');
    expect(calls.security_scan).toHaveLength(1);

    finish({ ...cleanScan, as_admin: true });
    await waitFor(() => expect(byId(testIds.securityScore).dataset.score).toBe('100'));
    expect(screen.queryByTestId(testIds.securityBusy)).toBeNull();
    expect(byId(testIds.securityScore).textContent).toContain('Well protected');
    expect(byId(testIds.securityTrend).textContent).toContain('Your first check');
    expect(screen.queryByTestId(testIds.securityHistoryChart)).toBeNull();
    expect(byId(testIds.securityNoMatch).dataset.reason).toBe('all-clear');
    expect(all(testIds.securityCost)).toHaveLength(0);
  });

  it('checks again and follows the new score and trend', async () => {
    const { calls } = setup();
    await screen.findByTestId(testIds.securityScore);
    await fireEvent.click(byId(testIds.securityScan));
    await waitFor(() => expect(byId(testIds.securityScore).dataset.score).toBe('100'));
    await waitFor(() => expect(byId(testIds.securityHistoryChart).dataset.points).toBe('3'));
    expect(calls.security_history).toHaveLength(2);
  });

  it('says why a check did not finish and keeps the last result', async () => {
    setup({
      security_scan: () =>
        failWith({ code: 'io', message: 'The check could not read /etc.', hint: 'Check the disk and try again.' }),
    });
    await screen.findByTestId(testIds.securityScore);
    await fireEvent.click(byId(testIds.securityScan));
    const error = await screen.findByTestId(testIds.errorState);
    expect(error.dataset.code).toBe('io');
    expect(error.textContent).toContain('The check did not finish');
    expect(error.textContent).toContain('The check could not read /etc.');
    expect(error.textContent).toContain('Check the disk and try again.');
    expect(byId(testIds.securityScore).dataset.score).toBe('64');
    expect((byId(testIds.securityScan) as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows an error when the last check cannot be read', async () => {
    setup({
      security_latest: () => failWith({ code: 'store_unavailable', message: 'The database is busy.', hint: 'Try again.' }),
    });
    const error = await screen.findByTestId(testIds.errorState);
    expect(error.textContent).toContain('Shipshape could not read the last check');
    expect(error.textContent).toContain('The database is busy.');
    expect(screen.queryByTestId(testIds.securityEmpty)).toBeNull();
  });

  it('saves a report to a typed path and says where', async () => {
    const { calls } = setup();
    await screen.findByTestId(testIds.securityScore);
    expect((byId(testIds.reportSave) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.change(byId(testIds.reportFormat), { target: { value: 'csv' } });
    await fireEvent.input(byId(testIds.reportPath), { target: { value: '/tmp/report.csv' } });
    await fireEvent.click(byId(testIds.reportSave));
    const done = await screen.findByTestId(testIds.reportDone);
    expect(done.dataset.path).toBe('/tmp/report.csv');
    expect(done.textContent).toContain('recorded in Activity');
    expect(calls.security_report).toEqual([{ format: 'csv', path: '/tmp/report.csv' }]);
  });

  it('saves through the save dialog, and does nothing when it is closed', async () => {
    let chosen: string | null = null;
    const { calls } = setup({ choose_report_file: () => chosen });
    await screen.findByTestId(testIds.securityScore);
    await fireEvent.click(byId(testIds.reportChoose));
    await waitFor(() => expect(calls.choose_report_file).toEqual([{ format: 'html' }]));
    expect(calls.security_report).toBeUndefined();

    chosen = '/home/anna/report.html';
    await fireEvent.click(byId(testIds.reportChoose));
    await waitFor(() => expect(byId(testIds.reportDone).dataset.path).toBe('/home/anna/report.html'));
    expect((byId(testIds.reportPath) as HTMLInputElement).value).toBe('/home/anna/report.html');
  });

  it('says why a report was not saved', async () => {
    setup({
      security_report: () =>
        failWith({ code: 'invalid_input', message: 'report.html is not a full path.', hint: 'Type a path that starts with /.' }),
    });
    await screen.findByTestId(testIds.securityScore);
    await fireEvent.input(byId(testIds.reportPath), { target: { value: 'report.html' } });
    await fireEvent.click(byId(testIds.reportSave));
    const error = await screen.findByTestId(testIds.reportError);
    expect(error.textContent).toContain('The report was not saved');
    expect(error.textContent).toContain('report.html is not a full path.');
    expect(error.textContent).toContain('Type a path that starts with /.');
    expect(screen.queryByTestId(testIds.reportDone)).toBeNull();
  });

  it('has no serious accessibility problems, with everything shown and unfolded', async () => {
    setup();
    await waitFor(() => expect(screen.queryByTestId(testIds.securityHistoryChart)).not.toBeNull());
    await fireEvent.change(byId(testIds.securityFilterStatus), { target: { value: 'all' } });
    for (const d of all(testIds.securityEvidence)) (d as HTMLDetailsElement).open = true;
    const axe = (await import('axe-core')).default;
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    const serious = result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(', ')}`);
    expect(serious).toEqual([]);
  });
});
