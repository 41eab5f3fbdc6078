/**
 * Element-wise ops: values (special values included), output dtypes and shapes, NumPy broadcasting,
 * weak scalar operands and dtype promotion, plus property-based checks against the float64
 * reference in `reference.ts`.
 *
 * Expected values are written by hand (with the arithmetic in a comment) or computed by the float64
 * reference and rounded as the output dtype stores them (`refStore`).
 *
 * Tolerances chosen here (float64 and integer results use the defaults, 1e-12 and exact):
 * - float32 `+ - * /`, min/max and the exact unary ops: rtol 1e-6. IEEE arithmetic on float32 is
 *   correctly rounded, and so is float64 arithmetic rounded to float32, so any backend should
 *   agree to the last bit; 1e-6 (about 8 ulp) only leaves room for nothing but rounding.
 * - float32 transcendental ops (exp, log, sqrt, sigmoid, tanh, pow): rtol 1e-6, a few ulp of a
 *   float32 libm.
 * - atol for float32 is 2^-126 (the smallest normal float32), not the default 1e-6: results near
 *   zero are checked too, and only a backend that flushes subnormal results to zero gets slack.
 */
import fc from 'fast-check';
import * as tk from '@tensorkit/core';
import { check, expectError, expectTensor } from '../assert.js';
import { casesFor, type CaseContext, type ConformanceCase } from '../case.js';
import { refBinary, refBroadcastShape, refStore, refUnary, type RefArray } from '../reference.js';
import { typed, make, sizeOf } from './build.js';

type DType = tk.DType;
type NumericDType = 'float32' | 'float64' | 'int32';

/** Smallest normal float32: see the tolerance note above. */
const F32_ATOL = 2 ** -126;
const F32 = { rtol: 1e-6, atol: F32_ATOL };

/** Tolerance for a result of `dtype` (float32 tight as documented above; others default). */
function tolFor(dtype: DType): { rtol?: number; atol?: number } {
  return dtype === 'float32' ? F32 : {};
}

/** Dtypes the backend stores (float64 only where it declares it). */
function numericDTypes(c: CaseContext): NumericDType[] {
  return c.float64 ? ['float32', 'float64', 'int32'] : ['float32', 'int32'];
}

/** For a float64 case on a backend without float64: it must refuse float64 with a BackendError. */
async function float64Unsupported(c: CaseContext): Promise<boolean> {
  if (c.float64) return false;
  await expectError(() => tk.tensor([1], { dtype: 'float64' }), tk.BackendError, 'float64');
  return true;
}

const ORDER: DType[] = ['bool', 'int32', 'float32', 'float64'];
/** The promotion rule bool < int32 < float32 < float64, written independently of core. */
function promoted(a: DType, b: DType): DType {
  return ORDER[Math.max(ORDER.indexOf(a), ORDER.indexOf(b))];
}

const NaN_ = Number.NaN;
const Inf = Number.POSITIVE_INFINITY;

/** NumPy's round: halves to even. */
function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** C99/IEEE pow (as NumPy): pow(x, ±0) = 1 and pow(1, y) = 1 even for NaN y; pow(-1, ±Inf) = 1. */
function cPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x === -1 && (y === Inf || y === -Inf)) return 1;
  return Math.pow(x, y);
}

// ---------------------------------------------------------------------------------------------
// Unary ops

interface UnarySpec {
  readonly fn: (x: tk.Tensor) => tk.Tensor;
  readonly ref: (x: number) => number;
  /** 'float': non-float inputs compute in float32; 'numeric': keeps dtype, bool refused; 'predicate': any dtype to bool. */
  readonly kind: 'float' | 'numeric' | 'predicate';
}

const UNARY: Record<string, UnarySpec> = {
  neg: { fn: tk.neg, ref: (x) => -x, kind: 'numeric' },
  abs: { fn: tk.abs, ref: Math.abs, kind: 'numeric' },
  exp: { fn: tk.exp, ref: Math.exp, kind: 'float' },
  log: { fn: tk.log, ref: Math.log, kind: 'float' },
  sqrt: { fn: tk.sqrt, ref: Math.sqrt, kind: 'float' },
  square: { fn: tk.square, ref: (x) => x * x, kind: 'numeric' },
  relu: { fn: tk.relu, ref: (x) => (Number.isNaN(x) ? x : x > 0 ? x : 0), kind: 'numeric' },
  sigmoid: { fn: tk.sigmoid, ref: (x) => 1 / (1 + Math.exp(-x)), kind: 'float' },
  tanh: { fn: tk.tanh, ref: Math.tanh, kind: 'float' },
  sign: { fn: tk.sign, ref: (x) => (x > 0 ? 1 : x < 0 ? -1 : x), kind: 'numeric' },
  floor: { fn: tk.floor, ref: Math.floor, kind: 'numeric' },
  ceil: { fn: tk.ceil, ref: Math.ceil, kind: 'numeric' },
  round: { fn: tk.round, ref: roundHalfEven, kind: 'numeric' },
  isNaN: { fn: tk.isNaN, ref: (x) => (Number.isNaN(x) ? 1 : 0), kind: 'predicate' },
  isFinite: { fn: tk.isFinite, ref: (x) => (Number.isFinite(x) ? 1 : 0), kind: 'predicate' },
};

function unaryOutDType(kind: UnarySpec['kind'], input: DType): DType {
  if (kind === 'predicate') return 'bool';
  if (kind === 'float') return input === 'float64' ? 'float64' : 'float32';
  return input;
}

