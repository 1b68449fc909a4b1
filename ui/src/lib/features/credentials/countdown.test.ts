import { countdownWords, secondsLeft, startCountdown, type Clock } from './countdown';

describe('the reveal countdown', () => {
  it('counts whole seconds, a started one as one', () => {
    expect(secondsLeft(30_000, 0)).toBe(30);
    expect(secondsLeft(30_000, 100)).toBe(30);
    expect(secondsLeft(30_000, 29_001)).toBe(1);
    expect(secondsLeft(30_000, 30_000)).toBe(0);
    expect(secondsLeft(30_000, 40_000)).toBe(0);
    expect(countdownWords(1)).toBe('Hidden again in 1 second');
    expect(countdownWords(30)).toBe('Hidden again in 30 seconds');
  });

  /** A clock the test moves by hand. */
  function manualClock() {
    let t = 0;
    let fn: (() => void) | null = null;
    const clock: Clock = {
      now: () => t,
      every: (_ms, f) => {
        fn = f;
        return () => (fn = null);
      },
    };
    return {
      clock,
      running: () => fn !== null,
      advance(ms: number) {
        t += ms;
        fn?.();
      },
    };
  }

  it('ticks down and calls done once at zero', () => {
    const m = manualClock();
    const ticks: number[] = [];
    let done = 0;
    startCountdown(30, (s) => ticks.push(s), () => (done += 1), m.clock);
    m.advance(1000);
    m.advance(28_500);
    expect(ticks).toEqual([30, 29, 1]);
    expect(done).toBe(0);
    m.advance(500);
    expect(done).toBe(1);
    expect(m.running()).toBe(false);
  });

  it('ends on time even when the timer was held back', () => {
    const m = manualClock();
    let done = 0;
    startCountdown(30, () => {}, () => (done += 1), m.clock);
    m.advance(45_000);
    expect(done).toBe(1);
  });

  it('stops without calling done', () => {
    const m = manualClock();
    let done = 0;
    const stop = startCountdown(30, () => {}, () => (done += 1), m.clock);
    stop();
    expect(m.running()).toBe(false);
    m.advance(30_000);
    expect(done).toBe(0);
  });
});
