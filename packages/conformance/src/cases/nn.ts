/**
 * Neural-network functions: softmax, logSoftmax, sparseSoftmaxCrossEntropy and dense, against a
 * float64 reference written here with plain loops, against the same math composed from primitive
 * ops in the case (a backend may run the fused kernel), and through core's composite path (the
 * active backend with its fused kernels hidden, which is what a backend without them runs).
 */
import * as tk from '@tensorkit/core';
import type { Tensor } from '@tensorkit/core';
import { expectTensor } from '../assert.js';
import { casesFor, type CaseContext, type ConformanceCase } from '../case.js';
import { refMatmul } from '../reference.js';
import { uniform } from './gradients.js';

type Float = 'float32' | 'float64';
type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh';

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Visits each 1-D lane of `shape` along `axis`, as the list of flat indices it covers. */
function lanes(shape: readonly number[], axis: number): number[][] {
  const outer = sizeOf(shape.slice(0, axis));
  const n = shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  const out: number[][] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) out.push(Array.from({ length: n }, (_, k) => (o * n + k) * inner + i));
  }
  return out;
}

/** Stable log-softmax in float64: x - max - log(sum(exp(x - max))). */
export function refLogSoftmax(values: readonly number[], shape: readonly number[], axis = shape.length - 1): number[] {
  const out = new Array<number>(values.length);
  for (const lane of lanes(shape, axis)) {
    const m = Math.max(...lane.map((i) => values[i]));
    const s = lane.reduce((acc, i) => acc + Math.exp(values[i] - m), 0);
    for (const i of lane) out[i] = values[i] - m - Math.log(s);
  }
  return out;
}

/** Softmax in float64, as exp of the stable log-softmax. */
export function refSoftmax(values: readonly number[], shape: readonly number[], axis = shape.length - 1): number[] {
  return refLogSoftmax(values, shape, axis).map(Math.exp);
}

/** Cross-entropy per row: logSumExp(row) - row[label], in float64. */
export function refSparseCE(labels: readonly number[], logits: readonly number[], classes: number): number[] {
  return labels.map((label, r) => {
    const row = logits.slice(r * classes, (r + 1) * classes);
    const m = Math.max(...row);
    return m + Math.log(row.reduce((acc, v) => acc + Math.exp(v - m), 0)) - row[label];
  });
}

function refActivate(z: number, activation: Activation): number {
  if (activation === 'relu') return Math.max(z, 0);
  if (activation === 'sigmoid') return 1 / (1 + Math.exp(-z));
  if (activation === 'tanh') return Math.tanh(z);
  return z;
}

/** activation(x·w + b) in float64. */
export function refDense(x: number[], xShape: number[], w: number[], wShape: number[], b: number[] | null, activation: Activation): number[] {
  const z = refMatmul({ shape: xShape, values: x }, { shape: wShape, values: w });
  const n = wShape[1];
  return z.values.map((v, i) => refActivate(v + (b ? b[i % n] : 0), activation));
}

/**
 * Runs `body` with the active backend's fused kernels hidden (a delegate backend registered for the
 * duration), so that core's composites run on the backend's primitive kernels. Tensors must be made
 * inside `body`; the previous backend is active again afterwards.
 */
const unfusedDelegates = new WeakMap<tk.Backend, tk.Backend>();

/** A backend that forwards everything to `base` but offers only its required (primitive) kernels. */
function unfusedDelegate(base: tk.Backend, name: string): tk.Backend {
  let unfused = unfusedDelegates.get(base);
  if (!unfused) {
    const kernels = { ...base.kernels } as Record<string, unknown>;
    for (const fused of tk.FUSED_KERNELS) delete kernels[fused];
    unfused = {
      name,
      capabilities: base.capabilities,
      kernels: kernels as unknown as tk.Kernels,
      write: (values, dtype, shape) => base.write(values, dtype, shape),
      read: (dataId, dtype, size) => base.read(dataId, dtype, size),
      ...(base.readSync ? { readSync: (dataId: tk.DataId, dtype: tk.DType, size: number) => base.readSync!(dataId, dtype, size) } : {}),
      dispose: (dataId) => base.dispose(dataId),
      memory: () => base.memory(),
    };
    unfusedDelegates.set(base, unfused);
  }
  return unfused;
}

