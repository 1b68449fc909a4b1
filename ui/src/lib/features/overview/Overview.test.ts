import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type {
  Alert,
  BackupBoard,
  BaselineDiff,
  History,
  JobStatus,
  Overview as OverviewData,
  Rule,
  RuleChange,
  Scan,
  UpdateRun,
  Waiting,
} from '../../ipc';
import { emitHealth, failWith, mockCommands, recordEvents, type Handler } from '../../ipc/testing';
import { testIds } from '../../testIds';
import { FakePlot } from '../../components/uplot.testing';
import {
  GiB,
  allGood,
  changed,
  clean,
  clearedAlert,
  diskAlert,
  emptyHistory,
  facts,
  firstReading,
  history,
  needsAttention,
  rules,
  sample,
} from './fixtures';
import Overview from './Overview.svelte';
import { scan as securityScan } from '../security/fixtures';
import {
  dailyCheck,
  failingPatching,
  fromNow,
  pausedScan,
  run as updateRun,
  upToDate,
  waiting as waitingUpdates,
} from '../maintenance/fixtures';
import { backupJobs, board as backupBoard, emptyBoard, failing, healthy, stale } from '../backups/fixtures';

vi.mock('uplot', () => import('../../components/uplot.testing'));

interface State {
  overview: OverviewData;
  alerts: Alert[];
  rules: Rule[];
  baseline: BaselineDiff | null;
  history: History;
  security: Scan | null;
  waiting: Waiting;
  updateRuns: UpdateRun[];
  jobs: JobStatus[];
  backups: BackupBoard;
}

/** The screen over data the test can change; every call is recorded. */
function setup(
  overrides: Record<string, Handler> = {},
  start: Partial<State> = {},
  props: { onopensecurity?: () => void; onopenmaintenance?: () => void; onopenbackups?: () => void } = {},
) {
  const calls: Record<string, Record<string, unknown>[]> = {};
  const state: State = {
    overview: needsAttention,
    alerts: [diskAlert, clearedAlert],
    rules: [...rules],
    baseline: clean,
    history,
    security: securityScan,
    waiting: upToDate,
    updateRuns: [],
    jobs: [],
    backups: emptyBoard,
    ...start,
  };
  const seen =
    (cmd: string, handler: Handler): Handler =>
    (args) => {
      (calls[cmd] ??= []).push(args);
      return handler(args);
    };
  const handlers: Record<string, Handler> = {
    health_overview: () => state.overview,
    computer_facts: () => facts,
    health_history: () => state.history,
    alerts_recent: () => state.alerts,
    alert_acknowledge: (a) => {
      const acked = {
        ...state.alerts.find((x) => x.id === a.id)!,
        acknowledged: new Date().toISOString(),
        acknowledged_by: 'anna',
      };
      state.alerts = state.alerts.map((x) => (x.id === acked.id ? acked : x));
      state.overview = { ...state.overview, alerts: state.overview.alerts.map((x) => (x.id === acked.id ? acked : x)) };
      return acked;
    },
    alert_rules: () => state.rules,
    alert_rule_set: (a) => {
      const change = a.change as RuleChange;
      const before = state.rules.find((r) => r.kind === a.kind)!;
      const threshold = change.threshold ?? before.threshold;
      const after: Rule = {
        ...before,
        threshold,
        duration_seconds: change.duration_seconds ?? before.duration_seconds,
        enabled: change.enabled ?? before.enabled,
        description: `A disk is more than ${threshold} % full.`,
        is_default: false,
      };
      state.rules = state.rules.map((r) => (r.kind === after.kind ? after : r));
      return after;
    },
    security_latest: () => state.security,
    updates_check: () => state.waiting,
    updates_history: () => state.updateRuns,
    schedule_list: () => state.jobs,
    backup_board: () => state.backups,
    baseline_check: () => state.baseline,
    baseline_accept: () => {
      state.baseline = { accepted: new Date().toISOString(), anomalies: [] };
      return state.baseline;
    },
    ...overrides,
  };
  mockCommands(Object.fromEntries(Object.entries(handlers).map(([k, h]) => [k, seen(k, h)])));
  const view = render(Overview, props);
  return { calls, state, view };
}

const tile = (id: string) => screen.getByTestId(id);
const rows = (id: string) => screen.queryAllByTestId(id);
const summaryText = () => screen.getByTestId(testIds.overviewSummary).textContent?.replace(/\s+/g, ' ').trim();

function ruleRow(kind: string): HTMLElement {
  const row = rows(testIds.ruleRow).find((r) => r.dataset.kind === kind);
  if (!row) throw new Error(`no rule ${kind}`);
  return row;
}

async function openRules() {
  const details = screen.getByTestId(testIds.alertRules) as HTMLDetailsElement;
  details.open = true;
  await fireEvent(details, new Event('toggle'));
  await screen.findAllByTestId(testIds.ruleRow);
}

beforeEach(() => {
  FakePlot.made = [];
});

