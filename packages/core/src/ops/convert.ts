/** Turning what users pass (numbers, nested arrays, typed arrays) into tensors. */
import { allocate, dtypeForScalarBeside, dtypeOfTypedArray, isDType, type DType, type TypedArray } from '../dtype.js';
import { disposeTensor, tensorFromValues } from '../engine/engine.js';
import { ArgumentError, DTypeError, ShapeError, formatShape } from '../errors.js';
import { assertValidShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Nested arrays of numbers or booleans, as users write tensors by hand. */
export type NestedValues = number | boolean | readonly NestedValues[];

/** Anything an op accepts where it takes a tensor. Numbers adopt the other operand's dtype. */
export type TensorLike = Tensor | NestedValues | TypedArray | Uint8ClampedArray | Int8Array | Int16Array | Uint16Array | Uint32Array;

function isTypedArray(value: unknown): value is ArrayBufferView & ArrayLike<number> {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function inferShape(op: string, values: NestedValues): number[] {
  const shape: number[] = [];
  let level: NestedValues = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0] as NestedValues;
  }
  return shape;
}

function flattenInto(op: string, values: NestedValues, shape: readonly number[], dim: number, out: TypedArray, at: { i: number }): void {
  if (dim === shape.length) {
    if (Array.isArray(values)) throw new ShapeError(`${op}: nested arrays are ragged; expected a value at depth ${dim}, found an array`);
    const v = values as number | boolean;
    if (typeof v !== 'number' && typeof v !== 'boolean') {
      throw new ArgumentError(`${op}: values must be numbers or booleans, found ${typeof v}`);
    }
    out[at.i++] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    throw new ShapeError(`${op}: nested arrays are ragged; expected ${shape[dim]} items at depth ${dim} (shape ${formatShape(shape)})`);
  }
  for (const item of values) flattenInto(op, item as NestedValues, shape, dim + 1, out, at);
}

function firstLeaf(values: NestedValues): number | boolean | undefined {
  let level: NestedValues = values;
  while (Array.isArray(level)) {
    if (level.length === 0) return undefined;
    level = level[0] as NestedValues;
  }
  return level as number | boolean;
}

/** Copies `source` into a new array of `dtype`'s storage type, converting as `cast` does. */
export function convertArray(source: ArrayLike<number>, dtype: DType): TypedArray {
  const out = allocate(dtype, source.length);
  if (dtype === 'bool') {
    for (let i = 0; i < source.length; i++) out[i] = source[i] !== 0 ? 1 : 0;
  } else if (dtype === 'int32') {
    for (let i = 0; i < source.length; i++) out[i] = Math.trunc(source[i]);
  } else {
    (out as Float32Array | Float64Array).set(source);
  }
  return out;
}

/** Options of `tensor()`. */
export interface TensorOptions {
  /** The shape; defaults to the nesting of `values` (or 1-D for a typed array). */
  readonly shape?: readonly number[];
  /** The dtype; defaults to float32 for numbers, bool for booleans, and the typed array's own type. */
  readonly dtype?: DType;
}

/** Builds the storage values and metadata of `tensor()` without touching a backend. */
export function valuesOf(op: string, values: TensorLike, options: TensorOptions = {}): { values: TypedArray; shape: number[]; dtype: DType } {
  if (options.dtype !== undefined && !isDType(options.dtype)) {
    throw new DTypeError(`${op}: unknown dtype '${String(options.dtype)}'; valid dtypes are float32, float64, int32, bool`);
  }
  if (values instanceof Tensor) throw new ArgumentError(`${op}: got a Tensor; use clone() to copy one`);
  let shape: number[];
  let dtype: DType;
  let flat: TypedArray;
  if (isTypedArray(values)) {
    dtype = options.dtype ?? dtypeOfTypedArray(values) ?? 'int32';
    flat = convertArray(values, dtype);
    shape = options.shape ? [...options.shape] : [values.length];
  } else if (typeof values === 'number' || typeof values === 'boolean' || Array.isArray(values)) {
    const nested = values as NestedValues;
    const inferred = inferShape(op, nested);
    const leaf = firstLeaf(nested);
    dtype = options.dtype ?? (typeof leaf === 'boolean' ? 'bool' : 'float32');
    flat = allocate(dtype, sizeOf(inferred));
    const raw = dtype === 'float32' || dtype === 'float64' ? flat : new Float64Array(flat.length);
    flattenInto(op, nested, inferred, 0, raw, { i: 0 });
    if (raw !== flat) flat = convertArray(raw, dtype);
    shape = options.shape ? [...options.shape] : inferred;
  } else {
    throw new ArgumentError(`${op}: values must be a number, a boolean, nested arrays of them, or a typed array; got ${values === null ? 'null' : typeof values}`);
  }
  assertValidShape(op, shape);
  if (sizeOf(shape) !== flat.length) {
    throw new ShapeError(`${op}: ${flat.length} values cannot fill shape ${formatShape(shape)} (${sizeOf(shape)} elements)`);
  }
  return { values: flat, shape, dtype };
}

/**
 * Makes a tensor from nested arrays, a number, or a typed array (copied).
 *
 * @example tensor([[1, 2], [3, 4]]); tensor(new Float32Array(6), { shape: [2, 3] }); tensor([1, 2], { dtype: 'int32' })
 */
export function tensor(values: TensorLike, options: TensorOptions = {}): Tensor {
  const made = valuesOf('tensor', values, options);
  return tensorFromValues(made.values, made.shape, made.dtype, 'tensor');
}

/**
 * The tensor an op works on: tensors pass through; numbers and arrays become new tensors, numbers
 * in `dtypeHint` (the other operand's dtype) as NumPy 2 does with Python scalars. `created` tells
 * the caller to dispose the temporary after use.
 */
export function toTensor(op: string, value: TensorLike, name: string, dtypeHint?: DType): { tensor: Tensor; created: boolean } {
  if (value instanceof Tensor) return { tensor: value, created: false };
  if (typeof value === 'number' || typeof value === 'boolean') {
    const dtype = dtypeHint ? dtypeForScalarBeside(dtypeHint, value) : typeof value === 'boolean' ? 'bool' : 'float32';
    const made = valuesOf(op, value, { dtype });
    return { tensor: tensorFromValues(made.values, [], dtype, 'scalar'), created: true };
  }
  try {
    const made = valuesOf(op, value, {});
    return { tensor: tensorFromValues(made.values, made.shape, made.dtype, 'tensor'), created: true };
  } catch (error) {
    if (error instanceof ArgumentError) throw new ArgumentError(`${op}: ${name} is not a tensor: ${error.message}`);
    throw error;
  }
}

/**
 * Runs `body` on `values` as tensors, then disposes the temporaries made from plain values (the
 * tensors passed in are the caller's). Plain numbers take `dtypeHint` when given.
 */
export function withTensors<T>(op: string, values: readonly TensorLike[], names: readonly string[], body: (tensors: Tensor[]) => T, dtypeHint?: DType): T {
  const made: { tensor: Tensor; created: boolean }[] = [];
  try {
    for (let i = 0; i < values.length; i++) made.push(toTensor(op, values[i], names[i], dtypeHint));
    return body(made.map((m) => m.tensor));
  } finally {
    for (const m of made) if (m.created) disposeTensor(m.tensor);
  }
}

/** `withTensors` for one argument named `x`. */
export function withTensor<T>(op: string, x: TensorLike, body: (t: Tensor) => T): T {
  return withTensors(op, [x], ['x'], ([t]) => body(t));
}
