import { RANGES, align, formatValue, gapSeconds, shapeHistory, stats, sumByTime } from './charts';
import { GiB, emptyHistory, history } from './fixtures';

describe('charts', () => {
  it('offers the four ranges in hours', () => {
    expect(RANGES.map((r) => [r.hours, r.label])).toEqual([
      [1, '1 hour'],
      [24, '24 hours'],
      [168, '7 days'],
      [720, '30 days'],
    ]);
  });

  it('puts lines on one time column, with nulls where a line has no point', () => {
    const data = align(
      [
        { times: [0, 5, 10], values: [1, 2, 3] },
        { times: [5, 10, 15], values: [7, 8, 9] },
      ],
      1,
    );
    expect(data).toEqual([
      [0, 5, 10, 15],
      [1, 2, 3, null],
      [null, 7, 8, 9],
    ]);
  });

  it('breaks the line where Shipshape was not running', () => {
    expect(gapSeconds([0, 5, 10, 15], 1)).toBe(15);
    expect(gapSeconds([0, 300, 600], 300)).toBe(900);
    expect(gapSeconds([0], 1)).toBe(Infinity);
    const data = align([{ times: [0, 5, 10, 15, 3600, 3605], values: [1, 2, 3, 4, 5, 6] }], 1);
    expect(data).toEqual([
      [0, 5, 10, 15, 1808, 3600, 3605],
      [1, 2, 3, 4, null, 5, 6],
    ]);
  });

  it('adds interfaces up at each time', () => {
    expect(
      sumByTime([
        { times: [5, 10], values: [1, 2] },
        { times: [10, 15], values: [10, 20] },
      ]),
    ).toEqual({ times: [5, 10, 15], values: [1, 12, 20] });
  });

  it('finds the average, peak, first and last, ignoring gaps', () => {
    expect(stats([10, null, 20, 30])).toEqual({ average: 20, peak: 30, first: 10, last: 30 });
    expect(stats([null, null])).toBeNull();
    expect(stats([])).toBeNull();
  });

  it('formats figures in each chart unit', () => {
    expect(formatValue('percent', 12.4)).toBe('12 %');
    expect(formatValue('bytes', 4 * GiB)).toBe('4.0 GB');
    expect(formatValue('rate', 2048)).toBe('2.0 KB/s');
    expect(formatValue('rate', 10.4)).toBe('10 B/s');
  });

  it('shapes the history into four charts with a sentence each', () => {
    const charts = shapeHistory(history, 'the last 24 hours');
    expect(charts.map((c) => [c.id, c.title, c.unit, c.labels, c.points])).toEqual([
      ['cpu', 'CPU', 'percent', ['CPU'], 4],
      ['memory', 'Memory used', 'bytes', ['Memory used'], 4],
      ['disk', 'Disk space used', 'bytes', ['/', '/home'], 8],
      ['network', 'Network', 'rate', ['Received', 'Sent'], 6],
    ]);
    expect(charts.map((c) => c.summary)).toEqual([
      'CPU over the last 24 hours: average 30 %, peak 85 %.',
      'Memory used over the last 24 hours: average 4.3 GB, peak 5.0 GB.',
      'Disk space used over the last 24 hours: / from 90.0 GB to 93.0 GB; /home from 100.0 GB to 100.0 GB.',
      'Network over the last 24 hours: received average 2.0 KB/s, peak 2.9 KB/s; sent average 200 B/s, peak 300 B/s.',
    ]);
    const [, , disk, network] = charts;
    expect(disk.data).toHaveLength(3);
    expect(network.data[0]).toEqual(history.series[4].times);
    expect(network.data[1]).toEqual([1000, 2000, 3000]);
  });

  it('says so in words when there is no history', () => {
    const charts = shapeHistory(emptyHistory, 'the last hour');
    expect(charts.every((c) => c.points === 0)).toBe(true);
    expect(charts.map((c) => c.summary)).toEqual([
      'No CPU history for the last hour yet.',
      'No memory history for the last hour yet.',
      'No disk space history for the last hour yet.',
      'No network history for the last hour yet.',
    ]);
  });
});
