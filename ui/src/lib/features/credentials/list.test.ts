import { backup, mail, wifi } from './fixtures';
import { matches, search, upsert, without } from './list';

describe('the list', () => {
  it('finds by name, username, address and kind, every word anywhere', () => {
    expect(matches(wifi, '')).toBe(true);
    expect(matches(wifi, 'office')).toBe(true);
    expect(matches(wifi, 'ROUTER')).toBe(true);
    expect(matches(wifi, 'wi-fi office')).toBe(true);
    expect(matches(mail, 'frontdesk@')).toBe(true);
    expect(matches(mail, 'email account')).toBe(true);
    expect(matches(backup, 'backup nas')).toBe(true);
    expect(matches(wifi, 'office mail')).toBe(false);
    // Notes are not searched: they might hold what should not be there.
    expect(matches(wifi, 'sticker')).toBe(false);
    expect(search([wifi, mail, backup], 'mail').map((c) => c.name)).toEqual(['Front desk mail']);
  });

  it('keeps the app order when adding, replacing and removing', () => {
    let list = [backup, wifi];
    list = upsert(list, mail);
    expect(list.map((c) => c.id)).toEqual(['c-backup', 'c-mail', 'c-wifi']);
    list = upsert(list, { ...wifi, name: 'a router' });
    expect(list.map((c) => c.name)).toEqual(['a router', 'Backup repository', 'Front desk mail']);
    expect(without(list, 'c-mail').map((c) => c.id)).toEqual(['c-wifi', 'c-backup']);
  });
});
