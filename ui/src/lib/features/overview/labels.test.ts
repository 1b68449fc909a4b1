import { addressWords, alertLevel, alertWords, alertsKey, groupAnomalies, sentenceCase, sortAlerts, sortSockets } from './labels';
import { changed, clearedAlert, diskAlert, sample } from './fixtures';

describe('labels', () => {
  it('groups anomalies by kind, administrators first', () => {
    const groups = groupAnomalies(changed.anomalies);
    expect(groups.map((g) => [g.kind, g.title, g.items.length])).toEqual([
      ['new_administrator', 'New administrators', 1],
      ['new_listener', 'New programs listening on the network', 1],
      ['changed_file', 'Changed system files', 1],
    ]);
    expect(groupAnomalies([])).toEqual([]);
    expect(sentenceCase('a new program')).toBe('A new program');
  });

  it('puts open alerts first, newest first, and names their state', () => {
    const older = { ...diskAlert, id: 5, raised: '2026-05-27T07:00:00Z' };
    const sorted = sortAlerts([clearedAlert, older, diskAlert]);
    expect(sorted.open.map((a) => a.id)).toEqual([7, 5]);
    expect(sorted.cleared.map((a) => a.id)).toEqual([3]);
    expect([alertLevel(diskAlert), alertWords(diskAlert)]).toEqual(['danger', 'Needs attention']);
    expect(alertLevel({ ...diskAlert, rule: 'disk_full_soon' })).toBe('warning');
    const acked = { ...diskAlert, acknowledged: '2026-05-28T08:00:00Z' };
    expect([alertLevel(acked), alertWords(acked)]).toEqual(['neutral', 'Acknowledged']);
    expect([alertLevel(clearedAlert), alertWords(clearedAlert)]).toEqual(['good', 'Cleared']);
  });

  it('keys the open alerts by id and state, in any order', () => {
    const acked = { ...diskAlert, acknowledged: '2026-05-28T08:00:00Z' };
    expect(alertsKey([diskAlert, { ...diskAlert, id: 2 }])).toBe(alertsKey([{ ...diskAlert, id: 2 }, diskAlert]));
    expect(alertsKey([diskAlert])).not.toBe(alertsKey([acked]));
    expect(alertsKey([])).toBe('');
  });

  it('says where a program listens', () => {
    expect(addressWords('0.0.0.0')).toBe('every network');
    expect(addressWords('::')).toBe('every network');
    expect(addressWords('127.0.0.53')).toBe('this computer only');
    expect(addressWords('::1')).toBe('this computer only');
    expect(addressWords('192.168.1.10')).toBe('192.168.1.10');
    const [ssh, mdns] = sample.sockets;
    expect(sortSockets([mdns, ssh]).map((s) => s.port)).toEqual([22, 5353]);
  });
});
