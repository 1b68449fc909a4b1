// How long a revealed secret stays on screen.

export const REVEAL_SECONDS = 30;

/** Whole seconds left until `endsAt`, counting a started second as one. */
export function secondsLeft(endsAt: number, now: number): number {
  return Math.max(0, Math.ceil((endsAt - now) / 1000));
}

/** "Hidden again in 30 seconds". */
export function countdownWords(left: number): string {
  return `Hidden again in ${left} ${left === 1 ? 'second' : 'seconds'}`;
}

export interface Clock {
  now: () => number;
  every: (ms: number, fn: () => void) => () => void;
}

const systemClock: Clock = {
  now: () => Date.now(),
  every: (ms, fn) => {
    const timer = setInterval(fn, ms);
    return () => clearInterval(timer);
  },
};

/**
 * Calls `tick` with the seconds left, at once and then about every second,
 * and `done` when none are left. The end is fixed when it starts, so a
 * throttled timer (a window in the background) cannot stretch it. Returns
 * the function that stops it without calling `done`.
 */
export function startCountdown(
  seconds: number,
  tick: (left: number) => void,
  done: () => void,
  clock: Clock = systemClock,
): () => void {
  const endsAt = clock.now() + seconds * 1000;
  let stopped = false;
  const stop = clock.every(250, () => {
    if (stopped) return;
    const left = secondsLeft(endsAt, clock.now());
    if (left > 0) {
      tick(left);
      return;
    }
    stopped = true;
    stop();
    done();
  });
  tick(seconds);
  return () => {
    stopped = true;
    stop();
  };
}
