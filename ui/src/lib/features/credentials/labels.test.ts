import type { CheckReport, Credential } from '../../ipc';
import { backup, mail, wifi } from './fixtures';
import { checkSentences, kindChoices, kindLabels, rotationStatus, strengthLevel, summary } from './labels';

const NOW = new Date(2026, 4, 28, 15, 0); // 28 May 2026, local time

describe('labels', () => {
  it('names every kind in plain words', () => {
    expect(kindLabels.ssh_passphrase).toBe('SSH key passphrase');
    expect(kindChoices.map((k) => k.label)).toEqual([
      'Password',
      'API token',
      'SSH key passphrase',
      'Wi-Fi',
      'Email account',
      'Backup repository',
      'Other',
    ]);
  });

  it('words each rotation status with a level', () => {
    expect(rotationStatus(backup, NOW)).toEqual({ level: null, words: 'No reminder' });
    const current: Credential = { ...mail, rotation: 'current', last_rotated: new Date(2026, 4, 25).toISOString() };
    expect(rotationStatus(current, NOW)).toEqual({ level: 'good', words: 'Changed 3 days ago' });
    expect(rotationStatus(mail, NOW, 'en-GB')).toEqual({ level: 'warning', words: 'Change due 31 May 2026' });
    expect(rotationStatus(wifi, NOW, 'en-GB')).toEqual({
      level: 'danger',
      words: 'Change overdue since 10 Apr 2026',
    });
    expect(rotationStatus({ ...wifi, due: null }, NOW).words).toBe('Change overdue');
  });

  it('sums up the list', () => {
    expect(summary([])).toBe('0 credentials');
    expect(summary([backup])).toBe('1 credential');
    expect(summary([wifi, mail, backup])).toBe('3 credentials; 1 overdue for a change and 1 due soon');
    expect(summary([wifi, backup])).toBe('2 credentials; 1 overdue for a change');
    expect(summary([mail])).toBe('1 credential; 1 due for a change soon');
    expect(summary([{ ...mail, rotation: 'current' }, backup])).toBe('2 credentials; none due for a change');
  });

  it('tells what the start-up check repaired, by name', () => {
    const none: CheckReport = { restored: [], removed: [] };
    expect(checkSentences(none)).toEqual([]);
    expect(checkSentences({ restored: ['NAS'], removed: ['Old router', 'Printer'] })).toEqual([
      'Shipshape found the secret of NAS in your keychain without its entry in this list, and put it back in the list.',
      'Shipshape removed Old router and Printer from this list: their secrets are no longer in your keychain.',
    ]);
  });

  it('turns a strength score into a level', () => {
    expect([0, 1, 2, 3, 4].map(strengthLevel)).toEqual(['danger', 'danger', 'warning', 'good', 'good']);
  });
});
