import { AppError } from '../../ipc';
import { backupJobs, board, emptyBoard, failing, healthy, partial, restoreTest, stale } from './fixtures';
import { backupsLate, backupsWord, backupTile } from './tile';

const NOW = new Date();

describe('the Last backup tile', () => {
  it('says when the backups are being read or could not be', () => {
    expect(backupTile({ state: 'loading' }, null, NOW)).toMatchObject({ level: 'neutral', headline: 'Reading the backups…' });
    const error = new AppError({ code: 'io', message: 'The published backups could not be read.', hint: '' });
    expect(backupTile({ state: 'error', error }, null, NOW)).toMatchObject({
      level: 'neutral',
      words: 'Could not read',
      detail: 'The published backups could not be read.',
      link: 'Go to Backups',
    });
    expect(backupsWord({ state: 'error', error })).toBe('error');
  });

  it('is amber with no backup set up, and offers to set one up', () => {
    const s = { state: 'ready', board: emptyBoard } as const;
    expect(backupsWord(s)).toBe('none');
    expect(backupTile(s, [], NOW)).toMatchObject({
      level: 'warning',
      words: 'Not set up',
      headline: 'No backup set up',
      link: 'Set up a backup',
      shown: null,
    });
  });

  it('says when, how big and how the restore test went', () => {
    const s = { state: 'ready', board: board([healthy]) } as const;
    expect(backupsWord(s)).toBe('ready');
    expect(backupTile(s, backupJobs(), NOW)).toEqual({
      level: 'good',
      words: 'Backed up',
      headline: 'Backed up 3 hours ago, 2.1 GB',
      detail: 'Restore test passed yesterday.',
      link: 'See the backups',
      shown: { status: healthy, newest: healthy.snapshots[1].time },
    });
  });

  it('is red when the last backup failed', () => {
    const tile = backupTile({ state: 'ready', board: board([failing]) }, null, NOW);
    expect(tile).toMatchObject({ level: 'danger', words: 'Backup failed' });
    expect(tile.headline).toBe('The last backup failed 2 hours ago; the newest copy was made yesterday');
  });

  it('is red when the restore test failed', () => {
    const broken = { ...healthy, last_test: restoreTest({ id: 9, outcome: 'failed' }) };
    expect(backupTile({ state: 'ready', board: board([broken]) }, null, NOW)).toMatchObject({
      level: 'danger',
      words: 'Restore test failed',
      detail: 'Restore test failed yesterday.',
    });
  });

  it('is amber when the newest copy is older than 2 days, or files were missed', () => {
    expect(backupTile({ state: 'ready', board: board([stale]) }, backupJobs(), NOW)).toMatchObject({
      level: 'warning',
      words: 'Out of date',
      headline: 'Last backed up 3 days ago, 2.1 GB',
    });
    expect(backupTile({ state: 'ready', board: board([partial]) }, null, NOW).level).toBe('warning');
  });

  it('shows the backup needing attention most, and how many there are', () => {
    const tile = backupTile({ state: 'ready', board: board([healthy, failing]) }, null, NOW);
    expect(tile.level).toBe('danger');
    expect(tile.shown?.status).toBe(failing);
    expect(tile.detail).toBe('Laptop backup: restore test passed yesterday. 2 backups in all.');
  });
});

describe('late backups in the Overview sentence', () => {
  it('names a backup older than its schedule allows, and nothing otherwise', () => {
    expect(backupsLate({ state: 'ready', board: board([stale]) }, backupJobs(), NOW)).toBe(
      'Office backup was last backed up 3 days ago, longer ago than its schedule allows.',
    );
    expect(backupsLate({ state: 'ready', board: board([healthy]) }, backupJobs(), NOW)).toBeNull();
    expect(backupsLate({ state: 'ready', board: emptyBoard }, [], NOW)).toBeNull();
    expect(backupsLate({ state: 'loading' }, null, NOW)).toBeNull();
  });
});
