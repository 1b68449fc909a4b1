import { AppError } from '../../ipc';
import {
  dailyCheck,
  failingPatching,
  fromNow,
  jobStatus,
  pausedScan,
  run,
  tzdata,
  unreadable,
  upToDate,
  waiting,
} from './fixtures';
import { lastPatched, maintenanceTile, schedulesWord, updatesTile } from './tile';

const now = new Date();
const error = new AppError({ code: 'io', message: 'The package lists could not be read.', hint: '' });

describe('the updates tile', () => {
  const installed = run({ id: 7, started: fromNow(-3) });
  const newer = run({ id: 9, started: fromNow(-1) });
  const failed = run({ id: 10, outcome: 'failed', started: fromNow(0, -1) });
  const undo = run({ id: 11, kind: 'undo', started: fromNow(0, -2) });

  it('takes the newest installation that worked as the last patch', () => {
    expect(lastPatched([failed, undo, installed, newer])).toBe(newer);
    expect(lastPatched([failed, undo])).toBeNull();
  });

  it('counts security fixes first, and says when the computer was last patched', () => {
    const tile = updatesTile({ state: 'ready', waiting, runs: [failed, installed] }, now);
    expect(tile).toMatchObject({ level: 'warning', words: 'Security fixes waiting', headline: '2 security updates waiting' });
    expect(tile.detail).toBe('2 other updates too. Updates last installed 3 days ago.');

    const others = updatesTile({ state: 'ready', waiting: { ...upToDate, updates: [tzdata] }, runs: [] }, now);
    expect(others).toMatchObject({ level: 'neutral', headline: '1 update waiting' });
    expect(others.detail).toBe('None fixes a security problem. No updates installed with Shipshape yet.');

    expect(updatesTile({ state: 'ready', waiting: upToDate, runs: [newer] }, now)).toMatchObject({
      level: 'good',
      words: 'Up to date',
      headline: 'No updates waiting',
      detail: 'Updates last installed yesterday.',
    });
    expect(updatesTile({ state: 'ready', waiting: upToDate, runs: null }, now).detail).toBe(
      'When updates were last installed could not be read.',
    );
  });

  it('says in words when the updates could not be read', () => {
    expect(updatesTile({ state: 'error', error }, now)).toMatchObject({
      words: 'Could not read',
      detail: 'The package lists could not be read.',
    });
    expect(updatesTile({ state: 'loading' }, now).headline).toBe('Looking for updates…');
  });
});

describe('the next maintenance tile', () => {
  it('names the soonest run of a job not paused', () => {
    const s = { state: 'ready' as const, jobs: [jobStatus({ id: 5, next_run: fromNow(3) }), dailyCheck, pausedScan] };
    expect(schedulesWord(s)).toBe('scheduled');
    const tile = maintenanceTile(s, now);
    expect(tile).toMatchObject({ level: 'good', words: 'Scheduled', link: 'See the schedule' });
    expect(tile.headline).toMatch(/^(Today|Tomorrow) at \d\d:\d\d$/);
    expect(tile.detail).toBe('Check for updates. 1 job is paused.');
  });

  it('turns red for a failed run and amber for missed runs, in words', () => {
    const red = maintenanceTile({ state: 'ready', jobs: [dailyCheck, failingPatching] }, now);
    expect(red).toMatchObject({ level: 'danger', words: 'Needs attention' });
    expect(red.detail).toBe('Install security updates. Its last run failed: The updates could not be downloaded.');

    const missed = jobStatus({ id: 6, missed: 3, attention: 'It missed 3 runs in a row.' });
    const amber = maintenanceTile({ state: 'ready', jobs: [missed] }, now);
    expect(amber).toMatchObject({ level: 'warning', words: 'Needs attention' });

    const both = maintenanceTile({ state: 'ready', jobs: [missed, unreadable] }, now);
    expect(both.level).toBe('danger');
    expect(both.detail).toMatch(/1 other job needs attention too\.$/);
  });

  it('says when nothing is scheduled, everything is paused, or the schedule cannot be read', () => {
    expect(maintenanceTile({ state: 'ready', jobs: [] }, now)).toMatchObject({
      headline: 'Nothing scheduled',
      link: 'Set up maintenance',
    });
    expect(schedulesWord({ state: 'ready', jobs: [] })).toBe('none');
    expect(maintenanceTile({ state: 'ready', jobs: [pausedScan] }, now)).toMatchObject({
      level: 'warning',
      words: 'All paused',
      headline: 'Nothing planned',
    });
    expect(schedulesWord({ state: 'ready', jobs: [pausedScan] })).toBe('paused');
    expect(maintenanceTile({ state: 'error', error }, now)).toMatchObject({
      words: 'Could not read',
      detail: 'The package lists could not be read.',
    });
    expect(schedulesWord({ state: 'error', error })).toBe('error');
  });
});
