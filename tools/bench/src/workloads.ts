/**
 * What is measured. A workload is library-neutral: its inputs (shapes, dtypes, distributions) and
 * the computation, as a small discriminated union that each library family (see families/) turns
 * into its own code. A family that cannot express a workload simply skips it.
 */
import type { InputSpec } from './rng.js';

/** The computation of a workload. */
export type Computation =
  | { readonly kind: 'matmul'; readonly transposeA: boolean; readonly transposeB: boolean }
  | { readonly kind: 'binary'; readonly op: 'add' | 'mul' }
  | { readonly kind: 'unary'; readonly op: 'relu' | 'exp' }
  | { readonly kind: 'reduce'; readonly op: 'sum' | 'mean' | 'max'; readonly axis: number | null }
  | { readonly kind: 'softmax' }
  /**
   * `a·b` of two square float32 matrices for raw throughput. Only one element of the product is read
   * back (a GPU queue runs in order, so reading it waits for the whole product): reading all of a
   * 4096x4096 result would time a 64 MB copy, not the product.
   */
  | { readonly kind: 'gemm' }
  | { readonly kind: 'trainStep'; readonly learningRate: number; readonly rho: number; readonly epsilon: number }
  /**
   * One epoch of `model.fit` on the dataset: `dense(hidden, relu)` → `dense(classes, softmax)`,
   * RMSprop, sparse categorical cross-entropy, accuracy. The inputs w1, b1, w2, b2 are the initial
   * weights, the same in every library.
   */
  | {
      readonly kind: 'fitEpoch';
      readonly batchSize: number;
      readonly hidden: number;
      readonly classes: number;
      readonly learningRate: number;
      readonly rho: number;
      readonly epsilon: number;
      /** Cross-check: `evaluate` on this many first samples, `predict` on the first batch. */
      readonly probeSamples: number;
    };

/** One row group of the table. */
export interface Workload {
  /** Stable id: seeds the inputs, keys the JSON results, and is matched by `--filter`. */
  readonly id: string;
  /** What the table prints in the workload column (also matched by `--filter`). */
  readonly title: string;
  readonly group: 'matmul' | 'elementwise' | 'training' | 'epoch';
  readonly inputs: readonly InputSpec[];
  readonly computation: Computation;
  /** Floating-point operations per run, where the count is meaningful (matmuls). */
  readonly flops?: number;
  /** Steps per epoch, for workloads whose time is also projected to an epoch. */
  readonly stepsPerEpoch?: number;
  /**
   * A dataset the workload trains on, loaded once (see `dataset.ts`) and added to its inputs as
   * `x` and `labels`.
   */
  readonly dataset?: 'mnist-train';
  /**
   * TensorKit backends that run this workload; other backends and the TensorFlow.js peers get no
   * row. Absent: everyone.
   */
  readonly backends?: readonly string[];
}

/** MNIST: 60,000 training images in batches of 128 is 469 steps per epoch. */
export const STEPS_PER_EPOCH = 469;

const BATCH = 128;
const PIXELS = 784;
const HIDDEN = 512;
const CLASSES = 10;

const UNIT = { kind: 'uniform', min: -1, max: 1 } as const;
const NORMAL = { kind: 'normal', mean: 0, stddev: 1 } as const;

function f32(name: string, shape: readonly number[], dist: InputSpec['dist'] = UNIT): InputSpec {
  return { name, shape, dtype: 'float32', dist };
}

function dims(shape: readonly number[]): string {
  return shape.join('x');
}

/** `a·b` with the shapes as stored; transposes read `a` or `b` transposed. FLOPs = 2·m·n·k. */
function matmulWorkload(label: string, a: [number, number], b: [number, number], transposeA = false, transposeB = false): Workload {
  const m = transposeA ? a[1] : a[0];
  const k = transposeA ? a[0] : a[1];
  const n = transposeB ? b[0] : b[1];
  const title = `matmul ${dims(a)}${transposeA ? 'ᵀ' : ''}·${dims(b)}${transposeB ? 'ᵀ' : ''} (${label})`;
  return {
    id: `matmul-${dims(a)}${transposeA ? 't' : ''}-${dims(b)}${transposeB ? 't' : ''}`,
    title,
    group: 'matmul',
    inputs: [f32('a', a), f32('b', b)],
    computation: { kind: 'matmul', transposeA, transposeB },
    flops: 2 * m * n * k,
  };
}

/** Glorot-uniform initial weights, zero biases (Keras' Dense defaults), for the training rows. */
const INITIAL_WEIGHTS: readonly InputSpec[] = [
  f32('w1', [PIXELS, HIDDEN], { kind: 'uniform', min: -Math.sqrt(6 / (PIXELS + HIDDEN)), max: Math.sqrt(6 / (PIXELS + HIDDEN)) }),
  f32('b1', [HIDDEN], { kind: 'zeros' }),
  f32('w2', [HIDDEN, CLASSES], { kind: 'uniform', min: -Math.sqrt(6 / (HIDDEN + CLASSES)), max: Math.sqrt(6 / (HIDDEN + CLASSES)) }),
  f32('b2', [CLASSES], { kind: 'zeros' }),
];

/**
 * Matmul FLOPs of one training step: forward x·w1 and h·w2, backward xᵀ·dz1, hᵀ·dz2 and dz2·w2ᵀ. No
 * dx for the first layer: x is data, not a variable, so no library computes it.
 */
const STEP_FLOPS = 2 * BATCH * HIDDEN * (2 * PIXELS) + 2 * BATCH * CLASSES * (3 * HIDDEN);

