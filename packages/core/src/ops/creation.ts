/** Tensors made from a shape: zeros, ones, fill, ranges, identity. */
import { allocate, isDType, type DType } from '../dtype.js';
import { tensorFromValues } from '../engine/engine.js';
import { ArgumentError, DTypeError } from '../errors.js';
import { assertValidShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { valuesOf } from './convert.js';

function checkDType(op: string, dtype: DType): DType {
  if (!isDType(dtype)) throw new DTypeError(`${op}: unknown dtype '${String(dtype)}'; valid dtypes are float32, float64, int32, bool`);
  return dtype;
}

/** A rank-0 tensor. @example scalar(3); scalar(true) */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  const made = valuesOf('scalar', value, { dtype: dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32') });
  return tensorFromValues(made.values, [], made.dtype, 'scalar');
}

/** A tensor of `shape` with every element `value`. @example fill([2, 3], 7) */
export function fill(shape: readonly number[], value: number | boolean, dtype?: DType): Tensor {
  assertValidShape('fill', shape);
  const type = checkDType('fill', dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32'));
  const values = allocate(type, sizeOf(shape));
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : type === 'bool' ? (value !== 0 ? 1 : 0) : type === 'int32' ? Math.trunc(value) : value;
  if (v !== 0) values.fill(v);
  return tensorFromValues(values, shape, type, 'fill');
}

/** Zeros of `shape`. @example zeros([300, 20]) */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  assertValidShape('zeros', shape);
  return tensorFromValues(allocate(checkDType('zeros', dtype), sizeOf(shape)), shape, dtype, 'zeros');
}

/** Ones of `shape`. */
export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return fill(shape, 1, dtype);
}

/** Zeros with the shape and dtype of `x`. */
export function zerosLike(x: Tensor): Tensor {
  return zeros(x.shape, x.dtype);
}

/** Ones with the shape and dtype of `x`. */
export function onesLike(x: Tensor): Tensor {
  return ones(x.shape, x.dtype);
}

/**
 * Evenly spaced values in `[start, stop)`, as NumPy's `arange`; `range(n)` is `0..n-1`.
 *
 * @example range(5) // [0. 1. 2. 3. 4.]; range(0, 10, 2, 'int32')
 */
export function range(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0 || !Number.isFinite(step)) throw new ArgumentError(`range: step must be a finite non-zero number, got ${step}`);
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new ArgumentError(`range: start and stop must be finite, got ${from} and ${to}`);
  const count = Math.max(0, Math.ceil((to - from) / step));
  const values = allocate(checkDType('range', dtype), count);
  for (let i = 0; i < count; i++) values[i] = from + i * step;
  return tensorFromValues(values, [count], dtype, 'range');
}

/** An identity matrix `n x m` (square by default). */
export function eye(n: number, m: number = n, dtype: DType = 'float32'): Tensor {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(m) || m < 0) {
    throw new ArgumentError(`eye: sizes must be non-negative integers, got ${n} and ${m}`);
  }
  const values = allocate(checkDType('eye', dtype), n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return tensorFromValues(values, [n, m], dtype, 'eye');
}
