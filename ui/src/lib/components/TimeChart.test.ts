import { render } from '@testing-library/svelte';
import TimeChart from './TimeChart.svelte';
import { FakePlot } from './uplot.testing';

vi.mock('uplot', () => import('./uplot.testing'));

const format = (v: number) => `${v} %`;
const data = [
  [0, 5, 10],
  [1, 2, 3],
];

let observed: (() => void)[] = [];
class FakeResizeObserver {
  constructor(readonly cb: () => void) {
    observed.push(cb);
  }
  observe() {}
  disconnect() {
    observed = observed.filter((cb) => cb !== this.cb);
  }
}

beforeEach(() => {
  FakePlot.made = [];
  observed = [];
  vi.stubGlobal('ResizeObserver', FakeResizeObserver);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('TimeChart', () => {
  it('makes the chart on mount with a line per label, in its container', () => {
    const { container } = render(TimeChart, { data, labels: ['CPU'], format, max: 100 });
    expect(FakePlot.made).toHaveLength(1);
    const plot = FakePlot.made[0];
    expect(plot.data).toBe(data);
    expect(plot.opts.series.map((s) => s.label)).toEqual([undefined, 'CPU']);
    expect(plot.target.getAttribute('aria-hidden')).toBe('true');
    expect(container.contains(plot.target)).toBe(true);
    expect(plot.opts.height).toBe(180);
  });

  it('draws new data in place, and is remade only when the lines change', async () => {
    const { rerender } = render(TimeChart, { data, labels: ['/', '/home'], format });
    const next = [[0, 5], [1, 2], [3, 4]];
    await rerender({ data: next, labels: ['/', '/home'] });
    expect(FakePlot.made).toHaveLength(1);
    expect(FakePlot.made[0].data).toBe(next);

    await rerender({ data, labels: ['/', '/home', '/srv'] });
    expect(FakePlot.made).toHaveLength(2);
    expect(FakePlot.made[0].destroyed).toBe(true);
    expect(FakePlot.live()).toHaveLength(1);
    expect(FakePlot.made[1].opts.series).toHaveLength(4);
  });

  it('follows its container and goes away on unmount', () => {
    const { unmount } = render(TimeChart, { data, labels: ['CPU'], format, height: 120 });
    expect(observed).toHaveLength(1);
    observed[0]();
    expect(FakePlot.made[0].sizes).toEqual([{ width: 480, height: 120 }]);
    unmount();
    expect(FakePlot.made[0].destroyed).toBe(true);
    expect(observed).toHaveLength(0);
  });
});
