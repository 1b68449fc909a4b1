import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { JobStatus, UpdateRun, Waiting } from '../../ipc';
import { failWith, mockCommands, recordCommands, report, type Handler } from '../../ipc/testing';
import { testIds } from '../../testIds';
import { dailyCheck, run, scheduledRun, tzdata, upToDate, waiting } from './fixtures';
import Maintenance from './Maintenance.svelte';

interface State {
  waiting: Waiting;
  runs: UpdateRun[];
  jobs: JobStatus[];
}

function setup(overrides: Record<string, Handler> = {}, start: Partial<State> = {}) {
  const state: State = { waiting, runs: [], jobs: [], ...start };
  const handlers: Record<string, Handler> = {
    updates_check: () => state.waiting,
    updates_history: () => state.runs,
    schedule_list: () => state.jobs,
    notify_settings: () => ({ desktop: true, email: null }),
    ...overrides,
  };
  const calls = recordCommands(handlers);
  render(Maintenance);
  return { calls, state };
}

const byId = (id: string) => screen.getByTestId(id);
const all = (id: string) => screen.queryAllByTestId(id);
const verdict = async () => {
  await waitFor(() => expect(byId(testIds.updatesVerdict).dataset.state).not.toBe('checking'));
  return byId(testIds.updatesVerdict);
};

const installed = run({
  id: 7,
  message: '2 updates were installed. A restart is needed to finish.',
  restart_needed: true,
  old_libraries: ['ssh.service'],
  recheck: 'The security check "Security updates are waiting to be installed" passed: No security updates are waiting.',
});

