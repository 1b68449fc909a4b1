// The score over time, from past scans (newest first, as the app gives them).
import type { PastScan } from '../../ipc';

/** Oldest first: Unix seconds, then the scores; unreadable times are left out. */
export function trendData(history: PastScan[]): [number[], number[]] {
  const points = history
    .map((p) => ({ t: Date.parse(p.time) / 1000, score: p.score }))
    .filter((p) => Number.isFinite(p.t))
    .sort((a, b) => a.t - b.t);
  return [points.map((p) => p.t), points.map((p) => p.score)];
}

/** "Up 6 points since your previous check." ; null with fewer than two scans. */
export function trendSentence(history: PastScan[]): string | null {
  const [, scores] = trendData(history);
  if (scores.length < 2) return null;
  const change = scores[scores.length - 1] - scores[scores.length - 2];
  const points = (n: number) => `${n} ${n === 1 ? 'point' : 'points'}`;
  if (change > 0) return `Up ${points(change)} since your previous check.`;
  if (change < 0) return `Down ${points(-change)} since your previous check.`;
  return 'The same as your previous check.';
}
