import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Deployment, DeploymentPlan } from '../../ipc';
import { failWith, recordCommands } from '../../ipc/testing';
import { testIds } from '../../testIds';
import Deployments from './Deployments.svelte';

const plan: DeploymentPlan = {
  name: 'Office server and client',
  method: 'phased',
  stages: [
    { name: 'Server', parts: [{ kind: 'package', name: 'office-server', keep: [] }] },
    { name: 'Client', parts: [{ kind: 'file', file: '/srv/office-client_2.0_all.deb', trust: { by: 'digest', algorithm: 'sha256', hex: 'ab'.repeat(32) }, allow_downgrade: false, keep: [] }] },
  ],
  gates: [{ kind: 'port_answers', port: 8080 }],
  approval: 'ask',
  soak_minutes: 0,
};

function deployment(fields: Partial<Deployment>): Deployment {
  return {
    id: 4,
    plan,
    by: 'maria',
    started: '2026-12-05T08:00:00Z',
    finished: null,
    status: 'waiting',
    message: 'Server is installed and its health checks passed. The next stage, Client, waits for your approval.',
    stages: [
      {
        name: 'Server',
        runs: [7],
        gates: [{ gate: { kind: 'port_answers', port: 8080 }, passed: true, words: 'Port 8080 answers.', time: '2026-12-05T08:01:00Z' }],
        approved: null,
      },
    ],
    soak_until: null,
    repeats: null,
    steps: [],
    ...fields,
  };
}

const byId = (id: string) => screen.getByTestId(id);

describe('Deployments', () => {
  it('reads a plan file and shows it before deploying, then goes on with the next stage only when approved', async () => {
    let list: Deployment[] = [];
    const calls = recordCommands({
      deploy_list: () => list,
      deploy_plan_file: () => plan,
      deploy_start: () => (list = [deployment({})])[0],
      deploy_approve: () => (list = [deployment({ status: 'done', message: 'Every stage is installed and its health checks passed.' })])[0],
    });
    const ondeployed = vi.fn();
    render(Deployments, { ondeployed });
    await waitFor(() => byId(testIds.deploymentsEmpty));
    await fireEvent.input(byId(testIds.deployPlanPath), { target: { value: '/home/maria/plan.json' } });
    await fireEvent.click(byId(testIds.deployPlanRead));
    await waitFor(() => byId(testIds.deployPlan));
    const shown = byId(testIds.deployPlan).textContent ?? '';
    expect(shown).toContain('Phased');
    expect(shown).toContain('Client: office-client_2.0_all.deb');
    expect(shown).toContain('port 8080 answers');
    expect(calls.deploy_start).toBeUndefined();

    await fireEvent.click(byId(testIds.deployStart));
    await waitFor(() => expect(byId(testIds.deploymentRow).dataset.status).toBe('waiting'));
    expect(calls.deploy_start[0].plan).toEqual(plan);
    expect(ondeployed).toHaveBeenCalled();
    expect(byId(testIds.deploymentRow).textContent).toContain('✓ Port 8080 answers.');
    expect(byId(testIds.deployApprove).textContent).toContain('Go on with Client');

    await fireEvent.click(byId(testIds.deployApprove));
    await waitFor(() => expect(byId(testIds.deploymentRow).dataset.status).toBe('done'));
    expect(calls.deploy_approve[0].id).toBe(4);
  });

  it('checks a pilot being watched, rolls it back, and repeats a deployment that ended', async () => {
    let list = [deployment({ status: 'soaking', message: 'Watched until 09:00.' })];
    const calls = recordCommands({
      deploy_list: () => list,
      deploy_check: () => list[0],
      deploy_rollback: () => (list = [deployment({ status: 'rolled_back', message: 'Rolled back by maria.' })])[0],
      deploy_repeat: () => failWith({ code: 'needs_admin', message: 'The administrator password was not given.', hint: 'Try again.' }),
      deploy_record: (args) => ({ path: args.path, format: args.format, run: args.id }),
    });
    render(Deployments, { ondeployed: () => {} });
    await waitFor(() => byId(testIds.deployCheck));
    await fireEvent.click(byId(testIds.deployCheck));
    await waitFor(() => expect(calls.deploy_check).toEqual([{ id: 4 }]));
    await fireEvent.click(byId(testIds.deployRollback));
    await waitFor(() => expect(byId(testIds.deploymentRow).dataset.status).toBe('rolled_back'));
    expect(screen.queryByTestId(testIds.deployRollback)).toBeNull();
    await fireEvent.click(byId(testIds.deployRepeat));
    await waitFor(() => byId(testIds.deployError));
    expect(byId(testIds.deployError).dataset.code).toBe('needs_admin');

    await fireEvent.click(byId(testIds.deployRecord));
    await waitFor(() => byId(testIds.recordDialog));
    expect(byId(testIds.recordDialog).textContent).toContain('who approved it');
    await fireEvent.input(byId(testIds.recordPath), { target: { value: '/home/maria/deployment.html' } });
    await fireEvent.click(byId(testIds.recordSave));
    await waitFor(() => byId(testIds.recordDone));
    expect(calls.deploy_record).toEqual([{ id: 4, format: 'html', path: '/home/maria/deployment.html' }]);
  });

  it('says why a plan file cannot be deployed', async () => {
    recordCommands({
      deploy_list: () => [],
      deploy_plan_file: () =>
        failWith({ code: 'invalid_input', message: 'A phased plan installs in at least two stages.', hint: 'Add a second stage.' }),
    });
    render(Deployments, { ondeployed: () => {} });
    await fireEvent.input(byId(testIds.deployPlanPath), { target: { value: '/home/maria/plan.json' } });
    await fireEvent.click(byId(testIds.deployPlanRead));
    await waitFor(() => byId(testIds.deployError));
    expect(byId(testIds.deployError).textContent).toContain('at least two stages');
    expect(screen.queryByTestId(testIds.deployStart)).toBeNull();
  });
});