/** Every workload, in table order. */
export const WORKLOADS: readonly Workload[] = [
  // 1. The chapter's MNIST model: dense 784->512 and 512->10 on batches of 128, forward and backprop.
  matmulWorkload('L1 forward x·w1', [BATCH, PIXELS], [PIXELS, HIDDEN]),
  matmulWorkload('L1 dW = xᵀ·dy', [BATCH, PIXELS], [BATCH, HIDDEN], true, false),
  matmulWorkload('L1 dx = dy·w1ᵀ', [BATCH, HIDDEN], [PIXELS, HIDDEN], false, true),
  matmulWorkload('L2 forward h·w2', [BATCH, HIDDEN], [HIDDEN, CLASSES]),
  matmulWorkload('L2 dW = hᵀ·dy', [BATCH, HIDDEN], [BATCH, CLASSES], true, false),
  matmulWorkload('L2 dh = dy·w2ᵀ', [BATCH, CLASSES], [HIDDEN, CLASSES], false, true),

  // 2. Element-wise ops and reductions.
  {
    id: 'add-broadcast-128x512+512',
    title: 'add 128x512 + 512 (broadcast)',
    group: 'elementwise',
    inputs: [f32('a', [BATCH, HIDDEN], NORMAL), f32('b', [HIDDEN], NORMAL)],
    computation: { kind: 'binary', op: 'add' },
  },
  {
    id: 'relu-128x512',
    title: 'relu 128x512',
    group: 'elementwise',
    inputs: [f32('x', [BATCH, HIDDEN], NORMAL)],
    computation: { kind: 'unary', op: 'relu' },
  },
  {
    id: 'exp-128x512',
    title: 'exp 128x512',
    group: 'elementwise',
    inputs: [f32('x', [BATCH, HIDDEN], NORMAL)],
    computation: { kind: 'unary', op: 'exp' },
  },
  {
    id: 'mul-1000x1000',
    title: 'mul 1000x1000 * 1000x1000',
    group: 'elementwise',
    inputs: [f32('a', [1000, 1000], NORMAL), f32('b', [1000, 1000], NORMAL)],
    computation: { kind: 'binary', op: 'mul' },
  },
  {
    id: 'sum-axis0-128x512',
    title: 'sum 128x512 over axis 0',
    group: 'elementwise',
    inputs: [f32('x', [BATCH, HIDDEN], NORMAL)],
    computation: { kind: 'reduce', op: 'sum', axis: 0 },
  },
  {
    id: 'mean-all-1000x1000',
    title: 'mean 1000x1000 (all)',
    group: 'elementwise',
    inputs: [f32('x', [1000, 1000], NORMAL)],
    computation: { kind: 'reduce', op: 'mean', axis: null },
  },
  {
    id: 'max-axis1-128x10',
    title: 'max 128x10 over axis 1',
    group: 'elementwise',
    inputs: [f32('x', [BATCH, CLASSES], NORMAL)],
    computation: { kind: 'reduce', op: 'max', axis: 1 },
  },
  {
    id: 'softmax-128x10',
    title: 'softmax 128x10',
    group: 'elementwise',
    inputs: [f32('x', [BATCH, CLASSES], NORMAL)],
    computation: { kind: 'softmax' },
  },

  // 3. One training step of the chapter's model (forward, loss, gradients, RMSprop update).
  {
    id: 'train-step-mnist-mlp',
    title: 'train step 784-512-10, batch 128',
    group: 'training',
    inputs: [
      f32('x', [BATCH, PIXELS], { kind: 'uniform', min: 0, max: 1 }),
      { name: 'labels', shape: [BATCH], dtype: 'int32', dist: { kind: 'labels', classes: CLASSES } },
      ...INITIAL_WEIGHTS,
    ],
    computation: { kind: 'trainStep', learningRate: 0.001, rho: 0.9, epsilon: 1e-7 },
    flops: STEP_FLOPS,
    stepsPerEpoch: STEPS_PER_EPOCH,
  },

  // 4. An epoch of the chapter's model with each library's model API (model.fit), on MNIST: what a
  //    user of the layers API waits for. Timed per step from fit callbacks (see epoch.ts).
  {
    id: 'epoch-mnist-mlp',
    title: 'epoch 784-512-10 model.fit, batch 128',
    group: 'epoch',
    inputs: INITIAL_WEIGHTS,
    dataset: 'mnist-train',
    computation: { kind: 'fitEpoch', batchSize: BATCH, hidden: HIDDEN, classes: CLASSES, learningRate: 0.001, rho: 0.9, epsilon: 1e-7, probeSamples: 1024 },
    flops: STEP_FLOPS,
    stepsPerEpoch: STEPS_PER_EPOCH,
  },
];

/** The square matmul of the GPU throughput row on a GPU: 4096x4096 · 4096x4096 (137 GFLOP). */
export const GEMM_SIZE = 4096;

/**
 * Its default on a software adapter (SwiftShader computes 0.1-1 GFLOP/s: a 4096³ product would take
 * minutes per run, and a row runs it 13 times or more).
 */
export const SOFTWARE_GEMM_SIZE = 512;

/**
 * The GPU throughput row: a `size`³ float32 matmul on the webgpu backend only (the CPU backends and
 * TensorFlow.js' would take minutes at 4096³; their matmul rows are the model's shapes above).
 * `reason`, when the size is not GEMM_SIZE, says why; it goes into the title so that the table
 * cannot be read as a 4096³ figure.
 */
export function gemmWorkload(size: number, reason: string | null = null): Workload {
  return {
    id: `gemm-${size}`,
    title: `matmul ${size}x${size}·${size}x${size} float32 (GPU throughput${reason ? `; ${reason}` : ''})`,
    group: 'matmul',
    inputs: [f32('a', [size, size]), f32('b', [size, size])],
    computation: { kind: 'gemm' },
    flops: 2 * size ** 3,
    backends: ['webgpu'],
  };
}