/** Hand-computed values per unary op on float32 inputs, special values included. */
const UNARY_TABLE: Record<string, { x: number[]; y: number[]; signedZeros?: boolean }> = {
  // -(+0) = -0 and -(-0) = +0; NaN stays NaN.
  neg: { x: [1, -2.5, 0, -0, Inf, -Inf, NaN_], y: [-1, 2.5, -0, 0, -Inf, Inf, NaN_], signedZeros: true },
  // |-0| = +0.
  abs: { x: [-1.5, 2, -0, -Inf, NaN_, -3e38], y: [1.5, 2, 0, Inf, NaN_, Math.fround(3e38)], signedZeros: true },
  // e^1 = 2.718281828..., e^-1 = 0.36787944...; e^88 fits float32, e^89 overflows to Inf.
  exp: {
    x: [0, 1, -1, 88, 89, -Inf, Inf, NaN_, -0],
    // exp(88) = 1.6516362549940018e38 → float32 1.6516363e38; exp(89) = 4.4896e38 > 3.4028e38 → Inf.
    y: [1, Math.fround(Math.E), Math.fround(1 / Math.E), Math.fround(1.6516362549940018e38), Inf, 0, Inf, NaN_, 1],
  },
  // log(0) = log(-0) = -Inf, log(-1) = NaN, log(e) = 1, log(0.5) = -0.6931471805599453.
  log: { x: [1, Math.E, 0, -0, -1, Inf, NaN_, 0.5], y: [0, 1, -Inf, -Inf, NaN_, Inf, NaN_, Math.fround(-0.6931471805599453)] },
  // sqrt(-0) = -0 (IEEE), sqrt(2) = 1.4142135623730951, sqrt(-1) = NaN.
  sqrt: { x: [4, 2, 0, -0, -1, Inf, NaN_, 0.25], y: [2, Math.fround(Math.SQRT2), 0, -0, NaN_, Inf, NaN_, 0.5], signedZeros: true },
  // 1e20² = 1e40 overflows float32; (-3)² = 9.
  square: { x: [3, -3, 0.5, 1e20, -Inf, NaN_], y: [9, 9, 0.25, Inf, Inf, NaN_] },
  // relu(NaN) = NaN (as np.maximum(x, 0)); relu(-Inf) = 0.
  relu: { x: [-1, 0, 2.5, NaN_, -Inf, Inf], y: [0, 0, 2.5, NaN_, 0, Inf] },
  // sigmoid(1) = 1/(1+e^-1) = 0.7310585786300049; sigmoid(-1) = 0.2689414213699951;
  // ±1000 must not overflow: 1 and 0 exactly (to float32 rounding).
  sigmoid: {
    x: [0, 1, -1, 1000, -1000, Inf, -Inf, NaN_, 20],
    y: [0.5, Math.fround(0.7310585786300049), Math.fround(0.2689414213699951), 1, 0, 1, 0, NaN_, Math.fround(1 / (1 + Math.exp(-20)))],
  },
  // tanh(0.5) = 0.46211715726000974; tanh(±20) = ±1 in float32.
  tanh: { x: [0, 0.5, -0.5, 20, -20, Inf, -Inf, NaN_], y: [0, Math.fround(0.46211715726000974), Math.fround(-0.46211715726000974), 1, -1, 1, -1, NaN_] },
  sign: { x: [-2, 0, 3, NaN_, -Inf, Inf, 1e-30], y: [-1, 0, 1, NaN_, -1, 1, 1] },
  floor: { x: [1.5, -1.5, 2, -0.25, NaN_, Inf, -Inf], y: [1, -2, 2, -1, NaN_, Inf, -Inf] },
  // ceil(-0.25) = -0.
  ceil: { x: [1.5, -1.5, 2, -0.25, NaN_, Inf, -Inf], y: [2, -1, 2, -0, NaN_, Inf, -Inf], signedZeros: true },
  // Halves go to the even neighbour: 0.5→0, 1.5→2, 2.5→2, -0.5→-0, -1.5→-2, -2.5→-2, 3.5→4;
  // 0.49999997 (the float32 just below 0.5) → 0; 1.4 → 1; -1.6 → -2.
  round: {
    x: [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, 0.49999997, 1.4, -1.6, NaN_, Inf, 8388607.5],
    y: [0, 2, 2, -0, -2, -2, 4, 0, 1, -2, NaN_, Inf, 8388608],
  },
  isNaN: { x: [NaN_, 1, Inf, -Inf, 0, -0], y: [1, 0, 0, 0, 0, 0] },
  isFinite: { x: [NaN_, 1, Inf, -Inf, 0, -3e38], y: [0, 1, 0, 0, 1, 1] },
};

function unaryCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const [op, spec] of Object.entries(UNARY)) {
    const row = UNARY_TABLE[op];
    out.push(
      ...casesFor('elementwise', op, {
        'float32 values and special values': async (c) => {
          const outDtype = unaryOutDType(spec.kind, 'float32');
          await expectTensor(c.own(spec.fn(make(c, row.x))), { shape: [row.x.length], dtype: outDtype, values: row.y, signedZeros: row.signedZeros, ...tolFor(outDtype) });
        },
        'output dtype for each input dtype': async (c) => {
          const inputs: DType[] = c.float64 ? ['float32', 'float64', 'int32', 'bool'] : ['float32', 'int32', 'bool'];
          for (const dtype of inputs) {
            const x = make(c, [1, 0], dtype, [2, 1]);
            if (spec.kind === 'numeric' && dtype === 'bool') {
              await expectError(() => c.own(spec.fn(x)), tk.DTypeError, op, 'bool');
              continue;
            }
            const want = spec.kind === 'float' && dtype === 'bool' ? 'float32' : unaryOutDType(spec.kind, dtype);
            const y = c.own(spec.fn(x));
            // Values of [1, 0] under the op, rounded as stored.
            await expectTensor(y, { shape: [2, 1], dtype: want, values: refStore([spec.ref(1), spec.ref(0)], want), ...tolFor(want) }, `${op}(${dtype})`);
          }
        },
        'property: random and special values, every dtype': async (c) => {
          await fc.assert(
            fc.asyncProperty(fc.constantFrom(...numericDTypes(c)).chain((dtype) => fc.tuple(fc.constant(dtype), tensorArb(dtype))), async ([dtype, x]) => {
              const input = make(c, x.values, dtype, x.shape);
              const outDtype = unaryOutDType(spec.kind, dtype);
              const expected = refStore(refUnary(x, spec.ref).values, outDtype);
              await expectTensor(c.own(spec.fn(input)), { shape: x.shape, dtype: outDtype, values: expected, ...tolFor(outDtype) }, `${op} ${dtype} [${x.shape}] of [${x.values}]`);
            }),
            { numRuns: 30, seed: 0x5eed + op.length },
          );
        },
      }),
    );
  }
  out.push(
    ...casesFor('elementwise', 'round', {
      'float64 halves and large integers': async (c) => {
        if (await float64Unsupported(c)) return;
        // 2^52 + 1 has no fraction; 0.49999999999999994 (largest double below 0.5) → 0; 2.5 → 2.
        const x = make(c, [4503599627370497, 0.49999999999999994, 2.5, -3.5, 1e300], 'float64');
        await expectTensor(c.own(tk.round(x)), { shape: [5], dtype: 'float64', values: [4503599627370497, 0, 2, -4, 1e300] });
      },
    }),
    ...casesFor('elementwise', 'logicalNot', {
      'bool truth table': async (c) => {
        await expectTensor(c.own(tk.logicalNot(make(c, [true, false, true], 'bool', [3, 1]))), { shape: [3, 1], dtype: 'bool', values: [0, 1, 0] });
      },
      'numeric input is a DTypeError': async (c) => {
        await expectError(() => c.own(tk.logicalNot(make(c, [1, 0], 'float32'))), tk.DTypeError, 'logicalNot');
        await expectError(() => c.own(tk.logicalNot(make(c, [1, 0], 'int32'))), tk.DTypeError, 'logicalNot');
      },
    }),
    ...casesFor('elementwise', 'isNaN', {
      'int32 and bool are never NaN': async (c) => {
        await expectTensor(c.own(tk.isNaN(make(c, [0, -5, 2147483647], 'int32'))), { shape: [3], dtype: 'bool', values: [0, 0, 0] });
        await expectTensor(c.own(tk.isFinite(make(c, [0, -5, 2147483647], 'int32'))), { shape: [3], dtype: 'bool', values: [1, 1, 1] });
        await expectTensor(c.own(tk.isFinite(make(c, [true, false], 'bool'))), { shape: [2], dtype: 'bool', values: [1, 1] });
      },
    }),
  );
  return out;
}

// ---------------------------------------------------------------------------------------------
// fast-check arbitraries: shapes, broadcastable pairs, values with special values mixed in.

const dimArb = fc.integer({ min: 0, max: 4 });

/** A shape of rank 0-4 with dims 0-4. */
function shapeArb(): fc.Arbitrary<number[]> {
  return fc.array(dimArb, { minLength: 0, maxLength: 4 });
}

/** A shape that broadcasts to `out`: a suffix of it with some dims replaced by 1. */
function broadcastingTo(out: readonly number[]): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
}

/** Two mutually broadcastable shapes of rank 0-4, dims 0-4 (size-0 and size-1 dims included). */
function shapePairArb(): fc.Arbitrary<[number[], number[]]> {
  return shapeArb().chain((out) => fc.tuple(broadcastingTo(out), broadcastingTo(out)));
}

/** Special float values (rounded to float32 where the dtype is float32 by `refStore`). */
const SPECIALS = [NaN_, 0, -0, 1, -1, Inf, -Inf, 3e38, -3e38, 1e-38, -1e-38, 1e-45, 1e30, -1e-30, 1.5e300, 5e-324];

/** Values as stored in `dtype`: floats mix ordinary, integral and special values; int32 stays small enough that products do not overflow. */
function valuesArb(dtype: NumericDType | 'bool', n: number): fc.Arbitrary<number[]> {
  let value: fc.Arbitrary<number>;
  if (dtype === 'int32') value = fc.oneof(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -46340, max: 46340 }), fc.constantFrom(0, 1, -1));
  else if (dtype === 'bool') value = fc.constantFrom(0, 1);
  else {
    value = fc.oneof(
      { weight: 4, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
      { weight: 2, arbitrary: fc.integer({ min: -8, max: 8 }) },
      { weight: 1, arbitrary: fc.double({ noNaN: false }) },
      { weight: 2, arbitrary: fc.constantFrom(...SPECIALS) },
    );
  }
  return fc.array(value, { minLength: n, maxLength: n }).map((vs) => refStore(vs, dtype));
}

/** `r`'s values broadcast to `shape` (via the reference's broadcasting). */
function broadcastValues(r: RefArray, shape: readonly number[]): number[] {
  return [...refBinary(r, { shape, values: new Array<number>(sizeOf(shape)).fill(0) }, (x) => x).values];
}

function tensorArb(dtype: NumericDType, shape?: fc.Arbitrary<number[]>): fc.Arbitrary<RefArray> {
  return (shape ?? shapeArb()).chain((s) => valuesArb(dtype, sizeOf(s)).map((values) => ({ shape: s, values })));
}

// ---------------------------------------------------------------------------------------------
// Binary ops

interface BinarySpec {
  readonly fn: (a: tk.TensorLike, b: tk.TensorLike) => tk.Tensor;
  readonly ref: (x: number, y: number) => number;
  readonly kind: 'arith' | 'div' | 'compare';
  /** Dtypes the property draws operands from (pow: floats only, as int32 powers overflow and negative ones are undefined). */
  readonly floatOnly?: boolean;
}

