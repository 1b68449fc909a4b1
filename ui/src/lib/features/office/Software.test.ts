import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { SoftwareInventory, UpdateRun } from '../../ipc';
import { failWith, recordCommands } from '../../ipc/testing';
import { testIds } from '../../testIds';
import Software from './Software.svelte';

function inventory(fields: Partial<SoftwareInventory> = {}): SoftwareInventory {
  return {
    os_name: 'Debian 12 (Bookworm)',
    os_life: {
      name: 'Debian 12 (Bookworm)',
      ends: '2026-07-11',
      longer: { name: 'Debian LTS', ends: '2028-06-30' },
      paid: { name: 'Freexian ELTS', ends: '2033-06-30' },
      source: 'distro-info-data, /usr/share/distro-info/debian.csv',
      line: '12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-07-11,2028-06-30,2033-06-30',
    },
    os_problem: null,
    os_words: "Debian 12 (Bookworm)'s regular security support ended on 2026-07-11.",
    os_level: 'ending',
    kernel: '6.1.0-27-amd64',
    manager: 'apt',
    packages: [
      {
        name: 'nodejs',
        version: '20.20.2-1nodesource1',
        arch: 'amd64',
        no_source: false,
        automatic: false,
        upgradable_to: null,
        life: {
          product: 'Node.js 20',
          cycle: '20',
          ends: '2026-04-30',
          ended: true,
          link: 'https://endoflife.date/nodejs',
          source: 'endoflife.date, snapshot of 2026-08-22 (shipped with Shipshape)',
          note: null,
          kept_by: null,
        },
      },
      {
        name: 'perl',
        version: '5.36.0-7+deb12u4',
        arch: 'amd64',
        no_source: false,
        automatic: false,
        upgradable_to: null,
        life: {
          product: 'Perl 5.36',
          cycle: '5.36',
          ends: '2025-05-27',
          ended: true,
          link: 'https://endoflife.date/perl',
          source: 'endoflife.date, snapshot of 2026-08-22 (shipped with Shipshape)',
          note: "this is Debian's own package: Debian keeps fixing its security holes",
          kept_by: 'Debian',
        },
      },
    ],
    programs: [],
    eol_source: {
      words: 'endoflife.date, snapshot of 2026-08-22 (shipped with Shipshape)',
      snapshot: '2026-08-22',
      imported: false,
      problem: null,
    },
    retire: [
      {
        id: 'nodejs',
        why: 'end_of_life',
        version: '20.20.2-1nodesource1',
        what: 'Node.js 20 reached its end of life on 2026-04-30.',
        todo: 'Move what uses it to a supported release of Node.js, then remove nodejs.',
        removable: true,
      },
    ],
    problems: [],
    ...fields,
  };
}

const byId = (id: string) => screen.getByTestId(id);

describe('Software', () => {
  it('shows the system’s support, dates with their source, and tells the distribution’s own packages apart', async () => {
    recordCommands({ inventory: () => inventory() });
    render(Software);
    await waitFor(() => expect(byId(testIds.softwareSystem).textContent).toContain('regular security support ended'));
    expect(byId(testIds.softwareSystem).dataset.level).toBe('warning');
    expect(byId(testIds.softwareSystem).textContent).toContain('Support ending');
    const rows = screen.getAllByTestId(testIds.softwareEol);
    expect(rows.map((r) => [r.dataset.name, r.dataset.ended])).toEqual([
      ['nodejs', 'true'],
      ['perl', 'false'],
    ]);
    expect(rows[1].textContent).toContain('Debian keeps fixing');
    expect(byId(testIds.softwareSource).textContent).toContain('snapshot of 2026-08-22');
  });

  it('removes chosen packages after their preview, with nothing removed when the preview refuses', async () => {
    const run = { id: 9, kind: 'retire', outcome: 'done', message: 'nodejs removed; a copy of each is kept.' } as UpdateRun;
    let refuse = true;
    const calls = recordCommands({
      inventory: () => inventory(),
      retire_preview: (args) => ({
        asked: args.names as string[],
        removes: [{ name: 'nodejs', version: '20.20.2', asked: true }, ...(refuse ? [{ name: 'npm', version: '9', asked: false }] : [])],
        refused: refuse ? 'Removing nodejs would also remove npm.' : null,
        words: refuse ? 'Removing nodejs would also remove npm.' : '1 package would be removed.',
      }),
      retire: () => run,
    });
    render(Software);
    await waitFor(() => expect(screen.getAllByTestId(testIds.softwareChoose)).toHaveLength(1));
    expect((byId(testIds.softwareRemove) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getAllByTestId(testIds.softwareChoose)[0]);
    await fireEvent.click(byId(testIds.softwareRemove));
    await waitFor(() => expect(byId(testIds.softwareRemoveDialog).textContent).toContain('would also remove npm'));
    expect((byId(testIds.softwareRemoveConfirm) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(byId(testIds.softwareRemoveCancel));
    refuse = false;
    await fireEvent.click(byId(testIds.softwareRemove));
    await waitFor(() => expect((byId(testIds.softwareRemoveConfirm) as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(byId(testIds.softwareRemoveConfirm));
    await waitFor(() => expect(byId(testIds.softwareRemoved).dataset.outcome).toBe('done'));
    expect(calls.retire_preview).toEqual([{ names: ['nodejs'] }, { names: ['nodejs'] }]);
    expect(calls.retire[0]).toMatchObject({ names: ['nodejs'] });
  });

  it('lists an rpm system with several kernels of one name and leaves removing to dnf', async () => {
    const kernel = (version: string) => ({
      name: 'kernel-core',
      version,
      arch: 'x86_64',
      no_source: false,
      automatic: false,
      upgradable_to: null,
      life: null,
    });
    recordCommands({
      inventory: () =>
        inventory({
          manager: 'rpm',
          packages: [kernel('5.14.0-1.el9'), kernel('5.14.0-2.el9'), kernel('5.14.0-3.el9')],
          retire: [
            {
              id: 'kernel-core-5.14.0-1.el9',
              why: 'old_kernel',
              version: '5.14.0-1.el9',
              what: 'An older kernel.',
              todo: 'Remove it to free space in /boot. With dnf: sudo dnf remove kernel-core-5.14.0-1.el9',
              removable: false,
            },
          ],
        }),
    });
    render(Software);
    await waitFor(() => expect(screen.getAllByTestId(testIds.softwareRetire)).toHaveLength(1));
    expect(byId(testIds.softwarePackages).textContent).toContain('kernel-core 5.14.0-2.el9');
    expect(screen.getByText(/sudo dnf remove kernel-core-5.14.0-1.el9/)).toBeTruthy();
    expect(screen.queryByTestId(testIds.softwareChoose)).toBeNull();
    expect(screen.queryByTestId(testIds.softwareRemove)).toBeNull();
  });

  it('says why the software could not be listed', async () => {
    recordCommands({ inventory: () => failWith({ code: 'io', message: 'apt could not be run.', hint: 'Check the package manager.' }) });
    render(Software);
    await waitFor(() => expect(byId(testIds.softwareError).textContent).toContain('apt could not be run.'));
  });
});
