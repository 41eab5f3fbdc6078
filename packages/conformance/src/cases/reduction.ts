/**
 * Reductions: sum, mean, max, min, prod, argmax, argmin and logSumExp over any axes (none, one,
 * negative, several, non-adjacent, all), keepDims, output dtypes, NaN and infinity handling, empty
 * reductions, and property-based checks against the float64 reference (`refReduce`).
 *
 * Most explicit cases reduce X = arange(24) reshaped to [2, 3, 4] (X[i,j,k] = 12i + 4j + k), whose
 * sums are easy to write down by hand; each is in a comment.
 *
 * Tolerances (documented where used):
 * - max, min, argmax, argmin and integer results are exact.
 * - float32 sum, mean and prod: a backend that declares `precision: 'float64'` accumulates in
 *   float64 and rounds once, so it must match the float64 reference rounded to float32 to rtol 1e-6.
 *   A backend that computes float32 in float32 gets the textbook error bound of recursive
 *   summation, atol = n·2^-24·max Σ|x| (n values per output), and rtol n·2^-24 for prod.
 * - logSumExp: computed in the tensor's dtype in several rounded steps (x - m, exp, Σ, log, + m),
 *   so the error bound of the stable formula m + log Σ exp(x - m), which is a few roundings of
 *   n + |m| + |result|: atol = 4u·(n + 1 + |m| + |result|) with u the unit roundoff (2^-24 for
 *   float32, 2^-53 for float64), maximised over the outputs; the property draws values in ±100
 *   so that bound stays small (huge values have their own case).
 */
import fc from 'fast-check';
import * as tk from '@tensorkit/core';
import { check, expectError, expectTensor } from '../assert.js';
import { casesFor, type CaseContext, type ConformanceCase } from '../case.js';
import { refReduce, refStore, type RefArray } from '../reference.js';
import { typed, make, sizeOf } from './build.js';

type DType = tk.DType;
type NumericDType = 'float32' | 'float64' | 'int32';

const NaN_ = Number.NaN;
const Inf = Number.POSITIVE_INFINITY;
const F32_ATOL = 2 ** -126;

/** X = arange(24) as [2, 3, 4]: X[i,j,k] = 12i + 4j + k. */
function arange24(c: CaseContext, dtype: DType = 'float32'): tk.Tensor {
  return make(c, Array.from({ length: 24 }, (_, i) => i), dtype, [2, 3, 4]);
}

async function float64Unsupported(c: CaseContext): Promise<boolean> {
  if (c.float64) return false;
  await expectError(() => tk.tensor([1], { dtype: 'float64' }), tk.BackendError, 'float64');
  return true;
}

/** True when the backend declares float32 arithmetic carried out in float64 (see the header). */
function accumulatesInFloat64(): boolean {
  return tk.getBackend().capabilities.precision === 'float64';
}

// ---------------------------------------------------------------------------------------------
// Reference folds

const refSum = (vs: number[]): number => vs.reduce((a, b) => a + b, 0);
const refProd = (vs: number[]): number => vs.reduce((a, b) => a * b, 1);
/** int32 product with two's-complement wrap-around: the low 32 bits of the exact product. */
const refProdInt32 = (vs: number[]): number => vs.reduce((a, b) => Math.imul(a, b), 1);
const refMean = (vs: number[]): number => refSum(vs) / vs.length;
const refMax = (vs: number[]): number => (vs.some(Number.isNaN) ? NaN_ : Math.max(...vs));
const refMin = (vs: number[]): number => (vs.some(Number.isNaN) ? NaN_ : Math.min(...vs));
/** First index of the largest value; the first NaN wins (NumPy). */
function refArgmax(vs: number[]): number {
  const nan = vs.findIndex(Number.isNaN);
  if (nan >= 0) return nan;
  return vs.indexOf(Math.max(...vs));
}
function refArgmin(vs: number[]): number {
  const nan = vs.findIndex(Number.isNaN);
  if (nan >= 0) return nan;
  return vs.indexOf(Math.min(...vs));
}
/** The stable formula m + log Σ exp(x - m), m = max (taken as 0 when not finite). */
function refLogSumExp(vs: number[]): number {
  const m = refMax(vs);
  if (Number.isNaN(m)) return NaN_;
  const shift = Number.isFinite(m) ? m : 0;
  return shift + Math.log(refSum(vs.map((v) => Math.exp(v - shift))));
}

/** Normalised, sorted axes: what the reference wants. */
function resolveAxes(axes: number | number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  return list.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
}