const BINARY: Record<string, BinarySpec> = {
  add: { fn: tk.add, ref: (x, y) => x + y, kind: 'arith' },
  sub: { fn: tk.sub, ref: (x, y) => x - y, kind: 'arith' },
  mul: { fn: tk.mul, ref: (x, y) => x * y, kind: 'arith' },
  div: { fn: tk.div, ref: (x, y) => x / y, kind: 'div' },
  pow: { fn: tk.pow, ref: cPow, kind: 'arith', floatOnly: true },
  // NaN on either side gives NaN (Math.max/min propagate NaN, as np.maximum/np.minimum).
  maximum: { fn: tk.maximum, ref: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN_ : Math.max(x, y)), kind: 'arith' },
  minimum: { fn: tk.minimum, ref: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN_ : Math.min(x, y)), kind: 'arith' },
  equal: { fn: tk.equal, ref: (x, y) => (x === y ? 1 : 0), kind: 'compare' },
  notEqual: { fn: tk.notEqual, ref: (x, y) => (x !== y ? 1 : 0), kind: 'compare' },
  less: { fn: tk.less, ref: (x, y) => (x < y ? 1 : 0), kind: 'compare' },
  lessEqual: { fn: tk.lessEqual, ref: (x, y) => (x <= y ? 1 : 0), kind: 'compare' },
  greater: { fn: tk.greater, ref: (x, y) => (x > y ? 1 : 0), kind: 'compare' },
  greaterEqual: { fn: tk.greaterEqual, ref: (x, y) => (x >= y ? 1 : 0), kind: 'compare' },
};

function binaryOutDType(kind: BinarySpec['kind'], a: DType, b: DType): DType {
  if (kind === 'compare') return 'bool';
  const p = promoted(a, b);
  if (kind === 'div') return p === 'float64' ? 'float64' : 'float32';
  return p === 'bool' ? 'int32' : p;
}

/** Hand-computed float32 rows: a, b, a op b. */
const BINARY_TABLE: Record<string, { a: number[]; b: number[]; y: number[]; signedZeros?: boolean }> = {
  // -0 + -0 = -0; Inf + -Inf = NaN; 0.1 + 0.2 in float32: 0.1f + 0.2f = 0.30000001192092896 (rounded from the exact sum).
  add: { a: [1, -0, Inf, Inf, NaN_, 0.1, 3e38], b: [2, -0, -Inf, 1, 1, 0.2, 3e38], y: [3, -0, NaN_, Inf, NaN_, Math.fround(Math.fround(0.1) + Math.fround(0.2)), Inf], signedZeros: true },
  // 0 - 0 = +0; -0 - 0 = -0; Inf - Inf = NaN.
  sub: { a: [5, 0, -0, Inf, -3e38], b: [7, 0, 0, Inf, 3e38], y: [-2, 0, -0, NaN_, -Inf], signedZeros: true },
  // 0 * Inf = NaN; -0 * 5 = -0; 1e20 * 1e20 overflows float32; 1e-30 * 1e-30 underflows to 0.
  mul: { a: [3, 0, -0, 1e20, 1e-30, -2], b: [-4, Inf, 5, 1e20, 1e-30, -Inf], y: [-12, NaN_, -0, Inf, 0, Inf], signedZeros: true },
  // 1/0 = Inf, -1/0 = -Inf, 0/0 = NaN, 1/-0 = -Inf, 1/Inf = 0, -0/1 = -0; 1/3 = 0.3333333432674408 in float32.
  div: { a: [1, -1, 0, 1, 1, -0, 1, Inf], b: [0, 0, 0, -0, Inf, 1, 3, Inf], y: [Inf, -Inf, NaN_, -Inf, 0, -0, Math.fround(1 / 3), NaN_], signedZeros: true },
  // 2^3 = 8; 2^-1 = 0.5; (-8)^(1/3) = NaN (negative base, non-integer exponent); 0^0 = 1; 4^0.5 = 2; (-2)^3 = -8; 0^-1 = Inf.
  pow: { a: [2, 2, -8, 0, 4, -2, 0, NaN_, 10], b: [3, -1, 1 / 3, 0, 0.5, 3, -1, 0, 39], y: [8, 0.5, NaN_, 1, 2, -8, Inf, 1, Inf] },
  maximum: { a: [NaN_, 1, 2, -Inf, 5], b: [1, NaN_, -3, -Inf, Inf], y: [NaN_, NaN_, 2, -Inf, Inf] },
  minimum: { a: [NaN_, 1, 2, -Inf, 5], b: [1, NaN_, -3, -Inf, Inf], y: [NaN_, NaN_, -3, -Inf, 5] },
  // NaN compares unequal to everything, itself included; -0 == +0.
  equal: { a: [1, NaN_, -0, Inf, 2], b: [1, NaN_, 0, Inf, 3], y: [1, 0, 1, 1, 0] },
  notEqual: { a: [1, NaN_, -0, Inf, 2], b: [1, NaN_, 0, Inf, 3], y: [0, 1, 0, 0, 1] },
  less: { a: [1, NaN_, 1, -Inf, -0, 2], b: [2, 1, NaN_, -Inf, 0, 1], y: [1, 0, 0, 0, 0, 0] },
  lessEqual: { a: [1, NaN_, 1, -Inf, -0, 2], b: [2, 1, NaN_, -Inf, 0, 1], y: [1, 0, 0, 1, 1, 0] },
  greater: { a: [1, NaN_, 1, Inf, -0, 2], b: [2, 1, NaN_, Inf, 0, 1], y: [0, 0, 0, 0, 0, 1] },
  greaterEqual: { a: [1, NaN_, 1, Inf, -0, 2], b: [2, 1, NaN_, Inf, 0, 1], y: [0, 0, 0, 1, 1, 1] },
};

function binaryCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const [op, spec] of Object.entries(BINARY)) {
    const row = BINARY_TABLE[op];
    out.push(
      ...casesFor('elementwise', op, {
        'float32 values and special values': async (c) => {
          const outDtype = binaryOutDType(spec.kind, 'float32', 'float32');
          const y = c.own(spec.fn(make(c, row.a), make(c, row.b)));
          await expectTensor(y, { shape: [row.a.length], dtype: outDtype, values: row.y, signedZeros: row.signedZeros, ...tolFor(outDtype) });
        },
        'output dtype for every pair of dtypes': async (c) => {
          const dtypes: DType[] = c.float64 ? ['bool', 'int32', 'float32', 'float64'] : ['bool', 'int32', 'float32'];
          for (const da of dtypes) {
            for (const db of dtypes) {
              // bool with bool is only defined for comparisons (arithmetic on two bools is not NumPy-compatible either way).
              if (da === 'bool' && db === 'bool' && spec.kind !== 'compare') continue;
              const want = binaryOutDType(spec.kind, da, db);
              const y = c.own(spec.fn(make(c, [1, 0], da, [2, 1]), make(c, [1], db, [1])));
              const expected = refStore([spec.ref(1, 1), spec.ref(0, 1)], want);
              await expectTensor(y, { shape: [2, 1], dtype: want, values: expected, ...tolFor(want) }, `${op}(${da}, ${db})`);
            }
          }
        },
        'property: broadcast shape pairs, mixed dtypes, special values': async (c) => {
          const dtypes: NumericDType[] = spec.floatOnly ? (c.float64 ? ['float32', 'float64'] : ['float32']) : numericDTypes(c);
          const arb = fc
            .tuple(shapePairArb(), fc.constantFrom(...dtypes), fc.constantFrom(...dtypes))
            .chain(([[sa, sb], da, db]) => fc.tuple(fc.constant(da), fc.constant(db), tensorArb(da, fc.constant(sa)), tensorArb(db, fc.constant(sb))));
          await fc.assert(
            fc.asyncProperty(arb, async ([da, db, a, b]) => {
              const outDtype = binaryOutDType(spec.kind, da, db);
              // Operands are converted to the common dtype before the op, as core does (exact here: ints are small).
              const compute = spec.kind === 'compare' ? promoted(da, db) : outDtype;
              const conv = (r: RefArray): RefArray => ({ shape: r.shape, values: compute === 'float32' ? r.values.map(Math.fround) : r.values });
              const ref = refBinary(conv(a), conv(b), spec.ref);
              const y = c.own(spec.fn(make(c, a.values, da, a.shape), make(c, b.values, db, b.shape)));
              await expectTensor(y, { shape: ref.shape, dtype: outDtype, values: refStore(ref.values, outDtype as 'float32'), ...tolFor(outDtype) }, `${op}(${da}[${a.shape}], ${db}[${b.shape}]) of [${a.values}] and [${b.values}]`);
            }),
            { numRuns: 40, seed: 0xb1 + op.length * 7 },
          );
        },
      }),
    );
  }

  out.push(
    ...casesFor('elementwise', 'pow', {
      '1 ** NaN, 1 ** ±Inf and (-1) ** ±Inf are 1 (IEEE 754 / C99 pow, as NumPy)': async (c) => {
        const a = make(c, [1, 1, 1, -1, -1, NaN_]);
        const b = make(c, [NaN_, Inf, -Inf, Inf, -Inf, -0]);
        await expectTensor(c.own(tk.pow(a, b)), { shape: [6], dtype: 'float32', values: [1, 1, 1, 1, 1, 1] });
      },
      'int32 ** int32 stays int32; int32 ** 0.5 is float32': async (c) => {
        // 2^3 = 8, 3^2 = 9, (-2)^3 = -8, 7^0 = 1.
        await expectTensor(c.own(tk.pow(make(c, [2, 3, -2, 7], 'int32'), make(c, [3, 2, 3, 0], 'int32'))), { shape: [4], dtype: 'int32', values: [8, 9, -8, 1] });
        await expectTensor(c.own(tk.pow(make(c, [4, 9], 'int32'), 0.5)), { shape: [2], dtype: 'float32', values: [2, 3] });
      },
    }),
    ...casesFor('elementwise', 'div', {
      'int32 / int32 is true division in float32': async (c) => {
        // 7/2 = 3.5, -7/2 = -3.5 (not floor division), 1/0 = Inf, 0/0 = NaN, 1/3 → float32 0.33333334.
        const y = c.own(tk.div(make(c, [7, -7, 1, 0, 1], 'int32'), make(c, [2, 2, 0, 0, 3], 'int32')));
        await expectTensor(y, { shape: [5], dtype: 'float32', values: [3.5, -3.5, Inf, NaN_, Math.fround(1 / 3)], ...F32 });
      },
      'bool / bool is float32': async (c) => {
        const y = c.own(tk.div(make(c, [true, false], 'bool'), make(c, [true, true], 'bool')));
        await expectTensor(y, { shape: [2], dtype: 'float32', values: [1, 0] });
      },
    }),
    ...casesFor('elementwise', 'add', {
      'int32 overflow wraps around (two\'s complement, as NumPy)': async (c) => {
        // 2147483647 + 1 = -2147483648; -2147483648 - 1 = 2147483647.
        await expectTensor(c.own(tk.add(make(c, [2147483647, -2147483648], 'int32'), make(c, [1, -1], 'int32'))), { shape: [2], dtype: 'int32', values: [-2147483648, 2147483647] });
      },
      'broadcast output shapes, size-0 and size-1 dims': async (c) => {
        const cases: [number[], number[], number[]][] = [
          [[2, 1, 3], [4, 1], [2, 4, 3]],
          [[0, 3], [1, 3], [0, 3]],
          [[2, 0], [2, 1], [2, 0]],
          [[1], [0], [0]],
          [[], [], []],
          [[3], [], [3]],
          [[1, 1, 1, 1], [4], [1, 1, 1, 4]],
          [[4, 1, 2, 1], [3, 1, 2], [4, 3, 2, 2]],
        ];
        for (const [sa, sb, want] of cases) {
          const a: RefArray = { shape: sa, values: Array.from({ length: sizeOf(sa) }, (_, i) => i) };
          const b: RefArray = { shape: sb, values: Array.from({ length: sizeOf(sb) }, (_, i) => 100 * (i + 1)) };
          const ref = refBinary(a, b, (x, y) => x + y);
          check(ref.shape.join() === want.join(), 'reference broadcast');
          const y = c.own(tk.add(make(c, a.values, 'float32', sa), make(c, b.values, 'float32', sb)));
          await expectTensor(y, { shape: want, dtype: 'float32', values: ref.values }, `[${sa}] + [${sb}]`);
        }
      },
      'incompatible shapes are a ShapeError naming both shapes': async (c) => {
        await expectError(() => c.own(tk.add(make(c, [1, 2, 3, 4, 5, 6], 'float32', [2, 3]), make(c, [1, 2, 3, 4, 5, 6], 'float32', [3, 2]))), tk.ShapeError, '[2,3]', '[3,2]');
        await expectError(() => c.own(tk.add(make(c, [1, 2], 'float32', [2]), make(c, [], 'float32', [0]))), tk.ShapeError);
      },
      'property: shapes that do not broadcast throw ShapeError': async (c) => {
        await fc.assert(
          fc.asyncProperty(shapeArb(), shapeArb(), async (sa, sb) => {
            const a = make(c, new Array(sizeOf(sa)).fill(1), 'float32', sa);
            const b = make(c, new Array(sizeOf(sb)).fill(2), 'float32', sb);
            const want = refBroadcastShape(sa, sb);
            if (want === null) {
              await expectError(() => c.own(tk.add(a, b)), tk.ShapeError);
            } else {
              await expectTensor(c.own(tk.add(a, b)), { shape: want, dtype: 'float32', values: new Array(sizeOf(want)).fill(3) });
            }
          }),
          { numRuns: 60, seed: 77 },
        );
      },
    }),
    ...casesFor('elementwise', 'square', {
      'int32 overflow wraps around (two\'s complement, as NumPy)': async (c) => {
        // Low 32 bits of x·x: 65536² = 2^32 → 0; 46341² = 2147488281 → -2147479015; 123456789² → Math.imul.
        const x = [65536, 46341, 123456789, -123456789];
        await expectTensor(c.own(tk.square(make(c, x, 'int32'))), { shape: [4], dtype: 'int32', values: x.map((v) => Math.imul(v, v)) });
      },
    }),
    ...casesFor('elementwise', 'mul', {
      'int32 overflow wraps around (two\'s complement, as NumPy)': async (c) => {
        // The low 32 bits of the exact product, as Math.imul computes them:
        // 123456789 * 987654321 = 121932631112635269 → -67153019; 65536 * 65536 = 2^32 → 0;
        // 123456789 * 123456789 = 15241578750190521 → -1757895751.
        const y = c.own(tk.mul(make(c, [123456789, 65536, 123456789], 'int32'), make(c, [987654321, 65536, 123456789], 'int32')));
        await expectTensor(y, { shape: [3], dtype: 'int32', values: [Math.imul(123456789, 987654321), 0, Math.imul(123456789, 123456789)] });
      },
    }),
  );
  return out;
}