export async function withoutFusedKernels(c: CaseContext, body: () => Promise<void>): Promise<void> {
  const name = `${c.backend}-unfused-conformance`;
  const unfused = unfusedDelegate(tk.getBackend(), name);
  tk.registerBackend(name, () => unfused, -1000);
  try {
    await tk.setBackend(name);
    await body();
  } finally {
    await tk.setBackend(c.backend);
    await tk.removeBackend(name);
  }
}

/** The float dtypes to run in: float32 always, float64 where the backend has it. */
function floats(c: CaseContext): Float[] {
  return c.float64 ? ['float32', 'float64'] : ['float32'];
}

const ROWS = [1, 2, 3, 4, -1, 0, 1, -2, 0.5, 0.5, 0.5, 0.5];
const HUGE = [1e4, 0, -1e4, 1e4, 1e4, 9999, -1e4, -1e4, -1e4];
const NEG_INF = [-Infinity, 0, 1, 2, -Infinity, -Infinity];

/** softmax (or logSoftmax) of `values` checked against the float64 reference. */
async function checkSoftmax(c: CaseContext, log: boolean, values: number[], shape: number[], axis: number | undefined, dtype: Float = 'float32'): Promise<void> {
  const x = c.own(tk.tensor(values, { shape, dtype }));
  const y = c.own(log ? tk.logSoftmax(x, axis) : tk.softmax(x, axis));
  const at = axis === undefined ? shape.length - 1 : axis < 0 ? axis + shape.length : axis;
  const expected = log ? refLogSoftmax(values, shape, at) : refSoftmax(values, shape, at);
  await expectTensor(y, { shape, dtype, values: expected }, `${log ? 'logSoftmax' : 'softmax'} (${dtype})`);
}

/** The stable softmax / log-softmax composed from primitive ops (what a fused kernel must match). */
function primitiveLogSoftmax(c: CaseContext, x: Tensor, axis: number): Tensor {
  const m = c.own(tk.max(x, axis, true));
  const shifted = c.own(tk.sub(x, m));
  const s = c.own(tk.sum(c.own(tk.exp(shifted)), axis, true));
  return c.own(tk.sub(shifted, c.own(tk.log(s))));
}

function primitiveSoftmax(c: CaseContext, x: Tensor, axis: number): Tensor {
  const shifted = c.own(tk.sub(x, c.own(tk.max(x, axis, true))));
  const e = c.own(tk.exp(shifted));
  return c.own(tk.div(e, c.own(tk.sum(e, axis, true))));
}

function softmaxCases(): ConformanceCase[] {
  const cases = (log: boolean): Record<string, ConformanceCase['run']> => ({
    'rows of [3,4]': (c) => checkSoftmax(c, log, ROWS, [3, 4], undefined),
    'huge logits (±1e4) do not overflow': (c) => checkSoftmax(c, log, HUGE, [3, 3], -1),
    '-Inf entries': (c) => checkSoftmax(c, log, NEG_INF, [2, 3], -1),
    'axis 0 of [3,2], huge values': (c) => checkSoftmax(c, log, [1, 1e4, 2, 0, 3, -1e4], [3, 2], 0),
    'axis 1 of [2,3,2]': (c) => checkSoftmax(c, log, uniform(200, 12, -3, 3), [2, 3, 2], 1),
    'float64 where available (float32 otherwise)': async (c) => {
      const dtype: Float = c.float64 ? 'float64' : 'float32';
      await checkSoftmax(c, log, uniform(201, 20, -30, 30), [4, 5], -1, dtype);
      await checkSoftmax(c, log, HUGE, [3, 3], -1, dtype);
    },
    'fused op agrees with the primitive composition and the reference': async (c) => {
      for (const dtype of floats(c)) {
        const values = uniform(202, 35, -8, 8);
        const x = c.own(tk.tensor(values, { shape: [5, 7], dtype }));
        const fused = c.own(log ? tk.logSoftmax(x) : tk.softmax(x));
        const composed = log ? primitiveLogSoftmax(c, x, 1) : primitiveSoftmax(c, x, 1);
        const composedValues = Array.from(await composed.data());
        // Both round the same float64 math to the dtype; they may differ by a few roundings.
        const tol = dtype === 'float32' ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-12, atol: 1e-14 };
        await expectTensor(fused, { shape: [5, 7], dtype, values: composedValues, ...tol }, `fused vs primitive ops (${dtype})`);
        const expected = log ? refLogSoftmax(values, [5, 7]) : refSoftmax(values, [5, 7]);
        await expectTensor(fused, { shape: [5, 7], dtype, values: expected }, `fused vs float64 reference (${dtype})`);
        await expectTensor(composed, { shape: [5, 7], dtype, values: expected }, `primitive ops vs float64 reference (${dtype})`);
      }
    },
    'composite path (fused kernels hidden): rows, huge and -Inf logits': (c) =>
      withoutFusedKernels(c, async () => {
        await checkSoftmax(c, log, ROWS, [3, 4], undefined);
        await checkSoftmax(c, log, HUGE, [3, 3], -1);
        await checkSoftmax(c, log, NEG_INF, [2, 3], -1);
      }),
  });
  return [...casesFor('nn', 'softmax', cases(false)), ...casesFor('nn', 'logSoftmax', cases(true))];
}

