import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { BackupEntry, BackupRun, BackupStatus, Restored } from '../../ipc';
import { failWith, pendingJob, recordCommands, report, type Handler } from '../../ipc/testing';
import { testIds } from '../../testIds';
import Backups from './Backups.svelte';
import { backupRun, board, entry, healthy, restored, snapshot, tree } from './fixtures';

function setup(overrides: Record<string, Handler> = {}, backups: BackupStatus[] = [healthy]) {
  const handlers: Record<string, Handler> = {
    backup_board: () => board(backups),
    schedule_list: () => [],
    cancel_job: () => null,
    backup_browse: (a) =>
      tree[a.folder as string] ??
      failWith({ code: 'not_found', message: `${a.folder} is not in this copy.`, hint: 'Choose another folder.' }),
    ...overrides,
  };
  const calls = recordCommands(handlers);
  render(Backups);
  return calls;
}

const byId = (id: string) => screen.getByTestId(id);
const all = (id: string) => screen.queryAllByTestId(id);
const type = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } });
const button = (id: string) => byId(id) as HTMLButtonElement;
const paths = () => all(testIds.restoreEntry).map((e) => e.dataset.path);
const crumbPaths = () => all(testIds.restoreCrumb).map((c) => c.dataset.path);
const entryAt = (path: string) => all(testIds.restoreEntry).find((e) => e.dataset.path === path)!;
const chooseAt = (path: string) => all(testIds.restoreEntryChoose).find((e) => e.dataset.path === path)!;

async function openRestore() {
  await fireEvent.click(await screen.findByTestId(testIds.backupRestoreOpen));
  return byId(testIds.restoreDialog);
}

async function listed(expected: string[]) {
  await waitFor(() => expect(paths()).toEqual(expected));
}

