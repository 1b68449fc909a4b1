import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { FleetComputer, Rollout, RolloutChange, RolloutPart } from '../../ipc';
import { failWith, recordCommands, report } from '../../ipc/testing';
import { testIds } from '../../testIds';
import Rollouts from './Rollouts.svelte';

function computer(id: number, name: string): FleetComputer {
  return {
    id,
    name,
    address: `root@${name}`,
    fingerprint: 'SHA256:abc',
    enrolled: '2026-12-05T08:00:00Z',
    by: 'maria',
    last_seen: null,
    report: null,
    problem: null,
  };
}

function part(computer: number, name: string, state: RolloutPart['state'], run: number | null = null): RolloutPart {
  return { computer, name, state, run, runs: [], began: null, words: `${name}: ${state}`, score_before: 90, alerts_before: 0 };
}

function rollout(fields: Partial<Rollout> = {}): Rollout {
  return {
    id: 1,
    plan: {
      change: { kind: 'package', name: 'hello' },
      pilot: [1],
      waves: [100],
      soak_minutes: 0,
      approval: 'ask',
      halt_percent: 0,
    },
    by: 'maria',
    started: '2026-12-05T09:00:00Z',
    finished: null,
    status: 'waiting',
    message: 'The Pilot ring is done; Wave 1 waits for your approval.',
    rings: [
      { name: 'Pilot', parts: [part(1, 'Reception PC', 'done', 4)], finished: '2026-12-05T09:01:00Z', approved_by: null },
      { name: 'Wave 1', parts: [part(2, 'Office PC', 'waiting')], finished: null, approved_by: null },
    ],
    current: 1,
    soak_until: null,
    steps: [],
    ...fields,
  };
}

const office = [computer(1, 'Reception PC'), computer(2, 'Office PC')];
const byId = (id: string) => screen.getByTestId(id);

