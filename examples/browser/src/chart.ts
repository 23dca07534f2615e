// The live loss curve: uPlot on a log scale, one point per training step.

import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface LossChart {
  /** Redraw with the losses so far (one per step). */
  update(losses: readonly number[]): void;
  readonly plot: uPlot;
}

export function lossChart(el: HTMLElement, steps: number): LossChart {
  const opts: uPlot.Options = {
    title: "training loss (log scale)",
    width: Math.min(el.clientWidth || 720, 720),
    height: 320,
    scales: { x: { time: false, range: [0, steps] }, y: { distr: 3 } },
    series: [{ label: "step" }, { label: "loss", stroke: "steelblue", width: 1.5, value: (_u, v) => (v == null ? "-" : v.toFixed(4)) }],
    axes: [{ label: "step" }, {}],
  };
  const plot = new uPlot(opts, [[], []], el);
  return {
    plot,
    update(losses) {
      plot.setData([losses.map((_, i) => i), losses.slice()]);
    },
  };
}