/** Largest Σ|x| over the finite values of any output group, and the group size. */
function groupBound(x: RefArray, axes: number[]): { n: number; absSum: number } {
  const n = axes.reduce((p, a) => p * x.shape[a], 1);
  const sums = refReduce({ shape: x.shape, values: x.values.map((v) => (Number.isFinite(v) ? Math.abs(v) : 0)) }, axes, false, refSum).values;
  return { n, absSum: sums.length ? Math.max(...sums) : 0 };
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const dimArb = fc.integer({ min: 0, max: 4 });
const shapeArb = fc.array(dimArb, { minLength: 0, maxLength: 4 });

/** Values as stored: floats are moderate numbers with NaN, ±Inf, ±0 and tiny values mixed in. */
function valuesArb(dtype: NumericDType, n: number, moderate = 100): fc.Arbitrary<number[]> {
  const value =
    dtype === 'int32'
      ? fc.integer({ min: -1000, max: 1000 })
      : fc.oneof(
          { weight: 5, arbitrary: fc.double({ min: -moderate, max: moderate, noNaN: true }) },
          { weight: 2, arbitrary: fc.integer({ min: -3, max: 3 }) },
          { weight: 1, arbitrary: fc.constantFrom(NaN_, Inf, -Inf, 0, -0, 1e-30, -1e-38, 1e-45) },
        );
  return fc.array(value, { minLength: n, maxLength: n }).map((vs) => refStore(vs, dtype));
}

/** Axes for a rank: undefined (all), one axis as a number, or a list (negative and unsorted allowed). */
function axesArb(rank: number): fc.Arbitrary<number | number[] | undefined> {
  const all = Array.from({ length: rank }, (_, i) => i);
  const list = fc
    .tuple(fc.shuffledSubarray(all), fc.array(fc.boolean(), { minLength: rank, maxLength: rank }))
    .map(([axes, neg]) => axes.map((a, i) => (neg[i] ? a - rank : a)));
  const one = rank === 0 ? list : fc.integer({ min: -rank, max: rank - 1 });
  return fc.oneof(fc.constant(undefined), one, list);
}

interface Input {
  dtype: NumericDType;
  x: RefArray;
  axes: number | number[] | undefined;
  keepDims: boolean;
}

function inputArb(dtypes: NumericDType[], moderate = 100): fc.Arbitrary<Input> {
  return fc
    .tuple(fc.constantFrom(...dtypes), shapeArb)
    .chain(([dtype, shape]) =>
      fc.record({
        dtype: fc.constant(dtype),
        x: valuesArb(dtype, sizeOf(shape), moderate).map((values) => ({ shape, values })),
        axes: axesArb(shape.length),
        keepDims: fc.boolean(),
      }),
    );
}

function dtypesFor(c: CaseContext): NumericDType[] {
  return c.float64 ? ['float32', 'float64', 'int32'] : ['float32', 'int32'];
}

type ReduceFn = (x: tk.Tensor, axes?: number | number[], keepDims?: boolean) => tk.Tensor;

/** A property case comparing `fn` with `refReduce(fold)` on random shapes, axes, keepDims, dtypes. */
function reduceProperty(
  op: string,
  fn: ReduceFn,
  fold: (vs: number[]) => number,
  options: {
    outDtype: (d: NumericDType) => DType;
    emptyThrows: boolean;
    moderate?: number;
    seed: number;
    tol: (d: DType, x: RefArray, axes: number[], expected: number[]) => { rtol?: number; atol?: number };
    /** The fold for int32 inputs when it differs (prod: two's-complement products). */
    intFold?: (vs: number[]) => number;
  },
): ConformanceCase['run'] {
  return async (c) => {
    await fc.assert(
      fc.asyncProperty(inputArb(dtypesFor(c), options.moderate), async ({ dtype, x, axes, keepDims }) => {
        const resolved = resolveAxes(axes, x.shape.length);
        const t = make(c, x.values, dtype, x.shape);
        const reduceSize = resolved.reduce((p, a) => p * x.shape[a], 1);
        const label = `${op}(${dtype} [${x.shape}], axes ${JSON.stringify(axes)}, keepDims ${keepDims}) of [${x.values}]`;
        if (options.emptyThrows && reduceSize === 0) {
          await expectError(() => c.own(fn(t, axes, keepDims)), tk.ShapeError, op);
          return;
        }
        const outDtype = options.outDtype(dtype);
        // int32 values here are small enough to be exact in float32 (mean converts them first).
        const ref = refReduce(x, resolved, keepDims, dtype === 'int32' && options.intFold ? options.intFold : fold);
        const expected = refStore(ref.values, outDtype as 'float32');
        await expectTensor(c.own(fn(t, axes, keepDims)), { shape: ref.shape, dtype: outDtype, values: expected, ...options.tol(outDtype, x, resolved, expected) }, label);
      }),
      { numRuns: 40, seed: options.seed },
    );
  };
}

/** Tolerance of sum and mean (see the header). */
function sumTol(dtype: DType, x: RefArray, axes: number[]): { rtol?: number; atol?: number } {
  if (dtype !== 'float32') return {};
  if (accumulatesInFloat64()) return { rtol: 1e-6, atol: F32_ATOL };
  const { n, absSum } = groupBound(x, axes);
  return { rtol: 1e-6, atol: Math.max(F32_ATOL, n * 2 ** -24 * absSum) };
}

function prodTol(dtype: DType, x: RefArray, axes: number[]): { rtol?: number; atol?: number } {
  if (dtype !== 'float32') return {};
  const n = axes.reduce((p, a) => p * x.shape[a], 1);
  return { rtol: accumulatesInFloat64() ? 1e-6 : Math.max(1e-6, n * 2 ** -24), atol: F32_ATOL };
}

function lseTol(dtype: DType, x: RefArray, axes: number[], expected: number[]): { rtol?: number; atol?: number } {
  const u = dtype === 'float64' ? 2 ** -53 : 2 ** -24;
  const n = axes.reduce((p, a) => p * x.shape[a], 1);
  const maxes = refReduce(x, axes, false, refMax).values.filter(Number.isFinite).map(Math.abs);
  const results = expected.filter(Number.isFinite).map(Math.abs);
  return { rtol: 0, atol: u * (n + 1 + Math.max(0, ...maxes) + Math.max(0, ...results)) * 4 };
}

const EXACT = { rtol: 0, atol: 0 };

// ---------------------------------------------------------------------------------------------

function sumCases(): ConformanceCase[] {
  return casesFor('reduction', 'sum', {
    'all axes by default': async (c) => {
      // 0 + 1 + ... + 23 = 276.
      await expectTensor(c.own(tk.sum(arange24(c))), { shape: [], dtype: 'float32', values: [276] });
    },
    'one axis': async (c) => {
      // Axis 0: X[0,j,k] + X[1,j,k] = 2(4j + k) + 12 → 12, 14, ..., 34.
      await expectTensor(c.own(tk.sum(arange24(c), 0)), { shape: [3, 4], values: Array.from({ length: 12 }, (_, i) => 2 * i + 12) });
      // Axis 1: Σ_j (12i + 4j + k) = 36i + 12 + 3k → [[12,15,18,21],[48,51,54,57]].
      await expectTensor(c.own(tk.sum(arange24(c), 1)), { shape: [2, 4], values: [12, 15, 18, 21, 48, 51, 54, 57] });
    },
    'negative axis': async (c) => {
      // Axis -1 (k): Σ_k (4r + k) over row r = 16r + 6 → 6, 22, 38, 54, 70, 86.
      await expectTensor(c.own(tk.sum(arange24(c), -1)), { shape: [2, 3], values: [6, 22, 38, 54, 70, 86] });
    },
    'non-adjacent axes [0, 2] of a rank-3 tensor, in any order': async (c) => {
      // Σ_{i,k} (12i + 4j + k) = 8·4j + 4·12 + 2·6 = 32j + 60 → 60, 92, 124.
      await expectTensor(c.own(tk.sum(arange24(c), [0, 2])), { shape: [3], values: [60, 92, 124] });
      await expectTensor(c.own(tk.sum(arange24(c), [2, 0])), { shape: [3], values: [60, 92, 124] });
      await expectTensor(c.own(tk.sum(arange24(c), [-1, -3])), { shape: [3], values: [60, 92, 124] });
    },
    'several adjacent axes [1, 2]': async (c) => {
      // Σ_{j,k} (12i + 4j + k) = 144i + 66 → 66, 210.
      await expectTensor(c.own(tk.sum(arange24(c), [1, 2])), { shape: [2], values: [66, 210] });
    },
    keepDims: async (c) => {
      await expectTensor(c.own(tk.sum(arange24(c), [0, 2], true)), { shape: [1, 3, 1], values: [60, 92, 124] });
      await expectTensor(c.own(tk.sum(arange24(c), undefined, true)), { shape: [1, 1, 1], values: [276] });
      await expectTensor(c.own(tk.sum(arange24(c), -1, true)), { shape: [2, 3, 1], values: [6, 22, 38, 54, 70, 86] });
    },
    'empty axes list is the identity': async (c) => {
      await expectTensor(c.own(tk.sum(arange24(c), [])), { shape: [2, 3, 4], values: Array.from({ length: 24 }, (_, i) => i) });
    },
    'scalar input': async (c) => {
      await expectTensor(c.own(tk.sum(make(c, [5], 'float32', []))), { shape: [], dtype: 'float32', values: [5] });
    },
    'int32 stays int32': async (c) => {
      await expectTensor(c.own(tk.sum(arange24(c, 'int32'), [0, 2])), { shape: [3], dtype: 'int32', values: [60, 92, 124] });
    },
    'int32 overflow wraps around (two\'s complement)': async (c) => {
      // 2147483647 + 1 = -2147483648; -2147483648 + -1 = 2147483647.
      await expectTensor(c.own(tk.sum(make(c, [2147483647, 1, -2147483648, -1], 'int32', [2, 2]), 1)), { shape: [2], dtype: 'int32', values: [-2147483648, 2147483647] });
    },
    'bool sums to int32': async (c) => {
      const b = make(c, [true, false, true, true, true, true], 'bool', [2, 3]);
      await expectTensor(c.own(tk.sum(b, 1)), { shape: [2], dtype: 'int32', values: [2, 3] });
      await expectTensor(c.own(tk.sum(b)), { shape: [], dtype: 'int32', values: [5] });
      await expectTensor(c.own(tk.sum(b, 0, true)), { shape: [1, 3], dtype: 'int32', values: [2, 1, 2] });
    },
    'bool sums to int32 for a scalar and for an empty axes list (np.sum(True) is an integer)': async (c) => {
      await expectTensor(c.own(tk.sum(make(c, [true], 'bool', []))), { shape: [], dtype: 'int32', values: [1] });
      await expectTensor(c.own(tk.sum(make(c, [true, false], 'bool'), [])), { shape: [2], dtype: 'int32', values: [1, 0] });
    },
    'empty reductions give 0': async (c) => {
      await expectTensor(c.own(tk.sum(make(c, [], 'float32', [0]))), { shape: [], values: [0] });
      await expectTensor(c.own(tk.sum(make(c, [], 'float32', [2, 0]), 1)), { shape: [2], values: [0, 0] });
      await expectTensor(c.own(tk.sum(make(c, [], 'float32', [2, 0]), 0)), { shape: [0], values: [] });
      await expectTensor(c.own(tk.sum(make(c, [], 'int32', [0, 3]), 0, true)), { shape: [1, 3], dtype: 'int32', values: [0, 0, 0] });
      await expectTensor(c.own(tk.sum(make(c, [], 'bool', [0]))), { shape: [], dtype: 'int32', values: [0] });
    },
    'infinities and NaN': async (c) => {
      // [1, Inf] → Inf; [Inf, -Inf] → NaN; [NaN, 1] → NaN; [-Inf, -1] → -Inf.
      await expectTensor(c.own(tk.sum(make(c, [1, Inf, Inf, -Inf, NaN_, 1, -Inf, -1], 'float32', [4, 2]), 1)), { shape: [4], values: [Inf, NaN_, NaN_, -Inf] });
    },
    'float32 result is the float64 sum rounded (no float32 cancellation error)': async (c) => {
      // 2^24 + 1 + 1 = 16777218 exactly; summing in float32 from the left loses both ones (16777216).
      // A backend that accumulates in float32 may give 16777216; the bound allows it only there.
      const x = make(c, [16777216, 1, 1]);
      const tol = accumulatesInFloat64() ? { rtol: 0, atol: 0 } : { rtol: 0, atol: 3 * 2 ** -24 * 16777218 };
      await expectTensor(c.own(tk.sum(x)), { shape: [], dtype: 'float32', values: [16777218], ...tol });
    },
    'repeated or out-of-range axes are a ShapeError': async (c) => {
      const x = arange24(c);
      await expectError(() => c.own(tk.sum(x, [0, 0])), tk.ShapeError, 'sum');
      await expectError(() => c.own(tk.sum(x, [1, -2])), tk.ShapeError, 'sum');
      await expectError(() => c.own(tk.sum(x, 3)), tk.ShapeError, 'sum', '3');
      await expectError(() => c.own(tk.sum(x, -4)), tk.ShapeError, 'sum');
    },
    'property: random shapes, axes, keepDims and dtypes': reduceProperty('sum', tk.sum, refSum, {
      outDtype: (d) => d,
      emptyThrows: false,
      seed: 101,
      tol: (d, x, axes) => sumTol(d, x, axes),
    }),
  });
}

function meanCases(): ConformanceCase[] {
  return casesFor('reduction', 'mean', {
    'all axes, one axis, several axes': async (c) => {
      // 276 / 24 = 11.5; axis -1: (16r + 6)/4 = 4r + 1.5; axes [0,2]: (32j + 60)/8 = 4j + 7.5.
      await expectTensor(c.own(tk.mean(arange24(c))), { shape: [], dtype: 'float32', values: [11.5] });
      await expectTensor(c.own(tk.mean(arange24(c), -1)), { shape: [2, 3], values: [1.5, 5.5, 9.5, 13.5, 17.5, 21.5] });
      await expectTensor(c.own(tk.mean(arange24(c), [0, 2], true)), { shape: [1, 3, 1], values: [7.5, 11.5, 15.5] });
    },
    'int32 averages as float32': async (c) => {
      // (1 + 2) / 2 = 1.5; (1 + 2 + 4) / 3 = 2.3333333.
      await expectTensor(c.own(tk.mean(make(c, [1, 2], 'int32'))), { shape: [], dtype: 'float32', values: [1.5] });
      await expectTensor(c.own(tk.mean(make(c, [1, 2, 4, 0, 0, 1], 'int32', [2, 3]), 1)), { shape: [2], dtype: 'float32', values: [7 / 3, 1 / 3], rtol: 1e-6 });
    },
    'bool averages as float32': async (c) => {
      await expectTensor(c.own(tk.mean(make(c, [true, false, true, true], 'bool'))), { shape: [], dtype: 'float32', values: [0.75] });
    },
    'float64 stays float64': async (c) => {
      if (await float64Unsupported(c)) return;
      // (0.1 + 0.2 + 0.3) / 3 in float64 = 0.20000000000000004.
      await expectTensor(c.own(tk.mean(make(c, [0.1, 0.2, 0.3], 'float64'))), { shape: [], dtype: 'float64', values: [(0.1 + 0.2 + 0.3) / 3] });
    },
    'mean of nothing is NaN (0 / 0, as NumPy)': async (c) => {
      await expectTensor(c.own(tk.mean(make(c, [], 'float32', [0]))), { shape: [], dtype: 'float32', values: [NaN_] });
      await expectTensor(c.own(tk.mean(make(c, [], 'float32', [3, 0]), 1)), { shape: [3], values: [NaN_, NaN_, NaN_] });
    },
    'property: random shapes, axes, keepDims and dtypes': reduceProperty('mean', tk.mean, refMean, {
      outDtype: (d) => (d === 'int32' ? 'float32' : d),
      emptyThrows: false,
      seed: 202,
      tol: (d, x, axes) => sumTol(d, x, axes),
    }),
  });
}

function extremumCases(op: 'max' | 'min'): ConformanceCase[] {
  const fn = op === 'max' ? tk.max : tk.min;
  const fold = op === 'max' ? refMax : refMin;
  const isMax = op === 'max';
  return casesFor('reduction', op, {
    'all axes, one axis, non-adjacent axes, keepDims': async (c) => {
      // max: 23; axis 1: 12i + 8 + k; axes [0,2]: 12 + 4j + 3. min: 0; axis 1: 12i + k; axes [0,2]: 4j.
      await expectTensor(c.own(fn(arange24(c))), { shape: [], values: [isMax ? 23 : 0], ...EXACT });
      await expectTensor(c.own(fn(arange24(c), 1)), { shape: [2, 4], values: isMax ? [8, 9, 10, 11, 20, 21, 22, 23] : [0, 1, 2, 3, 12, 13, 14, 15], ...EXACT });
      await expectTensor(c.own(fn(arange24(c), [0, 2], true)), { shape: [1, 3, 1], values: isMax ? [15, 19, 23] : [0, 4, 8], ...EXACT });
      await expectTensor(c.own(fn(arange24(c), -1)), { shape: [2, 3], values: isMax ? [3, 7, 11, 15, 19, 23] : [0, 4, 8, 12, 16, 20], ...EXACT });
    },
    'NaN propagates': async (c) => {
      // Rows: [1, NaN, 3] → NaN; [NaN, NaN, NaN] → NaN; [2, -Inf, Inf] → ±Inf; [-0, 5, -7] → 5 / -7.
      const x = make(c, [1, NaN_, 3, NaN_, NaN_, NaN_, 2, -Inf, Inf, -0, 5, -7], 'float32', [4, 3]);
      await expectTensor(c.own(fn(x, 1)), { shape: [4], values: isMax ? [NaN_, NaN_, Inf, 5] : [NaN_, NaN_, -Inf, -7], ...EXACT });
      await expectTensor(c.own(fn(x)), { shape: [], values: [NaN_] });
      // A NaN in the last position still wins.
      await expectTensor(c.own(fn(make(c, [1, 2, NaN_]))), { shape: [], values: [NaN_] });
    },
    'int32 and bool keep their dtype': async (c) => {
      await expectTensor(c.own(fn(make(c, [3, -7, 2147483647, -2147483648], 'int32'))), { shape: [], dtype: 'int32', values: [isMax ? 2147483647 : -2147483648] });
      await expectTensor(c.own(fn(make(c, [false, true, false], 'bool'))), { shape: [], dtype: 'bool', values: [isMax ? 1 : 0] });
    },
    'reducing a size-0 axis is a ShapeError; a size-0 output is fine': async (c) => {
      await expectError(() => c.own(fn(make(c, [], 'float32', [0]))), tk.ShapeError, op);
      await expectError(() => c.own(fn(make(c, [], 'float32', [0, 3]), 0)), tk.ShapeError, op);
      await expectTensor(c.own(fn(make(c, [], 'float32', [0, 3]), 1)), { shape: [0], values: [] });
    },
    'property: random shapes, axes, keepDims and dtypes': reduceProperty(op, fn, fold, {
      outDtype: (d) => d,
      emptyThrows: true,
      seed: isMax ? 303 : 304,
      tol: () => EXACT,
    }),
  });
}

function prodCases(): ConformanceCase[] {
  return casesFor('reduction', 'prod', {
    'all axes and one axis': async (c) => {
      // 1·2·3·4·5·6 = 720; rows [1,2,3] → 6 and [4,5,6] → 120; columns → 4, 10, 18.
      const x = make(c, [1, 2, 3, 4, 5, 6], 'float32', [2, 3]);
      await expectTensor(c.own(tk.prod(x)), { shape: [], values: [720] });
      await expectTensor(c.own(tk.prod(x, 1)), { shape: [2], values: [6, 120] });
      await expectTensor(c.own(tk.prod(x, 0, true)), { shape: [1, 3], values: [4, 10, 18] });
    },
    'empty product is 1': async (c) => {
      await expectTensor(c.own(tk.prod(make(c, [], 'float32', [0]))), { shape: [], values: [1] });
      await expectTensor(c.own(tk.prod(make(c, [], 'float32', [2, 0]), 1)), { shape: [2], values: [1, 1] });
      await expectTensor(c.own(tk.prod(make(c, [], 'int32', [0, 2]), 0)), { shape: [2], dtype: 'int32', values: [1, 1] });
    },
    'int32 stays int32, bool gives int32': async (c) => {
      await expectTensor(c.own(tk.prod(make(c, [-2, 3, 7], 'int32'))), { shape: [], dtype: 'int32', values: [-42] });
      // Rows [T, T] → 1 and [F, T] → 0.
      await expectTensor(c.own(tk.prod(make(c, [true, true, false, true], 'bool', [2, 2]), 1)), { shape: [2], dtype: 'int32', values: [1, 0] });
    },
    'int32 overflow wraps around (two\'s complement)': async (c) => {
      // The low 32 bits of the exact product: rows [123456789, 987654321, 65536] → Math.imul twice;
      // [65536, 65536, 3] = 3·2^32 → 0.
      const x = make(c, [123456789, 987654321, 65536, 65536, 65536, 3], 'int32', [2, 3]);
      await expectTensor(c.own(tk.prod(x, 1)), { shape: [2], dtype: 'int32', values: [Math.imul(Math.imul(123456789, 987654321), 65536), 0] });
    },
    'zeros, infinities and NaN': async (c) => {
      // [0, Inf] → NaN; [-2, Inf] → -Inf; [NaN, 0] → NaN; [-0, 3] → -0.
      const x = make(c, [0, Inf, -2, Inf, NaN_, 0, -0, 3], 'float32', [4, 2]);
      await expectTensor(c.own(tk.prod(x, 1)), { shape: [4], values: [NaN_, -Inf, NaN_, -0], signedZeros: true });
    },
    'property: random shapes, axes, keepDims and dtypes': reduceProperty('prod', tk.prod, refProd, {
      outDtype: (d) => d,
      emptyThrows: false,
      moderate: 2,
      seed: 505,
      intFold: refProdInt32,
      tol: (d, x, axes) => prodTol(d, x, axes),
    }),
  });
}

function argCases(op: 'argmax' | 'argmin'): ConformanceCase[] {
  const fn = op === 'argmax' ? tk.argmax : tk.argmin;
  const fold = op === 'argmax' ? refArgmax : refArgmin;
  const isMax = op === 'argmax';
  return casesFor('reduction', op, {
    'flattened by default, int32 result': async (c) => {
      // Largest of X is X.flat[23], smallest X.flat[0].
      await expectTensor(c.own(fn(arange24(c))), { shape: [], dtype: 'int32', values: [isMax ? 23 : 0] });
      const y = make(c, [3, 9, -1, 9, -1, 0], 'float32', [2, 3]);
      // Flattened [3, 9, -1, 9, -1, 0]: first 9 at 1, first -1 at 2.
      await expectTensor(c.own(fn(y)), { shape: [], dtype: 'int32', values: [isMax ? 1 : 2] });
    },
    'along an axis, negative axes too': async (c) => {
      const y = make(c, [3, 9, -1, 9, -1, 0], 'float32', [2, 3]);
      // Axis 0 compares (3,9), (9,-1), (-1,0); axis 1 the rows [3,9,-1] and [9,-1,0].
      await expectTensor(c.own(fn(y, 0)), { shape: [3], dtype: 'int32', values: isMax ? [1, 0, 1] : [0, 1, 0] });
      await expectTensor(c.own(fn(y, 1)), { shape: [2], dtype: 'int32', values: isMax ? [1, 0] : [2, 1] });
      await expectTensor(c.own(fn(y, -1)), { shape: [2], dtype: 'int32', values: isMax ? [1, 0] : [2, 1] });
      await expectTensor(c.own(fn(arange24(c), 1)), { shape: [2, 4], dtype: 'int32', values: new Array(8).fill(isMax ? 2 : 0) });
    },
    'ties go to the first occurrence': async (c) => {
      await expectTensor(c.own(fn(make(c, [5, 5, 5, 5]))), { shape: [], dtype: 'int32', values: [0] });
      await expectTensor(c.own(fn(make(c, [1, 7, 7, 1, 7], 'int32'))), { shape: [], dtype: 'int32', values: [isMax ? 1 : 0] });
      // -0 and +0 tie.
      await expectTensor(c.own(fn(make(c, [-0, 0]))), { shape: [], dtype: 'int32', values: [0] });
    },
    'the first NaN wins, as NumPy': async (c) => {
      // Rows: [1, NaN, NaN] → 1; [Inf, 2, NaN] → 2; [NaN, Inf, -Inf] → 0; [-Inf, -Inf, 3] → argmax 2, argmin 0.
      const x = make(c, [1, NaN_, NaN_, Inf, 2, NaN_, NaN_, Inf, -Inf, -Inf, -Inf, 3], 'float32', [4, 3]);
      await expectTensor(c.own(fn(x, 1)), { shape: [4], dtype: 'int32', values: [1, 2, 0, isMax ? 2 : 0] });
      await expectTensor(c.own(fn(x)), { shape: [], dtype: 'int32', values: [1] });
    },
    'infinities': async (c) => {
      await expectTensor(c.own(fn(make(c, [-Inf, -Inf, -Inf]))), { shape: [], dtype: 'int32', values: [0] });
      await expectTensor(c.own(fn(make(c, [0, Inf, -Inf, Inf]))), { shape: [], dtype: 'int32', values: [isMax ? 1 : 2] });
    },
    'int32 and bool inputs': async (c) => {
      await expectTensor(c.own(fn(make(c, [-5, 2147483647, -2147483648, 0], 'int32'))), { shape: [], dtype: 'int32', values: [isMax ? 1 : 2] });
      await expectTensor(c.own(fn(make(c, [false, true, true], 'bool'))), { shape: [], dtype: 'int32', values: [isMax ? 1 : 0] });
    },
    'scalar input gives 0': async (c) => {
      await expectTensor(c.own(fn(make(c, [4], 'float32', []))), { shape: [], dtype: 'int32', values: [0] });
    },
    'empty input is a ShapeError; bad axis is a ShapeError': async (c) => {
      await expectError(() => c.own(fn(make(c, [], 'float32', [0]))), tk.ShapeError, op);
      await expectError(() => c.own(fn(make(c, [], 'float32', [2, 0]), 1)), tk.ShapeError, op);
      const x = arange24(c);
      await expectError(() => c.own(fn(x, 3)), tk.ShapeError, op);
    },
    'property: random shapes, axes and dtypes, with ties and NaN': async (c) => {
      const arb = fc.tuple(fc.constantFrom(...dtypesFor(c)), shapeArb).chain(([dtype, shape]) =>
        fc.record({
          dtype: fc.constant(dtype),
          x: fc
            .array(dtype === 'int32' ? fc.integer({ min: -3, max: 3 }) : fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(NaN_, Inf, -Inf, -0)), { minLength: sizeOf(shape), maxLength: sizeOf(shape) })
            .map((values) => ({ shape, values })),
          axis: shape.length === 0 ? fc.constant(undefined) : fc.option(fc.integer({ min: -shape.length, max: shape.length - 1 }), { nil: undefined }),
        }),
      );
      await fc.assert(
        fc.asyncProperty(arb, async ({ dtype, x, axis }) => {
          const t = make(c, x.values, dtype, x.shape);
          const flat: RefArray = { shape: [x.values.length], values: x.values };
          const source = axis === undefined ? flat : x;
          const axes = axis === undefined ? [0] : [axis < 0 ? axis + x.shape.length : axis];
          const label = `${op}(${dtype} [${x.shape}], axis ${axis}) of [${x.values}]`;
          if (source.shape[axes[0]] === 0) {
            await expectError(() => c.own(fn(t, axis)), tk.ShapeError, op);
            return;
          }
          const ref = refReduce(source, axes, false, fold);
          await expectTensor(c.own(fn(t, axis)), { shape: ref.shape, dtype: 'int32', values: ref.values }, label);
        }),
        { numRuns: 50, seed: isMax ? 606 : 607 },
      );
    },
  });
}

