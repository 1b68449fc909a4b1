import { dayAndTime } from '../../format';
import { backupRun, entry, restored, snapshot } from './fixtures';
import {
  cancelledSentence,
  commonFolder,
  crumbs,
  folderProblem,
  isFolder,
  keptName,
  parentFolder,
  placeNote,
  restoredSentence,
  restoreWhere,
  snapshotLabel,
  sortEntries,
} from './restore';

describe('commonFolder', () => {
  it('starts at the top when the copy names no path, or paths with nothing in common', () => {
    expect(commonFolder([])).toBe('/');
    expect(commonFolder(['/etc', '/home'])).toBe('/');
  });

  it('starts at the deepest folder holding every path', () => {
    expect(commonFolder(['/home/ann', '/home/ben'])).toBe('/home');
    expect(commonFolder(['/home', '/home/ann/Documents'])).toBe('/home');
    expect(commonFolder(['/srv/shared/a/b', '/srv/shared/a/c', '/srv/shared/a'])).toBe('/srv/shared/a');
  });

  it('starts in the one folder a copy backed up', () => {
    expect(commonFolder(['/home/ann'])).toBe('/home/ann');
    expect(commonFolder(['/home/ann/'])).toBe('/home/ann');
  });

  it('compares whole folder names, not letters', () => {
    expect(commonFolder(['/home/ann', '/home/annie'])).toBe('/home');
  });
});

describe('parentFolder', () => {
  it('is the folder a path is in', () => {
    expect(parentFolder('/home/ann/letters/offer.txt')).toBe('/home/ann/letters');
    expect(parentFolder('/home')).toBe('/');
    expect(parentFolder('/')).toBe('/');
  });
});

describe('crumbs', () => {
  it('is the way from the top to the folder', () => {
    expect(crumbs('/home/ann/letters')).toEqual([
      { label: 'Top', path: '/' },
      { label: 'home', path: '/home' },
      { label: 'ann', path: '/home/ann' },
      { label: 'letters', path: '/home/ann/letters' },
    ]);
  });

  it('is the top alone at the top', () => {
    expect(crumbs('/')).toEqual([{ label: 'Top', path: '/' }]);
  });

  it('keeps spaces and dots in names', () => {
    expect(crumbs('/home/ann/My Files.old').map((c) => c.label)).toEqual(['Top', 'home', 'ann', 'My Files.old']);
  });
});

describe('sortEntries', () => {
  const listed = [
    entry('/home/ann/notes.txt'),
    entry('/home/ann/Budget 10.ods'),
    entry('/home/ann/zeta', 'dir'),
    entry('/home/ann/budget 9.ods'),
    entry('/home/ann/.profile', 'symlink'),
    entry('/home/ann/Archive', 'dir'),
  ];

  it('puts folders first, then files, in the order a person expects', () => {
    expect(sortEntries(listed).map((e) => e.name)).toEqual([
      'Archive',
      'zeta',
      '.profile',
      'budget 9.ods',
      'Budget 10.ods',
      'notes.txt',
    ]);
  });

  it('sorts search matches by their full path, folders first', () => {
    const found = [entry('/srv/offer.txt'), entry('/home/ann/offers', 'dir'), entry('/home/ann/letters/offer.txt')];
    expect(sortEntries(found, 'path').map((e) => e.path)).toEqual([
      '/home/ann/offers',
      '/home/ann/letters/offer.txt',
      '/srv/offer.txt',
    ]);
  });

  it('leaves the list it was given as it was', () => {
    const copy = [...listed];
    sortEntries(listed);
    expect(listed).toEqual(copy);
  });

  it('orders names equal but for case the same way every time', () => {
    const twins = [entry('/a/readme'), entry('/a/README')];
    expect(sortEntries(twins).map((e) => e.name)).toEqual(sortEntries([...twins].reverse()).map((e) => e.name));
  });
});

describe('isFolder', () => {
  it('counts only restic’s dir as a folder; links and the rest are shown as files', () => {
    expect(isFolder(entry('/home', 'dir'))).toBe(true);
    expect(isFolder(entry('/home/ann/.profile', 'symlink'))).toBe(false);
    expect(isFolder(entry('/dev/null', 'dev'))).toBe(false);
  });
});

describe('snapshotLabel', () => {
  const now = new Date();

  it('says when a copy was made, how long ago, and which is the newest', () => {
    const copy = snapshot(3, 'a1b2c3d4');
    expect(snapshotLabel(copy, true, now)).toBe(`${dayAndTime(copy.time)} (3 hours ago, the newest)`);
    expect(snapshotLabel(copy, false, now)).toBe(`${dayAndTime(copy.time)} (3 hours ago)`);
  });

  it('gives an old copy its date alone', () => {
    const copy = snapshot(24 * 40, 'c0ffee00');
    expect(snapshotLabel(copy, false, now)).toBe(dayAndTime(copy.time));
  });
});

