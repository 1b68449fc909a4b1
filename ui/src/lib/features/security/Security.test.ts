import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { Acceptance, Change, FixOutcome, PastScan, Preview, Scan, UpdateRun } from '../../ipc';
import { failWith, recordCommands, report, type Handler } from '../../ipc/testing';
import { testIds } from '../../testIds';
import { FakePlot } from '../../components/uplot.testing';
import { cleanScan, history, pendingUpdates, scan } from './fixtures';
import { defaultUntil } from './fixes';
import Security from './Security.svelte';

vi.mock('uplot', () => import('../../components/uplot.testing'));

interface State {
  latest: Scan | null;
  history: PastScan[];
}

function setup(overrides: Record<string, Handler> = {}, start: Partial<State> = {}) {
  const state: State = { latest: scan, history, ...start };
  const handlers: Record<string, Handler> = {
    security_latest: () => state.latest,
    security_history: () => state.history,
    security_scan: () => {
      state.latest = cleanScan;
      state.history = [{ id: 3, time: cleanScan.time, root: '/', score: 100, failed: 0 }, ...state.history];
      return cleanScan;
    },
    security_changes: () => [],
    security_accepted: () => [],
    security_report: (a) => ({ path: a.path, format: a.format, scan_time: scan.time, score: scan.score }),
    choose_report_file: () => null,
    ...overrides,
  };
  const calls = recordCommands(handlers);
  const onopenmaintenance = vi.fn();
  render(Security, { onopenmaintenance });
  return { calls, state, onopenmaintenance };
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
    // A fixable failing finding offers a fix; the others only remediation text.
    expect(within(card).getByTestId(testIds.securityFixOpen).textContent).toContain('Fix…');
    const firewall = all(testIds.securityFinding).find((c) => c.dataset.id === 'firewall-active')!;
    expect(within(firewall).queryByTestId(testIds.securityFixOpen)).toBeNull();
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
    expect(within(busy).getByRole('status').textContent).toContain('Checking this computer…');
    expect(calls.security_scan).toHaveLength(1);
    report(calls.security_scan[0], { done: 40, total: 118 });
    await waitFor(() => expect(busy.textContent).toContain('40 of 118 checks'));
    expect((within(busy).getByRole('progressbar') as HTMLProgressElement).value).toBe(40);

    finish({ ...cleanScan, as_admin: true });
    await waitFor(() => expect(byId(testIds.securityScore).dataset.score).toBe('100'));
    expect(screen.queryByTestId(testIds.securityBusy)).toBeNull();
    expect(byId(testIds.securityScore).textContent).toContain('Well protected');
    expect(byId(testIds.securityTrend).textContent).toContain('Your first check');
    expect(screen.queryByTestId(testIds.securityHistoryChart)).toBeNull();
    expect(byId(testIds.securityNoMatch).dataset.reason).toBe('all-clear');
    expect(all(testIds.securityCost)).toHaveLength(0);
  });

  it('cancels a check and keeps the last result', async () => {
    const { calls } = setup({
      security_scan: () => new Promise<Scan>(() => {}),
      cancel_job: () => null,
    });
    await screen.findByTestId(testIds.securityScore);
    await fireEvent.click(byId(testIds.securityScan));
    await fireEvent.click(await screen.findByTestId(testIds.securityScanCancel));
    expect(calls.cancel_job[0].job).toBe(calls.security_scan[0].job);
  });

  it('says a cancelled check was cancelled, not failed', async () => {
    setup({
      security_scan: () => failWith({ code: 'cancelled', message: 'The task was cancelled.', hint: 'Nothing was changed.' }),
    });
    await screen.findByTestId(testIds.securityScore);
    await fireEvent.click(byId(testIds.securityScan));
    const note = await screen.findByTestId(testIds.securityScanCancelled);
    expect(note.textContent).toContain('the last result is shown');
    expect(screen.queryByTestId(testIds.errorState)).toBeNull();
    expect(byId(testIds.securityScore).dataset.score).toBe('64');
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

  it('offers to install waiting security updates on their finding only, on the Maintenance screen', async () => {
    const { onopenmaintenance } = setup({}, { latest: { ...scan, checks: [pendingUpdates, ...scan.checks] } });
    await screen.findByTestId(testIds.securityScore);
    const buttons = all(testIds.securityInstallUpdates);
    expect(buttons).toHaveLength(1);
    expect(buttons[0].closest(`[data-testid="${testIds.securityFinding}"]`)?.getAttribute('data-id')).toBe(
      'updates.pending_security',
    );
    expect(buttons[0].textContent?.trim()).toBe('Install them…');
    await fireEvent.click(buttons[0]);
    expect(onopenmaintenance).toHaveBeenCalledTimes(1);
  });

  it('offers no installation once no security updates wait', async () => {
    const passed = { ...pendingUpdates, status: 'pass' as const, detail: 'No security updates are waiting.' };
    setup({}, { latest: { ...scan, checks: [passed, ...scan.checks] } });
    await screen.findByTestId(testIds.securityScore);
    await fireEvent.change(byId(testIds.securityFilterStatus), { target: { value: 'all' } });
    expect(cards()).toContain('updates.pending_security');
    expect(all(testIds.securityInstallUpdates)).toEqual([]);
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

  describe('fixes', () => {
    const preview: Preview = {
      check_id: 'ssh-root-login',
      title: 'Administrators can log in remotely as root',
      steps: [
        {
          target: '/etc/ssh/sshd_config',
          summary: 'Change 1 line in /etc/ssh/sshd_config.',
          diff: '--- /etc/ssh/sshd_config (now)\n+++ /etc/ssh/sshd_config (after the fix)\n@@ -1 +1 @@\n-PermitRootLogin yes\n+PermitRootLogin no\n',
          command: '',
        },
      ],
      notes: ['Another way in stays open: alice can log in with an SSH key and become root with sudo.'],
    };
    const change: Change = {
      id: 4,
      time: '2025-03-04T10:00:00Z',
      actor: 'alice',
      check_id: 'ssh-root-login',
      title: preview.title,
      root: '/',
      kind: 'fix',
      undoes: null,
      undone_by: null,
    admin_change: null,
      steps: [{ kind: 'file', path: 'etc/ssh/sshd_config', before: null, after: null }],
    };
    const outcome: FixOutcome = {
      change,
      recheck: { ...scan.checks[0], status: 'pass', detail: 'Root cannot log in over SSH.' },
    };

    it('previews the diff, applies exactly that preview, then checks again', async () => {
      const { calls } = setup({ security_fix_preview: () => preview, security_fix: () => outcome });
      await screen.findByTestId(testIds.securityScore);
      const card = all(testIds.securityFinding).find((c) => c.dataset.id === 'ssh-root-login')!;
      await fireEvent.click(within(card).getByTestId(testIds.securityFixOpen));
      const dialog = await screen.findByTestId(testIds.fixDialog);
      await waitFor(() => expect(dialog.dataset.mode).toBe('ready'));
      expect(calls.security_fix).toBeUndefined();
      const diff = within(dialog).getByTestId(testIds.fixDiff);
      expect(diff.querySelector('.removed')?.textContent).toBe('-PermitRootLogin yes');
      expect(diff.querySelector('.added')?.textContent).toBe('+PermitRootLogin no');
      expect(within(dialog).getByText(/alice can log in with an SSH key/)).toBeTruthy();
      await fireEvent.click(within(dialog).getByTestId(testIds.fixApply));
      const result = await screen.findByTestId(testIds.fixResult);
      expect(result.dataset.status).toBe('pass');
      expect(result.textContent).toContain('Fixed');
      expect(calls.security_fix[0]).toEqual({ checkId: 'ssh-root-login', seen: preview });
      await waitFor(() => expect(calls.security_scan).toHaveLength(1));
      expect(calls.security_changes.length).toBeGreaterThanOrEqual(2);
    });

    it('says why a fix is refused and changes nothing', async () => {
      const { calls } = setup({
        security_fix_preview: () =>
          failWith({
            code: 'would_lock_out',
            message: 'No other administrator account can log in over SSH.',
            hint: 'First give an account in the sudo group an SSH key.',
          }),
      });
      await screen.findByTestId(testIds.securityScore);
      await fireEvent.click(all(testIds.securityFixOpen)[0]);
      const dialog = await screen.findByTestId(testIds.fixDialog);
      const err = await within(dialog).findByTestId(testIds.errorState);
      expect(err.dataset.code).toBe('would_lock_out');
      expect(err.textContent).toContain('First give an account in the sudo group an SSH key.');
      expect(within(dialog).queryByTestId(testIds.fixApply)).toBeNull();
      expect(calls.security_fix).toBeUndefined();
    });

    const ufwMissing = {
      code: 'needs_package' as const,
      message: 'The firewall program ufw is not installed, so Shipshape cannot switch it on yet.',
      hint: 'Shipshape can install it from your distribution\'s signed package sources, then continue with the fix.',
      package: 'ufw',
    };
    const installRun: UpdateRun = {
      id: 7,
      kind: 'install',
      asked: 'ufw',
      started: '2025-03-04T10:00:00Z',
      finished: '2025-03-04T10:00:20Z',
      outcome: 'done',
      message: 'ufw 0.36.2-1 was installed from this computer\'s package sources, its signature checked.',
      packages: [{ name: 'ufw', arch: 'all', old_version: null, new_version: '0.36.2-1', undo_copy: false }],
      restart_needed: false,
      old_libraries: [],
      recheck: null,
      before: null,
      config_put_back: [],
      undoes: null,
      undone_by: null,
      admin_run: 3,
      log_tail: '',
      steps: [],
      hardening: [],
    };

    it('offers to install a missing program, then previews again and goes on with the fix', async () => {
      let installed = false;
      const { calls } = setup({
        security_fix_preview: () => failWith(ufwMissing),
        security_fix_install: async () => {
          await new Promise((r) => setTimeout(r, 20));
          installed = true;
          return { run: installRun, preview };
        },
        security_fix: () => outcome,
      });
      await screen.findByTestId(testIds.securityScore);
      await fireEvent.click(all(testIds.securityFixOpen)[0]);
      const dialog = await screen.findByTestId(testIds.fixDialog);
      const missing = await within(dialog).findByTestId(testIds.fixMissing);
      expect(dialog.dataset.mode).toBe('missing');
      expect(missing.dataset.package).toBe('ufw');
      expect(missing.textContent).toContain('ufw is not installed');
      expect(missing.textContent).toContain('signed package repository, then continue with this fix');
      expect(within(dialog).queryByText('Shipshape cannot fix this')).toBeNull();
      expect(within(dialog).queryByTestId(testIds.fixApply)).toBeNull();
      const button = within(dialog).getByTestId(testIds.fixInstall);
      expect(button.textContent?.trim()).toBe('Install ufw and continue');
      await fireEvent.click(button);
      expect(dialog.dataset.mode).toBe('installing');
      expect((button as HTMLButtonElement).disabled).toBe(true);
      expect(button.textContent?.trim()).toBe('Installing ufw…');
      await waitFor(() => expect(dialog.dataset.mode).toBe('ready'));
      expect(installed).toBe(true);
      expect(calls.security_fix_install[0]).toEqual(calls.security_fix_preview[0]);
      expect(within(dialog).getByTestId(testIds.fixInstalled).textContent).toContain('ufw 0.36.2-1 was installed');
      expect(within(dialog).queryByTestId(testIds.fixInstall)).toBeNull();
      await fireEvent.click(within(dialog).getByTestId(testIds.fixApply));
      await screen.findByTestId(testIds.fixResult);
      expect(calls.security_fix[0]).toMatchObject({ seen: preview });
    });

    it('says when the missing program could not be installed, and lets the user try again', async () => {
      let attempts = 0;
      const { calls } = setup({
        security_fix_preview: () => failWith(ufwMissing),
        security_fix_install: () => {
          attempts += 1;
          if (attempts === 1) {
            failWith({
              code: 'io',
              message: 'ufw is offered by none of this computer\'s package sources whose signature apt could check, so nothing was installed.',
              hint: 'Nothing else was changed; the attempt is update run 8 in the Maintenance history.',
            });
          }
          return { run: installRun, preview };
        },
      });
      await screen.findByTestId(testIds.securityScore);
      await fireEvent.click(all(testIds.securityFixOpen)[0]);
      const dialog = await screen.findByTestId(testIds.fixDialog);
      await fireEvent.click(await within(dialog).findByTestId(testIds.fixInstall));
      const err = await within(dialog).findByTestId(testIds.errorState);
      expect(err.dataset.code).toBe('io');
      expect(err.textContent).toContain('ufw was not installed');
      expect(err.textContent).toContain('Maintenance history');
      expect(dialog.dataset.mode).toBe('missing');
      expect(within(dialog).queryByTestId(testIds.fixApply)).toBeNull();
      await fireEvent.click(within(dialog).getByTestId(testIds.fixInstall));
      await waitFor(() => expect(dialog.dataset.mode).toBe('ready'));
      expect(within(dialog).queryByTestId(testIds.errorState)).toBeNull();
      expect(calls.security_fix_install).toHaveLength(2);
      expect(calls.security_fix).toBeUndefined();
      // Closed without fixing: ufw is installed now, so the screen checks again.
      expect(calls.security_scan).toBeUndefined();
      await fireEvent.click(within(dialog).getByTestId(testIds.fixClose));
      await waitFor(() => expect(calls.security_scan).toHaveLength(1));
    });

    it('lists changes with Undo, and shows a conflict without changing anything', async () => {
      const { calls } = setup({
        security_changes: () => [change],
        security_undo: () =>
          failWith({
            code: 'conflict',
            message: '/etc/ssh/sshd_config was changed after Shipshape last changed it, so it was left alone.',
            hint: 'Compare the file with the preview.',
          }),
      });
      const row = await screen.findByTestId(testIds.changeRow);
      expect(row.dataset.kind).toBe('fix');
      expect(row.textContent).toContain('Fixed: Administrators can log in remotely as root');
      expect(row.textContent).toContain('/etc/ssh/sshd_config');
      await fireEvent.click(within(row).getByTestId(testIds.changeUndo));
      const err = await within(row).findByTestId(testIds.errorState);
      expect(err.dataset.code).toBe('conflict');
      expect(calls.security_undo[0]).toEqual({ change: 4 });
      expect(calls.security_scan).toBeUndefined();
    });

    it('says what an undo did while it is the newest change', async () => {
      const undone: Change = { ...change, id: 5, kind: 'undo', undoes: 4 };
      const later: Change = { ...change, id: 6 };
      let list: Change[] = [change];
      setup({
        security_changes: () => list,
        security_undo: () => {
          list = [undone, { ...change, undone_by: 5 }];
          return { change: undone, recheck: { ...scan.checks[0], status: 'fail' } };
        },
        security_scan: () => scan,
        security_fix_preview: () => preview,
        security_fix: () => {
          list = [later, ...list];
          return { ...outcome, change: later };
        },
      });
      const row = await screen.findByTestId(testIds.changeRow);
      await fireEvent.click(within(row).getByTestId(testIds.changeUndo));
      const verdict = await screen.findByTestId(testIds.changeVerdict);
      expect(verdict.textContent).toContain('as they were before');
      await waitFor(() => expect(all(testIds.changeRow).map((r) => r.dataset.id)).toEqual(['5', '4']));
      expect(screen.getByTestId(testIds.changeVerdict)).toBeTruthy();
      // A later fix is the newest change now: the undo's verdict goes.
      await fireEvent.click((await screen.findAllByTestId(testIds.securityFixOpen))[0]);
      const dialog = await screen.findByTestId(testIds.fixDialog);
      await waitFor(() => expect(dialog.dataset.mode).toBe('ready'));
      await fireEvent.click(within(dialog).getByTestId(testIds.fixApply));
      await screen.findByTestId(testIds.fixResult);
      await waitFor(() => expect(all(testIds.changeRow).map((r) => r.dataset.id)).toEqual(['6', '5', '4']));
      expect(screen.queryByTestId(testIds.changeVerdict)).toBeNull();
    });

    it('accepts a risk with a reason and a date, and withdraws it', async () => {
      const acceptance: Acceptance = {
        check_id: 'firewall-active',
        reason: 'The router filters everything',
        until: '2099-01-31',
        actor: 'alice',
        time: '2025-03-04T10:00:00Z',
      };
      let list: Acceptance[] = [];
      const { calls } = setup({
        security_accept: () => {
          list = [acceptance];
          return acceptance;
        },
        security_accepted: () => list,
        security_withdraw: () => {
          list = [];
          return null;
        },
      });
      await screen.findByTestId(testIds.securityScore);
      const card = all(testIds.securityFinding).find((c) => c.dataset.id === 'firewall-active')!;
      expect(within(card).queryByTestId(testIds.securityFixOpen)).toBeNull();
      await fireEvent.click(within(card).getByTestId(testIds.securityAcceptOpen));
      const dialog = await screen.findByTestId(testIds.acceptDialog);
      await fireEvent.input(within(dialog).getByTestId(testIds.acceptReason), {
        target: { value: acceptance.reason },
      });
      // The date starts 90 days ahead, within the year allowed.
      const until = defaultUntil(new Date());
      expect((within(dialog).getByTestId(testIds.acceptUntil) as HTMLInputElement).value).toBe(until);
      await fireEvent.click(within(dialog).getByTestId(testIds.acceptSave));
      await waitFor(() => expect(screen.queryByTestId(testIds.acceptDialog)).toBeNull());
      expect(calls.security_accept[0]).toEqual({
        checkId: 'firewall-active',
        reason: 'The router filters everything',
        until,
      });
      const row = await screen.findByTestId(testIds.acceptedRow);
      expect(row.textContent).toContain('Accepted until 2099-01-31');
      await fireEvent.click(within(row).getByTestId(testIds.acceptedWithdraw));
      await waitFor(() => expect(screen.queryByTestId(testIds.acceptedRow)).toBeNull());
      expect(calls.security_withdraw[0]).toEqual({ checkId: 'firewall-active' });
    });

    it('shows an accepted finding as accepted, with who, why and until when', async () => {
      const acceptedScan: Scan = {
        ...scan,
        checks: scan.checks.map((f) =>
          f.id === 'firewall-active'
            ? { ...f, status: 'accepted', accepted: { reason: 'Router', until: '2099-01-31', actor: 'bob', found: 'fail' } }
            : f,
        ),
      };
      setup({}, { latest: acceptedScan });
      await screen.findByTestId(testIds.securityScore);
      await fireEvent.change(byId(testIds.securityFilterStatus), { target: { value: 'accepted' } });
      expect(cards()).toEqual(['firewall-active']);
      const card = all(testIds.securityFinding)[0];
      expect(card.textContent).toContain('Accepted risk');
      expect(card.textContent).toContain('Accepted by bob until 2099-01-31: Router');
      expect(within(card).queryByTestId(testIds.securityAcceptOpen)).toBeNull();
    });

    it.each([
      ['ready', () => preview],
      ['missing', () => failWith(ufwMissing)],
    ])('has no serious accessibility problems in the fix dialog, %s', async (mode, answer) => {
      setup({ security_fix_preview: answer });
      await screen.findByTestId(testIds.securityScore);
      await fireEvent.click(all(testIds.securityFixOpen)[0]);
      const dialog = await screen.findByTestId(testIds.fixDialog);
      await waitFor(() => expect(dialog.dataset.mode).toBe(mode));
      const axe = (await import('axe-core')).default;
      const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
      const serious = result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(', ')}`);
      expect(serious).toEqual([]);
    });
  });
});
