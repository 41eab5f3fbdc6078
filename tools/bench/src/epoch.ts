/**
 * Timing of the epoch rows. One `model.fit(..., { epochs: 1 })` call per row, timed from its own
 * callbacks, identically for every library: a timestamp at `onEpochBegin` and at every
 * `onBatchEnd`, so a step's time is from the end of the step before it to the end of its own, and
 * includes everything fit does per step (gathering the shuffled batch, the step, reading the loss
 * and accuracy, the callbacks).
 *
 * - Default (prefix): the first `warmupSteps` steps warm up (JIT, first allocations, optimizer
 *   slots); the next `steps` steps are timed, then the callback sets `model.stopTraining`. The
 *   epoch is projected as steps-per-epoch × the median step (the table's time column), as the
 *   train-step row does; the mean-based projection is kept too.
 * - Full epoch: fit runs the whole epoch; its time is from `onEpochBegin` to `onEpochEnd` (the
 *   shuffle, every step, warm-up steps included, as a user waits for it), and the median step is
 *   over the steps after the warm-up.
 */
import { performance } from 'node:perf_hooks';
import type { EpochCase } from './families/family.js';
import { median, type Measurement } from './measure.js';

export interface EpochOptions {
  readonly warmupSteps: number;
  /** Timed steps after the warm-up (prefix mode). */
  readonly steps: number;
  readonly fullEpoch: boolean;
  /** Steps in a whole epoch (469 for MNIST in batches of 128). */
  readonly stepsPerEpoch: number;
}

/** What one epoch row measured, beyond the per-step `Measurement`. */
export interface EpochMeasurement {
  readonly mode: 'prefix' | 'full-epoch';
  readonly warmupSteps: number;
  /** Steps whose times were kept (after the warm-up). */
  readonly timedSteps: number;
  /** Steps fit ran in all. */
  readonly stepsRun: number;
  /** 1-based numbers of the first and last timed step. */
  readonly firstTimedStep: number;
  readonly lastTimedStep: number;
  /** Steps per epoch × median step time. */
  readonly projectedSeconds: number;
  /** Steps per epoch × mean step time (includes the occasional slow step: garbage collection). */
  readonly projectedMeanSeconds: number;
  /** Full epoch: onEpochBegin → onEpochEnd. Null in prefix mode. */
  readonly measuredSeconds: number | null;
  /** The library's own epoch time, where it reports one (TensorKit's History.epochSeconds). */
  readonly librarySeconds: number | null;
  /** The epoch's loss and accuracy as fit logs them (running means over the steps run). */
  readonly loss: number;
  readonly accuracy: number;
}

/** Runs one epoch (or its prefix) of `c` and times its steps. */
export async function measureEpoch(
  c: EpochCase,
  numTensors: () => number,
  options: EpochOptions,
): Promise<{ measurement: Measurement; epoch: EpochMeasurement }> {
  const warmup = Math.min(options.warmupSteps, options.stepsPerEpoch - 1);
  const stopAfter = options.fullEpoch ? Infinity : warmup + options.steps - 1;
  let begin = NaN;
  let end = NaN;
  const stamps: number[] = [];
  const tensors: number[] = [];
  const outcome = await c.fit({
    epochBegin: () => {
      begin = performance.now();
    },
    batchEnd: (step) => {
      stamps.push(performance.now());
      tensors.push(numTensors());
      return step >= stopAfter;
    },
    epochEnd: () => {
      end = performance.now();
    },
  });
  if (stamps.length <= warmup) throw new Error(`fit ran ${stamps.length} step(s), not more than the ${warmup} warm-up step(s)`);
  if (!Number.isFinite(begin)) throw new Error('fit never called onEpochBegin');
  const stepMs = stamps.map((t, i) => t - (i === 0 ? begin : stamps[i - 1]));
  const samplesMs = stepMs.slice(warmup);
  const medianMs = median(samplesMs);
  const meanMs = samplesMs.reduce((a, b) => a + b, 0) / samplesMs.length;
  return {
    measurement: {
      medianMs,
      minMs: Math.min(...samplesMs),
      maxMs: Math.max(...samplesMs),
      samplesMs,
      inner: 1,
      tensorsBefore: tensors[warmup - 1] ?? tensors[0],
      tensorsAfter: tensors.slice(warmup),
    },
    epoch: {
      mode: options.fullEpoch ? 'full-epoch' : 'prefix',
      warmupSteps: warmup,
      timedSteps: samplesMs.length,
      stepsRun: stamps.length,
      firstTimedStep: warmup + 1,
      lastTimedStep: stamps.length,
      projectedSeconds: (options.stepsPerEpoch * medianMs) / 1000,
      projectedMeanSeconds: (options.stepsPerEpoch * meanMs) / 1000,
      measuredSeconds: options.fullEpoch ? (Number.isFinite(end) ? end : performance.now()) / 1000 - begin / 1000 : null,
      librarySeconds: outcome.librarySeconds,
      loss: outcome.loss,
      accuracy: outcome.accuracy,
    },
  };
}
