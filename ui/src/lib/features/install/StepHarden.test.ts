import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Hardening, Preview, UpdateRun } from '../../ipc';
import { failWith, pendingJob, recordCommands } from '../../ipc/testing';
import { testIds } from '../../testIds';
import { installedRun } from './fixtures';
import { scoreWords } from './labels';
import StepHarden from './StepHarden.svelte';

const service: Hardening = {
  id: 'service:office-app.service',
  package: 'office-app',
  what: 'office-app.service starts with the computer',
  why: 'office-app switched this service on.',
  found: { kind: 'service', unit: 'office-app.service', starts_at_boot: true, running: false },
  answer: null,
};
const password: Hardening = {
  id: 'password:/etc/office-app.conf:admin_password',
  package: 'office-app',
  what: '/etc/office-app.conf sets admin_password to a well-known default password',
  why: 'Anyone who knows the program knows this password.',
  found: { kind: 'default_password', file: '/etc/office-app.conf', key: 'admin_password' },
  answer: null,
};
const port: Hardening = {
  id: 'port:tcp 0.0.0.0:8080 (office-app)',
  package: '',
  what: 'Began listening on the network: tcp 0.0.0.0:8080 (office-app)',
  why: 'Other computers may be able to reach it.',
  found: { kind: 'port', socket: 'tcp 0.0.0.0:8080 (office-app)' },
  answer: null,
};
const preview: Preview = {
  check_id: 'installed-service:office-app.service',
  title: 'Switch off office-app.service',
  steps: [{ target: '/etc/systemd/system/multi-user.target.wants/office-app.service', summary: 'Remove the link that starts it', diff: '', command: '' }],
  notes: ['Undo starts the service again.'],
};

function answered(run: UpdateRun, id: string, done: boolean, words: string): UpdateRun {
  return {
    ...run,
    hardening: run.hardening.map((h) =>
      h.id === id ? { ...h, answer: { time: '2026-12-05T08:00:00Z', by: 'maria', done, words, change: done ? 4 : null } } : h,
    ),
  };
}

describe('StepHarden', () => {
  it('switches a service off only after showing what changes, keeps a port, and moves a password', async () => {
    let current: UpdateRun = { ...installedRun, hardening: [service, password, port] };
    const scan = pendingJob<{ score: number }>();
    const calls = recordCommands({
      security_latest: () => ({ score: 80 }),
      security_scan: scan.handler,
      install_harden_switch_off_preview: () => preview,
      install_harden_switch_off: () => (current = answered(current, service.id, true, 'Switched off office-app.service (change 4)')),
      install_harden_keep: () => (current = answered(current, port.id, false, 'Kept as it is')),
      install_harden_password: () =>
        failWith({ code: 'needs_admin', message: 'The administrator password was not given.', hint: 'Try again.' }),
    });
    const onanswered = vi.fn((r: UpdateRun) => rerender({ run: r, onanswered }));
    const { rerender } = render(StepHarden, { run: current, onanswered });
    const rows = () => screen.getAllByTestId(testIds.hardenItem);
    expect(rows().map((r) => r.dataset.kind)).toEqual(['service', 'default_password', 'port']);
    // A port has only Keep: it is closed by switching off its service.
    expect(rows()[2].querySelector(`[data-testid="${testIds.hardenPassword}"]`)).toBeNull();

    await fireEvent.click(screen.getByTestId(testIds.hardenSwitchOff));
    await waitFor(() => screen.getByTestId(testIds.hardenPreview));
    expect(screen.getByTestId(testIds.hardenPreview).textContent).toContain('Remove the link that starts it');
    expect(calls.install_harden_switch_off).toBeUndefined();
    await fireEvent.click(screen.getByTestId(testIds.hardenConfirm));
    await waitFor(() => expect(rows()[0].dataset.answered).toBe('done'));
    expect(calls.install_harden_switch_off).toEqual([{ run: installedRun.id, item: service.id, seen: preview }]);
    expect(rows()[0].textContent).toContain('Switched off office-app.service (change 4)');

    await fireEvent.click(rows()[2].querySelector(`[data-testid="${testIds.hardenKeep}"]`) as HTMLElement);
    await waitFor(() => expect(rows()[2].dataset.answered).toBe('kept'));

    // A refusal is shown on its row, in words, and nothing is marked answered.
    await fireEvent.click(screen.getByTestId(testIds.hardenPassword));
    await waitFor(() => screen.getByTestId(testIds.hardenError));
    expect(screen.getByTestId(testIds.hardenError).dataset.code).toBe('needs_admin');
    expect(rows()[1].dataset.answered).toBe('');

    scan.finish({ score: 84 });
    await waitFor(() => expect(screen.getByTestId(testIds.installScore).dataset.after).toBe('84'));
    expect(screen.getByTestId(testIds.installScore).textContent).toContain('up 4 from 80');
  });

  it('moves sample content aside and says where its copy is kept', async () => {
    const sample: Hardening = {
      id: 'sample:/var/www/office-app/examples',
      package: 'office-app',
      what: 'Sample content where a web server serves it: /var/www/office-app/examples',
      why: 'Examples tell anyone who finds them what runs here.',
      found: { kind: 'sample_data', path: '/var/www/office-app/examples' },
      answer: null,
    };
    const current: UpdateRun = { ...installedRun, hardening: [sample] };
    const words =
      'Moved /var/www/office-app/examples away from where it is served; a copy is kept in /var/lib/shipshape/sample-data/7-20261205T080000/examples';
    const calls = recordCommands({
      security_latest: () => null,
      security_scan: pendingJob().handler,
      install_harden_remove_sample: () => answered(current, sample.id, true, words),
    });
    const onanswered = vi.fn((r: UpdateRun) => rerender({ run: r, onanswered }));
    const { rerender } = render(StepHarden, { run: current, onanswered });
    const button = screen.getByTestId(testIds.hardenRemoveSample);
    expect(button.textContent).toContain('a copy is kept');
    expect(screen.queryByTestId(testIds.hardenPassword)).toBeNull();
    await fireEvent.click(button);
    const row = () => screen.getByTestId(testIds.hardenItem);
    await waitFor(() => expect(row().dataset.answered).toBe('done'));
    expect(calls.install_harden_remove_sample).toEqual([{ run: installedRun.id, item: sample.id }]);
    expect(row().textContent).toContain('a copy is kept in /var/lib/shipshape/sample-data');
  });

  it('says plainly when there is nothing to make safe', () => {
    recordCommands({ security_latest: () => null, security_scan: pendingJob().handler });
    render(StepHarden, { run: { ...installedRun, hardening: [] }, onanswered: () => {} });
    expect(screen.getByTestId(testIds.installHarden).textContent).toContain('found nothing to make safe');
  });

  it('puts the score change in words', () => {
    expect(scoreWords(null, 70)).toBe('Security score now: 70 of 100.');
    expect(scoreWords(70, 70)).toContain('the same as before');
    expect(scoreWords(80, 72)).toContain('down 8 from 80');
  });
});
