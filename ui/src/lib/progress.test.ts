import { formatSpeed, formatTimeLeft, measure } from './progress';

const MB = 1024 * 1024;

describe('measure', () => {
  it('gives the percent at once but waits for a speed worth showing', () => {
    expect(measure({ at: 0, done: 0 }, { at: 100, done: 10 * MB }, 100 * MB)).toEqual({
      percent: 10,
      bytesPerSecond: null,
      secondsLeft: null,
    });
  });

  it('works out speed and time left from done over time', () => {
    const m = measure({ at: 1000, done: 0 }, { at: 3000, done: 50 * MB }, 150 * MB);
    expect(m.percent).toBe(33);
    expect(m.bytesPerSecond).toBe(25 * MB);
    expect(m.secondsLeft).toBe(4);
  });

  it('never says more than 100 % or less than nothing left', () => {
    const m = measure({ at: 0, done: 0 }, { at: 1000, done: 12 }, 10);
    expect(m.percent).toBe(100);
    expect(m.secondsLeft).toBe(0);
  });

  it('copes with an empty file and with no progress', () => {
    expect(measure({ at: 0, done: 0 }, { at: 5000, done: 0 }, 0)).toEqual({
      percent: 0,
      bytesPerSecond: null,
      secondsLeft: null,
    });
  });
});

describe('formatSpeed', () => {
  it('speaks in MB/s', () => {
    expect(formatSpeed(null)).toBe('');
    expect(formatSpeed(250 * MB)).toBe('250 MB/s');
    expect(formatSpeed(3.46 * MB)).toBe('3.5 MB/s');
    expect(formatSpeed(0.2 * MB)).toBe('0.2 MB/s');
    expect(formatSpeed(1024)).toBe('less than 0.1 MB/s');
    expect(formatSpeed(Infinity)).toBe('');
  });
});

describe('formatTimeLeft', () => {
  it('rounds up and uses the biggest sensible unit', () => {
    expect(formatTimeLeft(null)).toBe('Working out how long this takes…');
    expect(formatTimeLeft(0.4)).toBe('Almost done');
    expect(formatTimeLeft(1)).toBe('About 1 second left');
    expect(formatTimeLeft(41.2)).toBe('About 42 seconds left');
    expect(formatTimeLeft(60)).toBe('About 1 minute left');
    expect(formatTimeLeft(150)).toBe('About 3 minutes left');
    expect(formatTimeLeft(3600)).toBe('About 1 hour left');
    expect(formatTimeLeft(3600 * 2 + 90)).toBe('About 2 hours, 2 minutes left');
    expect(formatTimeLeft(3600 + 3599.5)).toBe('About 2 hours left');
  });
});
