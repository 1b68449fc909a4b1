import { dayAndTime } from './format';

describe('format', () => {
  it('shows a day and a time', () => {
    expect(dayAndTime('2026-03-12T09:00:00Z', 'en-GB')).toMatch(/^12 Mar 2026, \d\d:\d\d$/);
    expect(dayAndTime('nope')).toBe('nope');
  });
});