// ---------------------------------------------------------------------------------------------
// Logical, where, clip, cast

function logicalCases(): ConformanceCase[] {
  return [
    ...casesFor('elementwise', 'logicalAnd', {
      'truth table with broadcasting': async (c) => {
        const a = make(c, [true, false], 'bool', [2, 1]);
        const b = make(c, [true, false], 'bool', [2]);
        // [[T&T, T&F], [F&T, F&F]]
        await expectTensor(c.own(tk.logicalAnd(a, b)), { shape: [2, 2], dtype: 'bool', values: [1, 0, 0, 0] });
      },
      'non-bool operands are a DTypeError': async (c) => {
        await expectError(() => c.own(tk.logicalAnd(make(c, [1], 'int32'), make(c, [true], 'bool'))), tk.DTypeError, 'logicalAnd');
        await expectError(() => c.own(tk.logicalAnd(make(c, [1]), make(c, [1]))), tk.DTypeError, 'logicalAnd');
      },
    }),
    ...casesFor('elementwise', 'logicalOr', {
      'truth table with broadcasting': async (c) => {
        const a = make(c, [true, false], 'bool', [2, 1]);
        const b = make(c, [true, false], 'bool', [2]);
        // [[T|T, T|F], [F|T, F|F]]
        await expectTensor(c.own(tk.logicalOr(a, b)), { shape: [2, 2], dtype: 'bool', values: [1, 1, 1, 0] });
      },
      'non-bool operands are a DTypeError': async (c) => {
        await expectError(() => c.own(tk.logicalOr(make(c, [true], 'bool'), make(c, [0.5]))), tk.DTypeError, 'logicalOr');
      },
    }),
    ...casesFor('elementwise', 'where', {
      'three-way broadcast': async (c) => {
        // condition [2,1,1], a [1,3,1], b [4] → [2,3,4]: out[i,j,k] = cond[i] ? a[j] : b[k].
        const cond = [true, false];
        const av = [10, 20, 30];
        const bv = [-1, -2, -3, -4];
        const expected: number[] = [];
        for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expected.push(cond[i] ? av[j] : bv[k]);
        const y = c.own(tk.where(make(c, cond, 'bool', [2, 1, 1]), make(c, av, 'float32', [1, 3, 1]), make(c, bv, 'float32', [4])));
        await expectTensor(y, { shape: [2, 3, 4], dtype: 'float32', values: expected });
      },
      'NaN in the branch not taken does not leak through': async (c) => {
        const y = c.own(tk.where(make(c, [true, false, true], 'bool'), make(c, [1, NaN_, Inf]), make(c, [NaN_, 2, 3])));
        await expectTensor(y, { shape: [3], dtype: 'float32', values: [1, 2, Inf] });
      },
      'dtypes of the branches promote; bool with bool stays bool': async (c) => {
        const cond = make(c, [true, false], 'bool');
        const dtypes: DType[] = c.float64 ? ['bool', 'int32', 'float32', 'float64'] : ['bool', 'int32', 'float32'];
        for (const da of dtypes) {
          for (const db of dtypes) {
            const y = c.own(tk.where(cond, make(c, [1, 1], da), make(c, [0, 0], db)));
            await expectTensor(y, { shape: [2], dtype: promoted(da, db), values: [1, 0] }, `where(bool, ${da}, ${db})`);
          }
        }
      },
      'scalar branches adopt the tensor branch dtype': async (c) => {
        const cond = make(c, [true, false, true], 'bool');
        await expectTensor(c.own(tk.where(cond, make(c, [5, 6, 7], 'int32'), 0)), { shape: [3], dtype: 'int32', values: [5, 0, 7] });
        await expectTensor(c.own(tk.where(cond, make(c, [5, 6, 7], 'int32'), 0.5)), { shape: [3], dtype: 'float32', values: [5, 0.5, 7] });
        await expectTensor(c.own(tk.where(cond, 1, 0)), { shape: [3], dtype: 'float32', values: [1, 0, 1] });
      },
      'non-bool condition is a DTypeError': async (c) => {
        await expectError(() => c.own(tk.where(make(c, [1, 0], 'int32'), make(c, [1, 2]), make(c, [3, 4]))), tk.DTypeError, 'where');
      },
      'property: random broadcastable condition and branches': async (c) => {
        const arb = shapeArb().chain((out) =>
          fc.tuple(broadcastingTo(out), broadcastingTo(out), broadcastingTo(out)).chain(([sc, sa, sb]) =>
            fc.tuple(valuesArb('bool', sizeOf(sc)).map((values) => ({ shape: sc, values })), tensorArb('float32', fc.constant(sa)), tensorArb('int32', fc.constant(sb))),
          ),
        );
        await fc.assert(
          fc.asyncProperty(arb, async ([cond, a, b]) => {
            const shape = refBroadcastShape(refBroadcastShape(cond.shape, a.shape) ?? [], b.shape) ?? [];
            const [cv, av, bv] = [cond, a, b].map((r) => broadcastValues(r, shape));
            // int32 b is promoted to float32 (exact for these small integers); a's values pass unchanged.
            const expected = cv.map((t, i) => (t ? av[i] : Math.fround(bv[i])));
            const y = c.own(tk.where(make(c, cond.values, 'bool', cond.shape), make(c, a.values, 'float32', a.shape), make(c, b.values, 'int32', b.shape)));
            await expectTensor(y, { shape, dtype: 'float32', values: expected, rtol: 0, atol: 0 }, `where([${cond.shape}], [${a.shape}], [${b.shape}])`);
          }),
          { numRuns: 40, seed: 4242 },
        );
      },
    }),
    ...casesFor('elementwise', 'clip', {
      'float32: bounds, infinities and NaN': async (c) => {
        // clip(x, 0, 1) = min(max(x, 0), 1); NaN stays NaN, as np.clip.
        const y = c.own(tk.clip(make(c, [-2, 0.5, 3, NaN_, -Inf, Inf, 0, 1]), 0, 1));
        await expectTensor(y, { shape: [8], dtype: 'float32', values: [0, 0.5, 1, NaN_, 0, 1, 0, 1] });
      },
      'int32 stays int32': async (c) => {
        await expectTensor(c.own(tk.clip(make(c, [-5, 0, 3, 9], 'int32'), 0, 5)), { shape: [4], dtype: 'int32', values: [0, 0, 3, 5] });
      },
      'infinite bounds and min == max': async (c) => {
        await expectTensor(c.own(tk.clip(make(c, [-5, 0, 3]), -Inf, 1)), { shape: [3], dtype: 'float32', values: [-5, 0, 1] });
        await expectTensor(c.own(tk.clip(make(c, [-5, 0, 3]), 2, 2)), { shape: [3], dtype: 'float32', values: [2, 2, 2] });
      },
      'min greater than max is an ArgumentError': async (c) => {
        const x = make(c, [1, 2]);
        await expectError(() => c.own(tk.clip(x, 2, 1)), tk.ArgumentError, 'clip');
      },
    }),
  ];
}

