/**
 * Gradients: every differentiable op against central finite differences, and the GradientTape API
 * (nesting, persistence, watching, unconnected sources, the functional forms, outputGradient).
 *
 * A gradient check takes `L(x) = sum(op(x) * r)` for a fixed random weighting `r` (so that every
 * output element matters with a different weight), asks a GradientTape for dL/dx, and compares it
 * with `(L(x + h e_j) - L(x - h e_j)) / 2h`, where each L is the op evaluated on perturbed inputs and
 * the weighted sum is taken in JavaScript doubles. Inputs broadcast wherever the op allows, so the
 * gradient must be summed back to each input's shape. Inputs are chosen away from kinks (relu and
 * abs at 0, max ties, clip bounds).
 */
import * as tk from '@tensorkit/core';
import type { Tensor } from '@tensorkit/core';
import { check, expectError, expectTensor } from '../assert.js';
import { casesFor, type CaseContext, type ConformanceCase } from '../case.js';
import { refBinary, refMatmul } from '../reference.js';

type Float = 'float32' | 'float64';

/** Deterministic uniform numbers in [0, 1) from a 32-bit LCG (test data only). */
export function seeded(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** `n` numbers in [lo, hi), rounded to multiples of 1/1024 so that float32 stores them exactly. */
export function uniform(seed: number, n: number, lo = -1, hi = 1): number[] {
  const next = seeded(seed);
  return Array.from({ length: n }, () => Math.round((lo + (hi - lo) * next()) * 1024) / 1024);
}

/** `n` distinct numbers (a shuffled ladder with step 1/8): no ties for max/min. */
export function distinct(seed: number, n: number): number[] {
  const next = seeded(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.map((k) => (k - n / 2) / 8);
}

/** Moves values `margin` further from 0 (away from the kink of relu and abs). */
function awayFromZero(values: number[], margin = 0.125): number[] {
  return values.map((v) => (v >= 0 ? v + margin : v - margin));
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

interface Input {
  readonly shape: number[];
  readonly values: number[];
  /** Defaults to float64 where the backend has it, else float32. */
  readonly dtype?: Float;
}

interface GradSpec {
  readonly inputs: readonly Input[];
  /** The op under test; `tmp` registers intermediate tensors the function makes itself, for disposal. */
  readonly f: (xs: Tensor[], tmp: (t: Tensor) => Tensor) => Tensor;
  /** Finite-difference step (default 1e-5 in float64, 1e-2 in float32). */
  readonly h?: number;
}

function inp(shape: number[], values: number[], dtype?: Float): Input {
  if (values.length !== sizeOf(shape)) throw new Error(`test data: ${values.length} values for shape [${shape}]`);
  return { shape, values, dtype };
}

function rnd(shape: number[], seed: number, lo = -1, hi = 1): Input {
  return inp(shape, uniform(seed, sizeOf(shape), lo, hi));
}

/** The float dtype gradient checks run in on this backend. */
function checkDtype(c: CaseContext): Float {
  return c.float64 ? 'float64' : 'float32';
}

/** Compares the tape's gradients of `sum(f(x) * r)` with central finite differences. */
export async function gradCheck(c: CaseContext, spec: GradSpec): Promise<void> {
  const base = checkDtype(c);
  const dtypes = spec.inputs.map((x) => x.dtype ?? base);
  // float64: h = 1e-5 leaves truncation error ~h²·f'''/6 ≈ 1e-10 and rounding ~1e-16·|L|/h ≈ 1e-11,
  // so 1e-6 relative / 1e-7 absolute is loose enough to be reliable and tight enough to catch any
  // wrong rule (a missing broadcast sum or a wrong factor is off by O(1)).
  // float32 (only when the backend lacks float64): rounding noise ~6e-8·|L|/h needs h = 1e-2, whose
  // truncation error ~2e-5·f''' plus that noise (~1e-5) is why the tolerance widens to 1e-2.
  const h = spec.h ?? (base === 'float64' ? 1e-5 : 1e-2);
  const rtol = base === 'float64' ? 1e-6 : 1e-2;
  const atol = base === 'float64' ? 1e-7 : 1e-2;
  const stored = (v: number, dt: Float) => (dt === 'float32' ? Math.fround(v) : v);
  const make = (values: readonly (readonly number[])[]) =>
    values.map((v, i) => tk.tensor([...v], { shape: spec.inputs[i].shape, dtype: dtypes[i] }));

  // One forward pass on throwaway inputs to learn the output's shape and dtype.
  let outShape: number[];
  let outDtype: tk.DType;
  {
    const xs = make(spec.inputs.map((x) => x.values));
    const temps: Tensor[] = [];
    try {
      const y = spec.f(xs, (t) => (temps.push(t), t));
      temps.push(y);
      outShape = [...y.shape];
      outDtype = y.dtype;
    } finally {
      tk.dispose(xs);
      tk.dispose(temps);
    }
  }
  check(outDtype === 'float32' || outDtype === 'float64', `gradient check: op output is ${outDtype}, not a float`);
  // Weights k/16 (k = ±1..±16): exact in every float dtype, all nonzero and mostly different.
  const next = seeded(outShape.length * 131 + sizeOf(outShape));
  const r = Array.from({ length: sizeOf(outShape) }, () => {
    const k = Math.floor(next() * 32) - 16;
    return (k >= 0 ? k + 1 : k) / 16;
  });

  const lossAt = async (values: readonly (readonly number[])[]): Promise<number> => {
    const xs = make(values);
    const temps: Tensor[] = [];
    try {
      const y = spec.f(xs, (t) => (temps.push(t), t));
      temps.push(y);
      const data = await y.data();
      let total = 0;
      for (let k = 0; k < data.length; k++) total += data[k] * r[k];
      return total;
    } finally {
      tk.dispose(xs);
      tk.dispose(temps);
    }
  };

  // The tape's answer.
  const xs = c.own(make(spec.inputs.map((x) => x.values)));
  const weights = c.own(tk.tensor(r, { shape: outShape, dtype: outDtype }));
  const tape = new tk.GradientTape();
  tape.watch(...xs);
  const loss = tape.record(() => {
    const y = c.own(spec.f(xs, (t) => c.own(t)));
    return c.own(tk.sum(c.own(tk.mul(y, weights))));
  });
  const grads = c.own(tape.gradient(loss, xs));
  const loss0 = await lossAt(spec.inputs.map((x) => x.values));
  const lossTol = outDtype === 'float64' ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-5 };
  await expectTensor(loss, { shape: [], values: [loss0], ...lossTol }, 'loss sum(f(x)*r)');

  // Central differences, one input element at a time.
  for (let i = 0; i < spec.inputs.length; i++) {
    const fd: number[] = [];
    for (let j = 0; j < spec.inputs[i].values.length; j++) {
      const plus = spec.inputs.map((x) => [...x.values]);
      const minus = spec.inputs.map((x) => [...x.values]);
      plus[i][j] = stored(plus[i][j] + h, dtypes[i]);
      minus[i][j] = stored(minus[i][j] - h, dtypes[i]);
      const step = plus[i][j] - minus[i][j];
      fd.push(((await lossAt(plus)) - (await lossAt(minus))) / step);
    }
    await expectTensor(grads[i], { shape: spec.inputs[i].shape, dtype: dtypes[i], values: fd, rtol, atol }, `gradient of input ${i}`);
  }
}

/** A case body that runs one gradient check. */
function gc(inputs: Input[], f: GradSpec['f'], h?: number): (c: CaseContext) => Promise<void> {
  return (c) => gradCheck(c, { inputs, f, h });
}

/** Test-data guard: every pair of broadcast elements of `a` and `b` differs by more than `margin`. */
function separated(a: Input, b: Input, margin = 0.05): void {
  const gaps = refBinary(a, b, (x, y) => Math.abs(x - y)).values;
  if (Math.min(...gaps) <= margin) throw new Error('test data: inputs too close to a tie');
}

function elementwiseCases(): ConformanceCase[] {
  // Each column has an element of a above b and one below, so both gradients are exercised.
  const maxA = inp([2, 3], [0.5, -0.75, 0.25, -0.5, 0.875, -0.125]);
  const maxB = inp([3], [0, 0.3125, -0.375]);
  separated(maxA, maxB);
  const minA = inp([2, 1], [0.375, -0.5]);
  const minB = inp([2, 3], [0.75, -0.25, 0.125, -0.875, 0, -0.125]);
  separated(minA, minB);
  return [
    ...casesFor('gradients', 'add', {
      'broadcast [2,3] + [3]': gc([rnd([2, 3], 1), rnd([3], 2)], ([a, b]) => tk.add(a, b)),
      'broadcast [2,1,3] + [4,1]': gc([rnd([2, 1, 3], 3), rnd([4, 1], 4)], ([a, b]) => tk.add(a, b)),
    }),
    ...casesFor('gradients', 'sub', {
      'broadcast [3] - [2,3]': gc([rnd([3], 5), rnd([2, 3], 6)], ([a, b]) => tk.sub(a, b)),
    }),
    ...casesFor('gradients', 'mul', {
      'broadcast [2,3] * scalar': gc([rnd([2, 3], 7), inp([], [-1.375])], ([a, b]) => tk.mul(a, b)),
      'broadcast [2,1] * [1,3]': gc([rnd([2, 1], 8), rnd([1, 3], 9)], ([a, b]) => tk.mul(a, b)),
      'same tensor twice (x * x)': gc([rnd([2, 3], 10)], ([a]) => tk.mul(a, a)),
    }),
    ...casesFor('gradients', 'div', {
      'broadcast [2,3] / [2,1]': gc([rnd([2, 3], 11), rnd([2, 1], 12, 0.5, 2)], ([a, b]) => tk.div(a, b)),
      'broadcast [3] / [2,3] with negative divisors': gc(
        [rnd([3], 13), inp([2, 3], awayFromZero(uniform(14, 6), 0.5))],
        ([a, b]) => tk.div(a, b),
      ),
    }),
    ...casesFor('gradients', 'pow', {
      'both arguments, [2,3] ** [3]': gc([rnd([2, 3], 15, 0.5, 2), rnd([3], 16, -1.5, 2.5)], ([a, b]) => tk.pow(a, b)),
      'both arguments, scalar base ** [2,2]': gc([inp([], [1.75]), rnd([2, 2], 17, -2, 2)], ([a, b]) => tk.pow(a, b)),
      'negative base with integer exponents (base only)': async (c) => {
        const exponent = c.own(tk.tensor([2, 3], { dtype: checkDtype(c) }));
        await gradCheck(c, { inputs: [inp([3, 2], awayFromZero(uniform(18, 6)))], f: ([a]) => tk.pow(a, exponent) });
      },
      'number exponent 3': gc([rnd([2, 3], 19)], ([a]) => tk.pow(a, 3)),
    }),
    ...casesFor('gradients', 'maximum', {
      'broadcast [2,3] vs [3]': gc([maxA, maxB], ([a, b]) => tk.maximum(a, b)),
    }),
    ...casesFor('gradients', 'minimum', {
      'broadcast [2,1] vs [2,3]': gc([minA, minB], ([a, b]) => tk.minimum(a, b)),
    }),
    ...casesFor('gradients', 'neg', { '[2,3]': gc([rnd([2, 3], 20)], ([a]) => tk.neg(a)) }),
    ...casesFor('gradients', 'abs', { '[2,3] away from 0': gc([inp([2, 3], awayFromZero(uniform(21, 6)))], ([a]) => tk.abs(a)) }),
    ...casesFor('gradients', 'exp', { '[2,3]': gc([rnd([2, 3], 22, -2, 2)], ([a]) => tk.exp(a)) }),
    ...casesFor('gradients', 'log', { '[2,3] positive': gc([rnd([2, 3], 23, 0.25, 3)], ([a]) => tk.log(a)) }),
    ...casesFor('gradients', 'sqrt', { '[2,3] positive': gc([rnd([2, 3], 24, 0.25, 3)], ([a]) => tk.sqrt(a)) }),
    ...casesFor('gradients', 'square', { '[2,3]': gc([rnd([2, 3], 25, -2, 2)], ([a]) => tk.square(a)) }),
    ...casesFor('gradients', 'relu', { '[2,3] away from 0': gc([inp([2, 3], awayFromZero(uniform(26, 6)))], ([a]) => tk.relu(a)) }),
    ...casesFor('gradients', 'sigmoid', { '[2,3]': gc([rnd([2, 3], 27, -3, 3)], ([a]) => tk.sigmoid(a)) }),
    ...casesFor('gradients', 'tanh', { '[2,3]': gc([rnd([2, 3], 28, -2, 2)], ([a]) => tk.tanh(a)) }),
    ...casesFor('gradients', 'where', {
      'condition [2,3], a [2,3], b [3]': async (c) => {
        const condition = c.own(tk.tensor([[true, false, true], [false, false, true]]));
        await gradCheck(c, { inputs: [rnd([2, 3], 29), rnd([3], 30)], f: ([a, b]) => tk.where(condition, a, b) });
      },
      'condition [2,1], a [1,3], b scalar': async (c) => {
        const condition = c.own(tk.tensor([[false], [true]]));
        await gradCheck(c, { inputs: [rnd([1, 3], 35), inp([], [0.625])], f: ([a, b]) => tk.where(condition, a, b) });
      },
    }),
    ...casesFor('gradients', 'clip', {
      'inside and outside [-0.5, 0.5]': gc(
        // Every value is at least 0.05 from a bound, so the step never crosses one.
        [inp([2, 3], [-0.875, -0.3125, 0.125, 0.4375, 0.8125, -0.5625])],
        ([a]) => tk.clip(a, -0.5, 0.5),
      ),
    }),
    ...casesFor('gradients', 'cast', {
      // Values are multiples of 1/8 and h = 1/64, so every perturbed value is exact in float32 and
      // the (linear) finite difference is exact.
      'float64 to float32 (float32 to float32 without float64)': (c) =>
        gradCheck(c, {
          inputs: [inp([2, 3], [0.5, -1.25, 2, 0.125, -3, 1.5])],
          f: ([a]) => tk.cast(a, 'float32'),
          h: 1 / 64,
        }),
      'float32 to float64 (float32 to float32 without float64)': (c) =>
        gradCheck(c, {
          inputs: [inp([2, 3], [0.5, -1.25, 2, 0.125, -3, 1.5], 'float32')],
          f: ([a]) => tk.cast(a, checkDtype(c)),
          h: 1 / 64,
        }),
    }),
  ];
}

function reductionCases(): ConformanceCase[] {
  return [
    ...casesFor('gradients', 'sum', {
      'axes [0,2] of [2,3,4]': gc([rnd([2, 3, 4], 40)], ([a]) => tk.sum(a, [0, 2])),
      'all axes': gc([rnd([2, 3], 41)], ([a]) => tk.sum(a)),
      'axis 1 keepDims': gc([rnd([2, 3, 2], 42)], ([a]) => tk.sum(a, 1, true)),
    }),
    ...casesFor('gradients', 'mean', {
      'axis 1 keepDims of [2,3,4]': gc([rnd([2, 3, 4], 43)], ([a]) => tk.mean(a, 1, true)),
      'all axes': gc([rnd([2, 3], 44)], ([a]) => tk.mean(a)),
    }),
    ...casesFor('gradients', 'max', {
      'axis 1 of [2,3,4], no ties': gc([inp([2, 3, 4], distinct(45, 24))], ([a]) => tk.max(a, 1)),
      'all axes': gc([inp([2, 3], distinct(46, 6))], ([a]) => tk.max(a)),
      'axes [0,2] keepDims': gc([inp([2, 3, 2], distinct(47, 12))], ([a]) => tk.max(a, [0, 2], true)),
    }),
    ...casesFor('gradients', 'min', {
      'axis 0 of [3,4], no ties': gc([inp([3, 4], distinct(48, 12))], ([a]) => tk.min(a, 0)),
      'all axes': gc([inp([2, 3], distinct(49, 6))], ([a]) => tk.min(a)),
    }),
    ...casesFor('gradients', 'prod', {
      // prod is linear in each element, so the finite difference is exact even at a zero.
      'axis 1: rows with no zero, one zero, two zeros': gc(
        [inp([3, 4], [1.5, -0.5, 2, 0.75, 1.25, 0, -2, 0.5, 0, 1.5, 0, -1.25])],
        ([a]) => tk.prod(a, 1),
      ),
      'all axes with one zero': gc([inp([4], [1.5, 0, -2, 0.5])], ([a]) => tk.prod(a)),
      'all axes with two zeros': gc([inp([2, 2], [0, 2, 0, 3])], ([a]) => tk.prod(a)),
      'axis 0 keepDims, negatives': gc([rnd([2, 3], 50, -2, 2)], ([a]) => tk.prod(a, 0, true)),
    }),
    ...casesFor('gradients', 'logSumExp', {
      'axis -1 keepDims': gc([rnd([2, 3], 51, -3, 3)], ([a]) => tk.logSumExp(a, -1, true)),
      'all axes': gc([rnd([2, 3], 52, -3, 3)], ([a]) => tk.logSumExp(a)),
      'axis 0 of [3,2]': gc([rnd([3, 2], 53, -3, 3)], ([a]) => tk.logSumExp(a, 0)),
    }),
  ];
}

/** Gradients at kinks and ties, where finite differences do not apply: TensorFlow's conventions. */
function conventionCases(): ConformanceCase[] {
  const gradOf = async (c: CaseContext, values: number[], f: (x: Tensor) => Tensor): Promise<Tensor> => {
    const x = c.own(tk.tensor(values, { dtype: checkDtype(c) }));
    const tape = new tk.GradientTape();
    tape.watch(x);
    const y = tape.record(() => c.own(f(x)));
    return c.own(tape.gradient(y, x));
  };
  return [
    ...casesFor('gradients', 'max', {
      'ties share the gradient equally (as TensorFlow)': async (c) => {
        await expectTensor(await gradOf(c, [1, 3, 3, -2], (x) => tk.max(x)), { shape: [4], values: [0, 0.5, 0.5, 0] });
      },
    }),
    ...casesFor('gradients', 'min', {
      'ties share the gradient equally (as TensorFlow)': async (c) => {
        await expectTensor(await gradOf(c, [-2, 3, -2, -2], (x) => tk.min(x)), { shape: [4], values: [1 / 3, 0, 1 / 3, 1 / 3] });
      },
    }),
    ...casesFor('gradients', 'maximum', {
      'a tie sends the gradient to the first argument (as TensorFlow)': async (c) => {
        const a = c.own(tk.tensor([1, 2, 5], { dtype: checkDtype(c) }));
        const b = c.own(tk.tensor([1, 3, 4], { dtype: checkDtype(c) }));
        const tape = new tk.GradientTape();
        tape.watch(a, b);
        const y = tape.record(() => c.own(tk.maximum(a, b)));
        const [ga, gb] = c.own(tape.gradient(y, [a, b]));
        await expectTensor(ga, { shape: [3], values: [1, 0, 1] }, 'd/da');
        await expectTensor(gb, { shape: [3], values: [0, 1, 0] }, 'd/db');
      },
    }),
    ...casesFor('gradients', 'relu', {
      'the gradient at 0 is 0 (as TensorFlow)': async (c) => {
        await expectTensor(await gradOf(c, [-1, 0, 2], (x) => tk.relu(x)), { shape: [3], values: [0, 0, 1] });
      },
    }),
    ...casesFor('gradients', 'abs', {
      'the gradient at 0 is 0 (as TensorFlow)': async (c) => {
        await expectTensor(await gradOf(c, [-1.5, 0, 2], (x) => tk.abs(x)), { shape: [3], values: [-1, 0, 1] });
      },
    }),
  ];
}

function productCases(): ConformanceCase[] {
  return [
    ...casesFor('gradients', 'matmul', {
      'a·b': gc([rnd([2, 3], 60), rnd([3, 4], 61)], ([a, b]) => tk.matmul(a, b)),
      'aᵀ·b': gc([rnd([3, 2], 62), rnd([3, 4], 63)], ([a, b]) => tk.matmul(a, b, { transposeA: true })),
      'a·bᵀ': gc([rnd([2, 3], 64), rnd([4, 3], 65)], ([a, b]) => tk.matmul(a, b, { transposeB: true })),
      'aᵀ·bᵀ': gc([rnd([3, 2], 66), rnd([4, 3], 67)], ([a, b]) => tk.matmul(a, b, { transposeA: true, transposeB: true })),
      'batch broadcast [2,1,2,3]·[3,3,2]': gc([rnd([2, 1, 2, 3], 68), rnd([3, 3, 2], 69)], ([a, b]) => tk.matmul(a, b)),
      'batch [2,3,2]ᵀ·[4,3]ᵀ (b shared by the batch)': gc(
        [rnd([2, 3, 2], 70), rnd([4, 3], 71)],
        ([a, b]) => tk.matmul(a, b, { transposeA: true, transposeB: true }),
      ),
    }),
    ...casesFor('gradients', 'dot', {
      'vector·vector': gc([rnd([4], 72), rnd([4], 73)], ([a, b]) => tk.dot(a, b)),
      'matrix·vector': gc([rnd([2, 3], 74), rnd([3], 75)], ([a, b]) => tk.dot(a, b)),
      'vector·matrix': gc([rnd([3], 76), rnd([3, 2], 77)], ([a, b]) => tk.dot(a, b)),
      'matrix·matrix': gc([rnd([2, 3], 78), rnd([3, 2], 79)], ([a, b]) => tk.dot(a, b)),
      'N-D [2,3]·[2,3,2]': gc([rnd([2, 3], 80), rnd([2, 3, 2], 81)], ([a, b]) => tk.dot(a, b)),
      'scalar·matrix': gc([inp([], [0.75]), rnd([2, 2], 82)], ([a, b]) => tk.dot(a, b)),
    }),
    ...casesFor('gradients', 'outer', {
      '[3] ⊗ [2,2]': gc([rnd([3], 83), rnd([2, 2], 84)], ([a, b]) => tk.outer(a, b)),
    }),
  ];
}

function shapeCases(): ConformanceCase[] {
  return [
    ...casesFor('gradients', 'reshape', {
      '[2,3] to [3,2]': gc([rnd([2, 3], 90)], ([a]) => tk.reshape(a, [3, 2])),
      '[2,3] to [-1]': gc([rnd([2, 3], 91)], ([a]) => tk.reshape(a, [-1])),
    }),
    ...casesFor('gradients', 'transpose', {
      'perm [2,0,1]': gc([rnd([2, 3, 4], 92)], ([a]) => tk.transpose(a, [2, 0, 1])),
      'default reverses the axes': gc([rnd([2, 3], 93)], ([a]) => tk.transpose(a)),
    }),
    ...casesFor('gradients', 'expandDims', {
      'axis 1': gc([rnd([2, 3], 94)], ([a]) => tk.expandDims(a, 1)),
      'axis -1': gc([rnd([2, 3], 95)], ([a]) => tk.expandDims(a, -1)),
    }),
    ...casesFor('gradients', 'squeeze', {
      'axis 1 of [2,1,3,1]': gc([rnd([2, 1, 3, 1], 96)], ([a]) => tk.squeeze(a, 1)),
      'all size-1 axes': gc([rnd([2, 1, 3, 1], 97)], ([a]) => tk.squeeze(a)),
    }),
    ...casesFor('gradients', 'flatten', {
      '[2,3,2]': gc([rnd([2, 3, 2], 98)], ([a]) => tk.flatten(a)),
    }),
    ...casesFor('gradients', 'concat', {
      'axis 1 of [2,1], [2,3], [2,2]': gc([rnd([2, 1], 99), rnd([2, 3], 100), rnd([2, 2], 101)], (xs) => tk.concat(xs, 1)),
      'axis 0 of [1,3], [2,3]': gc([rnd([1, 3], 102), rnd([2, 3], 103)], (xs) => tk.concat(xs, 0)),
    }),
    ...casesFor('gradients', 'stack', {
      'axis 0 of three [2,3]': gc([rnd([2, 3], 104), rnd([2, 3], 105), rnd([2, 3], 106)], (xs) => tk.stack(xs, 0)),
      'axis 1 of two [2,3]': gc([rnd([2, 3], 107), rnd([2, 3], 108)], (xs) => tk.stack(xs, 1)),
    }),
    ...casesFor('gradients', 'slice', {
      '[3,4,2] begin [1,0,1] size [2,-1,1]': gc([rnd([3, 4, 2], 109)], ([a]) => tk.slice(a, [1, 0, 1], [2, -1, 1])),
    }),
    ...casesFor('gradients', 'gather', {
      'axis 1 with repeated indices': async (c) => {
        const indices = c.own(tk.tensor([[3, 0], [3, 1]], { dtype: 'int32' }));
        await gradCheck(c, { inputs: [rnd([2, 4, 3], 110)], f: ([a]) => tk.gather(a, indices, 1) });
      },
      'axis 0, an index used three times': async (c) => {
        const indices = c.own(tk.tensor([2, 2, 0, 2], { dtype: 'int32' }));
        await gradCheck(c, { inputs: [rnd([3, 2], 111)], f: ([a]) => tk.gather(a, indices, 0) });
      },
    }),
    ...casesFor('gradients', 'broadcastTo', {
      '[3,1] to [2,3,4]': gc([rnd([3, 1], 112)], ([a]) => tk.broadcastTo(a, [2, 3, 4])),
      'scalar to [2,2]': gc([inp([], [0.375])], ([a]) => tk.broadcastTo(a, [2, 2])),
    }),
  ];
}

/** x·w + b for the dense test data, in float64, to keep relu inputs away from 0. */
function preActivations(x: Input, w: Input, b: Input | null): number[] {
  const z = refMatmul(x, w);
  const n = w.shape[1];
  return z.values.map((v, i) => v + (b ? b.values[i % n] : 0));
}

function nnCases(): ConformanceCase[] {
  const x = rnd([3, 4], 120);
  const w = rnd([4, 2], 1120);
  const b = rnd([2], 2120);
  if (Math.min(...preActivations(x, w, b).map(Math.abs)) < 0.05) throw new Error('test data: dense pre-activation near the relu kink');
  if (Math.min(...preActivations(x, w, null).map(Math.abs)) < 0.05) throw new Error('test data: dense pre-activation near the relu kink');
  const dense = (activation: 'linear' | 'relu' | 'sigmoid' | 'tanh', bias: boolean) =>
    gc(bias ? [x, w, b] : [x, w], ([tx, tw, tb]) => tk.fusedDense(tx, tw, bias ? tb : null, activation));
  return [
    ...casesFor('gradients', 'softmax', {
      'last axis of [2,4]': gc([rnd([2, 4], 123, -2, 2)], ([a]) => tk.softmax(a)),
      'axis 1 of [3,2,2]': gc([rnd([3, 2, 2], 124, -2, 2)], ([a]) => tk.softmax(a, 1)),
    }),
    ...casesFor('gradients', 'logSoftmax', {
      'last axis of [2,4]': gc([rnd([2, 4], 125, -2, 2)], ([a]) => tk.logSoftmax(a)),
      'axis 0 of [3,2]': gc([rnd([3, 2], 126, -2, 2)], ([a]) => tk.logSoftmax(a, 0)),
    }),
    ...casesFor('gradients', 'sparseSoftmaxCrossEntropy', {
      'labels [3], logits [3,4]': async (c) => {
        const labels = c.own(tk.tensor([3, 0, 2], { dtype: 'int32' }));
        await gradCheck(c, { inputs: [rnd([3, 4], 127, -3, 3)], f: ([a]) => tk.sparseSoftmaxCrossEntropy(labels, a) });
      },
      'labels [2,2], logits [2,2,3]': async (c) => {
        const labels = c.own(tk.tensor([[1, 2], [0, 1]], { dtype: 'int32' }));
        await gradCheck(c, { inputs: [rnd([2, 2, 3], 128, -3, 3)], f: ([a]) => tk.sparseSoftmaxCrossEntropy(labels, a) });
      },
      'mean over the batch, as a training loss': async (c) => {
        const labels = c.own(tk.tensor([1, 1, 0], { dtype: 'int32' }));
        await gradCheck(c, {
          inputs: [rnd([3, 2], 129, -3, 3)],
          f: ([a], tmp) => tk.mean(tmp(tk.sparseSoftmaxCrossEntropy(labels, a))),
        });
      },
    }),
    ...casesFor('gradients', 'dense', {
      'linear with bias': dense('linear', true),
      'relu with bias': dense('relu', true),
      'sigmoid with bias': dense('sigmoid', true),
      'tanh with bias': dense('tanh', true),
      'linear without bias': dense('linear', false),
      'relu without bias': dense('relu', false),
    }),
  ];
}

/**
 * First and second derivatives of `f` at `xs` with two nested tapes: the outer tape records the
 * inner tape's backward pass, so its gradient is the second derivative.
 */
function secondDerivative(c: CaseContext, xs: number[], dtype: tk.DType, f: (x: Tensor) => Tensor): { dy: Tensor; d2: Tensor } {
  const x = c.own(tk.tensor(xs, { dtype }));
  const outer = new tk.GradientTape();
  const inner = new tk.GradientTape();
  outer.watch(x);
  const dy = outer.record(() => {
    inner.watch(x);
    const y = inner.record(() => f(x));
    return c.own(inner.gradient(y, x));
  });
  return { dy, d2: c.own(outer.gradient(dy, x)) };
}

function tapeCases(): ConformanceCase[] {
  const floatOf = (c: CaseContext) => checkDtype(c);
  return [
    ...casesFor('gradients', 'higher-order', {
      'd²/dx² of x·x·x is 6x (nested tapes)': async (c) => {
        const xs = [-1.5, 0.5, 2];
        const { dy, d2 } = secondDerivative(c, xs, floatOf(c), (x) => c.own(c.own(x.mul(x)).mul(x)));
        await expectTensor(dy, { shape: [3], values: xs.map((v) => 3 * v * v) }, 'first derivative 3x²');
        await expectTensor(d2, { shape: [3], dtype: floatOf(c), values: xs.map((v) => 6 * v) }, 'second derivative 6x');
      },
      'd²/dx² of pow(x, 3) is 6x (nested tapes)': async (c) => {
        const xs = [-1.5, 0.5, 2];
        const { d2 } = secondDerivative(c, xs, floatOf(c), (x) => c.own(tk.pow(x, 3)));
        await expectTensor(d2, { shape: [3], values: xs.map((v) => 6 * v) }, 'second derivative 6x');
      },
      'd²/dx² of sum(tanh(x)) is -2·tanh(x)·(1 - tanh²(x))': async (c) => {
        const xs = [-1.25, -0.25, 0.5, 1.75];
        const { dy, d2 } = secondDerivative(c, xs, floatOf(c), (x) => c.own(tk.sum(c.own(tk.tanh(x)))));
        await expectTensor(dy, { shape: [4], values: xs.map((v) => 1 - Math.tanh(v) ** 2) }, 'first derivative');
        await expectTensor(d2, { shape: [4], values: xs.map((v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)) }, 'second derivative');
      },
    }),
    ...casesFor('gradients', 'GradientTape', {
      'persistent tape answers twice, then dispose': async (c) => {
        const xs = [1.5, -2, 0.25];
        const x = c.own(tk.variable(xs, { dtype: floatOf(c) }));
        const tape = new tk.GradientTape({ persistent: true });
        check(tape.persistent, 'tape.persistent should be true');
        const [y, z] = tape.record(() => [c.own(x.square()), c.own(tk.pow(x, 3))]);
        await expectTensor(c.own(tape.gradient(y, x)), { shape: [3], values: xs.map((v) => 2 * v) }, 'dy/dx');
        await expectTensor(c.own(tape.gradient(z, x)), { shape: [3], values: xs.map((v) => 3 * v * v) }, 'dz/dx');
        await expectTensor(c.own(tape.gradient(y, x)), { shape: [3], values: xs.map((v) => 2 * v) }, 'dy/dx again');
        tape.dispose();
        await expectError(() => tape.gradient(y, x), tk.ArgumentError, 'disposed');
      },
      'non-persistent tape asked twice throws ArgumentError': async (c) => {
        const x = c.own(tk.variable([1, 2], { dtype: floatOf(c) }));
        const tape = new tk.GradientTape();
        const y = tape.record(() => c.own(x.square()));
        await expectTensor(c.own(tape.gradient(y, x)), { shape: [2], values: [2, 4] });
        await expectError(() => tape.gradient(y, x), tk.ArgumentError, 'GradientTape.gradient', /persistent/);
      },
      'watch() of a plain tensor': async (c) => {
        const xs = [3, -1, 0.5];
        const x = c.own(tk.tensor(xs, { dtype: floatOf(c) }));
        const tape = new tk.GradientTape();
        tape.watch(x);
        const y = tape.record(() => c.own(c.own(x.square()).mul(0.5)));
        await expectTensor(c.own(tape.gradient(y, x)), { shape: [3], values: xs });
      },
      'unwatched plain tensor gets zeros': async (c) => {
        const x = c.own(tk.tensor([3, -1], { dtype: floatOf(c) }));
        const tape = new tk.GradientTape();
        const y = tape.record(() => c.own(x.square()));
        await expectTensor(c.own(tape.gradient(y, x)), { shape: [2], dtype: floatOf(c), values: [0, 0] });
      },
      'trainable variables are watched automatically': async (c) => {
        const v = c.own(tk.variable([2, -3], { dtype: floatOf(c) }));
        check(v.trainable, 'a float variable should be trainable by default');
        const tape = new tk.GradientTape();
        const y = tape.record(() => c.own(v.square()));
        await expectTensor(c.own(tape.gradient(y, v)), { shape: [2], values: [4, -6] });
      },
      'non-trainable variables are not watched': async (c) => {
        const v = c.own(tk.variable([2, -3], { dtype: floatOf(c), trainable: false }));
        check(!v.trainable, 'variable(..., { trainable: false }).trainable should be false');
        const tape = new tk.GradientTape({ persistent: true });
        const y = tape.record(() => c.own(v.square()));
        await expectTensor(c.own(tape.gradient(y, v)), { shape: [2], values: [0, 0] }, 'default: zeros');
        const none = tape.gradient(y, [v], { unconnected: 'none' }) as (Tensor | null)[];
        check(none.length === 1 && none[0] === null, "unconnected: 'none' should give null for a non-trainable variable");
        tape.watch(v);
        const z = tape.record(() => c.own(v.square()));
        await expectTensor(c.own(tape.gradient(z, v)), { shape: [2], values: [4, -6] }, 'after watch()');
        tape.dispose();
      },
      'watchAccessedVariables: false watches only what watch() names': async (c) => {
        const a = c.own(tk.variable([1, 2], { dtype: floatOf(c) }));
        const b = c.own(tk.variable([3, 4], { dtype: floatOf(c) }));
        const tape = new tk.GradientTape({ watchAccessedVariables: false });
        tape.watch(b);
        const y = tape.record(() => c.own(c.own(a.mul(b)).sum()));
        const [ga, gb] = c.own(tape.gradient(y, [a, b]));
        await expectTensor(ga, { shape: [2], values: [0, 0] }, 'unwatched variable');
        await expectTensor(gb, { shape: [2], values: [1, 2] }, 'watched variable');
      },
      "unconnected source: zeros by default, null with unconnected: 'none'": async (c) => {
        const x = c.own(tk.variable([1, 2], { dtype: floatOf(c) }));
        const unrelated = c.own(tk.variable([[5, 6, 7]], { dtype: floatOf(c) }));
        const tape = new tk.GradientTape({ persistent: true });
        const y = tape.record(() => c.own(x.mul(3)));
        const [gx, gu] = c.own(tape.gradient(y, [x, unrelated]));
        await expectTensor(gx, { shape: [2], values: [3, 3] });
        await expectTensor(gu, { shape: [1, 3], dtype: floatOf(c), values: [0, 0, 0] }, 'unconnected gets zeros of its shape');
        const withNone = tape.gradient(y, [x, unrelated], { unconnected: 'none' }) as (Tensor | null)[];
        check(withNone[1] === null, "unconnected: 'none' should give null");
        check(withNone[0] !== null, "a connected source should still get a gradient with unconnected: 'none'");
        await expectTensor(c.own(withNone[0] as Tensor), { shape: [2], values: [3, 3] });
        tape.dispose();
      },
      'outputGradient weights the target elements': async (c) => {
        const xs = [1, -2, 3];
        const x = c.own(tk.variable(xs, { dtype: floatOf(c) }));
        const seed = c.own(tk.tensor([0.5, 2, -1], { dtype: floatOf(c) }));
        const tape = new tk.GradientTape();
        const y = tape.record(() => c.own(x.square()));
        // d/dx of sum(seed * x²) = 2·x·seed.
        await expectTensor(c.own(tape.gradient(y, x, { outputGradient: seed })), { shape: [3], values: [1, -8, -6] });
      },
      'outputGradient of the wrong shape throws ShapeError': async (c) => {
        const x = c.own(tk.variable([1, 2, 3], { dtype: floatOf(c) }));
        const seed = c.own(tk.tensor([1, 1], { dtype: floatOf(c) }));
        const tape = new tk.GradientTape();
        const y = tape.record(() => c.own(x.square()));
        await expectError(() => tape.gradient(y, x, { outputGradient: seed }), tk.ShapeError, '[2]', '[3]');
        tape.dispose();
      },
      'a source used on two paths accumulates': async (c) => {
        // y = x·w + x² → dy/dx = w + 2x, with x reached through two ops.
        const x = c.own(tk.variable([[1, -2]], { dtype: floatOf(c) }));
        const w = c.own(tk.tensor([[3], [4]], { dtype: floatOf(c) }));
        const tape = new tk.GradientTape();
        const y = tape.record(() => c.own(tk.add(c.own(tk.sum(c.own(tk.matmul(x, w)))), c.own(tk.sum(c.own(x.square()))))));
        await expectTensor(c.own(tape.gradient(y, x)), { shape: [1, 2], values: [3 + 2, 4 - 4] });
      },
    }),
    ...casesFor('gradients', 'grad', {
      'grad(f)(x) of sum(3x²) is 6x': async (c) => {
        const x = c.own(tk.tensor([1, -0.5, 2], { dtype: floatOf(c) }));
        const g = c.own(tk.grad((t) => c.own(c.own(c.own(t.square()).mul(3)).sum()))(x));
        await expectTensor(g, { shape: [3], dtype: floatOf(c), values: [6, -3, 12] });
      },
      'grad of a plain number argument (float32)': async (c) => {
        const g = c.own(tk.grad((t) => c.own(t.square()))(3));
        await expectTensor(g, { shape: [], dtype: 'float32', values: [6] });
      },
    }),
    ...casesFor('gradients', 'grads', {
      'grads(f)(a, b) of sum(a·b + a)': async (c) => {
        const a = c.own(tk.tensor([1, 2], { dtype: floatOf(c) }));
        const b = c.own(tk.tensor([-3, 0.5], { dtype: floatOf(c) }));
        const [ga, gb] = c.own(tk.grads((p, q) => c.own(c.own(c.own(p.mul(q)).add(p)).sum()))(a, b));
        await expectTensor(ga, { shape: [2], values: [-2, 1.5] }, 'd/da = b + 1');
        await expectTensor(gb, { shape: [2], values: [1, 2] }, 'd/db = a');
      },
    }),
    ...casesFor('gradients', 'valueAndGrad', {
      'value and gradient of sum(x³)': async (c) => {
        const x = c.own(tk.tensor([1, -2, 0.5], { dtype: floatOf(c) }));
        const { value, grad } = tk.valueAndGrad((t) => c.own(c.own(tk.pow(t, 3)).sum()))(x);
        c.own([value, grad]);
        await expectTensor(value, { shape: [], values: [1 - 8 + 0.125] }, 'value');
        await expectTensor(grad, { shape: [3], values: [3, 12, 0.75] }, 'gradient 3x²');
      },
    }),
    ...casesFor('gradients', 'valueAndGrads', {
      'value and gradients of sum(a / b)': async (c) => {
        const a = c.own(tk.tensor([1, -2], { dtype: floatOf(c) }));
        const b = c.own(tk.tensor([4, 0.5], { dtype: floatOf(c) }));
        const { value, grads } = tk.valueAndGrads((p, q) => c.own(c.own(p.div(q)).sum()))(a, b);
        c.own([value, ...grads]);
        await expectTensor(value, { shape: [], values: [0.25 - 4] }, 'value');
        await expectTensor(grads[0], { shape: [2], values: [0.25, 2] }, 'd/da = 1/b');
        await expectTensor(grads[1], { shape: [2], values: [-1 / 16, 8] }, 'd/db = -a/b²');
      },
    }),
  ];
}

/** Cases for gradients of every differentiable op, and for the tape API. */
export function gradientsCases(): ConformanceCase[] {
  return [...elementwiseCases(), ...reductionCases(), ...conventionCases(), ...productCases(), ...shapeCases(), ...nnCases(), ...tapeCases()];
}
