import { dayAndTime, relativeTime } from './format';

describe('format', () => {
  it('shows a day and a time', () => {
    expect(dayAndTime('2026-03-12T09:00:00Z', 'en-GB')).toMatch(/^12 Mar 2026, \d\d:\d\d$/);
    expect(dayAndTime('nope')).toBe('nope');
  });

  it('says how long ago in words', () => {
    const NOW = new Date('2026-05-28T12:00:00Z');
    const before = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();
    expect(relativeTime(before(10), NOW)).toBe('just now');
    expect(relativeTime(before(-300), NOW)).toBe('just now');
    expect(relativeTime(before(50), NOW)).toBe('1 minute ago');
    expect(relativeTime(before(5 * 60), NOW)).toBe('5 minutes ago');
    expect(relativeTime(before(59 * 60), NOW)).toBe('59 minutes ago');
    expect(relativeTime(before(3600), NOW)).toBe('1 hour ago');
    expect(relativeTime(before(5 * 3600 + 1200), NOW)).toBe('5 hours ago');
    expect(relativeTime(before(30 * 3600), NOW)).toBe('yesterday');
    expect(relativeTime(before(4 * 86400), NOW)).toBe('4 days ago');
    expect(relativeTime('2026-03-12T09:00:00Z', NOW, 'en-GB')).toBe('on 12 Mar 2026');
    expect(relativeTime('not a time', NOW)).toBe('not a time');
  });
});