describe('keptName', () => {
  it('puts “(before restore …)” before a file’s extension', () => {
    expect(keptName('offer.txt', false)).toBe('offer (before restore …).txt');
  });

  it('puts it after a folder’s name, or a name with no extension', () => {
    expect(keptName('letters.2026', true)).toBe('letters.2026 (before restore …)');
    expect(keptName('Makefile', false)).toBe('Makefile (before restore …)');
    expect(keptName('.bashrc', false)).toBe('.bashrc (before restore …)');
  });
});

describe('placeNote', () => {
  it('names what something in the way would be renamed to', () => {
    expect(placeNote(entry('/home/ann/letters/offer.txt'))).toBe(
      'If something is there now, it is kept beside it as “offer (before restore …).txt”: nothing is overwritten.',
    );
    expect(placeNote(null)).toBe(
      'If something is there now, it is kept beside it, with “(before restore …)” added to its name: nothing is overwritten.',
    );
  });
});

describe('folderProblem', () => {
  it('asks for a folder when none is typed', () => {
    expect(folderProblem('  ')).toEqual({
      message: 'Type the folder to restore into.',
      hint: 'Its full path, for example /home/anna/Restored.',
    });
  });

  it('refuses a path that does not start with /', () => {
    expect(folderProblem('Restored')).toEqual({
      message: '“Restored” is not a full path.',
      hint: 'A full path starts with /, for example /home/anna/Restored.',
    });
    expect(folderProblem('~/Restored')?.message).toBe('“~/Restored” is not a full path.');
  });

  it('refuses a path that climbs out with ..', () => {
    expect(folderProblem('/home/ann/../ben')?.message).toBe('“/home/ann/../ben” climbs out of a folder with “..”.');
  });

  it('takes a full path, with spaces around it or a slash at its end', () => {
    expect(folderProblem(' /home/ann/Restored/ ')).toBeNull();
    expect(folderProblem('/')).toBeNull();
  });
});

describe('restoreWhere', () => {
  it('is its place, or the folder as typed without spaces or a slash at its end', () => {
    expect(restoreWhere('place', '/ignored')).toEqual({ to: 'place' });
    expect(restoreWhere('folder', ' /home/ann/Restored/ ')).toEqual({ to: 'folder', folder: '/home/ann/Restored' });
  });
});

describe('restoredSentence', () => {
  it('says what was restored and where the file that was there is kept', () => {
    expect(restoredSentence(restored(), false)).toBe(
      'Restored /home/ann/letters/offer.txt. The file that was there is kept as /home/ann/letters/offer (before restore 2026-12-04 18.45).txt',
    );
  });

  it('says what was restored alone when nothing was in the way', () => {
    expect(restoredSentence(restored({ restored: '/home/ann/Restored/letters', kept: null }), true)).toBe(
      'Restored /home/ann/Restored/letters.',
    );
  });

  it('names a folder kept beside it as a folder', () => {
    const r = restored({ restored: '/home/ann/letters', kept: '/home/ann/letters (before restore 2026-12-04 18.45)' });
    expect(restoredSentence(r, true)).toBe(
      'Restored /home/ann/letters. The folder that was there is kept as /home/ann/letters (before restore 2026-12-04 18.45)',
    );
  });

  it('counts the files that could not be restored', () => {
    const run = backupRun({ id: 61, kind: 'restore', outcome: 'partial', unreadable: ['a: denied', 'b: denied'] });
    expect(restoredSentence(restored({ run, restored: '/home/ann/letters', kept: null }), true)).toBe(
      'Restored /home/ann/letters, but 2 files could not be restored.',
    );
    const vague = backupRun({ id: 62, kind: 'restore', outcome: 'partial', unreadable: [] });
    expect(restoredSentence(restored({ run: vague, restored: '/home/ann/letters', kept: null }), true)).toBe(
      'Restored /home/ann/letters, but some files could not be restored.',
    );
  });

  it('says when nothing could be restored, and still where the old file went', () => {
    const run = backupRun({ id: 63, kind: 'restore', outcome: 'failed' });
    expect(restoredSentence(restored({ run }), false)).toBe(
      '/home/ann/letters/offer.txt could not be restored. The file that was there is kept as /home/ann/letters/offer (before restore 2026-12-04 18.45).txt',
    );
  });

  it('says when the restore was cancelled', () => {
    const run = backupRun({ id: 64, kind: 'restore', outcome: 'cancelled' });
    expect(restoredSentence(restored({ run, kept: null }), false)).toBe(
      'The restore of /home/ann/letters/offer.txt was cancelled.',
    );
  });
});

describe('cancelledSentence', () => {
  const offer = entry('/home/ann/letters/offer.txt');

  it('says where to look for what was in its place', () => {
    expect(cancelledSentence(offer, { to: 'place' })).toBe(
      'The restore of /home/ann/letters/offer.txt was cancelled; some of it may have been restored already. What was in its place is not overwritten: look for “offer (before restore …).txt” beside it.',
    );
  });

  it('names the folder it was restoring into', () => {
    expect(cancelledSentence(offer, { to: 'folder', folder: '/home/ann/Restored' })).toBe(
      'The restore of /home/ann/letters/offer.txt was cancelled; some of it may have been restored already, into /home/ann/Restored.',
    );
  });
});
