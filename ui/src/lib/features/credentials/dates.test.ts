import { calendarDay, daysBetween, relativeDay } from './dates';

const NOW = new Date(2026, 4, 28, 15, 0); // 28 May 2026, local time

describe('dates', () => {
  it('counts calendar days, not 24-hour spans', () => {
    expect(daysBetween(new Date(2026, 4, 27, 23, 59), new Date(2026, 4, 28, 0, 1))).toBe(1);
    expect(daysBetween(new Date(2026, 4, 28, 0, 1), new Date(2026, 4, 28, 23, 59))).toBe(0);
  });

  it('says how long ago in words', () => {
    const daysAgo = (n: number) => new Date(2026, 4, 28 - n, 10).toISOString();
    expect(relativeDay(daysAgo(0), NOW)).toBe('today');
    expect(relativeDay(daysAgo(-2), NOW)).toBe('today');
    expect(relativeDay(daysAgo(1), NOW)).toBe('yesterday');
    expect(relativeDay(daysAgo(3), NOW)).toBe('3 days ago');
    expect(relativeDay(daysAgo(13), NOW)).toBe('13 days ago');
    expect(relativeDay(daysAgo(14), NOW)).toBe('2 weeks ago');
    expect(relativeDay(daysAgo(59), NOW)).toBe('8 weeks ago');
    expect(relativeDay(daysAgo(60), NOW)).toBe('2 months ago');
    expect(relativeDay(daysAgo(400), NOW)).toBe('1 year ago');
    expect(relativeDay('not a date', NOW)).toBe('not a date');
  });

  it('shows a day without its time', () => {
    expect(calendarDay('2026-04-10T09:00:00.000Z', 'en-GB')).toBe('10 Apr 2026');
  });
});
