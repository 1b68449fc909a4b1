import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { JobStatus, ScheduleChange } from '../../ipc';
import { failWith, recordCommands, type Calls, type Handler } from '../../ipc/testing';
import { testIds } from '../../testIds';
import { checkJob, dailyCheck, failingPatching, pausedScan, recommendedJobs, scheduledRun, unreadable } from './fixtures';
import Schedules from './Schedules.svelte';

/** The section over a schedule the test can change; every call is recorded. */
function setup(overrides: Record<string, Handler> = {}, jobs: JobStatus[] = []) {
  const state = { jobs };
  const handlers: Record<string, Handler> = {
    schedule_list: () => state.jobs,
    schedule_change: () => null,
    ...overrides,
  };
  const calls = recordCommands(handlers);
  const onran = vi.fn();
  render(Schedules, { onran });
  return { calls, state, onran };
}

const byId = (id: string) => screen.getByTestId(id);
const all = (id: string) => screen.queryAllByTestId(id);
const changes = (calls: Calls) =>
  (calls.schedule_change ?? []).map((c) => c.change as ScheduleChange);
const rowOf = (id: number) => {
  const row = all(testIds.scheduleRow).find((r) => r.dataset.id === String(id));
  if (!row) throw new Error(`no row ${id}`);
  return row;
};
const type = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } });
const wizard = () => byId(testIds.scheduleWizard);
const next = () => fireEvent.click(byId(testIds.scheduleWizardNext));

async function openWizard() {
  await fireEvent.click(await screen.findByTestId(testIds.scheduleSetup));
  return wizard();
}

