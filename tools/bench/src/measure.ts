/**
 * Timing. Each case is warmed up (JIT compilation, first-use allocations, optimizer slots), then
 * timed in `repeats` samples. A sample runs the case `inner` times back to back, with `inner` chosen
 * so that a sample lasts at least `minSampleMs` (sub-millisecond ops would otherwise be timer noise);
 * the reported time is the median over samples of (sample time / inner).
 */
import { performance } from 'node:perf_hooks';
import type { Case } from './families/family.js';

/** Timing options. */
export interface MeasureOptions {
  /** Timed samples; the median is reported. */
  readonly repeats: number;
  /** Warm-up lasts at least this many runs... */
  readonly warmupRuns: number;
  /** ...and at least this long. */
  readonly warmupMs: number;
  /** Minimum duration of one sample. */
  readonly minSampleMs: number;
}

/** What one case measured. */
export interface Measurement {
  /** Median time of one run, in milliseconds. */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Per-run time of every sample, in milliseconds. */
  readonly samplesMs: number[];
  /** Runs per sample. */
  readonly inner: number;
  /** Live tensors after warm-up, and after each sample (should all be equal). */
  readonly tensorsBefore: number;
  readonly tensorsAfter: number[];
}

async function once(c: Case): Promise<void> {
  const r = c.run();
  if (r instanceof Promise) await r;
}

/** The median of `values` (not modified). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Warms `c` up, then times it. `numTensors` counts the live tensors of the case's library. */
export async function measure(c: Case, numTensors: () => number, options: MeasureOptions): Promise<Measurement> {
  // Warm-up, which also estimates the time of one run (median of the warm-up runs).
  const warmTimes: number[] = [];
  const warmStart = performance.now();
  while (warmTimes.length < options.warmupRuns || performance.now() - warmStart < options.warmupMs) {
    const t0 = performance.now();
    await once(c);
    warmTimes.push(performance.now() - t0);
  }
  const estimate = median(warmTimes.slice(warmTimes.length >> 1));
  const inner = Math.max(1, Math.ceil(options.minSampleMs / Math.max(estimate, 1e-4)));
  const tensorsBefore = numTensors();
  const samplesMs: number[] = [];
  const tensorsAfter: number[] = [];
  for (let r = 0; r < options.repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) {
      const p = c.run();
      if (p instanceof Promise) await p;
    }
    samplesMs.push((performance.now() - t0) / inner);
    tensorsAfter.push(numTensors());
  }
  return {
    medianMs: median(samplesMs),
    minMs: Math.min(...samplesMs),
    maxMs: Math.max(...samplesMs),
    samplesMs,
    inner,
    tensorsBefore,
    tensorsAfter,
  };
}
