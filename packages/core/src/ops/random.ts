/**
 * Random tensors from a seeded Philox stream generated in core, so the values are identical on
 * every backend (a test for this is in the conformance suite).
 */
import { allocate, type DType } from '../dtype.js';
import { tensorFromValues } from '../engine/engine.js';
import { ArgumentError, DTypeError } from '../errors.js';
import { PhiloxStream } from '../random/philox.js';
import { assertValidShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';

let global = new PhiloxStream(Math.floor(Math.random() * 2 ** 32));

/**
 * Seeds the global random stream that random ops draw from when they get no `seed` of their own
 * (like `tf.random.set_seed`). Until called, the stream starts from an unpredictable seed.
 */
export function setSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) throw new ArgumentError(`setSeed: seed must be a safe integer, got ${seed}`);
  global = new PhiloxStream(seed);
}

function streamFor(op: string, seed: number | undefined): PhiloxStream {
  if (seed === undefined) return global;
  if (!Number.isSafeInteger(seed)) throw new ArgumentError(`${op}: seed must be a safe integer, got ${seed}`);
  return new PhiloxStream(seed);
}

function floatDType(op: string, dtype: DType): 'float32' | 'float64' {
  if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError(`${op}: dtype must be float32 or float64, got ${dtype}`);
  return dtype;
}

/** Options of `randomUniform`. */
export interface RandomUniformOptions {
  readonly minval?: number;
  readonly maxval?: number;
  readonly dtype?: DType;
  /** Seed of a fresh stream for this call; without it, the global stream (see `setSeed`) is used. */
  readonly seed?: number;
}

/**
 * Uniform values in `[minval, maxval)`. For int32, integers in `[minval, maxval)`.
 *
 * @example randomUniform([2, 2], { seed: 42 })
 */
export function randomUniform(shape: readonly number[], options: RandomUniformOptions = {}): Tensor {
  assertValidShape('randomUniform', shape);
  const { minval = 0, maxval = 1, dtype = 'float32' } = options;
  if (dtype === 'bool') throw new DTypeError('randomUniform: dtype must be float32, float64 or int32, got bool');
  if (!(maxval > minval)) throw new ArgumentError(`randomUniform: maxval (${maxval}) must be greater than minval (${minval})`);
  const stream = streamFor('randomUniform', options.seed);
  const size = sizeOf(shape);
  const values = allocate(dtype, size);
  const span = maxval - minval;
  // Rounding minval + u·span to float32 can land on maxval where float32 spacing is coarse; the
  // largest representable value below maxval keeps the interval half-open, as documented.
  const top = dtype === 'float32' ? float32Below(maxval) : maxval;
  for (let i = 0; i < size; i++) {
    const u = dtype === 'float64' ? stream.nextFloat53() : stream.nextFloat24();
    const v = minval + u * span;
    values[i] = dtype === 'int32' ? Math.floor(v) : dtype === 'float32' && Math.fround(v) >= maxval ? top : v;
  }
  return tensorFromValues(values, shape, dtype, 'randomUniform');
}

/** The largest float32 strictly below `x` (for finite x). */
function float32Below(x: number): number {
  const f = Math.fround(x);
  if (f < x) return f;
  const bits = new Float32Array([f]);
  const view = new Int32Array(bits.buffer);
  if (f > 0) view[0] -= 1;
  else if (f < 0) view[0] += 1;
  else return -(2 ** -149);
  return bits[0];
}

/** Options of `randomNormal` and `truncatedNormal`. */
export interface RandomNormalOptions {
  readonly mean?: number;
  readonly stddev?: number;
  readonly dtype?: 'float32' | 'float64';
  readonly seed?: number;
}

function normals(op: string, shape: readonly number[], options: RandomNormalOptions, truncate: boolean): Tensor {
  assertValidShape(op, shape);
  const { mean = 0, stddev = 1 } = options;
  const dtype = floatDType(op, options.dtype ?? 'float32');
  if (!(stddev >= 0)) throw new ArgumentError(`${op}: stddev must be >= 0, got ${stddev}`);
  const stream = streamFor(op, options.seed);
  const size = sizeOf(shape);
  const values = allocate(dtype, size);
  let i = 0;
  while (i < size) {
    // Box-Muller: two uniforms give two independent standard normals. u1 in (0, 1] keeps log finite.
    const u1 = 1 - stream.nextFloat53();
    const u2 = stream.nextFloat53();
    const radius = Math.sqrt(-2 * Math.log(u1));
    for (const z of [radius * Math.cos(2 * Math.PI * u2), radius * Math.sin(2 * Math.PI * u2)]) {
      if (i >= size) break;
      if (truncate && Math.abs(z) > 2) continue;
      values[i++] = mean + stddev * z;
    }
  }
  return tensorFromValues(values, shape, dtype, op);
}

/** Normally distributed values. @example randomNormal([784, 512], { stddev: 0.05, seed: 1 }) */
export function randomNormal(shape: readonly number[], options: RandomNormalOptions = {}): Tensor {
  return normals('randomNormal', shape, options, false);
}

/** Normal values redrawn until within two standard deviations of the mean (Keras' he_normal uses it). */
export function truncatedNormal(shape: readonly number[], options: RandomNormalOptions = {}): Tensor {
  return normals('truncatedNormal', shape, options, true);
}

/**
 * A random permutation of `0..n-1` (Fisher-Yates on the Philox stream): how `fit` shuffles.
 *
 * @example shuffledIndices(60000, 42)
 */
export function shuffledIndices(n: number, seed?: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`shuffledIndices: n must be a non-negative integer, got ${n}`);
  const stream = streamFor('shuffledIndices', seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(stream.nextFloat53() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
