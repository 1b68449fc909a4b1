import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { UpdateRun } from '../../ipc';
import { failWith, pendingJob, recordCommands, report, type Handler } from '../../ipc/testing';
import { testIds } from '../../testIds';
import { run } from '../maintenance/fixtures';
import {
  checked,
  FILE,
  installedRun,
  packagePreview,
  packageRun,
  preview,
  PROGRAM_FILE,
  programPreview,
  programRun,
  SHA256,
} from './fixtures';
import Install from './Install.svelte';

function setup(overrides: Record<string, Handler> = {}, runs: UpdateRun[] = []) {
  const calls = recordCommands({
    updates_history: () => runs,
    verify_history: () => [],
    deploy_list: () => [],
    ...overrides,
  });
  render(Install);
  return calls;
}

const byId = (id: string) => screen.getByTestId(id);

async function toProof(file = FILE) {
  await fireEvent.input(byId(testIds.installFile), { target: { value: file } });
  await fireEvent.click(byId(testIds.installNext));
  await waitFor(() => expect(byId(testIds.installWizard).dataset.step).toBe('2'));
}

describe('Install', () => {
  it('reads the file and asks the package manager before anything changes, and says what would change', async () => {
    const previewJob = pendingJob<typeof preview>();
    const calls = setup({ install_preview: previewJob.handler });
    expect(byId(testIds.screenTitle).textContent).toBe('Install software');
    await waitFor(() => byId(testIds.installedEmpty));
    await toProof();
    expect((byId(testIds.installNext) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(byId(testIds.installHex), { target: { value: SHA256 } });
    await fireEvent.click(byId(testIds.installNext));
    await waitFor(() => expect(calls.install_preview).toHaveLength(1));
    expect(calls.install_preview[0].ask).toEqual({
      file: FILE,
      trust: { by: 'digest', algorithm: 'sha256', hex: SHA256 },
      allow_downgrade: false,
      keep: [],
    });
    report(calls.install_preview[0], { done: 2048, total: 4096 });
    await waitFor(() => expect((byId(testIds.installProgress) as HTMLProgressElement).value).toBe(50));
    previewJob.finish(preview);
    await waitFor(() => byId(testIds.installPreview));
    const shown = byId(testIds.installPreview);
    expect(shown.dataset).toMatchObject({ change: 'upgrade', trust: 'digest' });
    expect(shown.textContent).toContain(preview.headline);
    expect(shown.textContent).toContain('Replaces version 1.0');
    const rows = screen.getAllByTestId(testIds.installStepRow);
    expect(rows.map((r) => [r.dataset.name, r.dataset.action])).toEqual([
      ['office-lib', 'add'],
      ['office-app', 'change'],
      ['old-plugin', 'remove'],
    ]);
    const details = byId(testIds.installDetails) as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details.textContent).toContain('postinst (12 lines)');
    expect(details.textContent).toContain('/etc/apt/sources.list.d/office-app.list');
    expect(calls.install_deb).toBeUndefined();
  });

  it('takes the Verify screen’s check of the file as its proof', async () => {
    const calls = setup({ verify_history: () => [checked], install_preview: () => preview });
    await toProof();
    expect((byId(testIds.installProofVerified) as HTMLInputElement).checked).toBe(true);
    expect(byId(testIds.installWizard).textContent).toContain(checked.verdict.headline);
    await fireEvent.click(byId(testIds.installNext));
    await waitFor(() => expect(calls.install_preview).toHaveLength(1));
    expect(calls.install_preview[0].ask).toMatchObject({ trust: { by: 'digest', algorithm: 'sha512' } });
  });

  it('installs, shows the verdict, lists it, and its Undo goes back', async () => {
    const runs: UpdateRun[] = [];
    const undone = run({ id: 4, kind: 'undo', undoes: 41, message: 'office-app put back to the earlier version and held there.' });
    const calls = setup(
      {
        install_preview: () => preview,
        install_deb: () => {
          runs.unshift(installedRun);
          return installedRun;
        },
        updates_undo: () => undone,
      },
      runs,
    );
    await toProof();
    await fireEvent.input(byId(testIds.installHex), { target: { value: SHA256 } });
    await fireEvent.click(byId(testIds.installNext));
    await waitFor(() => byId(testIds.installConfirm));
    await fireEvent.click(byId(testIds.installConfirm));
    await waitFor(() => byId(testIds.installResult));
    expect(byId(testIds.installResult).dataset).toMatchObject({ outcome: 'done', kind: 'install_file' });
    // The packages the preview said would change are kept first.
    expect(calls.install_deb[0].ask).toMatchObject({ file: FILE, keep: ['office-app', 'old-plugin'] });
    await waitFor(() => expect(screen.getAllByTestId(testIds.installedRow)).toHaveLength(1));
    await fireEvent.click(byId(testIds.installUndo));
    await waitFor(() => byId(testIds.installUndoResult));
    // The run's number in the user's history, not root's.
    expect(calls.updates_undo).toEqual([{ run: 3, config: false }]);
  });

  it('says plainly why a file is refused, and offers an older version only on purpose', async () => {
    let tries = 0;
    const calls = setup({
      install_preview: (args) => {
        tries += 1;
        if (tries === 1) {
          failWith({ code: 'conflict', message: 'office-app 1.0 is older than the 2.0 installed, so nothing was changed.', hint: 'Install the newer version instead.' });
        }
        return { ...preview, change: 'downgrade', ask: args.ask };
      },
    });
    await toProof();
    await fireEvent.click(byId(testIds.installProofRisk));
    await fireEvent.input(byId(testIds.installReason), { target: { value: 'the vendor asked for 1.0' } });
    await fireEvent.click(byId(testIds.installNext));
    await waitFor(() => byId(testIds.installError));
    expect(byId(testIds.installError).textContent).toContain('is older than the 2.0 installed');
    await fireEvent.click(byId(testIds.installAllowOlder));
    await fireEvent.click(byId(testIds.installNext));
    await waitFor(() => byId(testIds.installPreview));
    expect(calls.install_preview[1].ask).toMatchObject({ allow_downgrade: true, trust: { by: 'risk_accepted', reason: 'the vendor asked for 1.0' } });
    expect(byId(testIds.installConfirm).textContent).toContain('Install without proof');
  });

  it('finds a package by name in the package sources and installs it with their signatures as proof', async () => {
    const runs: UpdateRun[] = [];
    const calls = setup(
      {
        install_search: () => [
          { name: 'gimp', summary: 'GNU Image Manipulation Program' },
          { name: 'gimp-data', summary: 'Data files for GIMP' },
        ],
        install_package_preview: () => packagePreview,
        install_package: () => {
          runs.unshift(packageRun);
          return packageRun;
        },
      },
      runs,
    );
    await fireEvent.click(byId(testIds.installSourcePackage));
    await fireEvent.click(byId(testIds.installNext));
    await waitFor(() => expect(byId(testIds.installError).textContent).toContain("Type the package's name"));
    await fireEvent.input(byId(testIds.installName), { target: { value: 'gim' } });
    await fireEvent.click(byId(testIds.installSearch));
    await waitFor(() => expect(screen.getAllByTestId(testIds.installFound)).toHaveLength(2));
    expect(calls.install_search).toEqual([{ word: 'gim' }]);
    await fireEvent.click(screen.getAllByTestId(testIds.installFound)[0]);
    expect((byId(testIds.installName) as HTMLInputElement).value).toBe('gimp');
    await fireEvent.click(byId(testIds.installNext));
    await waitFor(() => byId(testIds.installProofSource));
    expect(byId(testIds.installWizard).textContent).toContain('How it is proven genuine');
    await fireEvent.click(byId(testIds.installNext));
    await waitFor(() => byId(testIds.installPreview));
    expect(calls.install_package_preview[0].ask).toEqual({ name: 'gimp', keep: [] });
    expect(calls.install_preview).toBeUndefined();
    const shown = byId(testIds.installPreview);
    expect(shown.dataset).toMatchObject({ change: 'new', trust: 'signed_source' });
    expect(shown.textContent).toContain('Signed source');
    expect(shown.textContent).toContain('apt checks the package against the list that source signed');
    expect(byId(testIds.installDetails).textContent).not.toContain('SHA-256');
    await fireEvent.click(byId(testIds.installConfirm));
    await waitFor(() => byId(testIds.installResult));
    expect(byId(testIds.installResult).dataset).toMatchObject({ outcome: 'done', kind: 'install_package' });
    expect(calls.install_deb).toBeUndefined();
    await waitFor(() => expect(screen.getAllByTestId(testIds.installedRow)).toHaveLength(1));
    expect(byId(testIds.installedList).textContent).toContain('Install gimp 2.10');
  });

  it('installs a tarball into its own folder beside the version there, and puts that version back in use', async () => {
    const runs: UpdateRun[] = [];
    const calls = setup(
      {
        install_program_preview: () => programPreview,
        install_program: () => {
          runs.unshift(programRun);
          return programRun;
        },
        install_switch: () => run({ id: 7, kind: 'program_switch' }),
      },
      runs,
    );
    await fireEvent.input(byId(testIds.installFile), { target: { value: PROGRAM_FILE } });
    // Its name and version may be given; left empty, the file's name says them.
    expect(byId(testIds.installProgramName)).toBeTruthy();
    await fireEvent.click(byId(testIds.installNext));
    await waitFor(() => expect(byId(testIds.installWizard).dataset.step).toBe('2'));
    await fireEvent.input(byId(testIds.installHex), { target: { value: SHA256 } });
    await fireEvent.click(byId(testIds.installNext));
    await waitFor(() => byId(testIds.installPreview));
    expect(calls.install_program_preview[0].ask).toEqual({
      file: PROGRAM_FILE,
      trust: { by: 'digest', algorithm: 'sha256', hex: SHA256 },
      name: null,
      version: null,
    });
    expect(calls.install_preview).toBeUndefined();
    const shown = byId(testIds.installPreview);
    expect(shown.dataset).toMatchObject({ change: 'beside', trust: 'digest' });
    expect(shown.textContent).toContain('/opt/tool/2.0');
    expect(shown.textContent).toContain('in use: 1.0');
    expect(byId(testIds.installDetails).textContent).toContain('bin/tool');
    await fireEvent.click(byId(testIds.installConfirm));
    await waitFor(() => byId(testIds.installResult));
    // Root installs what the preview showed: its name and version.
    expect(calls.install_program[0].ask).toMatchObject({ name: 'tool', version: '2.0' });
    await waitFor(() => byId(testIds.installedSwitch));
    expect(byId(testIds.installedSwitch).textContent).toContain('Use 1.0 again');
    await fireEvent.click(byId(testIds.installedSwitch));
    await waitFor(() => expect(calls.install_switch).toEqual([{ name: 'tool', version: '1.0' }]));
  });

  it('installs as a pilot when asked: one stage, watched for the minutes given, with no new alerts as its check', async () => {
    const deployment = {
      id: 5,
      plan: { name: 'office-app_2.0_all.deb', method: 'pilot', stages: [], gates: [], approval: 'ask', soak_minutes: 30 },
      by: 'maria',
      started: '2026-12-05T08:00:00Z',
      finished: null,
      status: 'soaking',
      message: 'It is installed on the pilot computer and watched until 2026-12-05T08:30:00Z.',
      stages: [],
      soak_until: '2026-12-05T08:30:00Z',
      repeats: null,
      steps: [],
    };
    const calls = setup({ install_preview: () => preview, deploy_start: () => deployment });
    await toProof();
    await fireEvent.input(byId(testIds.installHex), { target: { value: SHA256 } });
    await fireEvent.click(byId(testIds.installNext));
    await waitFor(() => byId(testIds.installPreview));
    await fireEvent.click(byId(testIds.installPilot));
    await fireEvent.input(byId(testIds.installSoak), { target: { value: '0' } });
    expect((byId(testIds.installConfirm) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(byId(testIds.installSoak), { target: { value: '30' } });
    expect(byId(testIds.installConfirm).textContent).toContain('Install as a pilot');
    await fireEvent.click(byId(testIds.installConfirm));
    await waitFor(() => byId(testIds.installDeployment));
    expect(calls.install_deb).toBeUndefined();
    expect(calls.deploy_start[0].plan).toEqual({
      name: 'office-app_2.0_all.deb',
      method: 'pilot',
      stages: [{ name: 'Install', parts: [{ kind: 'file', file: FILE, trust: { by: 'digest', algorithm: 'sha256', hex: SHA256 }, allow_downgrade: false, keep: ['office-app', 'old-plugin'] }] }],
      gates: [{ kind: 'no_new_alerts' }],
      approval: 'ask',
      soak_minutes: 30,
    });
    expect(byId(testIds.installDeployment).dataset.status).toBe('soaking');
    expect(byId(testIds.installDeployment).textContent).toContain('watched until');
  });

  it('asks before Undo in the list, saying what it would do, and saves an installation\'s record', async () => {
    const calls = setup(
      {
        updates_undo: () => run({ id: 8, kind: 'undo', undoes: 41 }),
        install_record: (args) => ({ path: args.path, format: args.format, run: args.run }),
      },
      [installedRun],
    );
    await waitFor(() => byId(testIds.installedUndo));
    await fireEvent.click(byId(testIds.installedUndo));
    await waitFor(() => byId(testIds.installUndoDialog));
    expect(byId(testIds.installUndoDialog).textContent).toContain('The earlier versions are put back and held there: office-app 1.0.');
    await fireEvent.click(byId(testIds.installUndoCancel));
    await waitFor(() => expect(screen.queryByTestId(testIds.installUndoDialog)).toBeNull());
    expect(calls.updates_undo).toBeUndefined();
    await fireEvent.click(byId(testIds.installedUndo));
    await fireEvent.click(await waitFor(() => byId(testIds.installUndoConfirm)));
    await waitFor(() => expect(calls.updates_undo).toEqual([{ run: 3, config: false }]));

    await fireEvent.click(byId(testIds.installedRecord));
    await waitFor(() => byId(testIds.recordDialog));
    await fireEvent.input(byId(testIds.recordPath), { target: { value: '/home/maria/record.html' } });
    await fireEvent.click(byId(testIds.recordSave));
    await waitFor(() => byId(testIds.recordDone));
    expect(calls.install_record).toEqual([{ run: 3, format: 'html', path: '/home/maria/record.html' }]);
    expect(byId(testIds.recordDialog).textContent).toContain('/home/maria/record.html');
  });

  it('says when a search finds nothing, and why a search cannot be made', async () => {
    let tries = 0;
    setup({
      install_search: () => {
        tries += 1;
        if (tries === 2) failWith({ code: 'io', message: 'apt-cache failed.', hint: 'Try again.' });
        return [];
      },
    });
    await fireEvent.click(byId(testIds.installSourcePackage));
    await fireEvent.input(byId(testIds.installName), { target: { value: 'nothing-like-it' } });
    await fireEvent.click(byId(testIds.installSearch));
    await waitFor(() => byId(testIds.installFoundNone));
    await fireEvent.click(byId(testIds.installSearch));
    await waitFor(() => expect(screen.getByText('apt-cache failed.')).toBeTruthy());
    await fireEvent.input(byId(testIds.installName), { target: { value: 'Not A Name' } });
    await fireEvent.click(byId(testIds.installNext));
    await waitFor(() => expect(byId(testIds.installError).textContent).toContain('lower-case letters'));
  });

  it('cancels reading the file and nothing is asked of the package manager', async () => {
    const previewJob = pendingJob<typeof preview>();
    const calls = setup({
      install_preview: previewJob.handler,
      cancel_job: () => {
        previewJob.fail({ code: 'cancelled', message: 'Cancelled.', hint: '' });
        return null;
      },
    });
    await toProof();
    await fireEvent.input(byId(testIds.installHex), { target: { value: SHA256 } });
    await fireEvent.click(byId(testIds.installNext));
    await waitFor(() => byId(testIds.installCancel));
    await fireEvent.click(byId(testIds.installCancel));
    await waitFor(() => expect(byId(testIds.installWizard).dataset.step).toBe('2'));
    expect(calls.install_deb).toBeUndefined();
  });
});
