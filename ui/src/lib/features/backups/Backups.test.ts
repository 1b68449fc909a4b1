import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { BackupBoard, BackupEstimate, BackupRun, JobStatus } from '../../ipc';
import { failWith, pendingJob, recordCommands, report, type Handler } from '../../ipc/testing';
import { testIds } from '../../testIds';
import Backups from './Backups.svelte';
import {
  GiB,
  backupJobs,
  backupRun,
  board,
  emptyBoard,
  failing,
  healthy,
  partial,
  plan,
  repository,
  restoreTest,
  sheet,
  stale,
} from './fixtures';

interface State {
  board: BackupBoard;
  jobs: JobStatus[];
}

function setup(overrides: Record<string, Handler> = {}, start: Partial<State> = {}) {
  const state: State = { board: emptyBoard, jobs: [], ...start };
  const handlers: Record<string, Handler> = {
    backup_board: () => state.board,
    schedule_list: () => state.jobs,
    backup_defaults: () => plan,
    backup_recovery_sheet: () => sheet,
    cancel_job: () => null,
    ...overrides,
  };
  const calls = recordCommands(handlers);
  render(Backups);
  return { calls, state };
}

const byId = (id: string) => screen.getByTestId(id);
const all = (id: string) => screen.queryAllByTestId(id);
const type = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } });
const button = (id: string) => byId(id) as HTMLButtonElement;
const step = () => byId(testIds.backupWizard).dataset.step;
const fieldErrors = () => all(testIds.backupWizardFieldError).map((e) => e.dataset.field);

async function openWizard() {
  await fireEvent.click(await screen.findByTestId(testIds.backupsSetup));
  return byId(testIds.backupWizard);
}

