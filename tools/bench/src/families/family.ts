/**
 * The plug-in points. A *family* is one library's way of writing the workloads (TensorKit's API,
 * TensorFlow.js' core API, later tfjs-layers' model API); a *contender* is one row of the table: a
 * family on one backend (TensorKit on cpu, TensorFlow.js on its cpu backend, later wasm, ...).
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

/** One library's implementations of the workloads. */
export interface Family {
  /** `tensorkit`, `tfjs`, ... */
  readonly library: string;
  /** A case for `workload` on the active backend, or null when this family cannot express it. */
  build(workload: Workload, inputs: Readonly<Record<string, HostArray>>): Case | null;
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
  /** Makes this contender's backend the active one of its library. */
  activate(): Promise<void>;
}

/** The first element of a typed array, read so that a result is really used. */
export function touch(values: ArrayLike<number>): number {
  return values.length > 0 ? values[0] : 0;
}