function logSumExpCases(): ConformanceCase[] {
  const LN2 = Math.LN2;
  return casesFor('reduction', 'logSumExp', {
    'values': async (c) => {
      // log(e^0 + e^0) = ln 2; log(e^1 + e^2 + e^3) = 3 + log(1 + e^-1 + e^-2) = 3.40760596444438.
      const x = make(c, [0, 0, 0, 1, 2, 3], 'float32', [2, 3]);
      await expectTensor(c.own(tk.logSumExp(make(c, [0, 0]))), { shape: [], dtype: 'float32', values: [LN2], rtol: 1e-6 });
      await expectTensor(c.own(tk.logSumExp(x, 1)), { shape: [2], values: [Math.log(3), 3 + Math.log(1 + Math.exp(-1) + Math.exp(-2))], rtol: 1e-6 });
    },
    'huge values do not overflow, tiny values do not underflow': async (c) => {
      // log(2e^1000) = 1000 + ln 2 = 1000.6931...; log(2e^-1000) = -1000 + ln 2 = -999.3068...
      // float32 storage: rtol 1e-6 (≈ 8 ulp at 1000).
      const x = make(c, [1000, 1000, -1000, -1000, 3e38, 3e38], 'float32', [3, 2]);
      await expectTensor(c.own(tk.logSumExp(x, 1)), { shape: [3], values: [1000 + LN2, -1000 + LN2, Math.fround(3e38)], rtol: 1e-6 });
    },
    'all -Inf gives -Inf; +Inf gives +Inf; NaN gives NaN': async (c) => {
      // log(0 + 0) = -Inf; log(Inf + e^1) = Inf; NaN propagates; log(e^-Inf + e^0) = 0.
      const x = make(c, [-Inf, -Inf, Inf, 1, NaN_, 1, -Inf, 0], 'float32', [4, 2]);
      await expectTensor(c.own(tk.logSumExp(x, 1)), { shape: [4], values: [-Inf, Inf, NaN_, 0] });
    },
    'axes and keepDims': async (c) => {
      const x = arange24(c);
      const xr: RefArray = { shape: [2, 3, 4], values: Array.from({ length: 24 }, (_, i) => i) };
      for (const [axes, keep] of [[[0, 2], true], [[-1], false], [undefined, true], [1, false]] as [number | number[] | undefined, boolean][]) {
        const resolved = resolveAxes(axes, 3);
        const ref = refReduce(xr, resolved, keep, refLogSumExp);
        await expectTensor(c.own(tk.logSumExp(x, axes, keep)), { shape: ref.shape, dtype: 'float32', values: refStore(ref.values, 'float32'), rtol: 1e-6 }, `axes ${JSON.stringify(axes)} keepDims ${keep}`);
      }
    },
    'int32 input computes in float32': async (c) => {
      await expectTensor(c.own(tk.logSumExp(make(c, [0, 0], 'int32'))), { shape: [], dtype: 'float32', values: [LN2], rtol: 1e-6 });
    },
    'float64 stays float64': async (c) => {
      if (await float64Unsupported(c)) return;
      // log(e^1000 + e^1000 + e^1000) = 1000 + ln 3.
      await expectTensor(c.own(tk.logSumExp(make(c, [1000, 1000, 1000], 'float64'))), { shape: [], dtype: 'float64', values: [1000 + Math.log(3)] });
    },
    'property: random shapes, axes, keepDims and dtypes': async (c) => {
      await fc.assert(
        fc.asyncProperty(inputArb(c.float64 ? ['float32', 'float64', 'int32'] : ['float32', 'int32']), async ({ dtype, x, axes, keepDims }) => {
          const resolved = resolveAxes(axes, x.shape.length);
          const reduceSize = resolved.reduce((p, a) => p * x.shape[a], 1);
          const t = make(c, x.values, dtype, x.shape);
          const label = `logSumExp(${dtype} [${x.shape}], axes ${JSON.stringify(axes)}, keepDims ${keepDims}) of [${x.values}]`;
          // logSumExp over nothing is left unspecified (log 0 = -Inf in scipy; core refuses the max of
          // nothing): not drawn into an assertion either way.
          if (reduceSize === 0) return;
          const outDtype = dtype === 'float64' ? 'float64' : 'float32';
          const ref = refReduce(x, resolved, keepDims, refLogSumExp);
          const expected = refStore(ref.values, outDtype);
          await expectTensor(c.own(tk.logSumExp(t, axes, keepDims)), { shape: ref.shape, dtype: outDtype, values: expected, ...lseTol(outDtype, x, resolved, expected) }, label);
        }),
        { numRuns: 40, seed: 808 },
      );
    },
  });
}

/** Every reduction case. */
export function reductionCases(): ConformanceCase[] {
  check(refLogSumExp([0, 0]) === Math.LN2, 'reference sanity');
  return [
    ...sumCases(),
    ...meanCases(),
    ...extremumCases('max'),
    ...extremumCases('min'),
    ...prodCases(),
    ...argCases('argmax'),
    ...argCases('argmin'),
    ...logSumExpCases(),
  ];
}