/** Source values per dtype for casts; int32 targets get finite, in-range sources only (NaN/Inf to int32 is not specified). */
const CAST_SOURCES: Record<DType, { all: number[]; toInt: number[] }> = {
  float32: { all: [0, -0, 1.9, -1.9, 0.5, -2.5, 100.99, -16777216, NaN_, Inf, -Inf], toInt: [0, -0, 1.9, -1.9, 0.5, -2.5, 100.99, -16777216] },
  float64: { all: [0.1, -1e300, 1e-50, 2.5, -7.7, NaN_, Inf, -0, 16777217], toInt: [0.1, 2.5, -7.7, -0, 16777217, 2147483647.9, -2147483648.9] },
  int32: { all: [0, 1, -1, 16777217, -2147483648, 2147483647], toInt: [0, 1, -1, 16777217, -2147483648, 2147483647] },
  bool: { all: [1, 0, 1], toInt: [1, 0, 1] },
};

/** What `cast` gives, written from the spec: to int32 truncates toward zero, to bool is x != 0, to floats rounds. */
function castRef(values: number[], from: DType, to: DType): number[] {
  const stored = refStore(values, from);
  if (to === 'bool') return stored.map((v) => (v !== 0 ? 1 : 0)); // NaN != 0, so NaN → true
  if (to === 'int32') return stored.map((v) => Math.trunc(v) + 0);
  if (to === 'float32') return stored.map(Math.fround);
  return stored;
}

function castCases(): ConformanceCase[] {
  const dtypes: DType[] = ['float32', 'float64', 'int32', 'bool'];
  const cases: Record<string, ConformanceCase['run']> = {};
  for (const from of dtypes) {
    for (const to of dtypes) {
      cases[`${from} to ${to}`] = async (c) => {
        if ((from === 'float64' || to === 'float64') && (await float64Unsupported(c))) return;
        const source = to === 'int32' ? CAST_SOURCES[from].toInt : CAST_SOURCES[from].all;
        const x = make(c, source, from, [source.length]);
        const y = c.own(tk.cast(x, to));
        // Exact: every conversion here is a rounding or truncation of one value.
        await expectTensor(y, { shape: [source.length], dtype: to, values: castRef(source, from, to), rtol: 0, atol: 0 });
      };
    }
  }
  cases['keeps the shape, scalars and size 0 included'] = async (c) => {
    await expectTensor(c.own(tk.cast(make(c, [2.7], 'float32', []), 'int32')), { shape: [], dtype: 'int32', values: [2] });
    await expectTensor(c.own(tk.cast(make(c, [], 'int32', [0, 3]), 'float32')), { shape: [0, 3], dtype: 'float32', values: [] });
  };
  cases['unknown dtype is a DTypeError'] = async (c) => {
    const x = make(c, [1]);
    await expectError(() => c.own(tk.cast(x, 'int8' as DType)), tk.DTypeError, 'int8');
  };
  return casesFor('elementwise', 'cast', cases);
}