describe('Maintenance', () => {
  it('says what waits first, then lists security fixes first, marked in words', async () => {
    const { calls } = setup();
    expect(byId(testIds.screenTitle).textContent).toBe('Maintenance');
    const v = await verdict();
    expect(v.dataset).toMatchObject({ state: 'waiting', waiting: '4', security: '2' });
    expect(v.textContent).toContain('2 security updates and 2 other updates are waiting.');
    expect(v.textContent).toContain('Security fixes waiting');
    // Reading what waits asks for no password: the lists are not refreshed.
    expect(calls.updates_check).toEqual([{ refresh: false }]);
    expect(v.textContent).toContain("asks for the administrator's password");

    const rows = all(testIds.updateRow);
    expect(rows.map((r) => [r.dataset.name, r.dataset.security])).toEqual([
      ['firefox-esr', 'yes'],
      ['openssl', 'yes'],
      ['linux-image-6.1.0-27-amd64', 'no'],
      ['tzdata', 'no'],
    ]);
    expect(rows[0].textContent).toContain('Security fix');
    expect(rows[0].textContent).toContain('firefox-esr 128.3.0esr-1~deb12u1 → 128.4.0esr-1~deb12u1: fixes security problems');
    expect(rows[0].textContent).toContain('Mozilla Firefox web browser');
    expect(rows[3].textContent).not.toContain('Security fix');

    const details = within(rows[0]).getByTestId(testIds.updateDetails) as HTMLDetailsElement;
    expect(details.tagName).toBe('DETAILS');
    expect(details.open).toBe(false);
    expect(details.textContent).toContain('69.0 MB');
    expect(details.textContent).toContain('Debian-Security:12/stable-security');
    expect(details.textContent).toContain('No restart needed');
    expect(within(rows[2]).getByTestId(testIds.updateDetails).textContent).toContain('Needs a restart');

    expect(all(testIds.updatesNotOffered).map((g) => g.dataset.kind)).toEqual(['kept_back', 'phased']);
    expect((byId(testIds.updatesInstallSecurity) as HTMLButtonElement).disabled).toBe(false);
    expect((byId(testIds.updatesInstallAll) as HTMLButtonElement).disabled).toBe(false);

    const empty = await screen.findByTestId(testIds.updatesHistoryEmpty);
    expect(empty.textContent).toContain('No updates installed with Shipshape yet');
  });

  it('checks afresh on request and says when the computer is up to date', async () => {
    const { calls, state } = setup();
    await verdict();
    state.waiting = upToDate;
    await fireEvent.click(byId(testIds.updatesCheck));
    await waitFor(() => expect(byId(testIds.updatesVerdict).dataset.state).toBe('up_to_date'));
    expect(calls.updates_check[1]).toEqual({ refresh: true });
    expect(byId(testIds.updatesVerdict).textContent).toContain('This computer is up to date.');
    expect(byId(testIds.updatesVerdict).textContent).toContain('downloaded just now');
    expect(all(testIds.updateRow)).toHaveLength(0);
    expect(screen.queryByTestId(testIds.updatesInstallSecurity)).toBeNull();
  });

  it('cannot install security updates when none wait, but can install the rest', async () => {
    setup({}, { waiting: { ...upToDate, updates: [tzdata] } });
    const v = await verdict();
    expect(v.textContent).toContain('1 update is waiting; none fixes a security problem.');
    expect((byId(testIds.updatesInstallSecurity) as HTMLButtonElement).disabled).toBe(true);
    expect((byId(testIds.updatesInstallAll) as HTMLButtonElement).disabled).toBe(false);
  });

  it('says why a fresh check did not finish, with the hint, and keeps the list', async () => {
    setup();
    await verdict();
    mockCommands({
      updates_check: () =>
        failWith({
          code: 'needs_admin',
          message: "The administrator's password was not given, so the lists were not downloaded.",
          hint: 'Check again and enter the password when asked.',
        }),
    });
    await fireEvent.click(byId(testIds.updatesCheck));
    const error = await screen.findByTestId(testIds.updatesCheckError);
    expect(error.textContent).toContain('The check for updates did not finish');
    expect(error.textContent).toContain('Check again and enter the password when asked.');
    expect(all(testIds.updateRow)).toHaveLength(4);
  });

  it('installs the security updates with progress, then shows the verdict', async () => {
    let finish: (r: UpdateRun) => void = () => {};
    const { calls, state } = setup({
      updates_apply: () => new Promise<UpdateRun>((resolve) => (finish = resolve)),
    });
    await verdict();
    await fireEvent.click(byId(testIds.updatesInstallSecurity));
    const busy = await screen.findByTestId(testIds.updatesProgress);
    expect(calls.updates_apply).toHaveLength(1);
    expect(calls.updates_apply[0].choice).toEqual({ kind: 'security' });
    expect(within(busy).getByRole('status').textContent).toContain('Installing security updates…');
    expect(busy.textContent).toContain('Once installing starts, Cancel no longer stops it');
    expect(busy.textContent).toContain('half installed');
    expect((byId(testIds.updatesInstallAll) as HTMLButtonElement).disabled).toBe(true);

    report(calls.updates_apply[0], { done: 3, total: 8 });
    await waitFor(() => expect(busy.textContent).toContain('3 of 8 steps (38 %)'));
    expect(busy.dataset).toMatchObject({ done: '3', total: '8' });
    expect((within(busy).getByRole('progressbar') as HTMLProgressElement).value).toBe(3);

    state.runs = [installed];
    state.waiting = { ...upToDate, updates: [tzdata], refreshed: false };
    finish(installed);
    const result = await screen.findByTestId(testIds.updatesResult);
    expect(result.dataset).toMatchObject({ outcome: 'done', kind: 'apply' });
    expect(result.textContent).toContain('Done');
    expect(result.textContent).toContain('2 updates were installed.');
    expect(result.textContent).toContain('Restart this computer to finish');
    expect(result.textContent).toContain('openssl 3.0.14-1~deb12u2 → 3.0.15-1~deb12u1');
    expect(within(result).getByTestId(testIds.updatesOldLibraries).textContent).toContain('ssh.service');
    expect(within(result).getByTestId(testIds.updatesRecheck).textContent).toContain('passed');
    expect(screen.queryByTestId(testIds.updatesProgress)).toBeNull();
    expect(screen.queryByTestId(testIds.updatesRepair)).toBeNull();
    // What waits and the history are read again.
    await waitFor(() => expect(all(testIds.updatesRun)).toHaveLength(1));
    await waitFor(() => expect(all(testIds.updateRow)).toHaveLength(1));
    expect(calls.updates_check.at(-1)).toEqual({ refresh: false });
  });

  it('installs all updates when asked', async () => {
    const { calls } = setup({ updates_apply: () => run({ id: 8, asked: 'all updates' }) });
    await verdict();
    await fireEvent.click(byId(testIds.updatesInstallAll));
    await screen.findByTestId(testIds.updatesResult);
    expect(calls.updates_apply[0].choice).toEqual({ kind: 'all' });
  });

  it('asks to cancel the installation and says when nothing was changed', async () => {
    let stop: (reason: unknown) => void = () => {};
    const { calls } = setup({
      updates_apply: () => new Promise<UpdateRun>((_, reject) => (stop = reject)),
      cancel_job: () => null,
    });
    await verdict();
    await fireEvent.click(byId(testIds.updatesInstallSecurity));
    await fireEvent.click(await screen.findByTestId(testIds.updatesCancel));
    expect(calls.cancel_job[0].job).toBe(calls.updates_apply[0].job);
    await waitFor(() => expect(byId(testIds.updatesCancel).textContent).toContain('Stopping…'));
    expect(byId(testIds.updatesProgress).textContent).toContain('If it has, it finishes first');

    stop({ code: 'cancelled', message: 'The task was cancelled.', hint: 'Nothing was changed.' });
    const note = await screen.findByTestId(testIds.updatesCancelled);
    expect(note.textContent).toContain('nothing was changed');
    expect(screen.queryByTestId(testIds.updatesError)).toBeNull();
  });

  it('shows a failed installation as a verdict with its message, and offers Repair', async () => {
    const failed = run({
      id: 9,
      outcome: 'failed',
      message:
        "Installing stopped part-way: a package's own set-up script failed, and some packages are half installed. Repair them (shipshape updates repair), or undo this run.",
    });
    setup({ updates_apply: () => failed });
    await verdict();
    await fireEvent.click(byId(testIds.updatesInstallSecurity));
    const result = await screen.findByTestId(testIds.updatesResult);
    expect(result.dataset.outcome).toBe('failed');
    expect(result.textContent).toContain('Failed');
    expect(result.textContent).toContain("a package's own set-up script failed");
    expect(screen.queryByTestId(testIds.errorState)).toBeNull();
    expect(byId(testIds.updatesRepair)).toBeTruthy();
  });

  it('says what to do when the password was not given', async () => {
    setup({
      updates_apply: () =>
        failWith({
          code: 'needs_admin',
          message: "Installing updates needs the administrator's password, and none was given.",
          hint: 'Try again and enter the password when asked.',
        }),
    });
    await verdict();
    await fireEvent.click(byId(testIds.updatesInstallSecurity));
    const error = await screen.findByTestId(testIds.updatesError);
    expect(error.dataset.code).toBe('needs_admin');
    expect(error.textContent).toContain('Nothing was installed');
    expect(error.textContent).toContain('none was given');
    expect(error.textContent).toContain('Try again and enter the password when asked.');
    expect(screen.queryByTestId(testIds.updatesRepair)).toBeNull();
  });

  it('offers Repair when an earlier installation is half done, and shows what the repair did', async () => {
    const repaired = run({
      id: 10,
      kind: 'repair',
      asked: 'repair',
      packages: [],
      message: 'The interrupted installation was finished; the package manager is consistent again.',
    });
    const { calls, state } = setup({
      updates_apply: () =>
        failWith({
          code: 'conflict',
          message: 'An earlier installation was interrupted, so some packages are half installed. Nothing was changed.',
          hint: 'Repair it first: shipshape updates repair (or Repair on the Maintenance screen).',
        }),
      updates_repair: () => {
        state.runs = [repaired];
        return repaired;
      },
    });
    await verdict();
    await fireEvent.click(byId(testIds.updatesInstallSecurity));
    const error = await screen.findByTestId(testIds.updatesError);
    expect(error.dataset.code).toBe('conflict');
    expect(error.textContent).toContain('half installed');

    await fireEvent.click(byId(testIds.updatesRepair));
    const result = await screen.findByTestId(testIds.updatesResult);
    expect(calls.updates_repair).toHaveLength(1);
    expect(result.dataset).toMatchObject({ kind: 'repair', outcome: 'done' });
    expect(result.textContent).toContain('Repair an interrupted installation');
    expect(result.textContent).toContain('consistent again');
    expect(screen.queryByTestId(testIds.updatesError)).toBeNull();
    expect(screen.queryByTestId(testIds.updatesRepair)).toBeNull();
    await waitFor(() => expect(all(testIds.updatesRun).map((r) => r.dataset.kind)).toEqual(['repair']));
  });

  it('shows the schedules below the updates, and reads the updates again after a job ran', async () => {
    const { calls } = setup({ schedule_run: () => scheduledRun({ id: 13, job: 2 }) }, { jobs: [dailyCheck] });
    await verdict();
    const schedules = byId(testIds.schedules);
    expect(within(schedules).getByRole('heading', { level: 2 }).textContent).toBe('Schedules');
    await waitFor(() => expect(all(testIds.scheduleRow)).toHaveLength(1));
    const before = calls.updates_check.length;
    await fireEvent.click(byId(testIds.scheduleRunNow));
    await screen.findByTestId(testIds.scheduleRunResult);
    await waitFor(() => expect(calls.updates_check.length).toBeGreaterThan(before));
    expect(calls.updates_check.at(-1)).toEqual({ refresh: false });
  });

  describe('history', () => {
    const earlier = run({ id: 3, asked: 'all updates', started: '2025-03-01T09:00:00.000Z' });
    const failed = run({ id: 5, outcome: 'failed', message: 'The updates could not be downloaded.' });
    const undo = run({
      id: 8,
      kind: 'undo',
      asked: 'undo run 107',
      undoes: 7,
      message: 'openssl, firefox-esr put back to the earlier versions and held there.',
      packages: installed.packages.map((p) => ({ ...p, old_version: p.new_version, new_version: p.old_version })),
    });

    it('lists every run newest first, in words, with the versions folded', async () => {
      setup({}, { runs: [installed, failed, earlier] });
      await waitFor(() => expect(all(testIds.updatesRun)).toHaveLength(3));
      const rows = all(testIds.updatesRun);
      expect(rows.map((r) => [r.dataset.id, r.dataset.kind, r.dataset.outcome])).toEqual([
        ['7', 'apply', 'done'],
        ['5', 'apply', 'failed'],
        ['3', 'apply', 'done'],
      ]);
      expect(rows[0].textContent).toContain('Install security updates');
      expect(rows[0].textContent).toContain('Done');
      expect(rows[1].textContent).toContain('Failed');
      expect(rows[1].textContent).toContain('The updates could not be downloaded.');
      expect(rows[2].textContent).toContain('Install all updates');
      const packages = within(rows[0]).getByTestId(testIds.updatesRunPackages) as HTMLDetailsElement;
      expect(packages.open).toBe(false);
      expect(packages.textContent).toContain('2 packages');
      expect(packages.textContent).toContain('firefox-esr 128.3.0esr-1~deb12u1 → 128.4.0esr-1~deb12u1');
      // Only installations that worked can be undone.
      expect(within(rows[0]).queryByTestId(testIds.updatesUndo)).toBeTruthy();
      expect(within(rows[1]).queryByTestId(testIds.updatesUndo)).toBeNull();
    });

    it('undoes an installation after a confirmation, and shows what was put back', async () => {
      const { calls, state } = setup(
        {
          updates_undo: () => {
            state.runs = [undo, run({ id: 7, outcome: 'undone', undone_by: 8 })];
            return undo;
          },
        },
        { runs: [installed, failed] },
      );
      const row = await screen.findByTestId(testIds.updatesUndo).then((b) => b.closest('li')!);
      expect(row.dataset.id).toBe('7');

      // Nothing happens without the confirmation.
      await fireEvent.click(within(row).getByTestId(testIds.updatesUndo));
      let dialog = await screen.findByTestId(testIds.updatesUndoDialog);
      expect(dialog.textContent).toContain('Undo run 7?');
      expect(dialog.textContent).toContain('openssl 3.0.15-1~deb12u1 → 3.0.14-1~deb12u2');
      expect(dialog.textContent).toContain('holds them at those versions');
      // Nothing of the configuration was kept: no such choice.
      expect(within(dialog).queryByTestId(testIds.updatesUndoConfig)).toBeNull();
      await fireEvent.click(within(dialog).getByTestId(testIds.updatesUndoCancel));
      expect(screen.queryByTestId(testIds.updatesUndoDialog)).toBeNull();
      expect(calls.updates_undo).toBeUndefined();

      await fireEvent.click(within(row).getByTestId(testIds.updatesUndo));
      dialog = await screen.findByTestId(testIds.updatesUndoDialog);
      await fireEvent.click(within(dialog).getByTestId(testIds.updatesUndoConfirm));
      const verdict = await screen.findByTestId(testIds.updatesUndoResult);
      expect(calls.updates_undo).toEqual([{ run: 7, config: false }]);
      expect(verdict.dataset).toMatchObject({ kind: 'undo', outcome: 'done' });
      expect(verdict.textContent).toContain('Undo run 7');
      expect(verdict.textContent).toContain('put back to the earlier versions and held there');

      await waitFor(() =>
        expect(all(testIds.updatesRun).map((r) => [r.dataset.id, r.dataset.kind, r.dataset.undone])).toEqual([
          ['8', 'undo', 'no'],
          ['7', 'apply', 'yes'],
        ]),
      );
      expect(all(testIds.updatesUndo)).toHaveLength(0);
      expect(all(testIds.updatesRun)[1].textContent).toContain('Undone by run 8');
      // What waits is read again: the old versions are installed now.
      expect(calls.updates_check.length).toBeGreaterThanOrEqual(2);
    });

    it('puts back the configuration kept before a run only when asked', async () => {
      const kept = run({
        id: 7,
        before: {
          backup: 'Office disk',
          snapshot: '1a2b3c4d',
          message: 'Before installing, /etc and the list of installed packages were backed up into "Office disk".',
          changed: [
            { path: '/etc/ssh/sshd_config', change: 'changed', left: 'aa' },
            { path: '/etc/ssh/sshd_config.d/vendor.conf', change: 'added', left: 'bb' },
          ],
        },
      });
      const back = run({ id: 8, kind: 'undo', undoes: 7, config_put_back: ['/etc/ssh/sshd_config'] });
      const { calls, state } = setup(
        {
          updates_undo: () => {
            state.runs = [back, { ...kept, outcome: 'undone', undone_by: 8 }];
            return back;
          },
        },
        { runs: [kept] },
      );
      const row = await screen.findByTestId(testIds.updatesRun);
      const changed = (await within(row).findByTestId(testIds.updatesRunConfig)) as HTMLDetailsElement;
      expect(changed.open).toBe(false);
      expect(changed.textContent).toContain('2 configuration files changed');
      expect(changed.textContent).toContain('/etc/ssh/sshd_config.d/vendor.conf (new)');

      await fireEvent.click(within(row).getByTestId(testIds.updatesUndo));
      const dialog = await screen.findByTestId(testIds.updatesUndoDialog);
      const box = within(dialog).getByTestId(testIds.updatesUndoConfig) as HTMLInputElement;
      expect(box.checked).toBe(false);
      expect(dialog.textContent).toContain('as they were in the backup "Office disk" made just before it');
      await fireEvent.click(box);
      await fireEvent.click(within(dialog).getByTestId(testIds.updatesUndoConfirm));
      await screen.findByTestId(testIds.updatesUndoResult);
      expect(calls.updates_undo).toEqual([{ run: 7, config: true }]);
      await waitFor(() =>
        expect(
          all(testIds.updatesRunConfig).some((d) =>
            /1 configuration file\s+put back\s*\/etc\/ssh\/sshd_config/.test(d.textContent ?? ''),
          ),
        ).toBe(true),
      );
    });

    it('says why an undo was refused, on its row', async () => {
      setup(
        {
          updates_undo: () =>
            failWith({
              code: 'not_found',
              message: 'The kept copy of openssl 3.0.14-1~deb12u2 is gone, so run 107 cannot be undone.',
              hint: 'Install that version by hand (sudo apt-get install openssl=VERSION).',
            }),
        },
        { runs: [installed] },
      );
      await fireEvent.click(await screen.findByTestId(testIds.updatesUndo));
      await fireEvent.click(await screen.findByTestId(testIds.updatesUndoConfirm));
      const row = byId(testIds.updatesRun);
      const error = await within(row).findByTestId(testIds.errorState);
      expect(error.dataset.code).toBe('not_found');
      expect(error.textContent).toContain('Run 7 was not undone');
      expect(error.textContent).toContain('sudo apt-get install openssl=VERSION');
    });

    it('says when the history could not be read, and reads it again', async () => {
      let fail = true;
      setup({
        updates_history: () =>
          fail
            ? failWith({ code: 'store_unavailable', message: 'Could not read the update history.', hint: 'Try again.' })
            : [installed],
      });
      const history = byId(testIds.updatesHistory);
      const error = await within(history).findByTestId(testIds.errorState);
      expect(error.textContent).toContain('could not be read');
      expect(error.textContent).toContain('Could not read the update history.');
      fail = false;
      await fireEvent.click(within(error).getByRole('button', { name: 'Try again' }));
      await waitFor(() => expect(all(testIds.updatesRun)).toHaveLength(1));
      expect(screen.queryByTestId(testIds.updatesHistoryEmpty)).toBeNull();
    });
  });
});
