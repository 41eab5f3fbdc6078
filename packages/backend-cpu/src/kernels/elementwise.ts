/** Element-wise kernels: unary, binary and where with broadcasting by strides, and cast. */
import { allocate, type BinaryArgs, type CastArgs, type TypedArray, type UnaryArgs, type WhereArgs, sizeOf, stridesOf } from '@tensorkit/core';
import { CpuStorage, valuesOf } from '../storage.js';
import { collapse, forEachRow } from './strides.js';

type Values = TypedArray;

/** Rounds half to even, as NumPy's `round`. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/**
 * `x ** y` with IEEE 754 / C99 special cases, which NumPy follows and JavaScript does not:
 * `1 ** y` is 1 for every y (NaN included) and `(-1) ** ±Infinity` is 1.
 */
function ieeePow(x: number, y: number): number {
  if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return Math.pow(x, y);
}

/** Logistic function without overflow for large |x|. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * relu on float32 bit patterns, without branches: on random signs a compare-and-branch per element
 * mispredicts half the time and runs ~4x slower. A set sign bit clears the word (negatives, -0 and
 * -Inf become +0), except for NaNs (exponent all ones, mantissa non-zero), which pass through.
 */
function reluFloat32(a: Float32Array, out: Float32Array): void {
  const bits = new Int32Array(a.buffer, a.byteOffset, a.length);
  const result = new Int32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    const isNaN = (0x7f800000 - (b & 0x7fffffff)) >> 31;
    result[i] = b & (~(b >> 31) | isNaN);
  }
}

/**
 * The activations and math of training again for float32 only, for the same reason as
 * `float32Row`: a loop that only ever sees Float32Array stays on V8's fastest path.
 */
function float32Unary(op: UnaryArgs['op'], a: Float32Array, out: Float32Array): boolean {
  const n = a.length;
  switch (op) {
    case 'relu': reluFloat32(a, out); return true;
    case 'neg': for (let i = 0; i < n; i++) out[i] = -a[i]; return true;
    case 'square': for (let i = 0; i < n; i++) { const v = a[i]; out[i] = v * v; } return true;
    case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]); return true;
    case 'log': for (let i = 0; i < n; i++) out[i] = Math.log(a[i]); return true;
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]); return true;
    case 'sigmoid': for (let i = 0; i < n; i++) out[i] = sigmoid(a[i]); return true;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(a[i]); return true;
    default: return false;
  }
}

/** Applies a unary op to every element; one loop per op so each stays monomorphic. */
export function unary({ op, x, outDtype }: UnaryArgs): CpuStorage {
  const a = valuesOf(x.dataId);
  const n = a.length;
  const out = allocate(outDtype, n);
  if (a instanceof Float32Array && out instanceof Float32Array && float32Unary(op, a, out)) return new CpuStorage(out);
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) out[i] = -a[i]; break;
    case 'abs': for (let i = 0; i < n; i++) out[i] = Math.abs(a[i]); break;
    case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]); break;
    case 'log': for (let i = 0; i < n; i++) out[i] = Math.log(a[i]); break;
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]); break;
    case 'square':
      // int32 wraps like C (and NumPy); a double square would lose the low bits first.
      if (out instanceof Int32Array) for (let i = 0; i < n; i++) out[i] = Math.imul(a[i], a[i]);
      else for (let i = 0; i < n; i++) { const v = a[i]; out[i] = v * v; }
      break;
    case 'relu': for (let i = 0; i < n; i++) { const v = a[i]; out[i] = v > 0 ? v : v !== v ? v : 0; } break;
    case 'sigmoid': for (let i = 0; i < n; i++) out[i] = sigmoid(a[i]); break;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(a[i]); break;
    case 'sign': for (let i = 0; i < n; i++) { const v = a[i]; out[i] = v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : v; } break;
    case 'floor': for (let i = 0; i < n; i++) out[i] = Math.floor(a[i]); break;
    case 'ceil': for (let i = 0; i < n; i++) out[i] = Math.ceil(a[i]); break;
    case 'round': for (let i = 0; i < n; i++) out[i] = roundHalfEven(a[i]); break;
    case 'logicalNot': for (let i = 0; i < n; i++) out[i] = a[i] === 0 ? 1 : 0; break;
    case 'isNaN': for (let i = 0; i < n; i++) out[i] = a[i] !== a[i] ? 1 : 0; break;
    case 'isFinite': for (let i = 0; i < n; i++) out[i] = Number.isFinite(a[i]) ? 1 : 0; break;
    default: throw new Error(`cpu unary: unknown op ${String(op)}`);
  }
  return new CpuStorage(out);
}