describe('Backups', () => {
  it('explains what a backup is when there is none, and offers to set one up', async () => {
    const { calls } = setup();
    expect(byId(testIds.screenTitle).textContent).toBe('Backups');
    const empty = await screen.findByTestId(testIds.backupsEmpty);
    expect(empty.textContent).toContain('No backup yet');
    expect(empty.textContent).toContain('every night');
    // Reading asks for no password: only what root published.
    expect(calls.backup_board).toEqual([{}]);
    expect(screen.queryByTestId(testIds.backupRuns)).toBeNull();
  });

  it('sets up a backup: where, what, how often, then the password and its recovery sheet', async () => {
    const estimate = pendingJob<BackupEstimate>();
    const { calls, state } = setup({
      backup_estimate: estimate.handler,
      backup_init: (a) => repository({ name: a.name as string, folder: a.folder as string, plan: a.plan as typeof plan }),
      schedule_change: () => null,
      choose_recovery_sheet_file: () => null,
      backup_recovery_sheet_save: (a) => a.path,
    });
    await openWizard();

    // Step 1: nothing is taken for granted, and what is wrong is said next to it.
    expect(step()).toBe('1');
    expect(byId(testIds.backupWizardStepLabel).textContent).toBe('Step 1 of 4');
    const name = byId(testIds.backupWizardName) as HTMLInputElement;
    expect(name.value).toBe('Office backup');
    await type(name, '');
    await type(byId(testIds.backupWizardFolder), 'backups');
    await fireEvent.click(byId(testIds.backupWizardNext));
    expect(step()).toBe('1');
    expect(fieldErrors()).toEqual(['folder', 'name']);
    expect(byId(testIds.backupWizard).textContent).toContain('“backups” is not a full path.');
    expect(byId(testIds.backupWizardFolder).getAttribute('aria-invalid')).toBe('true');
    expect(byId(testIds.backupWizard).textContent).toContain("never the administrator's");
    await type(name, 'Office backup');
    await fireEvent.click(byId(testIds.backupWizardSuggestFolder));
    expect((byId(testIds.backupWizardFolder) as HTMLInputElement).value).toBe('/var/backups/shipshape');
    await fireEvent.click(byId(testIds.backupWizardNext));

    // Step 2: the suggested folders, changed, and an estimate that can be cancelled.
    await waitFor(() => expect(step()).toBe('2'));
    expect(all(testIds.backupWizardPath).map((r) => r.dataset.value)).toEqual(['/home', '/etc']);
    expect(all(testIds.backupWizardExclude).map((r) => r.dataset.value)).toEqual(plan.excludes);
    expect(byId(testIds.backupWizard).textContent).toContain('Keeps the last 7 daily, 4 weekly and 12 monthly copies');
    await type(byId(testIds.backupWizardNewPath), 'Documents');
    await fireEvent.click(byId(testIds.backupWizardAddPath));
    expect(fieldErrors()).toEqual(['path']);
    await type(byId(testIds.backupWizardNewPath), '/srv/shared');
    await fireEvent.click(byId(testIds.backupWizardAddPath));
    expect(fieldErrors()).toEqual([]);
    await type(byId(testIds.backupWizardNewExclude), '*.iso');
    await fireEvent.click(byId(testIds.backupWizardAddExclude));
    const etc = all(testIds.backupWizardPath).find((r) => r.dataset.value === '/etc')!;
    await fireEvent.click(within(etc).getByTestId(testIds.backupWizardRemove));
    expect(all(testIds.backupWizardPath).map((r) => r.dataset.value)).toEqual(['/home', '/srv/shared']);

    await fireEvent.click(byId(testIds.backupWizardEstimate));
    const counting = await screen.findByTestId(testIds.backupWizardEstimateProgress);
    report(calls.backup_estimate[0], { done: 1, total: 4 });
    await waitFor(() => expect(counting.textContent).toContain('(25 %)'));
    await fireEvent.click(byId(testIds.backupWizardEstimateCancel));
    expect(calls.cancel_job[0].job).toBe(calls.backup_estimate[0].job);
    estimate.fail({ code: 'cancelled', message: 'The task was cancelled.', hint: '' });
    await waitFor(() => expect(byId(testIds.backupWizardEstimateResult).dataset.state).toBe('cancelled'));

    await fireEvent.click(byId(testIds.backupWizardEstimate));
    expect(calls.backup_estimate[1].plan).toEqual({
      ...plan,
      paths: ['/home', '/srv/shared'],
      excludes: [...plan.excludes, '*.iso'],
    });
    estimate.finish({ files: 48213, bytes: 3 * GiB, unreadable: 2 });
    const counted = await waitFor(() => {
      const r = byId(testIds.backupWizardEstimateResult);
      expect(r.dataset.state).toBe('done');
      return r;
    });
    expect(counted.dataset).toMatchObject({ files: '48213', bytes: String(3 * GiB), unreadable: '2' });
    expect(counted.textContent).toContain('About 48,213 files, 3.0 GB.');
    expect(counted.textContent).toContain('2 files could not be read while counting');
    await fireEvent.click(byId(testIds.backupWizardNext));

    // Step 3: when, and what pressing the button does; a wrong time is said first.
    await waitFor(() => expect(step()).toBe('3'));
    expect((byId(testIds.backupWizardBackupAt) as HTMLInputElement).value).toBe('01:30');
    expect((byId(testIds.backupWizardTestDay) as HTMLSelectElement).value).toBe('sun');
    await type(byId(testIds.backupWizardBackupAt), '25:00');
    await fireEvent.click(byId(testIds.backupWizardCreate));
    expect(fieldErrors()).toEqual(['backupAt']);
    expect(calls.backup_init).toBeUndefined();
    await type(byId(testIds.backupWizardBackupAt), '2:15');
    await fireEvent.change(byId(testIds.backupWizardTestDay), { target: { value: 'sat' } });
    const wizard = byId(testIds.backupWizard);
    expect(wizard.textContent).toContain('It schedules “Back up files” every day at 02:15.');
    expect(wizard.textContent).toContain('It schedules “Test restoring backups” every Saturday at 03:00.');
    expect(wizard.textContent).toContain('“Backup: Office backup”');
    expect(wizard.textContent).toContain('Nothing has changed yet.');
    expect(calls.backup_init).toBeUndefined();
    expect(calls.schedule_change).toBeUndefined();

    state.board = board([{ repository: repository(), snapshots: [], last_backup: null, last_test: null }]);
    await fireEvent.click(byId(testIds.backupWizardCreate));

    // Step 4: the password, plainly, and the sheet printed or saved before Finish.
    await waitFor(() => expect(step()).toBe('4'));
    expect(calls.backup_init).toEqual([
      {
        name: 'Office backup',
        folder: '/var/backups/shipshape',
        plan: { ...plan, paths: ['/home', '/srv/shared'], excludes: [...plan.excludes, '*.iso'] },
        trust: null,
      },
    ]);
    expect(calls.schedule_change.map((c) => c.change)).toEqual([
      { kind: 'add', job: { kind: 'backup', recurrence: { every: 'day', at: '02:15' }, window: null, restart: 'never', paused: false } },
      {
        kind: 'add',
        job: {
          kind: 'restore_test',
          recurrence: { every: 'week', days: ['sat'], at: '03:00' },
          window: null,
          restart: 'never',
          paused: false,
        },
      },
    ]);
    expect(screen.queryByTestId(testIds.backupWizardBack)).toBeNull();
    expect(screen.queryByTestId(testIds.backupWizardCancel)).toBeNull();
    expect(byId(testIds.backupWizard).textContent).toContain('Without this password nobody can read the backup, not even you.');
    const password = await screen.findByTestId(testIds.recoveryPassword);
    expect(password.textContent).toBe(sheet.password);
    expect(calls.backup_recovery_sheet).toEqual([{ name: 'Office backup' }]);
    expect(byId(testIds.recoverySheet).dataset.state).toBe('ready');

    const frame = byId(testIds.recoveryPrintFrame) as HTMLIFrameElement;
    expect(frame.getAttribute('srcdoc')).toBe(sheet.html);
    vi.spyOn(frame.contentWindow!, 'focus').mockImplementation(() => {});
    const print = vi.spyOn(frame.contentWindow!, 'print').mockImplementation(() => {});
    await fireEvent.click(byId(testIds.recoveryPrint));
    expect(print).toHaveBeenCalledTimes(1);

    await type(byId(testIds.recoverySavePath), '/home/anna/recovery-sheet.html');
    await fireEvent.click(byId(testIds.recoverySaveSubmit));
    const saved = await screen.findByTestId(testIds.recoverySaveDone);
    expect(saved.dataset.path).toBe('/home/anna/recovery-sheet.html');
    expect(calls.backup_recovery_sheet_save).toEqual([{ name: 'Office backup', path: '/home/anna/recovery-sheet.html' }]);

    expect(button(testIds.backupWizardFinish).disabled).toBe(true);
    await fireEvent.click(byId(testIds.backupWizardSheetKept));
    expect(button(testIds.backupWizardFinish).disabled).toBe(false);
    await fireEvent.click(byId(testIds.backupWizardFinish));
    expect(screen.queryByTestId(testIds.backupWizard)).toBeNull();
    // The board was read again once the backup was made.
    expect(all(testIds.backupCard).map((c) => c.dataset.name)).toEqual(['Office backup']);
  });

  it('makes nothing and says why when the administrator’s password was not given', async () => {
    const { calls } = setup({
      backup_init: () =>
        failWith({
          code: 'needs_admin',
          message: "The administrator's password was not given, so the backup was not set up.",
          hint: 'Set it up again and enter the password when asked.',
        }),
      schedule_change: () => null,
    });
    await openWizard();
    await fireEvent.click(byId(testIds.backupWizardSuggestFolder));
    await fireEvent.click(byId(testIds.backupWizardNext));
    await waitFor(() => expect(all(testIds.backupWizardPath)).toHaveLength(2));
    await fireEvent.click(byId(testIds.backupWizardNext));
    await fireEvent.click(byId(testIds.backupWizardCreate));
    const error = await screen.findByTestId(testIds.backupWizardError);
    expect(error.dataset.code).toBe('needs_admin');
    expect(error.textContent).toContain('The backup was not set up');
    expect(error.textContent).toContain('enter the password when asked');
    expect(step()).toBe('3');
    expect(calls.schedule_change).toBeUndefined();
    // Back and Cancel still work.
    await fireEvent.click(byId(testIds.backupWizardBack));
    expect(step()).toBe('2');
    await fireEvent.click(byId(testIds.backupWizardCancel));
    expect(screen.queryByTestId(testIds.backupWizard)).toBeNull();
    expect(byId(testIds.backupsEmpty)).toBeTruthy();
  });

  it('sets up a backup on another computer over SSH once its fingerprint is confirmed', async () => {
    const fingerprint = 'SHA256:n4Yx0Q2c3m4V5b6N7m8K9j0H1g2F3d4S5a6P7o8I9u0';
    let trusted: string | null = null;
    const { calls } = setup({
      backup_host_key: (a) => ({
        location: a.to,
        fingerprint,
        trusted,
        root_key: 'restrict,command="internal-sftp" ssh-ed25519 AAAAC3Nza root@front-desk',
        add_to: '~backup/.ssh/authorized_keys',
      }),
      backup_init: (a) => repository({ folder: a.folder as string }),
      schedule_change: () => null,
      backup_recovery_sheet: () => sheet,
    });
    await openWizard();
    await fireEvent.click(byId(testIds.backupWizardWhereRemote));
    expect(screen.queryByTestId(testIds.backupWizardFolder)).toBeNull();
    expect((byId(testIds.backupWizardRemotePort) as HTMLInputElement).value).toBe('22');
    await type(byId(testIds.backupWizardRemoteUser), '-oProxyCommand');
    await type(byId(testIds.backupWizardRemoteHost), 'nas.local');
    await type(byId(testIds.backupWizardRemotePort), '70000');
    await type(byId(testIds.backupWizardRemoteFolder), 'backups');
    await fireEvent.click(byId(testIds.backupWizardCheckHost));
    expect(fieldErrors()).toEqual(['user', 'port', 'remoteFolder']);
    expect(byId(testIds.backupWizardRemoteUser).getAttribute('aria-invalid')).toBe('true');
    expect(calls.backup_host_key).toBeUndefined();

    await type(byId(testIds.backupWizardRemoteUser), 'backup');
    await type(byId(testIds.backupWizardRemotePort), '2222');
    await type(byId(testIds.backupWizardRemoteFolder), '/srv/backups/');
    await fireEvent.click(byId(testIds.backupWizardNext));
    expect(step()).toBe('1');
    expect(fieldErrors()).toEqual(['hostKey']);

    await fireEvent.click(byId(testIds.backupWizardCheckHost));
    const shown = await screen.findByTestId(testIds.backupWizardHostFingerprint);
    expect(calls.backup_host_key).toEqual([{ to: 'sftp:backup@nas.local:2222:/srv/backups' }]);
    expect(shown.dataset.fingerprint).toBe(fingerprint);
    expect(shown.textContent).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    expect(screen.queryByTestId(testIds.backupWizardHostChanged)).toBeNull();
    expect(byId(testIds.backupWizard).textContent).toContain('Add this line to ~backup/.ssh/authorized_keys on that computer');
    expect((byId(testIds.backupWizardRootKey) as HTMLTextAreaElement).value).toContain('internal-sftp');

    // Not confirmed: Next says so beside the checkbox.
    await fireEvent.click(byId(testIds.backupWizardNext));
    expect(fieldErrors()).toEqual(['hostConfirmed']);
    // A changed field forgets the check.
    await fireEvent.click(byId(testIds.backupWizardHostConfirmed));
    await type(byId(testIds.backupWizardRemotePort), '22');
    expect(screen.queryByTestId(testIds.backupWizardHostFingerprint)).toBeNull();
    expect(screen.queryByTestId(testIds.backupWizardHostConfirmed)).toBeNull();

    // A computer that shows another key than the one trusted: a loud warning.
    trusted = 'SHA256:oldoldoldoldoldoldoldoldoldoldoldoldoldoldo';
    await fireEvent.click(byId(testIds.backupWizardCheckHost));
    const changed = await screen.findByTestId(testIds.backupWizardHostChanged);
    expect(changed.textContent).toContain("this computer's identity changed");
    expect(calls.backup_host_key[1]).toEqual({ to: 'sftp:backup@nas.local:/srv/backups' });
    expect((byId(testIds.backupWizardHostConfirmed) as HTMLInputElement).checked).toBe(false);
    await fireEvent.click(byId(testIds.backupWizardHostConfirmed));
    await fireEvent.click(byId(testIds.backupWizardNext));
    expect(step()).toBe('2');
    await waitFor(() => expect(all(testIds.backupWizardPath)).toHaveLength(2));
    await fireEvent.click(byId(testIds.backupWizardNext));
    expect(byId(testIds.backupWizard).textContent).toContain('sftp:backup@nas.local:/srv/backups');
    await fireEvent.click(byId(testIds.backupWizardCreate));
    await waitFor(() => expect(step()).toBe('4'));
    expect(calls.backup_init).toEqual([
      { name: 'Office backup', folder: 'sftp:backup@nas.local:/srv/backups', plan, trust: fingerprint },
    ]);
  });

  it('sets up a backup on a REST server once its certificate is confirmed and the server let Shipshape in', async () => {
    const fingerprint = '25:7B:32:96:A6:A6:FA:E0:50:A3:2E:00:02:41:0A:B7:1A:59:3A:02:06:4B:F0:FF:D9:19:F9:6B:6B:F3:D1:D8';
    let trusted: string | null = null;
    let kept = false;
    const { calls } = setup({
      backup_server: (a) => {
        if (a.trust) trusted = a.trust as string;
        if (a.password === 'wrong') {
          failWith({ code: 'invalid_input', message: 'The backup server nas.local (port 8000) refused the password of the account office.', hint: 'Give the right one.' });
        }
        if (a.password) kept = true;
        return {
          location: a.to,
          encrypted: true,
          fingerprint,
          trusted,
          user: 'office',
          login_kept: kept,
          ready: trusted === fingerprint && kept,
          has_backup: false,
        };
      },
      backup_init: (a) => repository({ folder: a.folder as string }),
      schedule_change: () => null,
      backup_recovery_sheet: () => sheet,
    });
    await openWizard();
    await fireEvent.click(byId(testIds.backupWizardWhereServer));
    expect((byId(testIds.backupWizardServerFolder) as HTMLInputElement).value).toBe('shipshape');
    // No account, no password to give.
    expect(screen.queryByTestId(testIds.backupWizardServerPassword)).toBeNull();
    await type(byId(testIds.backupWizardServerAddress), 'https://office:pw@nas.local');
    await fireEvent.click(byId(testIds.backupWizardCheckServer));
    expect(fieldErrors()).toEqual(['serverAddress']);
    expect(calls.backup_server).toBeUndefined();

    await type(byId(testIds.backupWizardServerAddress), 'https://nas.local:8000');
    await type(byId(testIds.backupWizardServerUser), 'office');
    expect(byId(testIds.backupWizardServerPassword).getAttribute('type')).toBe('password');
    await fireEvent.click(byId(testIds.backupWizardNext));
    expect(fieldErrors()).toEqual(['serverReady']);
    await fireEvent.click(byId(testIds.backupWizardCheckServer));
    const shown = await screen.findByTestId(testIds.backupWizardServerFingerprint);
    expect(calls.backup_server).toEqual([{ to: 'rest:https://office@nas.local:8000/shipshape', trust: null, password: null }]);
    expect(shown.dataset.fingerprint).toBe(fingerprint);
    expect(shown.textContent).toContain('openssl x509 -noout -fingerprint -sha256');
    expect((byId(testIds.backupWizardConnectServer) as HTMLButtonElement).disabled).toBe(true);

    // Not confirmed, no password: Next says what is missing, one thing at a time.
    await fireEvent.click(byId(testIds.backupWizardNext));
    expect(fieldErrors()).toEqual(['serverConfirmed']);
    await fireEvent.click(byId(testIds.backupWizardServerConfirmed));
    await fireEvent.click(byId(testIds.backupWizardNext));
    expect(fieldErrors()).toEqual(['serverPassword']);

    // A wrong password: the server's refusal, in its words; the check stays.
    await type(byId(testIds.backupWizardServerPassword), 'wrong');
    await fireEvent.click(byId(testIds.backupWizardConnectServer));
    const refusedBy = await screen.findByTestId(testIds.backupWizardServerError);
    expect(refusedBy.textContent).toContain('refused the password of the account office');
    expect(byId(testIds.backupWizardServer).dataset.ready).toBe('false');

    await type(byId(testIds.backupWizardServerPassword), 's3cr:t@/x');
    await fireEvent.click(byId(testIds.backupWizardConnectServer));
    await screen.findByTestId(testIds.backupWizardServerReady);
    expect(calls.backup_server[2]).toEqual({ to: 'rest:https://office@nas.local:8000/shipshape', trust: fingerprint, password: 's3cr:t@/x' });
    expect((byId(testIds.backupWizardServerPassword) as HTMLInputElement).value).toBe('');
    expect(screen.queryByTestId(testIds.backupWizardServerError)).toBeNull();

    await fireEvent.click(byId(testIds.backupWizardNext));
    expect(step()).toBe('2');
    await waitFor(() => expect(all(testIds.backupWizardPath)).toHaveLength(2));
    await fireEvent.click(byId(testIds.backupWizardNext));
    await fireEvent.click(byId(testIds.backupWizardCreate));
    await waitFor(() => expect(step()).toBe('4'));
    expect(calls.backup_init).toEqual([
      { name: 'Office backup', folder: 'rest:https://office@nas.local:8000/shipshape', plan, trust: null },
    ]);
  });

  it('needs no confirmation for a computer trusted already, and says why one could not be checked', async () => {
    const fingerprint = 'SHA256:n4Yx0Q2c3m4V5b6N7m8K9j0H1g2F3d4S5a6P7o8I9u0';
    let reachable = false;
    setup({
      backup_host_key: (a) => {
        if (!reachable) {
          failWith({ code: 'io', message: 'nas.local could not be reached.', hint: 'Check that it is on.' });
        }
        return { location: a.to, fingerprint, trusted: fingerprint, root_key: 'ssh-ed25519 AAAA root', add_to: '~ann/.ssh/authorized_keys' };
      },
    });
    await openWizard();
    await fireEvent.click(byId(testIds.backupWizardWhereRemote));
    await type(byId(testIds.backupWizardRemoteUser), 'ann');
    await type(byId(testIds.backupWizardRemoteHost), 'nas.local');
    await type(byId(testIds.backupWizardRemoteFolder), '/srv/backups');
    await fireEvent.click(byId(testIds.backupWizardCheckHost));
    const error = await screen.findByTestId(testIds.backupWizardHostError);
    expect(error.dataset.code).toBe('io');
    expect(error.textContent).toContain('nas.local could not be reached.');
    reachable = true;
    await fireEvent.click(byId(testIds.backupWizardCheckHost));
    await screen.findByTestId(testIds.backupWizardHostFingerprint);
    expect(screen.queryByTestId(testIds.backupWizardHostError)).toBeNull();
    expect(screen.queryByTestId(testIds.backupWizardHostConfirmed)).toBeNull();
    expect(byId(testIds.backupWizard).textContent).toContain('Shipshape trusts this computer already');
    // Back to a folder: the check is forgotten.
    await fireEvent.click(byId(testIds.backupWizardWhereLocal));
    expect(screen.queryByTestId(testIds.backupWizardRemoteUser)).toBeNull();
    await fireEvent.click(byId(testIds.backupWizardWhereRemote));
    expect((byId(testIds.backupWizardRemoteUser) as HTMLInputElement).value).toBe('ann');
    expect(screen.queryByTestId(testIds.backupWizardHostFingerprint)).toBeNull();
  });

  it('says when the backup was made but not scheduled, and schedules only the rest again', async () => {
    let refuse = true;
    const { calls } = setup(
      {
        backup_init: () => repository({ name: 'Second backup' }),
        schedule_change: () => {
          if (refuse) failWith({ code: 'io', message: 'The schedule could not be saved.', hint: 'Try again.' });
          return null;
        },
      },
      { board: board([healthy]), jobs: [backupJobs()[0]] },
    );
    await openWizard();
    // A backup job is scheduled already: the new backup runs with it.
    await type(byId(testIds.backupWizardName), 'Second backup');
    await type(byId(testIds.backupWizardFolder), '/media/usb/backup');
    await fireEvent.click(byId(testIds.backupWizardNext));
    await waitFor(() => expect(all(testIds.backupWizardPath)).toHaveLength(2));
    await fireEvent.click(byId(testIds.backupWizardNext));
    expect(screen.queryByTestId(testIds.backupWizardBackupAt)).toBeNull();
    expect(byId(testIds.backupWizard).textContent).toContain('Backups are scheduled already: Back up files: every day at 01:30.');
    await fireEvent.click(byId(testIds.backupWizardCreate));

    const error = await screen.findByTestId(testIds.backupWizardScheduleError);
    expect(step()).toBe('4');
    expect(error.textContent).toContain('The backup was made, but it is not scheduled yet');
    expect(calls.schedule_change.map((c) => (c.change as { job: { kind: string } }).job.kind)).toEqual(['restore_test']);
    refuse = false;
    await fireEvent.click(byId(testIds.backupWizardRetry));
    await waitFor(() => expect(screen.queryByTestId(testIds.backupWizardScheduleError)).toBeNull());
    expect(calls.schedule_change).toHaveLength(2);
    expect(calls.schedule_change[1]).toEqual(calls.schedule_change[0]);
  });

  it('says what to fix when the suggested folders cannot be read, and reads them again', async () => {
    let refuse = true;
    setup({
      backup_defaults: () => {
        if (refuse) failWith({ code: 'io', message: 'The home folders could not be listed.', hint: 'Try again.' });
        return plan;
      },
    });
    await openWizard();
    await fireEvent.click(byId(testIds.backupWizardSuggestFolder));
    await fireEvent.click(byId(testIds.backupWizardNext));
    const wizard = byId(testIds.backupWizard);
    await waitFor(() => expect(wizard.textContent).toContain('The home folders could not be listed.'));
    expect(button(testIds.backupWizardNext).disabled).toBe(true);
    refuse = false;
    await fireEvent.click(within(wizard).getByText('Try again'));
    await waitFor(() => expect(all(testIds.backupWizardPath)).toHaveLength(2));
    expect(button(testIds.backupWizardNext).disabled).toBe(false);
  });

  it('shows each backup’s verdict first, its schedule, and its details folded', async () => {
    setup({}, { board: board([healthy, failing]), jobs: backupJobs() });
    await waitFor(() => expect(all(testIds.backupCard)).toHaveLength(2));
    const [office, laptop] = all(testIds.backupCard);
    expect(office.dataset).toMatchObject({ name: 'Office backup', level: 'good' });
    const verdict = within(office).getByTestId(testIds.backupVerdict);
    expect(verdict.textContent?.trim()).toBe('Backed up 3 hours ago, 2.1 GB; restore test passed yesterday.');
    expect(verdict.dataset).toMatchObject({ level: 'good', late: 'no', newest: healthy.snapshots[1].time });
    const schedule = within(office).getByTestId(testIds.backupSchedule);
    expect(schedule.textContent).toContain('Back up files: every day at 01:30; next');
    expect(schedule.textContent).toContain('Test restoring backups: every Sunday at 03:00; next');

    const details = within(office).getByTestId(testIds.backupDetails) as HTMLDetailsElement;
    expect(details.tagName).toBe('DETAILS');
    expect(details.open).toBe(false);
    expect(details.textContent).toContain('/var/backups/shipshape');
    expect(details.textContent).toContain('node_modules');
    expect(details.textContent).toContain('Keeps the last 7 daily, 4 weekly and 12 monthly copies');
    expect(details.textContent).toContain('“Backup: Office backup”');
    const copies = within(details).getAllByTestId(testIds.snapshotRow);
    expect(copies.map((r) => r.dataset.id?.slice(0, 8))).toEqual(['a1b2c3d4', 'f00dcafe']);
    expect(copies[0].textContent).toContain('a1b2c3d4');
    expect(copies[0].textContent).toContain('/etc, /home');

    expect(laptop.dataset.level).toBe('danger');
    expect(laptop.textContent).toContain('Backup failed');
    expect(within(laptop).getByTestId(testIds.backupVerdict).textContent).toContain('The last backup failed 2 hours ago');
    expect(laptop.textContent).toContain('The backup disk is full.');
    expect(screen.getByText('Set up another backup')).toBeTruthy();
  });

  it('says when nothing is scheduled', async () => {
    setup({}, { board: board([healthy]) });
    const schedule = await screen.findByTestId(testIds.backupSchedule);
    expect(schedule.textContent).toContain('No backup is scheduled');
    expect(schedule.textContent).toContain('No restore test is scheduled');
  });

  it('still shows the backups when the schedule cannot be read', async () => {
    setup({ schedule_list: () => failWith({ code: 'io', message: 'Not published.', hint: '' }) }, { board: board([healthy]) });
    const schedule = await screen.findByTestId(testIds.backupSchedule);
    expect(schedule.textContent).toContain('When backups run could not be read.');
    expect(byId(testIds.backupVerdict).dataset.level).toBe('good');
  });

  it('backs up now with bytes done, speed and time left, and shows the result', async () => {
    const job = pendingJob<BackupRun>();
    const { calls, state } = setup({ backup_run: job.handler }, { board: board([healthy]), jobs: backupJobs() });
    await fireEvent.click(await screen.findByTestId(testIds.backupRunNow));
    expect(calls.backup_run[0].name).toBe('Office backup');
    const busy = await screen.findByTestId(testIds.backupProgress);
    expect(busy.dataset.kind).toBe('backup');
    expect(byId(testIds.backupProgressText).textContent).toContain("the administrator's password is asked first");
    expect(button(testIds.backupRunNow).disabled).toBe(true);
    expect(button(testIds.backupTestNow).disabled).toBe(true);

    const clock = vi.spyOn(Date, 'now').mockReturnValue(1_000_000);
    report(calls.backup_run[0], { done: 0, total: 4 * GiB });
    await waitFor(() => expect(busy.dataset.total).toBe(String(4 * GiB)));
    clock.mockReturnValue(1_004_000);
    report(calls.backup_run[0], { done: GiB, total: 4 * GiB });
    await waitFor(() => expect(busy.dataset.done).toBe(String(GiB)));
    const figures = byId(testIds.backupProgressText).textContent ?? '';
    expect(figures).toContain('1.0 GB of 4.0 GB');
    expect(figures).toContain('256 MB/s');
    expect(figures).toContain('About 12 seconds left');
    expect((within(busy).getByRole('progressbar') as HTMLProgressElement).value).toBe(GiB);
    clock.mockRestore();

    const done = backupRun({ id: 13, finished: new Date().toISOString() });
    state.board = board([{ ...healthy, last_backup: done }], [done]);
    job.finish(done);
    const result = await screen.findByTestId(testIds.backupResult);
    expect(result.dataset).toMatchObject({ kind: 'backup', outcome: 'done' });
    expect(result.textContent).toContain('Done');
    expect(result.textContent).toContain('The backup is saved: 48,213 files.');
    expect(result.textContent).toContain('48,213 files, 2.1 GB, 120.0 MB of it new');
    expect(screen.queryByTestId(testIds.backupProgress)).toBeNull();
    // The board is read again: the verdict follows the new copy.
    await waitFor(() => expect(byId(testIds.backupVerdict).textContent).toContain('Backed up just now'));
    await waitFor(() => expect(all(testIds.backupRunRow)).toHaveLength(1));
  });

  it('cancels a backup and says the copies made before are as they were', async () => {
    const job = pendingJob<BackupRun>();
    const { calls } = setup({ backup_run: job.handler }, { board: board([healthy]) });
    await fireEvent.click(await screen.findByTestId(testIds.backupRunNow));
    await fireEvent.click(await screen.findByTestId(testIds.backupCancel));
    expect(calls.cancel_job[0].job).toBe(calls.backup_run[0].job);
    await waitFor(() => expect(byId(testIds.backupCancel).textContent).toContain('Stopping…'));
    job.fail({ code: 'cancelled', message: 'The task was cancelled.', hint: '' });
    const note = await screen.findByTestId(testIds.backupCancelled);
    expect(note.textContent).toContain('The backup was cancelled; the copies made before are as they were.');
    expect(screen.queryByTestId(testIds.backupError)).toBeNull();
    expect(button(testIds.backupRunNow).disabled).toBe(false);
  });

  it('shows a backup that failed or was refused in plain words', async () => {
    let answer: () => unknown = () => failing.last_backup;
    setup({ backup_run: () => answer() }, { board: board([healthy]) });
    await fireEvent.click(await screen.findByTestId(testIds.backupRunNow));
    const result = await screen.findByTestId(testIds.backupResult);
    expect(result.dataset.outcome).toBe('failed');
    expect(result.classList.contains('danger')).toBe(true);
    expect(result.textContent).toContain('Failed');
    expect(result.textContent).toContain('The backup disk is full.');

    answer = () =>
      failWith({
        code: 'needs_admin',
        message: "The administrator's password was not given, so nothing was backed up.",
        hint: 'Press Back up now again and enter the password when asked.',
      });
    await fireEvent.click(byId(testIds.backupRunNow));
    const error = await screen.findByTestId(testIds.backupError);
    expect(error.dataset.code).toBe('needs_admin');
    expect(error.textContent).toContain('The backup did not run');
    expect(error.textContent).toContain('enter the password when asked');
    expect(screen.queryByTestId(testIds.backupResult)).toBeNull();
  });

  it('tests restoring now with progress, and says it passed', async () => {
    const job = pendingJob<BackupRun>();
    const { calls } = setup({ backup_test: job.handler }, { board: board([healthy]) });
    await fireEvent.click(await screen.findByTestId(testIds.backupTestNow));
    expect(calls.backup_test[0].name).toBe('Office backup');
    const busy = await screen.findByTestId(testIds.backupProgress);
    expect(busy.dataset.kind).toBe('restore_test');
    report(calls.backup_test[0], { done: 3, total: 10 });
    await waitFor(() => expect(byId(testIds.backupProgressText).textContent).toContain('30 %'));
    job.finish(restoreTest({ id: 14 }));
    const result = await screen.findByTestId(testIds.backupResult);
    expect(result.dataset).toMatchObject({ kind: 'restore_test', outcome: 'done' });
    expect(result.textContent).toContain('Restore test');
    expect(result.textContent).toContain('Passed');
  });

  it('runs one backup or test at a time', async () => {
    const job = pendingJob<BackupRun>();
    setup({ backup_run: job.handler }, { board: board([healthy, failing]) });
    await waitFor(() => expect(all(testIds.backupCard)).toHaveLength(2));
    const [office, laptop] = all(testIds.backupCard);
    await fireEvent.click(within(office).getByTestId(testIds.backupRunNow));
    await waitFor(() => expect((within(laptop).getByTestId(testIds.backupRunNow) as HTMLButtonElement).disabled).toBe(true));
    job.finish(backupRun({ id: 15 }));
    await waitFor(() => expect((within(laptop).getByTestId(testIds.backupRunNow) as HTMLButtonElement).disabled).toBe(false));
  });

  it('opens the recovery sheet of a backup, and says when it cannot be made', async () => {
    let refuse = true;
    const { calls } = setup(
      {
        backup_recovery_sheet: () => {
          if (refuse) failWith({ code: 'keychain_locked', message: 'The keychain is locked.', hint: 'Unlock it, then try again.' });
          return sheet;
        },
      },
      { board: board([healthy]) },
    );
    await fireEvent.click(await screen.findByTestId(testIds.backupSheetOpen));
    const dialog = byId(testIds.recoverySheetDialog);
    await waitFor(() => expect(byId(testIds.recoverySheet).dataset.state).toBe('error'));
    expect(dialog.textContent).toContain('The keychain is locked.');
    refuse = false;
    await fireEvent.click(within(dialog).getByText('Try again'));
    const password = await screen.findByTestId(testIds.recoveryPassword);
    expect(password.textContent).toBe(sheet.password);
    expect(calls.backup_recovery_sheet).toEqual([{ name: 'Office backup' }, { name: 'Office backup' }]);
    await fireEvent.click(byId(testIds.recoverySheetClose));
    expect(screen.queryByTestId(testIds.recoverySheetDialog)).toBeNull();
  });

  it('lists past runs newest first, with files that could not be read folded away', async () => {
    const runs = [partial.last_backup!, failing.last_backup!, restoreTest({ id: 11 })];
    setup({}, { board: board([partial, failing], runs) });
    await waitFor(() => expect(all(testIds.backupRunRow)).toHaveLength(3));
    const rows = all(testIds.backupRunRow);
    expect(rows.map((r) => [r.dataset.id, r.dataset.kind, r.dataset.outcome, r.dataset.name])).toEqual([
      ['41', 'backup', 'partial', 'Office backup'],
      ['22', 'backup', 'failed', 'Laptop backup'],
      ['11', 'restore_test', 'done', 'Office backup'],
    ]);
    expect(rows[0].textContent).toContain('Partly done');
    expect(rows[0].textContent).toContain('The backup is saved, but 2 files could not be read.');
    const unreadable = within(rows[0]).getByTestId(testIds.backupRunUnreadable) as HTMLDetailsElement;
    expect(unreadable.open).toBe(false);
    expect(unreadable.textContent).toContain('2 files could not be read');
    expect(unreadable.textContent).toContain('/home/anna/.ssh/id_ed25519: permission denied');
    expect(within(rows[1]).queryByTestId(testIds.backupRunUnreadable)).toBeNull();
    const changed = within(rows[0]).getByTestId(testIds.backupRunChanged) as HTMLDetailsElement;
    expect(changed.open).toBe(false);
    expect(changed.textContent).toContain('1 file changed while backed up');
    expect(changed.textContent).toContain('/home/anna/mail/inbox.sqlite');
    expect(within(rows[1]).queryByTestId(testIds.backupRunChanged)).toBeNull();
    expect(rows[2].textContent).toContain('Passed');
  });

  it('says so when nothing has run yet', async () => {
    setup({}, { board: board([{ ...healthy, last_backup: null, last_test: null }]) });
    const empty = await screen.findByTestId(testIds.backupRunsEmpty);
    expect(empty.textContent).toContain('Nothing has run yet');
  });

  it('says what went wrong when the backups cannot be read, and reads them again', async () => {
    let refuse = true;
    setup({
      backup_board: () => {
        if (refuse) failWith({ code: 'io', message: 'The published backups could not be read.', hint: 'Try again in a moment.' });
        return board([healthy]);
      },
    });
    const error = await screen.findByTestId(testIds.backupsError);
    expect(error.dataset.code).toBe('io');
    expect(error.textContent).toContain('Shipshape could not read the backups');
    expect(screen.queryByTestId(testIds.backupsEmpty)).toBeNull();
    refuse = false;
    await fireEvent.click(within(error).getByText('Try again'));
    await waitFor(() => expect(all(testIds.backupCard)).toHaveLength(1));
    expect(screen.queryByTestId(testIds.backupsError)).toBeNull();
  });

  it('reads what root published again every 15 seconds, so a scheduled run shows', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { calls, state } = setup({}, { board: board([stale]), jobs: backupJobs() });
      await waitFor(() => expect(byId(testIds.backupVerdict).dataset.late).toBe('yes'));
      const ran = backupRun({ id: 50, finished: new Date().toISOString() });
      state.board = board([{ ...stale, last_backup: ran }], [ran]);
      await vi.advanceTimersByTimeAsync(15_000);
      await waitFor(() => expect(byId(testIds.backupVerdict).dataset.late).toBe('no'));
      expect(calls.backup_board).toHaveLength(2);
      expect(all(testIds.backupRunRow)).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives focus back to the heading when the wizard closes', async () => {
    setup();
    await openWizard();
    await fireEvent.click(byId(testIds.backupWizardCancel));
    await waitFor(() => expect(document.activeElement).toBe(byId(testIds.screenTitle)));
  });

  async function problems(): Promise<string[]> {
    const axe = (await import('axe-core')).default;
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(', ')}`);
  }

  it('has no serious accessibility problems: cards, wizard and recovery sheet', async () => {
    setup(
      {
        backup_host_key: (a) => ({
          location: a.to,
          fingerprint: 'SHA256:n4Yx0Q2c3m4V5b6N7m8K9j0H1g2F3d4S5a6P7o8I9u0',
          trusted: 'SHA256:oldoldoldoldoldoldoldoldoldoldoldoldoldoldo',
          root_key: 'restrict ssh-ed25519 AAAA root@front-desk',
          add_to: '~backup/.ssh/authorized_keys',
        }),
      },
      { board: board([healthy, failing], [partial.last_backup!]), jobs: backupJobs() },
    );
    await waitFor(() => expect(all(testIds.backupCard)).toHaveLength(2));
    for (const d of all(testIds.backupDetails)) (d as HTMLDetailsElement).open = true;
    expect(await problems()).toEqual([]);

    await fireEvent.click(all(testIds.backupSheetOpen)[0]);
    await screen.findByTestId(testIds.recoveryPassword);
    expect(await problems()).toEqual([]);
    await fireEvent.click(byId(testIds.recoverySheetClose));

    await openWizard();
    await type(byId(testIds.backupWizardName), '');
    await fireEvent.click(byId(testIds.backupWizardNext));
    expect(await problems()).toEqual([]);

    // Another computer, its identity changed, with a field wrong.
    await fireEvent.click(byId(testIds.backupWizardWhereRemote));
    await type(byId(testIds.backupWizardRemoteUser), 'backup');
    await type(byId(testIds.backupWizardRemoteHost), 'nas.local');
    await type(byId(testIds.backupWizardRemoteFolder), '/srv/backups');
    await fireEvent.click(byId(testIds.backupWizardCheckHost));
    await screen.findByTestId(testIds.backupWizardHostChanged);
    await fireEvent.click(byId(testIds.backupWizardNext));
    expect(fieldErrors()).toEqual(['hostConfirmed', 'name']);
    expect(await problems()).toEqual([]);
  });
});