describe('Overview', () => {
  it('paints in its first render from the Overview the app handed the window, then asks for the latest', async () => {
    (window as unknown as Record<string, unknown>).__SHIPSHAPE_STORED_OVERVIEW__ = needsAttention;
    const { calls } = setup({ health_overview: () => new Promise(() => {}) });
    // No round trip yet: the figures are there in the first render.
    expect(summaryText()).toBe('Needs attention 1 thing needs attention: the disk / is almost full');
    expect(tile(testIds.tileDisk).dataset.mount).toBe('/');
    expect('__SHIPSHAPE_STORED_OVERVIEW__' in window).toBe(false);
    await waitFor(() => expect(calls.health_overview).toHaveLength(1));
  });

  it('paints at once from the latest stored sample', async () => {
    const { calls } = setup();
    await waitFor(() => expect(summaryText()).toBe('Needs attention 1 thing needs attention: the disk / is almost full'));
    expect(screen.getByTestId(testIds.overviewSummary).dataset.status).toBe('needs_attention');

    const disk = tile(testIds.tileDisk);
    expect(disk.dataset).toMatchObject({
      mount: '/',
      usedPercent: '93',
      totalBytes: String(100 * GiB),
      usedBytes: String(93 * GiB),
    });
    expect(within(disk).getByText('/ is 93 % full')).toBeTruthy();
    expect(within(disk).getByText('Almost full')).toBeTruthy();
    const forecast = within(disk).getByTestId(testIds.forecastLine);
    expect(forecast.textContent).toBe('/ full in about 9 days at this rate');
    expect(forecast.dataset.mount).toBe('/');

    const memory = tile(testIds.tileMemory);
    expect(memory.dataset).toMatchObject({ totalBytes: String(16 * GiB), usedBytes: String(4 * GiB) });
    expect(within(memory).getByText('4.0 GB of 16.0 GB used')).toBeTruthy();
    expect(within(memory).getByText(/12.0 GB available/)).toBeTruthy();

    const cpu = tile(testIds.tileCpu);
    expect(cpu.dataset).toMatchObject({ percent: '12.4', cores: '4', load1: '0.52' });
    expect(within(cpu).getByText('12 % busy now')).toBeTruthy();
    expect(within(cpu).getByText('Load 0.52 on 4 cores; it keeps up below 4.')).toBeTruthy();

    const uptime = tile(testIds.tileUptime);
    expect(uptime.dataset).toMatchObject({ rebootRequired: 'true', seconds: String(sample.uptime_seconds) });
    expect(within(uptime).getByText('Restart needed')).toBeTruthy();
    expect(within(uptime).getByText(/linux-image-6.1.0-21-amd64 and libc6 wait for a restart/)).toBeTruthy();

    const alerts = tile(testIds.tileAlerts);
    expect(alerts.dataset).toMatchObject({ open: '1', unacknowledged: '1' });
    expect(within(alerts).getByText('1 open alert')).toBeTruthy();

    // The detail below the tiles follows in the next frame.
    await waitFor(() => expect(rows(testIds.diskRow)).toHaveLength(2));
    const disks = rows(testIds.diskRow);
    expect(disks.map((d) => [d.dataset.mount, d.dataset.totalBytes, d.dataset.usedBytes])).toEqual([
      ['/', String(100 * GiB), String(93 * GiB)],
      ['/home', String(400 * GiB), String(100 * GiB)],
    ]);

    const busiest = screen.getByTestId(testIds.processesCpu);
    const first = within(busiest).getAllByTestId(testIds.processRow)[0];
    expect(first.dataset).toMatchObject({ pid: '4242', name: 'firefox' });
    expect(within(first).getByText('35.5 %')).toBeTruthy();
    expect(within(first).getByText('2.0 GB')).toBeTruthy();
    expect(within(screen.getByTestId(testIds.processesMemory)).getByText('thunderbird')).toBeTruthy();

    const listening = screen.getByTestId(testIds.listening);
    expect(within(listening).getByText('Programs listening on the network (2)')).toBeTruthy();
    const sockets = rows(testIds.listeningRow);
    expect(sockets.map((s) => [s.dataset.port, s.dataset.protocol, s.dataset.program])).toEqual([
      ['22', 'tcp', 'sshd'],
      ['5353', 'udp', ''],
    ]);
    expect(within(sockets[1]).getByText('unknown program')).toBeTruthy();
    expect(within(sockets[0]).getByText(/every network/)).toBeTruthy();

    // The facts card stays, with its old ids.
    expect(screen.getByTestId(testIds.factHostname).textContent).toBe('front-desk');
    expect(screen.getByTestId(testIds.factMemory).dataset.total).toBe(String(16 * GiB));
    expect(rows(testIds.factDisk).map((d) => d.dataset.mount)).toEqual(['/']);
    expect(calls.health_overview).toHaveLength(1);
  });

  it('says all is well in words as well as colour', async () => {
    setup({}, { overview: allGood, alerts: [] });
    await waitFor(() => expect(summaryText()).toBe('All good Nothing needs your attention.'));
    expect(screen.getByTestId(testIds.overviewSummary).dataset.status).toBe('all_good');
    expect(within(tile(testIds.tileAlerts)).getByText('No open alerts')).toBeTruthy();
    expect(within(tile(testIds.tileUptime)).getByText('No restart needed')).toBeTruthy();
    expect(rows(testIds.forecastLine)).toHaveLength(0);
    expect(await screen.findByText('No alerts')).toBeTruthy();
  });

  it('says it is taking its first reading, then fills in from the live update', async () => {
    setup({}, { overview: firstReading, alerts: [] });
    expect(await screen.findByTestId(testIds.overviewFirstReading)).toBeTruthy();
    expect(summaryText()).toBe('Starting Shipshape is taking its first reading…');
    expect(rows(testIds.tileDisk)).toHaveLength(0);

    await emitHealth(allGood);
    await waitFor(() => expect(rows(testIds.tileDisk)).toHaveLength(1));
    expect(screen.queryByTestId(testIds.overviewFirstReading)).toBeNull();
    expect(summaryText()).toBe('All good Nothing needs your attention.');
  });

  it('follows each new sample and reads the alerts again when they change', async () => {
    const { calls, state } = setup({}, { overview: allGood, alerts: [] });
    await waitFor(() => expect(summaryText()).toContain('All good'));
    await waitFor(() => expect(calls.alerts_recent).toHaveLength(1));

    // A new sample with the same alerts: the figures move, the list is not read again.
    const busier = {
      ...allGood,
      sample: {
        ...allGood.sample!,
        time: '2026-05-28T08:00:05Z',
        memory: { total_bytes: 16 * GiB, used_bytes: 8 * GiB, available_bytes: 8 * GiB },
      },
    };
    await emitHealth(busier);
    await waitFor(() => expect(tile(testIds.tileMemory).dataset.usedBytes).toBe(String(8 * GiB)));
    expect(within(tile(testIds.tileMemory)).getByText('8.0 GB of 16.0 GB used')).toBeTruthy();
    expect(calls.alerts_recent).toHaveLength(1);

    // An older reading arriving late does not replace a newer one.
    await emitHealth(allGood);
    expect(tile(testIds.tileMemory).dataset.usedBytes).toBe(String(8 * GiB));

    // An alert is raised: the sentence changes and the list is read again.
    state.alerts = [diskAlert];
    await emitHealth({ ...needsAttention, sample: { ...sample, time: '2026-05-28T08:00:10Z' } });
    await waitFor(() => expect(summaryText()).toContain('1 thing needs attention: the disk / is almost full'));
    await waitFor(() => expect(rows(testIds.alertRow).map((r) => r.dataset.id)).toEqual(['7']));
    expect(calls.alerts_recent).toHaveLength(2);
  });

  it('stops listening when the screen is left', async () => {
    const { view } = setup({}, { overview: firstReading });
    const events = recordEvents();
    await screen.findByTestId(testIds.overviewFirstReading);
    // Listening: a new sample shows.
    await emitHealth(allGood);
    await waitFor(() => expect(rows(testIds.tileDisk)).toHaveLength(1));
    view.unmount();
    expect(events).toContainEqual({ cmd: 'unlisten', event: 'health' });
  });

  it('lists open alerts first, acknowledges one, and folds the cleared ones', async () => {
    const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
    const { calls } = setup({}, { alerts: [{ ...clearedAlert, cleared: minutesAgo(5) }, diskAlert] });
    const list = await screen.findByTestId(testIds.alertsList);
    await waitFor(() => expect(rows(testIds.alertRow)).toHaveLength(2));
    const [open, cleared] = rows(testIds.alertRow);
    expect(open.dataset).toMatchObject({ id: '7', rule: 'disk_full', state: 'open' });
    expect(within(open).getByText('Your disk / is almost full (93 %)')).toBeTruthy();
    expect(within(open).getByText('Delete or move files you no longer need.')).toBeTruthy();
    expect(within(open).getByText('Needs attention')).toBeTruthy();
    expect(cleared.dataset).toMatchObject({ id: '3', state: 'cleared' });
    expect(cleared.closest('details')).toBeTruthy();
    expect(within(list).getByText('Cleared recently (1)')).toBeTruthy();
    expect(within(cleared).getByText('5 minutes ago')).toBeTruthy();
    expect(within(cleared).getByText((_, el) => el?.tagName === 'P' && /^Cleared 5 minutes ago;/.test(el.textContent ?? ''))).toBeTruthy();

    await fireEvent.click(within(open).getByRole('button', { name: 'Acknowledge: Your disk / is almost full (93 %)' }));
    await waitFor(() => expect(rows(testIds.alertRow)[0].dataset.state).toBe('acknowledged'));
    expect(calls.alert_acknowledge).toEqual([{ id: 7 }]);
    const row = rows(testIds.alertRow)[0];
    expect(within(row).getByTestId(testIds.alertAcknowledged).textContent).toMatch(/Acknowledged by anna just now/);
    expect(within(row).queryByTestId(testIds.alertAcknowledge)).toBeNull();
    // The tile catches up.
    await waitFor(() => expect(tile(testIds.tileAlerts).dataset.unacknowledged).toBe('0'));
  });

  it('says why an alert could not be acknowledged', async () => {
    setup({
      alert_acknowledge: () =>
        failWith({ code: 'not_found', message: 'There is no alert 7.', hint: 'It may have cleared meanwhile.' }),
    });
    await waitFor(() => expect(rows(testIds.alertRow)).toHaveLength(2));
    await fireEvent.click(within(rows(testIds.alertRow)[0]).getByTestId(testIds.alertAcknowledge));
    const row = rows(testIds.alertRow)[0];
    expect(await within(row).findByText('There is no alert 7.')).toBeTruthy();
    expect(within(row).getByText('It may have cleared meanwhile.')).toBeTruthy();
    expect(row.dataset.state).toBe('open');
  });

  it('moves to the alerts from the alerts tile', async () => {
    setup();
    await screen.findByTestId(testIds.tileAlertsLink);
    await fireEvent.click(screen.getByTestId(testIds.tileAlertsLink));
    expect(document.activeElement?.textContent).toBe('Alerts');
  });

  it('shows the latest security score in words and links to the Security screen', async () => {
    const onopensecurity = vi.fn();
    setup({}, {}, { onopensecurity });
    await waitFor(() => expect(tile(testIds.tileSecurity).dataset.state).toBe('scored'));
    const security = tile(testIds.tileSecurity);
    expect(security.dataset.score).toBe('64');
    expect(security.textContent).toContain('Score 64 of 100');
    expect(security.textContent).toContain('Needs work');
    const link = within(security).getByTestId(testIds.tileSecurityLink);
    expect(link.textContent?.trim()).toBe('See the findings');
    await fireEvent.click(link);
    expect(onopensecurity).toHaveBeenCalledTimes(1);
  });

  it('says the computer was not checked yet and offers the first check', async () => {
    const onopensecurity = vi.fn();
    setup({}, { security: null }, { onopensecurity });
    await waitFor(() => expect(tile(testIds.tileSecurity).dataset.state).toBe('none'));
    const security = tile(testIds.tileSecurity);
    expect(security.dataset.score).toBeUndefined();
    expect(security.textContent).toContain('Not checked yet');
    const link = within(security).getByTestId(testIds.tileSecurityLink);
    expect(link.textContent?.trim()).toBe('Check this computer');
    await fireEvent.click(link);
    expect(onopensecurity).toHaveBeenCalledTimes(1);
  });

  it('says when the security score cannot be read', async () => {
    setup({ security_latest: () => failWith({ code: 'store_unavailable', message: 'The database is busy.', hint: '' }) });
    await waitFor(() => expect(tile(testIds.tileSecurity).dataset.state).toBe('error'));
    expect(tile(testIds.tileSecurity).textContent).toContain('The database is busy.');
  });

  it('says how many security updates wait and when the computer was last patched, and links to Maintenance', async () => {
    const onopenmaintenance = vi.fn();
    const patched = updateRun({ id: 8, started: fromNow(-2) });
    const { calls } = setup(
      {},
      {
        waiting: waitingUpdates,
        updateRuns: [
          updateRun({ id: 9, outcome: 'failed', started: fromNow(0, -1) }),
          patched,
          updateRun({ id: 7, started: fromNow(-5) }),
        ],
      },
      { onopenmaintenance },
    );
    await waitFor(() => expect(tile(testIds.tileUpdates).dataset.state).toBe('ready'));
    // Reading what waits asks for no password.
    expect(calls.updates_check).toEqual([{ refresh: false }]);
    const updates = tile(testIds.tileUpdates);
    expect(updates.dataset).toMatchObject({ waiting: '4', security: '2' });
    expect(updates.dataset.lastPatched).toBe(patched.started);
    expect(updates.classList.contains('warning')).toBe(true);
    expect(updates.textContent).toContain('2 security updates waiting');
    expect(updates.textContent).toContain('Security fixes waiting');
    expect(updates.textContent).toContain('Updates last installed 2 days ago.');
    const link = within(updates).getByTestId(testIds.tileUpdatesLink);
    expect(link.textContent?.trim()).toBe('Install them');
    await fireEvent.click(link);
    expect(onopenmaintenance).toHaveBeenCalledTimes(1);
  });

  it('says when this computer is up to date and was never patched with Shipshape', async () => {
    setup();
    await waitFor(() => expect(tile(testIds.tileUpdates).dataset.state).toBe('ready'));
    const updates = tile(testIds.tileUpdates);
    expect(updates.dataset).toMatchObject({ waiting: '0', security: '0', lastPatched: '' });
    expect(updates.textContent).toContain('Up to date');
    expect(updates.textContent).toContain('No updates installed with Shipshape yet.');
  });

  it('names the next maintenance, and turns red in words when a job needs attention', async () => {
    const onopenmaintenance = vi.fn();
    setup({}, { jobs: [failingPatching, dailyCheck, pausedScan] }, { onopenmaintenance });
    await waitFor(() => expect(tile(testIds.tileMaintenance).dataset.state).toBe('scheduled'));
    const next = tile(testIds.tileMaintenance);
    // The soonest of the jobs not paused: the daily check.
    expect(next.dataset).toMatchObject({ next: dailyCheck.next_run!, attention: '1' });
    expect(next.classList.contains('danger')).toBe(true);
    expect(next.textContent).toMatch(/(Today|Tomorrow) at \d\d:\d\d/);
    expect(next.textContent).toContain('Needs attention');
    expect(next.textContent).toContain('Its last run failed: The updates could not be downloaded.');
    const link = within(next).getByTestId(testIds.tileMaintenanceLink);
    expect(link.textContent?.trim()).toBe('See the schedule');
    await fireEvent.click(link);
    expect(onopenmaintenance).toHaveBeenCalledTimes(1);
  });

  it('is calm when the schedule is in order', async () => {
    setup({}, { jobs: [dailyCheck] });
    await waitFor(() => expect(tile(testIds.tileMaintenance).dataset.state).toBe('scheduled'));
    expect(tile(testIds.tileMaintenance).classList.contains('good')).toBe(true);
    expect(tile(testIds.tileMaintenance).textContent).toContain('Scheduled');
    expect(tile(testIds.tileMaintenance).textContent).toContain('Check for updates.');
    expect(tile(testIds.tileMaintenance).dataset.attention).toBe('0');
  });

  it('offers the set-up when nothing is scheduled', async () => {
    const onopenmaintenance = vi.fn();
    setup({}, {}, { onopenmaintenance });
    await waitFor(() => expect(tile(testIds.tileMaintenance).dataset.state).toBe('none'));
    expect(tile(testIds.tileMaintenance).textContent).toContain('Nothing scheduled');
    expect(tile(testIds.tileMaintenance).dataset.next).toBeUndefined();
    const link = within(tile(testIds.tileMaintenance)).getByTestId(testIds.tileMaintenanceLink);
    expect(link.textContent?.trim()).toBe('Set up maintenance');
    await fireEvent.click(link);
    expect(onopenmaintenance).toHaveBeenCalledTimes(1);
  });

  it('shows each maintenance tile’s own error in words, and the rest of the Overview', async () => {
    setup({
      updates_check: () =>
        failWith({ code: 'io', message: 'The package manager could not be asked.', hint: 'Try again in a moment.' }),
      schedule_list: () =>
        failWith({ code: 'io', message: 'The published schedule could not be read.', hint: 'Try again in a moment.' }),
    });
    await waitFor(() => expect(tile(testIds.tileUpdates).dataset.state).toBe('error'));
    await waitFor(() => expect(tile(testIds.tileMaintenance).dataset.state).toBe('error'));
    expect(tile(testIds.tileUpdates).textContent).toContain('Could not read');
    expect(tile(testIds.tileUpdates).textContent).toContain('The package manager could not be asked.');
    expect(tile(testIds.tileMaintenance).textContent).toContain('The published schedule could not be read.');
    expect(tile(testIds.tileDisk).dataset.mount).toBe('/');
    expect(tile(testIds.tileSecurity).dataset.state).toBe('scored');
    expect(summaryText()).toContain('Needs attention');
  });

  it('still counts what waits when the update history cannot be read', async () => {
    setup({ updates_history: () => failWith({ code: 'store_unavailable', message: 'Busy.', hint: '' }) }, { waiting: waitingUpdates });
    await waitFor(() => expect(tile(testIds.tileUpdates).dataset.state).toBe('ready'));
    expect(tile(testIds.tileUpdates).textContent).toContain('2 security updates waiting');
    expect(tile(testIds.tileUpdates).textContent).toContain('When updates were last installed could not be read.');
  });

  it('says when the last backup was made, how big, and how the restore test went, and links to Backups', async () => {
    const onopenbackups = vi.fn();
    const { calls } = setup({}, { overview: allGood, alerts: [], backups: backupBoard([healthy]), jobs: backupJobs() }, { onopenbackups });
    await waitFor(() => expect(tile(testIds.tileBackup).dataset.state).toBe('ready'));
    const backup = tile(testIds.tileBackup);
    expect(backup.dataset).toMatchObject({
      level: 'good',
      name: 'Office backup',
      newest: healthy.snapshots[1].time,
      outcome: 'done',
      testOutcome: 'done',
    });
    expect(backup.textContent).toContain('Backed up 3 hours ago, 2.1 GB');
    expect(backup.textContent).toContain('Restore test passed yesterday.');
    // Reading the backups asks for no password: only what root published.
    expect(calls.backup_board).toEqual([{}]);
    expect(summaryText()).toBe('All good Nothing needs your attention.');
    const link = within(backup).getByTestId(testIds.tileBackupLink);
    expect(link.textContent?.trim()).toBe('See the backups');
    await fireEvent.click(link);
    expect(onopenbackups).toHaveBeenCalledTimes(1);
  });

  it('offers to set up a backup when there is none', async () => {
    const onopenbackups = vi.fn();
    setup({}, { overview: allGood, alerts: [] }, { onopenbackups });
    await waitFor(() => expect(tile(testIds.tileBackup).dataset.state).toBe('none'));
    const backup = tile(testIds.tileBackup);
    expect(backup.classList.contains('warning')).toBe(true);
    expect(backup.textContent).toContain('No backup set up');
    expect(backup.dataset.newest).toBeUndefined();
    const link = within(backup).getByTestId(testIds.tileBackupLink);
    expect(link.textContent?.trim()).toBe('Set up a backup');
    await fireEvent.click(link);
    expect(onopenbackups).toHaveBeenCalledTimes(1);
    // Not having a backup is the tile's to say, not the summary's.
    expect(summaryText()).toBe('All good Nothing needs your attention.');
  });

  it('turns red in words when the last backup failed', async () => {
    setup({}, { backups: backupBoard([healthy, failing]) });
    await waitFor(() => expect(tile(testIds.tileBackup).dataset.state).toBe('ready'));
    const backup = tile(testIds.tileBackup);
    expect(backup.dataset).toMatchObject({ level: 'danger', name: 'Laptop backup', outcome: 'failed' });
    expect(backup.textContent).toContain('Backup failed');
    expect(backup.textContent).toContain('The last backup failed 2 hours ago');
  });

  it('says in the summary when a backup is older than its schedule allows', async () => {
    setup({}, { overview: allGood, alerts: [], backups: backupBoard([stale]), jobs: backupJobs() });
    await waitFor(() =>
      expect(summaryText()).toBe(
        'Needs attention Office backup was last backed up 3 days ago, longer ago than its schedule allows.',
      ),
    );
    expect(screen.getByTestId(testIds.overviewSummary).dataset.status).toBe('needs_attention');
    expect(tile(testIds.tileBackup).dataset.level).toBe('warning');
    expect(tile(testIds.tileBackup).textContent).toContain('Out of date');
  });

  it('adds a late backup to what else needs attention', async () => {
    setup({}, { backups: backupBoard([stale]), jobs: backupJobs() });
    await waitFor(() =>
      expect(summaryText()).toBe(
        'Needs attention 1 thing needs attention: the disk / is almost full. Office backup was last backed up 3 days ago, longer ago than its schedule allows.',
      ),
    );
  });

  it('shows the backups’ error in the tile, and the rest of the Overview', async () => {
    setup({ backup_board: () => failWith({ code: 'io', message: 'The published backups could not be read.', hint: '' }) });
    await waitFor(() => expect(tile(testIds.tileBackup).dataset.state).toBe('error'));
    expect(tile(testIds.tileBackup).textContent).toContain('The published backups could not be read.');
    expect(tile(testIds.tileDisk).dataset.mount).toBe('/');
  });

  it('saves a rule change and shows the new description', async () => {
    const { calls } = setup();
    await screen.findByTestId(testIds.alertRules);
    await openRules();
    const row = ruleRow('disk_full');
    const save = within(row).getByTestId(testIds.ruleSave) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    expect((within(row).getByTestId(testIds.ruleDuration) as HTMLInputElement).value).toBe('1');
    expect((within(row).getByTestId(testIds.ruleDurationUnit) as HTMLSelectElement).value).toBe('minutes');

    await fireEvent.input(within(row).getByTestId(testIds.ruleThreshold), { target: { value: '95' } });
    await fireEvent.input(within(row).getByTestId(testIds.ruleDuration), { target: { value: '5' } });
    expect(save.disabled).toBe(false);
    await fireEvent.click(save);
    expect(await within(row).findByTestId(testIds.ruleSaved)).toBeTruthy();
    expect(calls.alert_rule_set).toEqual([{ kind: 'disk_full', change: { threshold: 95, duration_seconds: 300 } }]);
    expect(within(ruleRow('disk_full')).getByText(/A disk is more than 95 % full\./)).toBeTruthy();
    expect(ruleRow('disk_full').dataset).toMatchObject({ threshold: '95', durationSeconds: '300' });

    await fireEvent.click(within(ruleRow('failed_logins')).getByTestId(testIds.ruleEnabled));
    await fireEvent.click(within(ruleRow('failed_logins')).getByTestId(testIds.ruleSave));
    await waitFor(() => expect(calls.alert_rule_set).toHaveLength(2));
    expect(calls.alert_rule_set[1]).toEqual({ kind: 'failed_logins', change: { enabled: false } });
    await waitFor(() => expect(ruleRow('failed_logins').dataset.enabled).toBe('false'));
  });

  it('says what is wrong with a rule, next to it, and keeps what was typed', async () => {
    const { calls } = setup({
      alert_rule_set: () =>
        failWith({
          code: 'invalid_input',
          message: '99.99 is not a threshold for "Disk almost full".',
          hint: 'Give a number between 0 and 100 (% used).',
        }),
    });
    await screen.findByTestId(testIds.alertRules);
    await openRules();
    const row = ruleRow('disk_full');
    const threshold = within(row).getByTestId(testIds.ruleThreshold) as HTMLInputElement;

    // Checked here first: nothing is sent.
    await fireEvent.input(threshold, { target: { value: '150' } });
    await fireEvent.click(within(row).getByTestId(testIds.ruleSave));
    const fieldError = within(row).getByTestId(testIds.ruleError);
    expect(fieldError.dataset.field).toBe('threshold');
    expect(fieldError.textContent).toContain('Enter a number between 0 and 100.');
    expect(threshold.getAttribute('aria-invalid')).toBe('true');
    expect(calls.alert_rule_set).toBeUndefined();

    // The app refuses it: its words and hint show by the rule.
    await fireEvent.input(threshold, { target: { value: '99.99' } });
    await fireEvent.click(within(row).getByTestId(testIds.ruleSave));
    const failure = await within(row).findByRole('alert');
    expect(failure.dataset.code).toBe('invalid_input');
    expect(within(failure).getByText(/99.99 is not a threshold for "Disk almost full"\./)).toBeTruthy();
    expect(within(failure).getByText('Give a number between 0 and 100 (% used).')).toBeTruthy();
    expect(threshold.value).toBe('99.99');
    expect(row.dataset.threshold).toBe('90');
  });

  it('explains a baseline when there is none, and accepts this computer', async () => {
    const { calls } = setup({}, { baseline: null });
    const section = await screen.findByTestId(testIds.baseline);
    await waitFor(() => expect(section.dataset.state).toBe('none'));
    expect(within(section).getByText(/A baseline is a record of this computer as you know it/)).toBeTruthy();
    await fireEvent.click(within(section).getByTestId(testIds.baselineAcceptNow));
    await waitFor(() => expect(section.dataset.state).toBe('clean'));
    expect(calls.baseline_accept).toHaveLength(1);
    expect(within(section).getByText(/accepted this computer as it is now/)).toBeTruthy();
    expect(within(section).getByText(/^Nothing changed since/)).toBeTruthy();
    // The sentence on top catches up.
    await waitFor(() => expect(calls.health_overview.length).toBeGreaterThanOrEqual(2));
  });

  it('says "Checking…" while it compares with the baseline', async () => {
    let finish: (d: BaselineDiff) => void = () => {};
    const { calls } = setup({ baseline_check: () => new Promise<BaselineDiff>((resolve) => (finish = resolve)) });
    const section = await screen.findByTestId(testIds.baseline);
    expect(section.dataset.state).toBe('checking');
    expect(within(section).getByText(/^Checking…/)).toBeTruthy();
    // The comparison starts once the figures above are on screen.
    await waitFor(() => expect(calls.baseline_check).toHaveLength(1));
    finish(clean);
    await waitFor(() => expect(section.dataset.state).toBe('clean'));
    expect(within(section).getByText(/^Nothing changed since/)).toBeTruthy();
  });

  it('lists the changes by kind and accepts them after confirming', async () => {
    const { calls } = setup({}, { baseline: changed });
    const section = await screen.findByTestId(testIds.baseline);
    await waitFor(() => expect(section.dataset.state).toBe('changed'));
    expect(rows(testIds.anomalyRow).map((r) => r.dataset.kind)).toEqual([
      'new_administrator',
      'new_listener',
      'changed_file',
    ]);
    expect(within(section).getByRole('heading', { name: 'New programs listening on the network' })).toBeTruthy();
    const listener = rows(testIds.anomalyRow)[1];
    expect(within(listener).getByText('A new program listens on port 8080')).toBeTruthy();
    expect(within(listener).getByText('A new program listens on port 8080: python3')).toBeTruthy();
    expect(within(listener).getByText(/stop it and find out what it is/)).toBeTruthy();
    expect(within(section).getByText('3 changes')).toBeTruthy();

    // Not now: nothing is accepted.
    await fireEvent.click(screen.getByTestId(testIds.baselineAccept));
    const dialog = screen.getByTestId(testIds.baselineDialog);
    expect(within(dialog).getByText(/makes this computer, as it is now, your new baseline/)).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByTestId(testIds.baselineCancel));
    await fireEvent.click(screen.getByTestId(testIds.baselineCancel));
    expect(screen.queryByTestId(testIds.baselineDialog)).toBeNull();
    expect(calls.baseline_accept).toBeUndefined();

    await fireEvent.click(screen.getByTestId(testIds.baselineAccept));
    await fireEvent.click(screen.getByTestId(testIds.baselineConfirm));
    await waitFor(() => expect(section.dataset.state).toBe('clean'));
    expect(calls.baseline_accept).toHaveLength(1);
    expect(screen.queryByTestId(testIds.baselineDialog)).toBeNull();
    expect(rows(testIds.anomalyRow)).toHaveLength(0);
    expect(within(section).getByText(/The changes were accepted/)).toBeTruthy();
  });

  it('keeps the dialog open and says why when accepting fails', async () => {
    setup(
      { baseline_accept: () => failWith({ code: 'io', message: 'The database is busy.', hint: 'Try again.' }) },
      { baseline: changed },
    );
    await fireEvent.click(await screen.findByTestId(testIds.baselineAccept));
    await fireEvent.click(screen.getByTestId(testIds.baselineConfirm));
    const dialog = screen.getByTestId(testIds.baselineDialog);
    expect(await within(dialog).findByText('The database is busy.')).toBeTruthy();
    expect(rows(testIds.anomalyRow)).toHaveLength(3);
  });

  it('charts the history with a sentence each and switches the range', async () => {
    const { calls } = setup();
    const charts = await screen.findByTestId(testIds.charts);
    await waitFor(() => expect(rows(testIds.chart)).toHaveLength(4));
    expect(calls.health_history).toEqual([{ hours: 24 }]);
    expect(rows(testIds.chart).map((c) => c.dataset.chart)).toEqual(['cpu', 'memory', 'disk', 'network']);
    expect(within(charts).getByRole('heading', { name: 'CPU' })).toBeTruthy();
    expect(rows(testIds.chartSummary)[0].textContent).toBe('CPU over the last 24 hours: average 30 %, peak 85 %.');
    expect(FakePlot.live()).toHaveLength(4);
    expect(FakePlot.live()[2].opts.series.map((s) => s.label)).toEqual([undefined, '/', '/home']);

    const pressed = () =>
      rows(testIds.chartRange)
        .filter((b) => b.getAttribute('aria-pressed') === 'true')
        .map((b) => b.dataset.hours);
    expect(pressed()).toEqual(['24']);
    expect(rows(testIds.chartRange).map((b) => b.textContent?.trim())).toEqual(['1 hour', '24 hours', '7 days', '30 days']);

    await fireEvent.click(rows(testIds.chartRange).find((b) => b.dataset.hours === '168')!);
    await waitFor(() => expect(calls.health_history).toEqual([{ hours: 24 }, { hours: 168 }]));
    expect(pressed()).toEqual(['168']);
    await waitFor(() =>
      expect(rows(testIds.chartSummary)[0].textContent).toBe('CPU over the last 7 days: average 30 %, peak 85 %.'),
    );
    await fireEvent.click(rows(testIds.chartRange).find((b) => b.dataset.hours === '1')!);
    await fireEvent.click(rows(testIds.chartRange).find((b) => b.dataset.hours === '720')!);
    await waitFor(() => expect(calls.health_history.map((c) => c.hours)).toEqual([24, 168, 1, 720]));
  });

  it('says so in words when there is no history yet', async () => {
    setup({}, { history: emptyHistory });
    const empty = await screen.findByTestId(testIds.chartsEmpty);
    expect(within(empty).getByText('No history for the last 24 hours yet')).toBeTruthy();
    expect(FakePlot.made).toHaveLength(0);
  });

  it('says in words which charts have nothing to draw', async () => {
    setup({}, { history: { ...history, series: history.series.filter((x) => x.metric === 'cpu_percent') } });
    await waitFor(() => expect(rows(testIds.chart)).toHaveLength(4));
    const network = rows(testIds.chart).find((c) => c.dataset.chart === 'network')!;
    expect(network.dataset.points).toBe('0');
    expect(within(network).getByText('No network history for the last 24 hours yet.')).toBeTruthy();
    expect(FakePlot.live()).toHaveLength(1);
  });

  it('reads the history again as new samples come: soon while empty, else each minute', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { calls, state } = setup({}, { overview: allGood, alerts: [], history: emptyHistory });
      await screen.findByTestId(testIds.chartsEmpty);
      const at = (seconds: number) => ({
        ...allGood,
        sample: { ...allGood.sample!, time: new Date(Date.parse(allGood.sample!.time) + seconds * 1000).toISOString() },
      });

      await emitHealth(at(1));
      expect(calls.health_history).toHaveLength(1);
      state.history = history;
      vi.setSystemTime(Date.now() + 6_000);
      await emitHealth(at(6));
      await waitFor(() => expect(rows(testIds.chart)).toHaveLength(4));
      expect(calls.health_history).toHaveLength(2);

      vi.setSystemTime(Date.now() + 10_000);
      await emitHealth(at(16));
      expect(calls.health_history).toHaveLength(2);
      vi.setSystemTime(Date.now() + 60_000);
      await emitHealth(at(76));
      await waitFor(() => expect(calls.health_history).toHaveLength(3));
      expect(calls.health_history[2]).toEqual({ hours: 24 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows what went wrong and what to do when the health cannot be read', async () => {
    let broken = true;
    const { calls } = setup({
      health_overview: () =>
        broken
          ? failWith({ code: 'store_unavailable', message: 'The health history could not be opened.', hint: 'Restart Shipshape.' })
          : allGood,
    });
    const error = await screen.findByRole('alert');
    expect(error.dataset.code).toBe('store_unavailable');
    expect(within(error).getByText("Shipshape could not read this computer's health")).toBeTruthy();
    expect(within(error).getByText('The health history could not be opened.')).toBeTruthy();
    expect(within(error).getByText('Restart Shipshape.')).toBeTruthy();
    // The computer's facts still show.
    expect(await screen.findByTestId(testIds.factHostname)).toBeTruthy();

    broken = false;
    await fireEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(summaryText()).toContain('All good'));
    expect(calls.health_overview).toHaveLength(2);
  });

  it('gives each section its own error state with a retry', async () => {
    let broken = true;
    const fail = (what: string) => () =>
      broken ? failWith({ code: 'io', message: `Could not read ${what}.`, hint: 'Try again in a moment.' }) : null;
    const { state } = setup({
      health_history: () => (broken ? fail('the history')() : state.history),
      alerts_recent: () => (broken ? fail('the alerts')() : state.alerts),
      baseline_check: () => (broken ? fail('the baseline')() : state.baseline),
      alert_rules: () => (broken ? fail('the rules')() : state.rules),
      computer_facts: () => (broken ? fail('the facts')() : facts),
    });
    expect(await screen.findByText('Shipshape could not read the history')).toBeTruthy();
    expect(await screen.findByText('Shipshape could not read the alerts')).toBeTruthy();
    expect(await screen.findByText('Shipshape could not compare this computer with its baseline')).toBeTruthy();
    expect(await screen.findByText("Shipshape could not read this computer's details")).toBeTruthy();
    await screen.findByTestId(testIds.alertRules);
    const details = screen.getByTestId(testIds.alertRules) as HTMLDetailsElement;
    details.open = true;
    await fireEvent(details, new Event('toggle'));
    expect(await screen.findByText('Shipshape could not read the alert rules')).toBeTruthy();
    expect(screen.getByText('Could not read the rules.')).toBeTruthy();

    broken = false;
    for (const button of screen.getAllByRole('button', { name: 'Try again' })) await fireEvent.click(button);
    await waitFor(() => expect(screen.queryAllByRole('button', { name: 'Try again' })).toHaveLength(0));
    expect(rows(testIds.chart)).toHaveLength(4);
    expect(rows(testIds.alertRow)).toHaveLength(2);
    expect(screen.getByTestId(testIds.baseline).dataset.state).toBe('clean');
    expect(rows(testIds.ruleRow)).toHaveLength(2);
    expect(screen.getByTestId(testIds.factHostname).textContent).toBe('front-desk');
  });

  /** Serious and critical problems axe finds; colours are checked end to end. */
  async function problems(): Promise<string[]> {
    const axe = (await import('axe-core')).default;
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(', ')}`);
  }

  it('has no serious accessibility problems, unfolded or with the dialog open', async () => {
    setup({}, { baseline: changed });
    await waitFor(() => expect(rows(testIds.chart)).toHaveLength(4));
    await waitFor(() => expect(rows(testIds.anomalyRow)).toHaveLength(3));
    await waitFor(() => expect(rows(testIds.alertRow)).toHaveLength(2));
    (screen.getByTestId(testIds.listening) as HTMLDetailsElement).open = true;
    await openRules();
    expect(await problems()).toEqual([]);

    await fireEvent.click(screen.getByTestId(testIds.baselineAccept));
    expect(await problems()).toEqual([]);
  });
});
