/**
 * The plug-in points. A *family* is one library's way of writing the workloads (TensorKit's API,
 * TensorFlow.js' core API, tfjs-layers' model API); a *contender* is one row of the table: a family on
 * one backend (TensorKit on cpu, TensorFlow.js on its cpu backend, tfjs-layers on wasm, ...).
 * Adding a backend is adding a contender; adding a library is adding a family and its contenders.
 */
import type { HostArray } from '../rng.js';
import type { Workload } from '../workloads.js';

/** One prepared workload on one contender: inputs already on the backend, outside the timing. */
export interface Case {
  /**
   * One repetition: computes the result and reads it back to JavaScript (`dataSync()` or
   * `await data()`), so backends that compute lazily are timed for the real work. Frees every
   * temporary it creates.
   */
  run(): void | Promise<void>;
  /**
   * The workload's outputs, computed once outside the timing and without changing any state, to
   * check that every contender computes the same thing: the result for an op; the loss followed by
   * the gradients of w1, b1, w2, b2 for a training step.
   */
  probe(): Promise<Float32Array[]>;
  /** Frees the inputs and any state (variables, optimizer slots). */
  dispose(): void;
}

/**
 * What an epoch case calls from its `model.fit` callbacks. The timing is taken here, by the caller
 * (see epoch.ts), identically for every library.
 */
export interface FitHooks {
  /** From `onEpochBegin`. */
  epochBegin(): void;
  /**
   * From `onBatchEnd` (steps count from 0), after the library has read the step's loss and
   * metrics. Returning true stops training after this step (`model.stopTraining = true`).
   */
  batchEnd(step: number): boolean;
  /** From `onEpochEnd`. */
  epochEnd(): void;
}

/** What one `fit` call reported at the end of its (possibly stopped) epoch. */
export interface FitOutcome {
  /** The epoch's loss and accuracy as the library logs them: running means over the steps run. */
  readonly loss: number;
  readonly accuracy: number;
  /** The library's own measure of the epoch, where it has one (TensorKit's `History.epochSeconds`). */
  readonly librarySeconds: number | null;
}

/**
 * One prepared epoch workload on one contender: the model built, compiled and given the shared
 * initial weights, the dataset uploaded, all outside the timing.
 */
export interface EpochCase {
  readonly kind: 'epoch';
  /**
   * Outputs for the cross-check, before any training: the loss of `evaluate` on the first samples,
   * then the probabilities `predict` gives for the first batch. (Accuracy is left out: with equal
   * probabilities to rounding, one flipped argmax would move it by 1/samples.)
   */
  probe(): Promise<Float32Array[]>;
  /** `model.fit(x, labels, { epochs: 1, batchSize, verbose: 0, callbacks })` with `hooks` called from the callbacks. */
  fit(hooks: FitHooks): Promise<FitOutcome>;
  /** Frees the model, its optimizer and the dataset tensors. */
  dispose(): void;
}

/** True for the cases of the epoch workloads. */
export function isEpochCase(c: Case | EpochCase): c is EpochCase {
  return (c as EpochCase).kind === 'epoch';
}

/** One library's implementations of the workloads. */
export interface Family {
  /** `tensorkit`, `tfjs`, `tfjs-layers`, ... */
  readonly library: string;
  /**
   * The workload groups this family writes; a workload of another group gets no row at all from
   * it (rather than a "not expressible" one). Absent: every group.
   */
  readonly groups?: readonly Workload['group'][];
  /**
   * A case for `workload` on the active backend (an `EpochCase` for `fitEpoch` workloads), or null
   * when this family cannot express it.
   */
  build(workload: Workload, inputs: Readonly<Record<string, HostArray>>): Case | EpochCase | null;
  /** Live tensors of this library, to check that repetitions free what they allocate. */
  numTensors(): number;
}

/** One row of the table: a family on one backend. */
export interface Contender {
  /** The backend column, e.g. `cpu` for TensorKit's cpu backend, `tfjs-cpu` for TensorFlow.js'. */
  readonly label: string;
  readonly library: string;
  /** Library version, for the environment line and the JSON. */
  readonly version: string;
  /** True for TensorKit's own rows (those that get a `vs tfjs` ratio). */
  readonly ours: boolean;
  /** True for the peer that `vs tfjs` divides by (TensorFlow.js on its cpu backend). */
  readonly baseline: boolean;
  readonly family: Family;
  /** Said in the note of each of its rows (e.g. how the backend runs: threads, binary). */
  readonly note?: string;
  /**
   * The device a GPU backend runs on, as its adapter describes itself, and whether that adapter is
   * software (SwiftShader): its timings are of a CPU emulating a GPU.
   */
  readonly adapter?: { readonly description: string; readonly software: boolean };
  /** Makes this contender's backend the active one of its library. */
  activate(): Promise<void>;
}

/** The first element of a typed array, read so that a result is really used. */
export function touch(values: ArrayLike<number>): number {
  return values.length > 0 ? values[0] : 0;
}