function binaryRow(op: BinaryArgs['op'], a: Values, ao: number, as: number, b: Values, bo: number, bs: number, out: Values, oo: number, n: number): void {
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] + b[bo + i * bs]; return;
    case 'sub': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] - b[bo + i * bs]; return;
    case 'mul':
      // int32 products wrap around like C (and NumPy); a double product would lose the low bits first.
      if (out instanceof Int32Array) for (let i = 0; i < n; i++) out[oo + i] = Math.imul(a[ao + i * as], b[bo + i * bs]);
      else for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] * b[bo + i * bs];
      return;
    case 'div': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] / b[bo + i * bs]; return;
    case 'pow': for (let i = 0; i < n; i++) out[oo + i] = ieeePow(a[ao + i * as], b[bo + i * bs]); return;
    case 'maximum': for (let i = 0; i < n; i++) out[oo + i] = Math.max(a[ao + i * as], b[bo + i * bs]); return;
    case 'minimum': for (let i = 0; i < n; i++) out[oo + i] = Math.min(a[ao + i * as], b[bo + i * bs]); return;
    case 'equal': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] === b[bo + i * bs] ? 1 : 0; return;
    case 'notEqual': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] !== b[bo + i * bs] ? 1 : 0; return;
    case 'less': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] < b[bo + i * bs] ? 1 : 0; return;
    case 'lessEqual': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] <= b[bo + i * bs] ? 1 : 0; return;
    case 'greater': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] > b[bo + i * bs] ? 1 : 0; return;
    case 'greaterEqual': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] >= b[bo + i * bs] ? 1 : 0; return;
    case 'logicalAnd': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] !== 0 && b[bo + i * bs] !== 0 ? 1 : 0; return;
    case 'logicalOr': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] !== 0 || b[bo + i * bs] !== 0 ? 1 : 0; return;
    default: throw new Error(`cpu binary: unknown op ${String(op)}`);
  }
}

/**
 * The arithmetic ops again for float32 only. V8 optimises a loop for the array types it has seen;
 * the generic row above sees every dtype (comparisons write Uint8Array, ints Int32Array) and runs
 * about 1.5x slower on float32, which is what training uses. Returns false for other ops.
 */
function float32Row(op: BinaryArgs['op'], a: Float32Array, ao: number, as: number, b: Float32Array, bo: number, bs: number, out: Float32Array, oo: number, n: number): boolean {
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] + b[bo + i * bs]; return true;
    case 'sub': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] - b[bo + i * bs]; return true;
    case 'mul': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] * b[bo + i * bs]; return true;
    case 'div': for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] / b[bo + i * bs]; return true;
    case 'maximum': for (let i = 0; i < n; i++) out[oo + i] = Math.max(a[ao + i * as], b[bo + i * bs]); return true;
    case 'minimum': for (let i = 0; i < n; i++) out[oo + i] = Math.min(a[ao + i * as], b[bo + i * bs]); return true;
    default: return false;
  }
}

/** Applies a binary op with broadcasting: rows of the collapsed output, strides per operand. */
export function binary({ op, a, b, aStrides, bStrides, outShape, outDtype }: BinaryArgs): CpuStorage {
  const av = valuesOf(a.dataId);
  const bv = valuesOf(b.dataId);
  const out = allocate(outDtype, sizeOf(outShape));
  if (out.length === 0) return new CpuStorage(out);
  const { shape, strides } = collapse(outShape, [aStrides, bStrides, stridesOf(outShape)]);
  const last = shape.length - 1;
  const n = shape[last];
  const as = strides[0][last];
  const bs = strides[1][last];
  if (out instanceof Float32Array && av instanceof Float32Array && bv instanceof Float32Array && float32Row(op, av, 0, 0, bv, 0, 0, out, 0, 0)) {
    forEachRow(shape, strides, [0, 0, 0], (o) => float32Row(op, av, o[0], as, bv, o[1], bs, out, o[2], n));
  } else {
    forEachRow(shape, strides, [0, 0, 0], (o) => binaryRow(op, av, o[0], as, bv, o[1], bs, out, o[2], n));
  }
  return new CpuStorage(out);
}

/** Selects from `a` or `b` by `condition`, all three broadcast by strides. */
export function where({ condition, a, b, conditionStrides, aStrides, bStrides, outShape, outDtype }: WhereArgs): CpuStorage {
  const cv = valuesOf(condition.dataId);
  const av = valuesOf(a.dataId);
  const bv = valuesOf(b.dataId);
  const out = allocate(outDtype, sizeOf(outShape));
  if (out.length === 0) return new CpuStorage(out);
  const { shape, strides } = collapse(outShape, [conditionStrides, aStrides, bStrides, stridesOf(outShape)]);
  const last = shape.length - 1;
  const n = shape[last];
  const cs = strides[0][last], as = strides[1][last], bs = strides[2][last];
  forEachRow(shape, strides, [0, 0, 0, 0], (o) => {
    const co = o[0], ao = o[1], bo = o[2], oo = o[3];
    for (let i = 0; i < n; i++) out[oo + i] = cv[co + i * cs] !== 0 ? av[ao + i * as] : bv[bo + i * bs];
  });
  return new CpuStorage(out);
}

/** Converts dtypes: to int32 truncates toward zero (NaN and ±Inf become 0), to bool is `x != 0`. */
export function cast({ x, dtype }: CastArgs): CpuStorage {
  const v = valuesOf(x.dataId);
  const out = allocate(dtype, v.length);
  if (dtype === 'bool') {
    for (let i = 0; i < v.length; i++) out[i] = v[i] !== 0 ? 1 : 0;
  } else if (dtype === 'int32' && (x.dtype === 'float32' || x.dtype === 'float64')) {
    for (let i = 0; i < v.length; i++) {
      const t = Math.trunc(v[i]);
      out[i] = Number.isFinite(t) ? t : 0;
    }
  } else {
    out.set(v);
  }
  return new CpuStorage(out);
}

