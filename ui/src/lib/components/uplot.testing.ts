// A stand-in for uPlot in component tests (jsdom has no canvas): it keeps
// what the chart was given. Use with vi.mock('uplot', () => import(...)).
// Only tests import this file.

export class FakePlot {
  static made: FakePlot[] = [];
  data: unknown;
  sizes: { width: number; height: number }[] = [];
  destroyed = false;

  constructor(
    readonly opts: { width: number; height: number; series: { label?: string }[] },
    data: unknown,
    readonly target: HTMLElement,
  ) {
    this.data = data;
    FakePlot.made.push(this);
  }

  setData(data: unknown) {
    this.data = data;
  }

  setSize(size: { width: number; height: number }) {
    this.sizes.push(size);
  }

  destroy() {
    this.destroyed = true;
  }

  /** The charts still on screen. */
  static live(): FakePlot[] {
    return FakePlot.made.filter((p) => !p.destroyed);
  }
}

export default FakePlot;