describe('Schedules', () => {
  it('explains schedules when there are none and offers the set-up', async () => {
    setup();
    const empty = await screen.findByTestId(testIds.schedulesEmpty);
    expect(empty.textContent).toContain('Nothing is scheduled yet');
    expect(empty.textContent).toContain('install security fixes at night');
    expect(within(empty).getByTestId(testIds.scheduleSetup).textContent?.trim()).toBe('Set up maintenance');
  });

  it('lists each job with its next and last run, why it waits, and what needs attention in words', async () => {
    setup({}, [failingPatching, dailyCheck, pausedScan, unreadable]);
    await waitFor(() => expect(all(testIds.scheduleRow)).toHaveLength(4));
    expect(all(testIds.scheduleRow).map((r) => [r.dataset.id, r.dataset.kind, r.dataset.paused, r.dataset.attention])).toEqual([
      ['1', 'security_patching', 'no', 'yes'],
      ['2', 'update_check', 'no', 'no'],
      ['3', 'security_scan', 'yes', 'no'],
      ['4', '', 'no', 'yes'],
    ]);

    const patching = rowOf(1);
    expect(patching.textContent).toContain(
      'Install security updates: every Tuesday and Thursday at 02:00, only between 02:00 and 04:00',
    );
    // Two days on: named by its weekday, in local time.
    const nextRun = within(patching).getByTestId(testIds.scheduleNextRun);
    expect(nextRun.textContent?.replace(/\s+/g, ' ').trim()).toMatch(/^Next run: \w+day at \d\d:\d\d$/);
    expect(nextRun.querySelector('time')?.getAttribute('datetime')).toBe(failingPatching.next_run);
    const last = within(patching).getByTestId(testIds.scheduleLastRun);
    expect(last.dataset.outcome).toBe('failed');
    expect(last.textContent).toContain('Yesterday at');
    expect(last.textContent).toContain('Failed');
    expect(within(patching).getByTestId(testIds.scheduleWaiting).textContent).toContain('it waits for the window');
    const attention = within(patching).getByTestId(testIds.scheduleAttention);
    expect(attention.dataset.level).toBe('danger');
    expect(attention.textContent).toContain('Needs attention');
    expect(attention.textContent).toContain('Its last run failed: The updates could not be downloaded.');

    const check = rowOf(2);
    expect(within(check).getByTestId(testIds.scheduleNextRun).textContent).toMatch(/Next run: (Today|Tomorrow) at \d\d:\d\d/);
    expect(within(check).getByTestId(testIds.scheduleLastRun).textContent).toContain('Done');
    expect(within(check).queryByTestId(testIds.scheduleAttention)).toBeNull();

    const scan = rowOf(3);
    expect(scan.textContent).toContain('Paused');
    expect(within(scan).getByTestId(testIds.scheduleNextRun).textContent).toContain('does not run until you resume it');
    expect(within(scan).getByTestId(testIds.schedulePause).textContent?.trim()).toBe('Resume');
    expect(scan.textContent).toContain('It has not run yet.');

    // A row that cannot be read can only be removed.
    const broken = rowOf(4);
    expect(within(broken).getByTestId(testIds.scheduleAttention).textContent).toContain('Remove it and add it again.');
    for (const id of [testIds.scheduleRunNow, testIds.schedulePause, testIds.scheduleEdit]) {
      expect((within(broken).getByTestId(id) as HTMLButtonElement).disabled).toBe(true);
    }
    expect((within(broken).getByTestId(testIds.scheduleRemove) as HTMLButtonElement).disabled).toBe(false);
  });

  it('says when the schedule cannot be read, and reads it again', async () => {
    let broken = true;
    setup({
      schedule_list: () =>
        broken ? failWith({ code: 'io', message: 'The published schedule could not be read.', hint: 'Try again.' }) : [dailyCheck],
    });
    const error = await screen.findByTestId(testIds.schedulesError);
    expect(error.textContent).toContain('Shipshape could not read the schedule');
    expect(error.textContent).toContain('The published schedule could not be read.');
    broken = false;
    await fireEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(all(testIds.scheduleRow)).toHaveLength(1));
  });

  it('sets up the recommended jobs: each default explained, then one addition per job', async () => {
    const { calls, state } = setup({
      schedule_change: () => {
        state.jobs = [dailyCheck];
        return null;
      },
    });
    const w = await openWizard();
    expect(w.dataset.step).toBe('1');
    expect(byId(testIds.scheduleWizardStepLabel).textContent).toBe('Step 1 of 4');
    expect(w.textContent).toContain('Check for updates every morning');
    expect(w.textContent).toContain('Every day at 06:00, so the lists are fresh');
    expect((byId(testIds.scheduleAt) as HTMLInputElement).value).toBe('06:00');
    expect((byId(testIds.scheduleEvery) as HTMLSelectElement).value).toBe('day');

    await next();
    expect(w.dataset.step).toBe('2');
    expect(byId(testIds.scheduleWizardStepLabel).textContent).toBe('Step 2 of 4');
    expect(w.textContent).toContain('Install security updates every night');
    expect(w.textContent).toContain('Only between 02:00 and 04:00');
    expect(w.textContent).toContain('only when nobody is logged in at the screen');
    expect((byId(testIds.scheduleAt) as HTMLInputElement).value).toBe('02:00');
    expect((byId(testIds.scheduleWindowOn) as HTMLInputElement).checked).toBe(true);
    expect((byId(testIds.scheduleWindowFrom) as HTMLInputElement).value).toBe('02:00');
    expect((byId(testIds.scheduleWindowTo) as HTMLInputElement).value).toBe('04:00');
    const restart = all(testIds.scheduleRestart) as HTMLInputElement[];
    expect(restart.find((r) => r.checked)?.dataset.value).toBe('when_nobody_is_at_the_screen');

    await next();
    expect(w.textContent).toContain('Check security settings every week');
    expect((byId(testIds.scheduleEvery) as HTMLSelectElement).value).toBe('week');
    const days = all(testIds.scheduleWeekday) as HTMLInputElement[];
    expect(days.filter((d) => d.checked).map((d) => d.dataset.day)).toEqual(['mon']);
    expect((byId(testIds.scheduleAt) as HTMLInputElement).value).toBe('05:00');
    // Nothing was sent on the way.
    expect(calls.schedule_change).toBeUndefined();

    await next();
    expect(w.dataset.step).toBe('4');
    expect(byId(testIds.scheduleWizardStepLabel).textContent).toBe('Step 4 of 4');
    const rows = all(testIds.scheduleWizardSummaryRow);
    expect(rows.map((r) => r.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'Check for updates: every day at 06:00',
      'Install security updates: every day at 02:00, only between 02:00 and 04:00 Restart only when nobody is logged in at the screen.',
      'Check security settings: every Monday at 05:00',
    ]);
    expect(w.textContent).toContain('nothing has changed yet');
    expect(calls.schedule_change).toBeUndefined();

    await fireEvent.click(byId(testIds.scheduleWizardSave));
    const result = await screen.findByTestId(testIds.scheduleWizardResult);
    expect(result.dataset.state).toBe('saved');
    expect(result.textContent).toContain('They run by themselves from now on');
    expect(changes(calls)).toEqual(recommendedJobs.map((job) => ({ kind: 'add', job })));
    expect(all(testIds.scheduleWizardSummaryRow).map((r) => r.dataset.saved)).toEqual(['yes', 'yes', 'yes']);
    // The list is read again, and the wizard closes when asked.
    await waitFor(() => expect(all(testIds.scheduleRow)).toHaveLength(1));
    await fireEvent.click(byId(testIds.scheduleWizardClose));
    expect(screen.queryByTestId(testIds.scheduleWizard)).toBeNull();
  });

  it('sends what the user changed, and leaves out a job the user left out', async () => {
    const { calls } = setup();
    await openWizard();
    // Step 1: left out.
    await fireEvent.click(byId(testIds.scheduleWizardInclude));
    expect(screen.queryByTestId(testIds.scheduleAt)).toBeNull();
    await next();
    // Step 2: Tuesday and Thursday at 01:30, a window over midnight, ask before restarting.
    await fireEvent.change(byId(testIds.scheduleEvery), { target: { value: 'week' } });
    const days = () => all(testIds.scheduleWeekday) as HTMLInputElement[];
    await fireEvent.click(days().find((d) => d.dataset.day === 'mon')!);
    await fireEvent.click(days().find((d) => d.dataset.day === 'thu')!);
    await fireEvent.click(days().find((d) => d.dataset.day === 'tue')!);
    await type(byId(testIds.scheduleAt), '1:30');
    await type(byId(testIds.scheduleWindowFrom), '23:00');
    await type(byId(testIds.scheduleWindowTo), '03:00');
    await fireEvent.click((all(testIds.scheduleRestart) as HTMLInputElement[]).find((r) => r.dataset.value === 'ask_me')!);
    await next();
    // Step 3: once a month on the 15th, no window.
    await fireEvent.change(byId(testIds.scheduleEvery), { target: { value: 'month' } });
    await type(byId(testIds.scheduleMonthDay), '15');
    await next();

    const rows = all(testIds.scheduleWizardSummaryRow);
    expect(rows.map((r) => r.dataset.included)).toEqual(['no', 'yes', 'yes']);
    expect(rows[0].textContent).toContain('left out');
    expect(rows[1].textContent).toContain(
      'Install security updates: every Tuesday and Thursday at 01:30, only between 23:00 and 03:00',
    );
    expect(rows[1].textContent).toContain('Ask me before restarting.');
    expect(rows[2].textContent).toContain('Check security settings: every month on the 15th at 05:00');

    await fireEvent.click(byId(testIds.scheduleWizardSave));
    await screen.findByTestId(testIds.scheduleWizardResult);
    expect(changes(calls)).toEqual([
      {
        kind: 'add',
        job: {
          kind: 'security_patching',
          recurrence: { every: 'week', days: ['tue', 'thu'], at: '01:30' },
          window: { from: '23:00', to: '03:00' },
          restart: 'ask_me',
          paused: false,
        },
      },
      {
        kind: 'add',
        job: { kind: 'security_scan', recurrence: { every: 'month', day: 15, at: '05:00' }, window: null, restart: 'never', paused: false },
      },
    ]);
  });

  it('goes back keeping what was typed, and cancelling changes nothing', async () => {
    const { calls } = setup();
    await openWizard();
    // The button that opened it is gone: reading starts at the step.
    expect(document.activeElement?.textContent).toBe('Check for updates every morning');
    await type(byId(testIds.scheduleAt), '07:15');
    await next();
    await next();
    await next();
    expect(wizard().dataset.step).toBe('4');
    expect(all(testIds.scheduleWizardSummaryRow)[0].textContent).toContain('every day at 07:15');
    for (const step of ['3', '2', '1']) {
      await fireEvent.click(byId(testIds.scheduleWizardBack));
      expect(wizard().dataset.step).toBe(step);
    }
    expect(screen.queryByTestId(testIds.scheduleWizardBack)).toBeNull();
    expect((byId(testIds.scheduleAt) as HTMLInputElement).value).toBe('07:15');

    await fireEvent.click(byId(testIds.scheduleWizardCancel));
    expect(screen.queryByTestId(testIds.scheduleWizard)).toBeNull();
    expect(calls.schedule_change).toBeUndefined();
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Schedules'));
    // Opened again, it starts from the recommendations.
    await openWizard();
    expect((byId(testIds.scheduleAt) as HTMLInputElement).value).toBe('06:00');
    expect(calls.schedule_change).toBeUndefined();
  });

  it('does not go on while something is wrong, and says what in the app’s words', async () => {
    setup();
    await openWizard();
    await type(byId(testIds.scheduleAt), '25:00');
    await next();
    expect(wizard().dataset.step).toBe('1');
    const error = byId(testIds.scheduleFieldError);
    expect(error.dataset.field).toBe('at');
    expect(error.textContent).toContain('"25:00" is not a time of day.');
    expect(error.textContent).toContain('Write it as HH:MM on the 24-hour clock');
    expect(byId(testIds.scheduleAt).getAttribute('aria-invalid')).toBe('true');
    await type(byId(testIds.scheduleAt), '06:30');
    await next();
    expect(wizard().dataset.step).toBe('2');

    // A window that starts and ends at the same time, and a week with no day.
    await type(byId(testIds.scheduleWindowTo), '02:00');
    await next();
    expect(wizard().dataset.step).toBe('2');
    expect(byId(testIds.scheduleFieldError).textContent).toContain(
      'A maintenance window must not start and end at the same time.',
    );
    await fireEvent.click(byId(testIds.scheduleWindowOn));
    await next();
    await fireEvent.click((all(testIds.scheduleWeekday) as HTMLInputElement[]).find((d) => d.dataset.day === 'mon')!);
    await next();
    expect(wizard().dataset.step).toBe('3');
    expect(byId(testIds.scheduleFieldError).dataset.field).toBe('days');
    expect(byId(testIds.scheduleFieldError).textContent).toContain('A weekly job needs at least one day.');
  });

  it('stops at the first refusal, says which jobs were saved, and sends only the rest again', async () => {
    let refuse = true;
    const { calls } = setup({
      schedule_change: (a) => {
        const change = a.change as ScheduleChange;
        if (refuse && change.kind === 'add' && change.job.kind === 'security_patching') {
          return failWith({
            code: 'needs_admin',
            message: "Changing the schedule needs the administrator's password, and none was given.",
            hint: 'Try again and enter the password when asked.',
          });
        }
        return null;
      },
    });
    await openWizard();
    await next();
    await next();
    await next();
    await fireEvent.click(byId(testIds.scheduleWizardSave));
    const result = await screen.findByTestId(testIds.scheduleWizardResult);
    expect(result.dataset).toMatchObject({ state: 'failed', code: 'needs_admin' });
    expect(result.textContent).toContain('Install security updates every night was not saved');
    expect(result.textContent).toContain('none was given');
    expect(result.textContent).toContain('Try again and enter the password when asked.');
    expect(result.textContent).toContain('Saved: Check for updates.');
    expect(result.textContent).toContain('Not saved: Install security updates and Check security settings.');
    // It stopped at the refusal: the scan was not sent.
    expect(changes(calls).map((c) => c.kind === 'add' && c.job.kind)).toEqual(['update_check', 'security_patching']);
    expect(all(testIds.scheduleWizardSummaryRow).map((r) => r.dataset.saved)).toEqual(['yes', 'no', 'no']);
    expect(byId(testIds.scheduleWizardCancel).textContent?.trim()).toBe('Close');

    refuse = false;
    await fireEvent.click(byId(testIds.scheduleWizardSave));
    await waitFor(() => expect(byId(testIds.scheduleWizardResult).dataset.state).toBe('saved'));
    expect(changes(calls).map((c) => c.kind === 'add' && c.job.kind)).toEqual([
      'update_check',
      'security_patching',
      'security_patching',
      'security_scan',
    ]);
  });

  it('leaves out at first what is scheduled already', async () => {
    setup({}, [dailyCheck]);
    await openWizard();
    expect(wizard().textContent).toContain('You have a job that does this already');
    expect((byId(testIds.scheduleWizardInclude) as HTMLInputElement).checked).toBe(false);
  });

  it('pauses and resumes a job', async () => {
    const { calls, state } = setup(
      {
        schedule_change: (a) => {
          const change = a.change as ScheduleChange;
          if (change.kind === 'pause') {
            state.jobs = state.jobs.map((j) =>
              j.id === change.id ? { ...j, job: { ...j.job!, paused: change.paused }, next_run: null } : j,
            );
          }
          return null;
        },
      },
      [dailyCheck, pausedScan],
    );
    await waitFor(() => expect(all(testIds.scheduleRow)).toHaveLength(2));
    const pause = within(rowOf(2)).getByTestId(testIds.schedulePause);
    expect(pause.textContent?.trim()).toBe('Pause');
    await fireEvent.click(pause);
    await waitFor(() => expect(rowOf(2).dataset.paused).toBe('yes'));
    expect(changes(calls)).toEqual([{ kind: 'pause', id: 2, paused: true }]);

    await fireEvent.click(within(rowOf(3)).getByTestId(testIds.schedulePause));
    await waitFor(() => expect(rowOf(3).dataset.paused).toBe('no'));
    expect(changes(calls)[1]).toEqual({ kind: 'pause', id: 3, paused: false });
  });

  it('says on the row why a pause was refused', async () => {
    setup(
      {
        schedule_change: () =>
          failWith({ code: 'needs_admin', message: 'No password was given.', hint: 'Try again and enter the password when asked.' }),
      },
      [dailyCheck],
    );
    await fireEvent.click(await screen.findByTestId(testIds.schedulePause));
    const error = await within(rowOf(2)).findByTestId(testIds.scheduleRowError);
    expect(error.dataset.code).toBe('needs_admin');
    expect(error.textContent).toContain('The job was not paused');
    expect(error.textContent).toContain('Try again and enter the password when asked.');
  });

  it('removes a job only after a confirmation', async () => {
    const { calls, state } = setup(
      {
        schedule_change: () => {
          state.jobs = [dailyCheck];
          return null;
        },
      },
      [failingPatching, dailyCheck],
    );
    await waitFor(() => expect(all(testIds.scheduleRow)).toHaveLength(2));
    await fireEvent.click(within(rowOf(1)).getByTestId(testIds.scheduleRemove));
    let dialog = byId(testIds.scheduleRemoveDialog);
    expect(dialog.textContent).toContain('Remove this job?');
    expect(dialog.textContent).toContain('every Tuesday and Thursday at 02:00');
    expect(dialog.textContent).toMatch(/pause it\s+instead/);
    await fireEvent.click(byId(testIds.scheduleRemoveCancel));
    expect(screen.queryByTestId(testIds.scheduleRemoveDialog)).toBeNull();
    expect(calls.schedule_change).toBeUndefined();

    await fireEvent.click(within(rowOf(1)).getByTestId(testIds.scheduleRemove));
    dialog = byId(testIds.scheduleRemoveDialog);
    await fireEvent.click(within(dialog).getByTestId(testIds.scheduleRemoveConfirm));
    await waitFor(() => expect(all(testIds.scheduleRow)).toHaveLength(1));
    expect(changes(calls)).toEqual([{ kind: 'remove', id: 1 }]);
    expect(screen.queryByTestId(testIds.scheduleRemoveDialog)).toBeNull();
  });

  it('edits a job with the same fields and checks', async () => {
    const { calls } = setup({}, [dailyCheck]);
    await fireEvent.click(await screen.findByTestId(testIds.scheduleEdit));
    const dialog = byId(testIds.scheduleEditDialog);
    expect(dialog.textContent).toContain('Change “Check for updates”');
    expect(dialog.textContent).toContain('Now: Check for updates: every day at 06:00.');
    const at = within(dialog).getByTestId(testIds.scheduleAt) as HTMLInputElement;
    expect(at.value).toBe('06:00');
    // No restart choice for a job that installs nothing.
    expect(within(dialog).queryAllByTestId(testIds.scheduleRestart)).toHaveLength(0);

    await type(at, '7');
    await fireEvent.click(byId(testIds.scheduleEditSave));
    expect(within(dialog).getByTestId(testIds.scheduleFieldError).textContent).toContain('"7" is not a time of day.');
    expect(calls.schedule_change).toBeUndefined();

    await type(at, '07:45');
    await fireEvent.click(within(dialog).getByTestId(testIds.scheduleWindowOn));
    await fireEvent.click(byId(testIds.scheduleEditSave));
    await waitFor(() => expect(screen.queryByTestId(testIds.scheduleEditDialog)).toBeNull());
    expect(changes(calls)).toEqual([
      {
        kind: 'edit',
        id: 2,
        job: { ...checkJob, recurrence: { every: 'day', at: '07:45' }, window: { from: '02:00', to: '04:00' } },
      },
    ]);
  });

  it('keeps the edit dialog and what was typed when the change is refused', async () => {
    setup(
      {
        schedule_change: () =>
          failWith({ code: 'invalid_input', message: '"7:45x" is not a time of day.', hint: 'Write it as HH:MM.' }),
      },
      [dailyCheck],
    );
    await fireEvent.click(await screen.findByTestId(testIds.scheduleEdit));
    await type(byId(testIds.scheduleAt), '08:00');
    await fireEvent.click(byId(testIds.scheduleEditSave));
    const error = await screen.findByTestId(testIds.scheduleEditError);
    expect(error.dataset.code).toBe('invalid_input');
    expect(error.textContent).toContain('The job was not changed');
    expect(error.textContent).toContain('Write it as HH:MM.');
    expect((byId(testIds.scheduleAt) as HTMLInputElement).value).toBe('08:00');
  });

  it('runs a job now and shows the outcome on its row', async () => {
    let finish: (r: unknown) => void = () => {};
    const { calls, onran } = setup({ schedule_run: () => new Promise((resolve) => (finish = resolve)) }, [dailyCheck]);
    await fireEvent.click(await screen.findByTestId(testIds.scheduleRunNow));
    expect(calls.schedule_run).toEqual([{ id: 2 }]);
    await waitFor(() => expect(rowOf(2).textContent).toContain('Running…'));
    expect((byId(testIds.scheduleRunNow) as HTMLButtonElement).disabled).toBe(true);
    finish(scheduledRun({ id: 13, job: 2, message: 'This computer is up to date.' }));
    const result = await screen.findByTestId(testIds.scheduleRunResult);
    expect(result.dataset.outcome).toBe('done');
    expect(result.textContent).toContain('Done');
    expect(result.textContent).toContain('This computer is up to date.');
    await waitFor(() => expect(onran).toHaveBeenCalledTimes(1));
    expect(calls.schedule_list.length).toBeGreaterThanOrEqual(2);
  });

  it('has no serious accessibility problems in the list, the wizard and the dialogs', async () => {
    setup({}, [failingPatching, dailyCheck, pausedScan, unreadable]);
    await waitFor(() => expect(all(testIds.scheduleRow)).toHaveLength(4));
    const problems = async () => {
      const axe = (await import('axe-core')).default;
      const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(', ')}`);
    };
    await fireEvent.click(byId(testIds.scheduleSetup));
    // Checking for updates is scheduled already: ticked again here.
    await fireEvent.click(byId(testIds.scheduleWizardInclude));
    await type(byId(testIds.scheduleAt), 'x');
    await next();
    expect(await problems()).toEqual([]);
    await fireEvent.click(byId(testIds.scheduleWizardCancel));
    await fireEvent.click(within(rowOf(1)).getByTestId(testIds.scheduleEdit));
    expect(await problems()).toEqual([]);
  });
  it('reads the schedule again while shown, and tells when a run started or ended by itself', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { state, onran, calls } = setup({}, [dailyCheck]);
      await waitFor(() => expect(all(testIds.scheduleRow)).toHaveLength(1));
      await vi.advanceTimersByTimeAsync(15_000);
      await waitFor(() => expect(calls.schedule_list.length).toBe(2));
      expect(onran).not.toHaveBeenCalled();
      state.jobs = [{ ...dailyCheck, last_run: scheduledRun({ id: 21, job: dailyCheck.id, outcome: 'running', finished: null, message: '' }) }];
      await vi.advanceTimersByTimeAsync(15_000);
      await waitFor(() => expect(rowOf(dailyCheck.id).textContent).toContain('Running now'));
      expect(onran).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
