import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { Ticket, TicketMove } from '../../ipc';
import { failWith, recordCommands } from '../../ipc/testing';
import { testIds } from '../../testIds';
import Incidents from './Incidents.svelte';
import OpenIncident from '../../components/OpenIncident.svelte';

function ticket(fields: Partial<Ticket> = {}): Ticket {
  return {
    id: 1,
    title: 'Backup disk full',
    what: 'The nightly backup failed.',
    computer: 'office-pc',
    impact: 'high',
    urgency: 'medium',
    priority: 'high',
    status: 'open',
    hold: null,
    resolution: null,
    prevention: null,
    links: [],
    timeline: [{ time: '2026-12-05T09:00:00Z', by: 'maria', what: 'Opened, priority high (impact high, urgency medium).' }],
    opened: '2026-12-05T09:00:00Z',
    by: 'maria',
    updated: '2026-12-05T09:00:00Z',
    ...fields,
  };
}

const byId = (id: string) => screen.getByTestId(id);

describe('Incidents', () => {
  it('opens an incident by hand, holds it with a reminder and resolves it with what would stop it again', async () => {
    let current: Ticket[] = [];
    const calls = recordCommands({
      tickets_list: () => current,
      ticket_open: (args) => {
        const t = ticket({ title: (args.new as { title: string }).title });
        current = [t];
        return t;
      },
      ticket_status: (args) => {
        const to = args.to as TicketMove;
        const t = ticket({
          status: to.to,
          hold: to.to === 'on_hold' ? { reason: to.reason, remind: to.remind } : null,
          resolution: to.to === 'resolved' ? to.done : null,
        });
        current = [t];
        return t;
      },
    });
    render(Incidents);
    await waitFor(() => expect(byId(testIds.incidents).textContent).toContain('No incidents yet.'));
    await fireEvent.click(byId(testIds.incidentNew));
    await fireEvent.input(byId(testIds.incidentTitle), { target: { value: 'Backup disk full' } });
    await fireEvent.change(byId(testIds.incidentImpact), { target: { value: 'high' } });
    await fireEvent.click(byId(testIds.incidentCreate));
    await waitFor(() => expect(byId(testIds.incidentDialog).textContent).toContain('Incident 1: Backup disk full'));
    expect(calls.ticket_open[0]).toEqual({
      new: { title: 'Backup disk full', what: '', impact: 'high', urgency: 'medium', links: [] },
    });
    await fireEvent.click(byId(testIds.incidentHold));
    await fireEvent.input(byId(testIds.incidentReason), { target: { value: 'waiting for a disk' } });
    await fireEvent.input(byId(testIds.incidentRemind), { target: { value: '2026-12-20' } });
    await fireEvent.click(byId(testIds.incidentSave));
    await waitFor(() => expect(byId(testIds.incidentDialog).textContent).toContain('reminder on 2026-12-20'));
    await fireEvent.click(byId(testIds.incidentResolve));
    await fireEvent.input(byId(testIds.incidentDone), { target: { value: 'New disk.' } });
    await fireEvent.input(byId(testIds.incidentPrevention), { target: { value: 'An alert when it is 80 % full.' } });
    await fireEvent.click(byId(testIds.incidentSave));
    await waitFor(() => expect(byId(testIds.incidentDialog).textContent).toContain('Done: New disk.'));
    expect(calls.ticket_status).toEqual([
      { id: 1, to: { to: 'on_hold', reason: 'waiting for a disk', remind: '2026-12-20' } },
      { id: 1, to: { to: 'resolved', done: 'New disk.', prevention: 'An alert when it is 80 % full.' } },
    ]);
    // Resolved incidents leave the default list.
    await waitFor(() => expect(within(byId(testIds.incidents)).queryAllByTestId(testIds.incidentRow)).toHaveLength(0));
  });

  it('says when a link is gone and offers to resolve once its alert cleared', async () => {
    const links = [
      { kind: 'alert' as const, id: '4', title: 'Disk full', evidence: 'Raised', linked: '', gone: false, cleared: true },
      { kind: 'run' as const, id: '9', title: 'Run 9 failed', evidence: 'apt said', linked: '', gone: true, cleared: false },
    ];
    const calls = recordCommands({
      tickets_list: () => [ticket({ links })],
      ticket_status: () => ticket({ status: 'resolved', resolution: 'The alert cleared.' }),
    });
    render(Incidents);
    await waitFor(() => expect(screen.getAllByTestId(testIds.incidentRow)).toHaveLength(1));
    await fireEvent.click(within(screen.getAllByTestId(testIds.incidentRow)[0]).getByRole('button'));
    const shown = screen.getAllByTestId(testIds.incidentLink);
    expect(shown.map((l) => [l.dataset.kind, l.dataset.gone, l.dataset.cleared])).toEqual([
      ['alert', 'false', 'true'],
      ['run', 'true', 'false'],
    ]);
    expect(shown[1].textContent).toContain('No longer in the records');
    await fireEvent.click(byId(testIds.incidentCleared));
    await waitFor(() => expect(calls.ticket_status).toEqual([{ id: 1, to: { to: 'resolved', done: 'The alert cleared.', prevention: '' } }]));
  });

  it('shows why a move was refused, with the incident unchanged', async () => {
    recordCommands({
      tickets_list: () => [ticket()],
      ticket_status: () => failWith({ code: 'invalid_input', message: 'The reminder date 2026-01-01 has passed.', hint: 'Choose today or a later day.' }),
    });
    render(Incidents);
    await waitFor(() => expect(screen.getAllByTestId(testIds.incidentRow)).toHaveLength(1));
    await fireEvent.click(within(screen.getAllByTestId(testIds.incidentRow)[0]).getByRole('button'));
    await fireEvent.click(byId(testIds.incidentHold));
    await fireEvent.input(byId(testIds.incidentReason), { target: { value: 'later' } });
    await fireEvent.click(byId(testIds.incidentSave));
    await waitFor(() => expect(byId(testIds.incidentDialog).textContent).toContain('has passed'));
    expect(byId(testIds.incidentDialog).textContent).toContain('Open');
  });

  it('opens an incident in one click from an alert', async () => {
    const calls = recordCommands({ ticket_open_from: () => ticket({ id: 5 }) });
    render(OpenIncident, { kind: 'alert', id: '4', label: 'Disk full' });
    await fireEvent.click(byId(testIds.incidentOpenFrom));
    await waitFor(() => expect(byId(testIds.incidentOpened).dataset.id).toBe('5'));
    expect(calls.ticket_open_from).toEqual([{ kind: 'alert', id: '4' }]);
  });
});
