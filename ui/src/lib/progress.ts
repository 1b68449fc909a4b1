// How far long work is, how fast it goes and how long it will take, from a
// job's done/total over time (checking a file, backing up). Pure, so it can
// be tested without a clock.

export interface Sample {
  /** Milliseconds, from any steady clock. */
  at: number;
  /** Bytes done so far. */
  done: number;
}

export interface Measure {
  /** 0 to 100, whole numbers. */
  percent: number;
  /** null until there is enough to measure. */
  bytesPerSecond: number | null;
  /** null until the speed is known. */
  secondsLeft: number | null;
}

/** Below this, a speed is mostly noise. */
const MIN_ELAPSED_MS = 250;

export function measure(start: Sample, now: Sample, total: number): Measure {
  const done = Math.min(now.done, total);
  const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0;
  const elapsed = now.at - start.at;
  const moved = now.done - start.done;
  if (elapsed < MIN_ELAPSED_MS || moved <= 0) {
    return { percent, bytesPerSecond: null, secondsLeft: null };
  }
  const bytesPerSecond = (moved * 1000) / elapsed;
  const secondsLeft = Math.max(0, total - done) / bytesPerSecond;
  return { percent, bytesPerSecond, secondsLeft };
}

const MB = 1024 * 1024;

/** "48 MB/s", "3.5 MB/s", "0.2 MB/s"; empty until measured. */
export function formatSpeed(bytesPerSecond: number | null): string {
  if (bytesPerSecond === null || !Number.isFinite(bytesPerSecond)) return '';
  const mb = bytesPerSecond / MB;
  if (mb >= 100) return `${Math.round(mb)} MB/s`;
  if (mb >= 0.1) return `${mb.toFixed(1)} MB/s`;
  return 'less than 0.1 MB/s';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "About 40 seconds left", "About 3 minutes left"; rounded up, never 0. */
export function formatTimeLeft(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'Working out how long this takes…';
  if (seconds < 1) return 'Almost done';
  if (seconds < 60) return `About ${plural(Math.ceil(seconds), 'second')} left`;
  if (seconds < 3600) return `About ${plural(Math.ceil(seconds / 60), 'minute')} left`;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.ceil((seconds % 3600) / 60);
  if (minutes === 0 || minutes === 60) return `About ${plural(hours + (minutes === 60 ? 1 : 0), 'hour')} left`;
  return `About ${plural(hours, 'hour')}, ${plural(minutes, 'minute')} left`;
}
