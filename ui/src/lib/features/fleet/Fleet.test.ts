import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { FleetComputer, FleetReport } from '../../ipc';
import { failWith, recordCommands, report as reportProgress } from '../../ipc/testing';
import { testIds } from '../../testIds';
import Fleet from './Fleet.svelte';
import { cell } from './labels';

function report(fields: Partial<FleetReport> = {}): FleetReport {
  return {
    computer: 'reception',
    system: 'Debian GNU/Linux 12 (bookworm)',
    version: '0.1.0',
    made: '2026-12-05T09:00:00Z',
    score: 84,
    scanned: '2026-12-05T09:00:00Z',
    findings: 6,
    security_updates: 0,
    updates: 3,
    last_backup: '2026-12-05T02:00:00Z: done',
    last_backup_ok: true,
    restore_test: '2026-12-04T03:00:00Z: passed',
    restore_test_ok: true,
    open_alerts: 0,
    support: 'Debian 12 is supported.',
    support_level: 'ending',
    last_review: '2026-10-01',
    review_overdue: false,
    open_incidents: 1,
    ...fields,
  };
}

function computer(fields: Partial<FleetComputer> = {}): FleetComputer {
  return {
    id: 1,
    name: 'Reception PC',
    address: 'shipshape@reception',
    fingerprint: 'SHA256:abc',
    enrolled: '2026-12-05T08:00:00Z',
    by: 'maria',
    last_seen: '2026-12-05T09:00:00Z',
    report: report(),
    problem: null,
    ...fields,
  };
}

const byId = (id: string) => screen.getByTestId(id);