describe('Restoring from a backup', () => {
  it('offers Restore only when the backup has a copy', async () => {
    setup({}, [{ ...healthy, snapshots: [] }]);
    expect(((await screen.findByTestId(testIds.backupRestoreOpen)) as HTMLButtonElement).disabled).toBe(true);
  });

  it('restores a file to its place with progress, and says where the old one is kept', async () => {
    const job = pendingJob<Restored>();
    const calls = setup({ backup_restore: job.handler });
    const dialog = await openRestore();
    expect(dialog.textContent).toContain('Restore from “Office backup”');
    expect(dialog.textContent).toContain("your computer may ask for the administrator's password");
    expect(dialog.textContent).toContain('written as you');

    // The newest copy is chosen; the copies are listed newest first.
    const select = byId(testIds.restoreSnapshot) as HTMLSelectElement;
    const [newest, older] = [healthy.snapshots[1], healthy.snapshots[0]];
    expect([...select.options].map((o) => o.value)).toEqual([newest.id, older.id]);
    expect(select.value).toBe(newest.id);
    expect(select.options[0].textContent).toContain('3 hours ago, the newest');
    expect(document.activeElement).toBe(select);

    // It starts where /etc and /home meet: the top.
    await listed(['/etc', '/home']);
    expect(calls.backup_browse).toEqual([{ name: 'Office backup', snapshot: newest.id, folder: '/' }]);
    expect(crumbPaths()).toEqual(['/']);
    await fireEvent.click(entryAt('/home'));
    await listed(['/home/ann']);
    await fireEvent.click(entryAt('/home/ann'));
    // Folders first, then files (links among them), in the order a person expects.
    await listed([
      '/home/ann/letters',
      '/home/ann/.profile',
      '/home/ann/Budget 9.ods',
      '/home/ann/Budget 10.ods',
      '/home/ann/notes.txt',
    ]);
    expect(entryAt('/home/ann/.profile').dataset.kind).toBe('symlink');
    const letters = entryAt('/home/ann/letters').closest('tr')!;
    expect(letters.textContent).toContain('Folder');
    expect(entryAt('/home/ann/notes.txt').closest('tr')!.textContent).toContain('1.5 KB');
    expect(crumbPaths()).toEqual(['/', '/home', '/home/ann']);
    expect(all(testIds.restoreCrumb)[2].getAttribute('aria-current')).toBe('location');

    // Up by the breadcrumb: a folder read before is not read again.
    await fireEvent.click(all(testIds.restoreCrumb)[0]);
    await listed(['/etc', '/home']);
    await fireEvent.click(entryAt('/home'));
    await fireEvent.click(entryAt('/home/ann'));
    await fireEvent.click(entryAt('/home/ann/letters'));
    await listed(['/home/ann/letters/offer.txt']);
    expect(calls.backup_browse.map((c) => c.folder)).toEqual(['/', '/home', '/home/ann', '/home/ann/letters']);

    expect(button(testIds.restoreSubmit).disabled).toBe(true);
    expect(screen.queryByTestId(testIds.restoreChosen)).toBeNull();
    expect(dialog.textContent).toContain('Choose a file or folder above first.');
    await fireEvent.click(entryAt('/home/ann/letters/offer.txt'));
    const chosen = byId(testIds.restoreChosen);
    expect(chosen.dataset.path).toBe('/home/ann/letters/offer.txt');
    expect(chosen.textContent).toContain('You chose the file /home/ann/letters/offer.txt.');
    expect(entryAt('/home/ann/letters/offer.txt').closest('tr')!.textContent).toContain('Chosen');
    expect((byId(testIds.restoreWherePlace) as HTMLInputElement).checked).toBe(true);
    expect(dialog.textContent).toContain('To its place, in /home/ann/letters');
    expect(dialog.textContent).toContain(
      'If something is there now, it is kept beside it as “offer (before restore …).txt”: nothing is overwritten.',
    );
    expect(calls.backup_restore).toBeUndefined();

    await fireEvent.click(byId(testIds.restoreSubmit));
    expect(calls.backup_restore).toHaveLength(1);
    expect(calls.backup_restore[0]).toMatchObject({
      name: 'Office backup',
      snapshot: newest.id,
      path: '/home/ann/letters/offer.txt',
      to: { to: 'place' },
    });
    const busy = await screen.findByTestId(testIds.restoreProgress);
    expect(busy.textContent).toContain("Starting: the administrator's password may be asked first.");
    // No figures yet: the bar says only that it works.
    expect(within(busy).getByRole('progressbar').hasAttribute('value')).toBe(false);
    expect(button(testIds.restoreClose).disabled).toBe(true);
    expect(screen.queryByTestId(testIds.restoreSubmit)).toBeNull();
    // One run at a time: the card's buttons wait too.
    expect(button(testIds.backupRunNow).disabled).toBe(true);
    // Escape does not leave a restore unwatched.
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByTestId(testIds.restoreDialog)).not.toBeNull();

    report(calls.backup_restore[0], { done: 1, total: 4 });
    await waitFor(() => expect(busy.dataset.total).toBe('4'));
    expect(busy.textContent).toContain('25 %');
    expect((within(busy).getByRole('progressbar') as HTMLProgressElement).value).toBe(1);

    const boardReads = calls.backup_board.length;
    job.finish(restored());
    const result = await screen.findByTestId(testIds.restoreResult);
    expect(result.dataset).toMatchObject({
      outcome: 'done',
      restored: '/home/ann/letters/offer.txt',
      kept: '/home/ann/letters/offer (before restore 2026-12-04 18.45).txt',
    });
    expect(result.textContent).toContain('Done');
    expect(result.textContent).toContain(
      'Restored /home/ann/letters/offer.txt. The file that was there is kept as /home/ann/letters/offer (before restore 2026-12-04 18.45).txt',
    );
    expect(result.textContent).toContain('1 file was restored.');
    expect(screen.queryByTestId(testIds.restoreProgress)).toBeNull();
    // The run shows in the history once the board is read again.
    await waitFor(() => expect(calls.backup_board.length).toBeGreaterThan(boardReads));
    expect(button(testIds.backupRunNow).disabled).toBe(false);

    await fireEvent.click(byId(testIds.restoreClose));
    expect(screen.queryByTestId(testIds.restoreDialog)).toBeNull();
  });

  it('finds a folder by name and restores it into another folder, once the folder is a full path', async () => {
    const found = [entry('/home/ann/letters/offer.txt'), entry('/home/ann/letters', 'dir'), entry('/srv/offers', 'dir')];
    const calls = setup({
      backup_find: () => found,
      backup_restore: () => restored({ restored: '/home/ann/Restored/letters', kept: null }),
    });
    const dialog = await openRestore();
    await listed(['/etc', '/home']);

    const find = byId(testIds.restoreFind);
    expect(button(testIds.restoreFindSubmit).disabled).toBe(true);
    await type(find, '  letter ');
    await fireEvent.click(byId(testIds.restoreFindSubmit));
    // Folders first; each match with its full path.
    await listed(['/home/ann/letters', '/srv/offers', '/home/ann/letters/offer.txt']);
    expect(calls.backup_find).toEqual([{ name: 'Office backup', snapshot: healthy.snapshots[1].id, pattern: 'letter' }]);
    expect(entryAt('/srv/offers').textContent).toContain('/srv/offers');
    expect(dialog.textContent).toContain('Names with “letter” in them');
    expect(all(testIds.restoreCrumb)).toHaveLength(0);

    // A folder among the matches is chosen directly.
    await fireEvent.click(chooseAt('/home/ann/letters'));
    expect(byId(testIds.restoreChosen).dataset.path).toBe('/home/ann/letters');
    expect(byId(testIds.restoreChosen).textContent).toContain('You chose the folder /home/ann/letters, with everything in it.');
    expect(dialog.textContent).toContain('kept beside it as “letters (before restore …)”');

    await fireEvent.click(byId(testIds.restoreWhereFolder));
    const folder = byId(testIds.restoreFolder);
    await type(folder, 'Restored');
    await fireEvent.click(byId(testIds.restoreSubmit));
    expect(calls.backup_restore).toBeUndefined();
    expect(folder.getAttribute('aria-invalid')).toBe('true');
    const problem = document.getElementById(folder.getAttribute('aria-describedby')!)!;
    expect(problem.textContent).toContain('“Restored” is not a full path.');
    expect(problem.textContent).toContain('A full path starts with /');
    expect(document.activeElement).toBe(folder);

    await type(folder, '/home/ann/Restored/');
    expect(folder.getAttribute('aria-invalid')).toBe('false');
    await fireEvent.click(byId(testIds.restoreSubmit));
    expect(calls.backup_restore[0]).toMatchObject({
      path: '/home/ann/letters',
      to: { to: 'folder', folder: '/home/ann/Restored' },
    });
    const result = await screen.findByTestId(testIds.restoreResult);
    expect(result.dataset).toMatchObject({ outcome: 'done', restored: '/home/ann/Restored/letters', kept: '' });
    expect(result.textContent).toContain('Restored /home/ann/Restored/letters.');
    expect(result.textContent).not.toContain('kept as');

    // Back to the folder that was open.
    await fireEvent.click(byId(testIds.restoreFindClear));
    await listed(['/etc', '/home']);
    expect(calls.backup_browse).toHaveLength(1);
  });

  it('opens a folder found by name, and says when nothing matches or only the first 200 are shown', async () => {
    let answer: BackupEntry[] = [entry('/home/ann/letters', 'dir')];
    const calls = setup({ backup_find: () => answer });
    const dialog = await openRestore();
    await listed(['/etc', '/home']);
    await type(byId(testIds.restoreFind), 'lett');
    await fireEvent.click(byId(testIds.restoreFindSubmit));
    await listed(['/home/ann/letters']);
    await fireEvent.click(entryAt('/home/ann/letters'));
    await listed(['/home/ann/letters/offer.txt']);
    expect(crumbPaths()).toEqual(['/', '/home', '/home/ann', '/home/ann/letters']);
    expect(calls.backup_browse.at(-1)?.folder).toBe('/home/ann/letters');

    answer = [];
    await type(byId(testIds.restoreFind), 'tax 2019');
    await fireEvent.click(byId(testIds.restoreFindSubmit));
    await waitFor(() => expect(dialog.textContent).toContain('Nothing in this copy has “tax 2019” in its name.'));

    answer = Array.from({ length: 200 }, (_, i) => entry(`/srv/scans/page ${i}.pdf`));
    await type(byId(testIds.restoreFind), 'page');
    await fireEvent.click(byId(testIds.restoreFindSubmit));
    await waitFor(() => expect(all(testIds.restoreEntry)).toHaveLength(200));
    expect(dialog.textContent).toContain('Only the first 200 are shown: type more of the name to find fewer.');
  });

  it('starts an older copy where its folders meet, and forgets what was chosen in the other', async () => {
    const only = snapshot(30, 'beefcafe', ['/home/ann']);
    const calls = setup({}, [{ ...healthy, snapshots: [healthy.snapshots[1], only] }]);
    await openRestore();
    await listed(['/etc', '/home']);
    await fireEvent.click(entryAt('/etc'));
    await listed(['/etc/hosts']);
    await fireEvent.click(entryAt('/etc/hosts'));
    expect(byId(testIds.restoreChosen).dataset.path).toBe('/etc/hosts');

    await fireEvent.change(byId(testIds.restoreSnapshot), { target: { value: only.id } });
    await listed(['/home/ann/letters', '/home/ann/.profile', '/home/ann/Budget 9.ods', '/home/ann/Budget 10.ods', '/home/ann/notes.txt']);
    expect(calls.backup_browse.at(-1)).toEqual({ name: 'Office backup', snapshot: only.id, folder: '/home/ann' });
    expect(crumbPaths()).toEqual(['/', '/home', '/home/ann']);
    expect(screen.queryByTestId(testIds.restoreChosen)).toBeNull();
    expect(button(testIds.restoreSubmit).disabled).toBe(true);
  });

  it('shows only the folder asked for last, whatever order the answers come in', async () => {
    const slow = pendingJob<BackupEntry[]>();
    setup({ backup_browse: (a) => (a.folder === '/home' ? slow.handler(a) : tree[a.folder as string]) });
    await openRestore();
    await listed(['/etc', '/home']);
    await fireEvent.click(entryAt('/home'));
    await waitFor(() => expect(byId(testIds.restoreDialog).textContent).toContain('Reading the folder…'));
    await fireEvent.click(all(testIds.restoreCrumb)[0]);
    await listed(['/etc', '/home']);
    slow.finish(tree['/home']);
    await new Promise((r) => setTimeout(r, 0));
    expect(paths()).toEqual(['/etc', '/home']);
    expect(crumbPaths()).toEqual(['/']);
  });

  it('says in words why a folder could not be opened, and tries again', async () => {
    let refuse = true;
    setup({
      backup_browse: (a) => {
        if (refuse) {
          failWith({
            code: 'needs_admin',
            message: "The administrator's password was not given, so the backup could not be opened.",
            hint: 'Try again and enter the password when asked.',
          });
        }
        return tree[a.folder as string];
      },
    });
    const dialog = await openRestore();
    const error = await screen.findByTestId(testIds.restoreError);
    expect(error.dataset).toMatchObject({ code: 'needs_admin', action: 'browse' });
    expect(error.textContent).toContain('Shipshape could not open this folder');
    expect(error.textContent).toContain("The administrator's password was not given");
    expect(error.textContent).toContain('enter the password when asked');
    refuse = false;
    await fireEvent.click(within(dialog).getByText('Try again'));
    await listed(['/etc', '/home']);
    expect(screen.queryByTestId(testIds.restoreError)).toBeNull();
  });

  it('says why a search did not run', async () => {
    setup({ backup_find: () => failWith({ code: 'io', message: 'The backup disk is not connected.', hint: 'Connect it, then try again.' }) });
    await openRestore();
    await listed(['/etc', '/home']);
    await type(byId(testIds.restoreFind), 'offer');
    await fireEvent.click(byId(testIds.restoreFindSubmit));
    const error = await screen.findByTestId(testIds.restoreError);
    expect(error.dataset).toMatchObject({ code: 'io', action: 'find' });
    expect(error.textContent).toContain('The search did not run');
    expect(error.textContent).toContain('The backup disk is not connected.');
  });

  async function chooseOffer() {
    await listed(['/etc', '/home']);
    await fireEvent.click(entryAt('/home'));
    await listed(['/home/ann']);
    await fireEvent.click(entryAt('/home/ann'));
    await waitFor(() => expect(paths()).toContain('/home/ann/letters'));
    await fireEvent.click(entryAt('/home/ann/letters'));
    await listed(['/home/ann/letters/offer.txt']);
    await fireEvent.click(entryAt('/home/ann/letters/offer.txt'));
  }

  it('cancels a restore and says where to look', async () => {
    const job = pendingJob<Restored>();
    const calls = setup({ backup_restore: job.handler });
    await openRestore();
    await chooseOffer();
    await fireEvent.click(byId(testIds.restoreSubmit));
    await fireEvent.click(await screen.findByTestId(testIds.restoreCancel));
    expect(calls.cancel_job[0].job).toBe(calls.backup_restore[0].job);
    await waitFor(() => expect(byId(testIds.restoreCancel).textContent).toContain('Stopping…'));
    job.fail({ code: 'cancelled', message: 'The task was cancelled.', hint: '' });
    const result = await screen.findByTestId(testIds.restoreResult);
    expect(result.dataset).toMatchObject({ outcome: 'cancelled', restored: '', kept: '' });
    expect(result.textContent).toContain('The restore of /home/ann/letters/offer.txt was cancelled');
    expect(result.textContent).toContain('look for “offer (before restore …).txt” beside it');
    expect(screen.queryByTestId(testIds.restoreError)).toBeNull();
    expect(button(testIds.restoreClose).disabled).toBe(false);
  });

  it('says in words why a restore did not run, or what it could not restore', async () => {
    let answer: () => unknown = () =>
      failWith({
        code: 'needs_admin',
        message: "The administrator's password was not given, so nothing was restored.",
        hint: 'Press Restore again and enter the password when asked.',
      });
    setup({ backup_restore: () => answer() });
    await openRestore();
    await chooseOffer();
    await fireEvent.click(byId(testIds.restoreSubmit));
    const error = await screen.findByTestId(testIds.restoreError);
    expect(error.dataset).toMatchObject({ code: 'needs_admin', action: 'restore' });
    expect(error.textContent).toContain('The restore did not run');
    expect(error.textContent).toContain('enter the password when asked');

    const run: BackupRun = backupRun({
      id: 70,
      kind: 'restore',
      outcome: 'partial',
      message: 'Some files could not be written.',
      unreadable: ['/home/ann/letters/offer.txt: permission denied'],
    });
    answer = () => restored({ run, kept: null });
    await fireEvent.click(byId(testIds.restoreSubmit));
    const result = await screen.findByTestId(testIds.restoreResult);
    expect(screen.queryByTestId(testIds.restoreError)).toBeNull();
    expect(result.dataset.outcome).toBe('partial');
    expect(result.classList.contains('warning')).toBe(true);
    expect(result.textContent).toContain('Partly done');
    expect(result.textContent).toContain('Restored /home/ann/letters/offer.txt, but 1 file could not be restored.');
    expect(result.textContent).toContain('permission denied');
  });

  it('waits while another backup or test runs', async () => {
    const job = pendingJob<BackupRun>();
    setup({ backup_run: job.handler });
    await fireEvent.click(await screen.findByTestId(testIds.backupRunNow));
    const dialog = await openRestore();
    await chooseOffer();
    expect(button(testIds.restoreSubmit).disabled).toBe(true);
    expect(dialog.textContent).toContain('A backup, test or restore is running: restore when it has finished.');
    job.finish(backupRun({ id: 80 }));
    await waitFor(() => expect(button(testIds.restoreSubmit).disabled).toBe(false));
  });

  it('has no serious accessibility problems while choosing and after restoring', async () => {
    setup({ backup_restore: () => restored() });
    await openRestore();
    await chooseOffer();
    const axe = (await import('axe-core')).default;
    const problems = async () => {
      const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(', ')}`);
    };
    expect(await problems()).toEqual([]);
    await fireEvent.click(byId(testIds.restoreWhereFolder));
    await fireEvent.click(byId(testIds.restoreSubmit));
    expect(await problems()).toEqual([]);
    await type(byId(testIds.restoreFolder), '/home/ann/Restored');
    await fireEvent.click(byId(testIds.restoreSubmit));
    await screen.findByTestId(testIds.restoreResult);
    expect(await problems()).toEqual([]);
  });
});
