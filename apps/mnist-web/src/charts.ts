/**
 * Live training charts with uPlot: loss and accuracy per batch (the running means `fit` reports),
 * x in epochs (fractional). Points are buffered and drawn at most once per animation frame.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface TrainingCharts {
  /** Adds one batch: x = epoch + (batch + 1) / steps. */
  add(x: number, loss: number, accuracy: number): void;
  /** Clears both charts (a new run). */
  reset(): void;
}

function chart(title: string, label: string, stroke: string, target: HTMLElement, range?: [number, number]): uPlot {
  const width = Math.max(280, Math.min(520, target.clientWidth || 480));
  return new uPlot(
    {
      title,
      width,
      height: 220,
      scales: { x: { time: false }, y: range ? { range } : { auto: true } },
      axes: [{ label: 'epoch' }, { label }],
      series: [{ label: 'epoch', value: (_u, v) => (v == null ? '' : v.toFixed(2)) }, { label, stroke, width: 1.5, value: (_u, v) => (v == null ? '' : v.toFixed(4)) }],
      legend: { live: true },
    },
    [[], []],
    target,
  );
}

export function createTrainingCharts(lossTarget: HTMLElement, accuracyTarget: HTMLElement): TrainingCharts {
  const loss = chart('Training loss (per batch)', 'loss', '#d9480f', lossTarget);
  const accuracy = chart('Training accuracy (per batch)', 'accuracy', '#1971c2', accuracyTarget, [0, 1]);
  let xs: number[] = [];
  let losses: number[] = [];
  let accuracies: number[] = [];
  let frame = 0;
  const draw = () => {
    frame = 0;
    loss.setData([xs, losses]);
    accuracy.setData([xs, accuracies]);
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(draw);
  };
  return {
    add(x, l, a) {
      xs.push(x);
      losses.push(l);
      accuracies.push(a);
      schedule();
    },
    reset() {
      xs = [];
      losses = [];
      accuracies = [];
      schedule();
    },
  };
}