async function checkCE(c: CaseContext, labels: number[], logits: number[], shape: number[], dtype: Float = 'float32'): Promise<void> {
  const classes = shape[shape.length - 1];
  const y = c.own(tk.tensor(labels, { shape: shape.slice(0, -1), dtype: 'int32' }));
  const x = c.own(tk.tensor(logits, { shape, dtype }));
  const loss = c.own(tk.sparseSoftmaxCrossEntropy(y, x));
  await expectTensor(loss, { shape: shape.slice(0, -1), dtype, values: refSparseCE(labels, logits, classes) }, `cross-entropy (${dtype})`);
}

const CE_LABELS = [2, 0, 1];
const CE_LOGITS = [1, 2, 3, 0.5, -1, 2, 0, 0, 0];
// Row by row: [0, 2e4, 1e4] up to e^-1e4.
const CE_EXTREME_LABELS = [0, 1, 2];
const CE_EXTREME = [1e4, -1e4, 0, 1e4, -1e4, 0, -1e4, 1e4, 0];

function crossEntropyCases(): ConformanceCase[] {
  return casesFor('nn', 'sparseSoftmaxCrossEntropy', {
    'moderate logits': (c) => checkCE(c, CE_LABELS, CE_LOGITS, [3, 3]),
    'extreme logits (±1e4)': (c) => checkCE(c, CE_EXTREME_LABELS, CE_EXTREME, [3, 3]),
    'a -Inf logit away from the label (masked class)': (c) => checkCE(c, [2, 0], [0, -Infinity, 1, 3, -Infinity, -Infinity], [2, 3]),
    'labels [2,2] with logits [2,2,3]': (c) => checkCE(c, [1, 2, 0, 1], uniform(210, 12, -4, 4), [2, 2, 3]),
    'float64 where available (float32 otherwise)': async (c) => {
      const dtype: Float = c.float64 ? 'float64' : 'float32';
      await checkCE(c, [4, 0, 2, 3], uniform(211, 20, -30, 30), [4, 5], dtype);
      await checkCE(c, CE_EXTREME_LABELS, CE_EXTREME, [3, 3], dtype);
    },
    'fused op agrees with the primitive composition and the reference': async (c) => {
      for (const dtype of floats(c)) {
        const labels = [3, 0, 6, 6, 1];
        const values = uniform(212, 35, -8, 8);
        const y = c.own(tk.tensor(labels, { dtype: 'int32' }));
        const x = c.own(tk.tensor(values, { shape: [5, 7], dtype }));
        const fused = c.own(tk.sparseSoftmaxCrossEntropy(y, x));
        // logSumExp from max/exp/sum/log, minus the picked logit (gather along the class axis).
        const m = c.own(tk.max(x, 1, true));
        const lse = c.own(tk.add(c.own(tk.log(c.own(tk.sum(c.own(tk.exp(c.own(tk.sub(x, m)))), 1, true)))), m));
        const picked = c.own(tk.gather(c.own(tk.reshape(x, [35])), c.own(tk.tensor(labels.map((l, r) => r * 7 + l), { dtype: 'int32' }))));
        const composed = c.own(tk.sub(c.own(tk.reshape(lse, [5])), picked));
        const tol = dtype === 'float32' ? { rtol: 1e-5, atol: 1e-5 } : { rtol: 1e-12, atol: 1e-13 };
        await expectTensor(fused, { shape: [5], dtype, values: await composed.data(), ...tol }, `fused vs primitive ops (${dtype})`);
        const expected = refSparseCE(labels, values, 7);
        await expectTensor(fused, { shape: [5], dtype, values: expected }, `fused vs float64 reference (${dtype})`);
        await expectTensor(composed, { shape: [5], dtype, values: expected, ...tol }, `primitive ops vs float64 reference (${dtype})`);
      }
    },
    'composite path (fused kernels hidden): moderate and extreme logits': (c) =>
      withoutFusedKernels(c, async () => {
        await checkCE(c, CE_LABELS, CE_LOGITS, [3, 3]);
        await checkCE(c, CE_EXTREME_LABELS, CE_EXTREME, [3, 3]);
      }),
    'composite path (fused kernels hidden): a -Inf logit away from the label': (c) =>
      withoutFusedKernels(c, () => checkCE(c, [2, 0], [0, -Infinity, 1, 3, -Infinity, -Infinity], [2, 3])),
  });
}

const ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'sigmoid', 'tanh'];

/** dense against the float64 reference and against matmul + add + activation composed here. */
async function checkDense(c: CaseContext, activation: Activation, bias: boolean, dtype: Float): Promise<void> {
  const xv = uniform(220, 12, -2, 2);
  const wv = uniform(221, 15, -1, 1);
  const bv = uniform(222, 5, -1, 1);
  const x = c.own(tk.tensor(xv, { shape: [4, 3], dtype }));
  const w = c.own(tk.tensor(wv, { shape: [3, 5], dtype }));
  const b = bias ? c.own(tk.tensor(bv, { dtype })) : null;
  const fused = c.own(tk.fusedDense(x, w, b, activation));
  const expected = refDense(xv, [4, 3], wv, [3, 5], bias ? bv : null, activation);
  const label = `dense ${activation} ${bias ? 'with' : 'without'} bias (${dtype})`;
  await expectTensor(fused, { shape: [4, 5], dtype, values: expected }, `${label} vs float64 reference`);
  let z = c.own(tk.matmul(x, w));
  if (b) z = c.own(tk.add(z, b));
  const composed =
    activation === 'relu' ? c.own(tk.relu(z)) : activation === 'sigmoid' ? c.own(tk.sigmoid(z)) : activation === 'tanh' ? c.own(tk.tanh(z)) : z;
  const tol = dtype === 'float32' ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-12, atol: 1e-14 };
  await expectTensor(fused, { shape: [4, 5], dtype, values: await composed.data(), ...tol }, `${label} vs matmul+add+activation`);
}

function denseCases(): ConformanceCase[] {
  const cases: Record<string, ConformanceCase['run']> = {};
  for (const activation of ACTIVATIONS) {
    for (const bias of [true, false]) {
      cases[`${activation} ${bias ? 'with' : 'without'} bias`] = async (c) => {
        for (const dtype of floats(c)) await checkDense(c, activation, bias, dtype);
      };
    }
  }
  cases['composite path (fused kernels hidden): every activation'] = (c) =>
    withoutFusedKernels(c, async () => {
      for (const activation of ACTIVATIONS) {
        await checkDense(c, activation, true, 'float32');
        await checkDense(c, activation, false, 'float32');
      }
    });
  return casesFor('nn', 'dense', cases);
}

/** Cases for softmax, logSoftmax, sparseSoftmaxCrossEntropy and dense. */
export function nnCases(): ConformanceCase[] {
  return [...softmaxCases(), ...crossEntropyCases(), ...denseCases()];
}