describe('Rollouts', () => {
  it('starts a roll-out pilot first from the form, with progress, and shows each computer’s part', async () => {
    let list: Rollout[] = [];
    const calls = recordCommands({
      rollouts: () => list,
      rollout_start: (args) => {
        report(args, { done: 1, total: 1 });
        list = [rollout()];
        return list[0];
      },
    });
    render(Rollouts, { computers: office, onchanged: () => {} });
    await fireEvent.click(byId(testIds.rolloutNew));
    await fireEvent.input(byId(testIds.rolloutPackage), { target: { value: 'hello' } });
    const pilots = screen.getAllByTestId(testIds.rolloutPilot);
    await fireEvent.click(pilots[0]);
    await fireEvent.input(byId(testIds.rolloutWaves), { target: { value: '100' } });
    await fireEvent.click(byId(testIds.rolloutStart));
    await waitFor(() => expect(byId(testIds.rolloutItem).dataset.status).toBe('waiting'));
    expect(calls.rollout_start[0].plan).toEqual({
      change: { kind: 'package', name: 'hello' },
      pilot: [1],
      waves: [100],
      soak_minutes: 0,
      approval: 'ask',
      halt_percent: 0,
    });
    const parts = screen.getAllByTestId(testIds.rolloutPart);
    expect(parts.map((p) => [p.dataset.name, p.dataset.state])).toEqual([
      ['Reception PC', 'done'],
      ['Office PC', 'waiting'],
    ]);
    expect(byId(testIds.rolloutItem).textContent).toContain('Waiting for your approval');
    expect(byId(testIds.rolloutApprove)).toBeTruthy();
    expect(byId(testIds.rolloutRollback)).toBeTruthy();
  });

  it('rolls out a package file with its checksum', async () => {
    const calls = recordCommands({
      rollouts: () => [],
      rollout_start: () => rollout({ status: 'done', message: 'Done.' }),
    });
    render(Rollouts, { computers: office, onchanged: () => {} });
    await fireEvent.click(byId(testIds.rolloutNew));
    await fireEvent.click(byId(testIds.rolloutFileKind));
    expect((byId(testIds.rolloutStart) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(byId(testIds.rolloutFile), { target: { value: '/srv/app_1.0_all.deb' } });
    await fireEvent.input(byId(testIds.rolloutSha256), { target: { value: 'AB'.repeat(32) } });
    await fireEvent.click(byId(testIds.rolloutStart));
    await waitFor(() => expect(calls.rollout_start).toHaveLength(1));
    expect(calls.rollout_start[0].plan).toMatchObject({
      change: { kind: 'file', path: '/srv/app_1.0_all.deb', sha256: 'ab'.repeat(32) },
    });
  });

  it('rolls out a deployment plan read from its file, and says why a plan is refused', async () => {
    const change: RolloutChange = {
      kind: 'plan',
      name: 'Office app 2.0',
      stages: [
        { name: 'Server', changes: [{ kind: 'package', name: 'office-server' }] },
        { name: 'Client', changes: [{ kind: 'package', name: 'office-client' }] },
      ],
      gates: [{ kind: 'port_answers', port: 8080 }],
    };
    let refuse = true;
    const calls = recordCommands({
      rollouts: () => (calls.rollout_start ? [rollout({ plan: { ...rollout().plan, change } })] : []),
      rollout_plan_change: () =>
        refuse
          ? failWith({
              code: 'invalid_input',
              message: 'The plan’s program tool-1.0.tar.gz goes into /opt on this computer only.',
              hint: 'Install the program here from the Install screen.',
            })
          : change,
      rollout_start: () => rollout({ status: 'done', message: 'Done.' }),
    });
    render(Rollouts, { computers: office, onchanged: () => {} });
    await fireEvent.click(byId(testIds.rolloutNew));
    await fireEvent.click(byId(testIds.rolloutPlanKind));
    expect((byId(testIds.rolloutStart) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(byId(testIds.rolloutPlanFile), { target: { value: ' /srv/plan.json ' } });
    await fireEvent.click(byId(testIds.rolloutStart));
    await waitFor(() => expect(byId(testIds.rolloutDialog).textContent).toContain('goes into /opt on this computer only'));
    expect(calls.rollout_start).toBeUndefined();
    refuse = false;
    await fireEvent.click(byId(testIds.rolloutStart));
    await waitFor(() => expect(calls.rollout_start).toHaveLength(1));
    expect(calls.rollout_plan_change).toEqual([{ path: '/srv/plan.json' }, { path: '/srv/plan.json' }]);
    expect(calls.rollout_start[0].plan).toMatchObject({ change });
    await waitFor(() => expect(byId(testIds.rolloutItem).textContent).toContain('Carry out the plan “Office app 2.0” (2 stages)'));
  });

  it('refuses waves that are not shares, and asks nothing', async () => {
    const calls = recordCommands({ rollouts: () => [] });
    render(Rollouts, { computers: office, onchanged: () => {} });
    await fireEvent.click(byId(testIds.rolloutNew));
    await fireEvent.click(byId(testIds.rolloutSecurity));
    await fireEvent.input(byId(testIds.rolloutWaves), { target: { value: 'half, all' } });
    await fireEvent.click(byId(testIds.rolloutStart));
    await waitFor(() => expect(byId(testIds.rolloutDialog).textContent).toContain('is not a list of shares'));
    expect(calls.rollout_start).toBeUndefined();
  });

  it('writes the same plan as an Ansible playbook into a folder, and says why when it cannot', async () => {
    let refuse = true;
    const calls = recordCommands({
      rollouts: () => [],
      fleet_export_ansible: (args) => {
        if (refuse) failWith({ code: 'invalid_input', message: '/srv/x already holds playbook.yml, so nothing was written.', hint: 'Choose an empty folder.' });
        return {
          folder: args.folder,
          files: ['inventory.ini', 'playbook.yml', 'known_hosts'],
          computers: 2,
          serial: [1, 1],
          run: 'ansible-playbook -i /srv/office/inventory.ini /srv/office/playbook.yml',
        };
      },
    });
    render(Rollouts, { computers: office, onchanged: () => {} });
    await fireEvent.click(byId(testIds.rolloutNew));
    await fireEvent.input(byId(testIds.rolloutPackage), { target: { value: 'hello' } });
    await fireEvent.click(screen.getAllByTestId(testIds.rolloutPilot)[1]);
    await fireEvent.input(byId(testIds.rolloutAnsibleFolder), { target: { value: '/srv/x' } });
    await fireEvent.click(byId(testIds.rolloutAnsibleWrite));
    await waitFor(() => expect(byId(testIds.rolloutDialog).textContent).toContain('already holds playbook.yml'));
    refuse = false;
    await fireEvent.input(byId(testIds.rolloutAnsibleFolder), { target: { value: '/srv/office' } });
    await fireEvent.click(byId(testIds.rolloutAnsibleWrite));
    await waitFor(() => expect(byId(testIds.rolloutAnsibleWritten).textContent).toContain('ansible-playbook -i /srv/office/inventory.ini'));
    expect(calls.fleet_export_ansible[1]).toMatchObject({ folder: '/srv/office', plan: { pilot: [2], waves: [25, 100] } });
    expect(calls.rollout_start).toBeUndefined();
  });

  it('approves the next ring, and rolls a halted roll-out back', async () => {
    let list: Rollout[] = [rollout()];
    const calls = recordCommands({
      rollouts: () => list,
      rollout_continue: () => {
        list = [
          rollout({
            status: 'halted',
            message: 'Halted: 1 of 1 computers in the Wave 1 ring failed.',
            rings: [
              { name: 'Pilot', parts: [part(1, 'Reception PC', 'done', 4)], finished: 'x', approved_by: 'maria' },
              { name: 'Wave 1', parts: [part(2, 'Office PC', 'failed')], finished: null, approved_by: null },
            ],
          }),
        ];
        return list[0];
      },
      rollout_rollback: () => {
        list = [rollout({ status: 'rolled_back', message: 'Rolled back.' })];
        return list[0];
      },
    });
    render(Rollouts, { computers: office, onchanged: () => {} });
    await waitFor(() => expect(byId(testIds.rolloutApprove)).toBeTruthy());
    await fireEvent.click(byId(testIds.rolloutApprove));
    await waitFor(() => expect(byId(testIds.rolloutItem).dataset.status).toBe('halted'));
    expect(calls.rollout_continue[0]).toMatchObject({ id: 1, approve: true });
    expect(screen.queryByTestId(testIds.rolloutContinue)).toBeNull();
    expect(byId(testIds.rolloutItem).textContent).toContain('approved by maria');
    await fireEvent.click(byId(testIds.rolloutRollback));
    await waitFor(() => expect(byId(testIds.rolloutItem).dataset.status).toBe('rolled_back'));
    expect(calls.rollout_rollback[0]).toMatchObject({ id: 1 });
  });
});