describe('Fleet', () => {
  it('shows each computer in the grid with words and colours, and one not reached with why', async () => {
    recordCommands({
      rollouts: () => [],
      fleet_list: () => [
        computer(),
        computer({ id: 2, name: 'Office PC', report: null, last_seen: null, problem: 'Shipshape cannot reach office (connection refused).' }),
      ],
    });
    render(Fleet);
    await waitFor(() => expect(screen.getAllByTestId(testIds.fleetRow)).toHaveLength(2));
    const [first, second] = screen.getAllByTestId(testIds.fleetRow);
    expect(first.dataset.reached).toBe('Reached');
    const cells = [...first.querySelectorAll<HTMLElement>(`[data-testid="${testIds.fleetCell}"]`)];
    expect(cells.map((c) => [c.dataset.column, c.dataset.level])).toEqual([
      ['security', 'good'],
      ['updates', 'good'],
      ['backup', 'good'],
      ['alerts', 'good'],
      ['support', 'warning'],
      ['review', 'good'],
      ['incidents', 'warning'],
    ]);
    expect(second.dataset.reached).toBe('Not reached');
    expect(second.textContent).toContain('connection refused');
  });

  it('adds a computer only once its fingerprint is confirmed, then checks all with progress', async () => {
    let list: FleetComputer[] = [];
    const calls = recordCommands({
      rollouts: () => [],
      fleet_list: () => list,
      fleet_look: () => ({
        address: 'root@pc',
        fingerprint: 'SHA256:NCvqoHtHnmaT7CKKc+oni+ku3qvj7AQK5aranoUx98s',
        key_line: 'restrict,command="shipshape fleet serve" ssh-ed25519 AAAA shipshape-fleet@console',
        add_to: '~root/.ssh/authorized_keys on pc',
        prepare: `sudo shipshape fleet prepare --key 'restrict,command="shipshape fleet serve" ssh-ed25519 AAAA shipshape-fleet@console'`,
        setup_line: 'restrict,expiry-time="202612051800Z" ssh-ed25519 AAAA shipshape-fleet@console',
        setup_for: 'for one hour',
      }),
      fleet_enrol: () => {
        list = [computer()];
        return list[0];
      },
      fleet_check: (args) => {
        reportProgress(args, { done: 1, total: 1 });
        return list;
      },
    });
    render(Fleet);
    await waitFor(() => expect(byId(testIds.fleetAdd)).toBeTruthy());
    await fireEvent.click(byId(testIds.fleetAdd));
    await fireEvent.input(byId(testIds.fleetAddress), { target: { value: 'root@pc' } });
    await fireEvent.input(byId(testIds.fleetName), { target: { value: 'Reception PC' } });
    await fireEvent.click(byId(testIds.fleetLook));
    await waitFor(() => expect(byId(testIds.fleetFingerprint).textContent).toContain('SHA256:NCvq'));
    expect(byId(testIds.fleetKeyLine).textContent).toContain('command="shipshape fleet serve"');
    expect(byId(testIds.fleetPrepare).textContent).toMatch(/^sudo shipshape fleet prepare --key 'restrict,/);
    expect((byId(testIds.fleetEnrol) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(byId(testIds.fleetSame));
    await fireEvent.click(byId(testIds.fleetEnrol));
    await waitFor(() => expect(screen.getAllByTestId(testIds.fleetRow)).toHaveLength(1));
    expect(calls.fleet_enrol).toEqual([
      { address: 'root@pc', name: 'Reception PC', fingerprint: 'SHA256:NCvqoHtHnmaT7CKKc+oni+ku3qvj7AQK5aranoUx98s' },
    ]);
    await fireEvent.click(byId(testIds.fleetCheck));
    await waitFor(() => expect(calls.fleet_check).toHaveLength(1));
  });

  it('sets Shipshape up where it is not installed, from root\'s address, its package file and SHA-256', async () => {
    let list: FleetComputer[] = [];
    const look = {
      fingerprint: 'SHA256:NCvqoHtHnmaT7CKKc+oni+ku3qvj7AQK5aranoUx98s',
      key_line: 'restrict,command="shipshape fleet serve" ssh-ed25519 AAAA shipshape-fleet@console',
      add_to: '~root/.ssh/authorized_keys on pc',
      prepare: "sudo shipshape fleet prepare --key '…'",
      setup_line: 'restrict,expiry-time="202612051800Z" ssh-ed25519 AAAA shipshape-fleet@console',
      setup_for: 'for one hour',
    };
    let refuse = true;
    const calls = recordCommands({
      rollouts: () => [],
      fleet_list: () => list,
      fleet_look: (args) => ({ ...look, address: (args as { address: string }).address }),
      fleet_set_up: () => {
        if (refuse) {
          return failWith({
            code: 'file_changed',
            message: '/tmp/shipshape.deb has SHA-256 1111, not the 2222 given, so it was not sent.',
            hint: 'Check the SHA-256 against the release’s checksum list.',
          });
        }
        list = [computer({ address: 'shipshape-fleet@pc' })];
        return list[0];
      },
    });
    render(Fleet);
    await waitFor(() => expect(byId(testIds.fleetAdd)).toBeTruthy());
    await fireEvent.click(byId(testIds.fleetAdd));
    // Another account than root: told to give root's address.
    await fireEvent.input(byId(testIds.fleetAddress), { target: { value: 'maria@pc' } });
    await fireEvent.click(byId(testIds.fleetLook));
    await waitFor(() => expect(byId(testIds.fleetSetup).textContent).toContain("give root's address"));
    expect(screen.queryByTestId(testIds.fleetSetupLine)).toBeNull();
    await fireEvent.click(screen.getByText('Back'));
    await fireEvent.input(byId(testIds.fleetAddress), { target: { value: 'root@pc' } });
    await fireEvent.input(byId(testIds.fleetName), { target: { value: 'Reception PC' } });
    await fireEvent.click(byId(testIds.fleetLook));
    await waitFor(() => expect(byId(testIds.fleetSetupLine).textContent).toContain('expiry-time='));
    // Plain enrolment until a package file is given.
    expect(screen.queryByTestId(testIds.fleetSetUp)).toBeNull();
    await fireEvent.input(byId(testIds.fleetSetupPackage), { target: { value: '/tmp/shipshape.deb' } });
    const button = byId(testIds.fleetSetUp) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    await fireEvent.click(byId(testIds.fleetSame));
    expect(button.disabled).toBe(true);
    await fireEvent.input(byId(testIds.fleetSetupSha256), { target: { value: ' 2222 ' } });
    expect(button.disabled).toBe(false);
    await fireEvent.click(button);
    await waitFor(() => expect(byId(testIds.fleetAddDialog).textContent).toContain('not the 2222 given'));
    expect(screen.queryAllByTestId(testIds.fleetRow)).toHaveLength(0);
    refuse = false;
    await fireEvent.click(byId(testIds.fleetSetUp));
    await waitFor(() => expect(screen.getAllByTestId(testIds.fleetRow)).toHaveLength(1));
    const asked = { address: 'root@pc', name: 'Reception PC', fingerprint: look.fingerprint, package: '/tmp/shipshape.deb', sha256: '2222' };
    expect(calls.fleet_set_up).toEqual([{ asked }, { asked }]);
    expect(calls.fleet_enrol).toBeUndefined();
  });

  it('says why a computer could not be looked at, and adds nothing', async () => {
    const calls = recordCommands({
      fleet_list: () => [],
      fleet_look: () =>
        failWith({ code: 'invalid_input', message: '“pc” is not an address Shipshape can use: it does not say which account to use (USER@).', hint: 'Write it as USER@HOST.' }),
    });
    render(Fleet);
    await waitFor(() => expect(byId(testIds.fleetAdd)).toBeTruthy());
    await fireEvent.click(byId(testIds.fleetAdd));
    await fireEvent.input(byId(testIds.fleetAddress), { target: { value: 'pc' } });
    await fireEvent.click(byId(testIds.fleetLook));
    await waitFor(() => expect(byId(testIds.fleetAddDialog).textContent).toContain('which account'));
    expect(calls.fleet_enrol).toBeUndefined();
  });

  it('opens a computer’s own screen read from it, and says why when it does not answer', async () => {
    let answer = true;
    const calls = recordCommands({
      rollouts: () => [],
      fleet_list: () => [computer()],
      fleet_details: () => {
        if (!answer) failWith({ code: 'not_now', message: 'Shipshape cannot reach reception (connection refused).', hint: 'Check that it is on.' });
        return {
          report: report(),
          findings: [
            {
              id: 'ssh.root_login',
              area: 'network',
              title: 'SSH lets root log in',
              severity: 'high',
              status: 'fail',
              why: 'why',
              detail: 'PermitRootLogin yes',
              evidence: [],
              remediation: '',
              fixable: true,
              references: [],
              accepted: null,
            },
          ],
          updates: [
            {
              name: 'openssl',
              arch: 'amd64',
              installed: '3.0.11-1',
              candidate: '3.0.15-1',
              security: true,
              sources: [],
              download_bytes: 0,
              installed_kib: 0,
              summary: '',
              needs_restart: false,
            },
          ],
          alerts: [],
        };
      },
    });
    render(Fleet);
    await waitFor(() => expect(byId(testIds.fleetDetailsOpen)).toBeTruthy());
    await fireEvent.click(byId(testIds.fleetDetailsOpen));
    await waitFor(() => expect(screen.getAllByTestId(testIds.fleetDetailsFinding)).toHaveLength(1));
    expect(byId(testIds.fleetDetailsFinding).dataset.status).toBe('fail');
    expect(byId(testIds.fleetDetailsUpdate).textContent).toContain('3.0.11-1 → 3.0.15-1 (security)');
    expect(byId(testIds.fleetDetails).textContent).toContain('No open alert.');
    expect(calls.fleet_details).toEqual([{ id: 1 }]);
    answer = false;
    await fireEvent.click(screen.getByText('Close'));
    // A cell of the grid leads there too.
    await fireEvent.click(screen.getAllByTestId(testIds.fleetCell)[0].querySelector('button') as HTMLElement);
    await waitFor(() => expect(byId(testIds.fleetDetails).textContent).toContain('cannot reach reception'));
  });

  it('words a cell from the report', () => {
    expect(cell(report({ security_updates: 2 }), 'updates')).toEqual({ words: '2 security updates wait', level: 'danger' });
    expect(cell(report({ last_backup_ok: null }), 'backup').words).toBe('No backup');
    expect(cell(report({ restore_test_ok: false }), 'backup').level).toBe('danger');
    expect(cell(null, 'security').level).toBe('neutral');
  });
});
