// The history charts' data, shaped from the app's series: one time column
// shared by every line of a chart, a gap where Shipshape was not running,
// and a sentence that says what the chart shows for those who cannot see it.
import { bytes, rate } from '../../format';
import type { History, Metric, Series } from '../../ipc';

export interface Range {
  hours: number;
  /** On the range button: "24 hours". */
  label: string;
  /** In sentences: "the last 24 hours". */
  phrase: string;
}

export const RANGES: readonly Range[] = [
  { hours: 1, label: '1 hour', phrase: 'the last hour' },
  { hours: 24, label: '24 hours', phrase: 'the last 24 hours' },
  { hours: 168, label: '7 days', phrase: 'the last 7 days' },
  { hours: 720, label: '30 days', phrase: 'the last 30 days' },
];

export const DEFAULT_HOURS = 24;

export type Unit = 'percent' | 'bytes' | 'rate';
export type ChartId = 'cpu' | 'memory' | 'disk' | 'network';

/** uPlot's columns: times (Unix seconds) first, then one column per line. */
export type Columns = [number[], ...(number | null)[][]];

export interface Chart {
  id: ChartId;
  title: string;
  unit: Unit;
  /** One per line, in the order of the columns after the times. */
  labels: string[];
  data: Columns;
  /** Real points (not gap markers) over all lines. */
  points: number;
  /** The text alternative: "CPU over the last 24 hours: average 12 %, peak 85 %." */
  summary: string;
}

/** A figure in a chart's unit. */
export function formatValue(unit: Unit, value: number): string {
  switch (unit) {
    case 'percent':
      return `${Math.round(value)} %`;
    case 'bytes':
      return bytes(Math.round(value));
    case 'rate':
      return rate(value);
  }
}

interface Line {
  times: number[];
  values: number[];
}

/**
 * How far apart two points may be before the line breaks: three usual
 * intervals (the median), and never less than two steps.
 */
export function gapSeconds(times: number[], stepSeconds: number): number {
  const diffs: number[] = [];
  for (let i = 1; i < times.length; i += 1) diffs.push(times[i] - times[i - 1]);
  if (diffs.length === 0) return Infinity;
  diffs.sort((a, b) => a - b);
  const median = diffs[Math.floor(diffs.length / 2)];
  return Math.max(3 * median, 2 * stepSeconds);
}

/**
 * Lines on one shared time column: a line without a point at a time has
 * null there, and a time-less marker of nulls goes where the computer was
 * off or Shipshape closed, so no line is drawn across it.
 */
export function align(lines: Line[], stepSeconds: number): Columns {
  const all = [...new Set(lines.flatMap((l) => l.times))].sort((a, b) => a - b);
  const gap = gapSeconds(all, stepSeconds);
  const times: number[] = [];
  for (let i = 0; i < all.length; i += 1) {
    if (i > 0 && all[i] - all[i - 1] > gap) times.push(Math.round((all[i] + all[i - 1]) / 2));
    times.push(all[i]);
  }
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = lines.map((l) => {
    const column: (number | null)[] = new Array<number | null>(times.length).fill(null);
    l.times.forEach((t, i) => {
      column[index.get(t)!] = l.values[i];
    });
    return column;
  });
  return [times, ...columns];
}

/** Several lines added up at each time (every network interface together). */
export function sumByTime(lines: Line[]): Line {
  const sums = new Map<number, number>();
  for (const l of lines) {
    l.times.forEach((t, i) => sums.set(t, (sums.get(t) ?? 0) + l.values[i]));
  }
  const times = [...sums.keys()].sort((a, b) => a - b);
  return { times, values: times.map((t) => sums.get(t)!) };
}

export interface Stats {
  average: number;
  peak: number;
  first: number;
  last: number;
}

export function stats(values: readonly (number | null)[]): Stats | null {
  const real = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (real.length === 0) return null;
  return {
    average: real.reduce((a, b) => a + b, 0) / real.length,
    peak: Math.max(...real),
    first: real[0],
    last: real[real.length - 1],
  };
}

function of(series: Series[], metric: Metric): Series[] {
  return series
    .filter((s) => s.metric === metric && s.times.length > 0)
    .sort((a, b) => a.subject.localeCompare(b.subject));
}

interface Kind {
  id: ChartId;
  title: string;
  /** In "No … history": "disk space". */
  noun: string;
  unit: Unit;
}

function chart(
  { id, title, noun, unit }: Kind,
  phrase: string,
  named: { label: string; line: Line }[],
  stepSeconds: number,
  describe: (label: string, s: Stats) => string,
): Chart {
  const data = align(
    named.map((n) => n.line),
    stepSeconds,
  );
  const points = named.reduce((sum, n) => sum + n.line.times.length, 0);
  const parts = named
    .map((n, i) => {
      const s = stats(data[i + 1]);
      return s ? describe(n.label, s) : null;
    })
    .filter((p): p is string => p !== null);
  const summary =
    parts.length === 0 ? `No ${noun} history for ${phrase} yet.` : `${title} over ${phrase}: ${parts.join('; ')}.`;
  return { id, title, unit, labels: named.map((n) => n.label), data, points, summary };
}

const CPU: Kind = { id: 'cpu', title: 'CPU', noun: 'CPU', unit: 'percent' };
const MEMORY: Kind = { id: 'memory', title: 'Memory used', noun: 'memory', unit: 'bytes' };
const DISK: Kind = { id: 'disk', title: 'Disk space used', noun: 'disk space', unit: 'bytes' };
const NETWORK: Kind = { id: 'network', title: 'Network', noun: 'network', unit: 'rate' };

/** The four charts: CPU, memory, disk space (one line per disk) and network. */
export function shapeHistory(history: History, phrase: string): Chart[] {
  const step = history.step_seconds;
  const averagePeak = (unit: Unit) => (label: string, s: Stats) =>
    `${label ? `${label} ` : ''}average ${formatValue(unit, s.average)}, peak ${formatValue(unit, s.peak)}`;
  const single = (metric: Metric, label: string) =>
    of(history.series, metric).map((s) => ({ label, line: s }));

  const rx = of(history.series, 'net_rx_bytes_per_second');
  const tx = of(history.series, 'net_tx_bytes_per_second');
  const network = [
    ...(rx.length > 0 ? [{ label: 'Received', line: sumByTime(rx) }] : []),
    ...(tx.length > 0 ? [{ label: 'Sent', line: sumByTime(tx) }] : []),
  ];

  return [
    chart(CPU, phrase, single('cpu_percent', 'CPU'), step, (_, s) => averagePeak('percent')('', s)),
    chart(MEMORY, phrase, single('memory_used_bytes', 'Memory used'), step, (_, s) => averagePeak('bytes')('', s)),
    chart(
      DISK,
      phrase,
      of(history.series, 'disk_used_bytes').map((s) => ({ label: s.subject, line: s })),
      step,
      (label, s) => `${label} from ${formatValue('bytes', s.first)} to ${formatValue('bytes', s.last)}`,
    ),
    chart(NETWORK, phrase, network, step, (label, s) =>
      averagePeak('rate')(label.toLowerCase(), s),
    ),
  ];
}