// ---------------------------------------------------------------------------------------------
// Scalar operands and dtype promotion

function scalarCases(): ConformanceCase[] {
  return [
    ...casesFor('elementwise', 'scalar operands', {
      'a number keeps the tensor dtype': async (c) => {
        await expectTensor(c.own(tk.add(make(c, [1.5, -2]), 2)), { shape: [2], dtype: 'float32', values: [3.5, 0] });
        await expectTensor(c.own(tk.add(2, make(c, [1.5, -2]))), { shape: [2], dtype: 'float32', values: [3.5, 0] });
        await expectTensor(c.own(tk.add(make(c, [1, 2], 'int32'), 2)), { shape: [2], dtype: 'int32', values: [3, 4] });
        await expectTensor(c.own(tk.sub(10, make(c, [1, 2], 'int32'))), { shape: [2], dtype: 'int32', values: [9, 8] });
        await expectTensor(c.own(tk.mul(make(c, [3, -4], 'int32', [2, 1]), 3)), { shape: [2, 1], dtype: 'int32', values: [9, -12] });
      },
      'a float32 tensor takes the number as float32 (1e40 overflows to Inf before the product, as NumPy 2)': async (c) => {
        // np.array([1e-3], np.float32) * 1e40 → inf (float32): the weak scalar is converted to float32 first.
        await expectTensor(c.own(tk.mul(make(c, [1e-3, -1e-3, 0]), 1e40)), { shape: [3], dtype: 'float32', values: [Inf, -Inf, NaN_] });
      },
      'a float64 tensor takes the number as float64': async (c) => {
        if (await float64Unsupported(c)) return;
        // 1 + 0.1 = 1.1 exactly in float64 (a float32 0.1 would give 1.100000001490116).
        await expectTensor(c.own(tk.add(make(c, [1], 'float64'), 0.1)), { shape: [1], dtype: 'float64', values: [1.1] });
      },
      'int32 with a non-integral number computes in float32': async (c) => {
        await expectTensor(c.own(tk.add(make(c, [1, 2], 'int32'), 2.5)), { shape: [2], dtype: 'float32', values: [3.5, 4.5] });
        await expectTensor(c.own(tk.mul(make(c, [3], 'int32'), 0.5)), { shape: [1], dtype: 'float32', values: [1.5] });
        await expectTensor(c.own(tk.maximum(make(c, [1, 5], 'int32'), 2.5)), { shape: [2], dtype: 'float32', values: [2.5, 5] });
        // 0.5 is not truncated to 0: 0 < 0.5 is true.
        await expectTensor(c.own(tk.less(make(c, [0, 1], 'int32'), 0.5)), { shape: [2], dtype: 'bool', values: [1, 0] });
        await expectTensor(c.own(tk.div(make(c, [3], 'int32'), 2)), { shape: [1], dtype: 'float32', values: [1.5] });
      },
      'bool with a number is int32': async (c) => {
        await expectTensor(c.own(tk.add(make(c, [true, false], 'bool'), 1)), { shape: [2], dtype: 'int32', values: [2, 1] });
      },
      'rank-0 tensors promote like any tensor': async (c) => {
        const s = c.own(tk.scalar(2, 'int32'));
        await expectTensor(c.own(tk.add(s, make(c, [0.5, 1]))), { shape: [2], dtype: 'float32', values: [2.5, 3] });
        await expectTensor(c.own(tk.add(c.own(tk.scalar(2.5)), make(c, [1, 2], 'int32'))), { shape: [2], dtype: 'float32', values: [3.5, 4.5] });
        if (c.float64) {
          await expectTensor(c.own(tk.add(c.own(tk.scalar(0.1, 'float64')), make(c, [1]))), { shape: [1], dtype: 'float64', values: [Math.fround(1) + 0.1] });
        }
      },
      'number with number is float32': async (c) => {
        await expectTensor(c.own(tk.add(1, 2)), { shape: [], dtype: 'float32', values: [3] });
      },
    }),
    ...casesFor('elementwise', 'dtype promotion', {
      'bool < int32 < float32 < float64 with values': async (c) => {
        // int32 + float32: [1, 2] + [0.5, 0.25] = [1.5, 2.25].
        await expectTensor(c.own(tk.add(make(c, [1, 2], 'int32'), make(c, [0.5, 0.25]))), { shape: [2], dtype: 'float32', values: [1.5, 2.25] });
        // bool + int32: [1, 0] + [5, 5] = [6, 5].
        await expectTensor(c.own(tk.add(make(c, [true, false], 'bool'), make(c, [5, 5], 'int32'))), { shape: [2], dtype: 'int32', values: [6, 5] });
        // bool * float32.
        await expectTensor(c.own(tk.mul(make(c, [true, false], 'bool'), make(c, [2.5, 2.5]))), { shape: [2], dtype: 'float32', values: [2.5, 0] });
        if (c.float64) {
          // float32 0.1 widened exactly, plus float64 0.1: 0.10000000149011612 + 0.1.
          await expectTensor(c.own(tk.add(make(c, [0.1]), make(c, [0.1], 'float64'))), { shape: [1], dtype: 'float64', values: [Math.fround(0.1) + 0.1] });
          await expectTensor(c.own(tk.add(make(c, [7], 'int32'), make(c, [0.1], 'float64'))), { shape: [1], dtype: 'float64', values: [7.1] });
        }
      },
    }),
  ];
}

/** Every element-wise case: unary, binary, logical, where, clip, cast, scalars and promotion. */
export function elementwiseCases(): ConformanceCase[] {
  return [...unaryCases(), ...binaryCases(), ...logicalCases(), ...castCases(), ...scalarCases()];
}
