/** Reductions over any axes, with keepDims, and their gradients. */
import type { ReduceOp } from '../backend/contract.js';
import { isFloat, type DType } from '../dtype.js';
import { disposeTensor, runOp, withoutTapes } from '../engine/engine.js';
import { tidy } from '../engine/scope.js';
import type { GradientFunction } from '../engine/tape-types.js';
import { ShapeError, formatShape } from '../errors.js';
import { normalizeAxes, normalizeAxis, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { withTensor, type TensorLike } from './convert.js';
import { cast, div, equal, exp, isFinite as isFiniteOp, log, mul, sub, where, add } from './elementwise.js';
import { broadcastTo, clone, reshape, transpose } from './reshape.js';

/** The shape with the reduced axes kept as 1 (what a reduced gradient is reshaped to). */
function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function outputDtype(op: ReduceOp, dtype: DType): DType {
  if (op === 'argmax' || op === 'argmin') return 'int32';
  if ((op === 'sum' || op === 'prod') && dtype === 'bool') return 'int32';
  return dtype;
}

/**
 * Runs one reduction kernel: `axes` (sorted, unique) are made adjacent by a transpose if they are
 * not already, so the kernel always sees `[outer, reduce, inner]`.
 */
function reduce(
  op: ReduceOp,
  name: string,
  x: Tensor,
  axes: readonly number[],
  keepDims: boolean,
  gradientFor?: (axes: readonly number[]) => GradientFunction,
): Tensor {
  const shape = x.shape;
  const outShape = keepDims ? keptShape(shape, axes) : shape.filter((_, i) => !axes.includes(i));
  const dtype = outputDtype(op, x.dtype);
  if (axes.length === 0) return dtype === x.dtype ? clone(x) : cast(x, dtype);
  const reduceSize = axes.reduce((p, a) => p * shape[a], 1);
  if (reduceSize === 0 && op !== 'sum' && op !== 'prod') {
    throw new ShapeError(`${name}: cannot reduce a zero-size dimension of shape ${formatShape(shape)} over axes [${axes.join(',')}]; ${name} of nothing is undefined`);
  }
  const adjacent = axes[axes.length - 1] - axes[0] === axes.length - 1;
  let input = x;
  let first = axes[0];
  let recordedAxes = axes;
  if (!adjacent) {
    const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
    input = transpose(x, [...kept, ...axes]);
    first = kept.length;
    // The tape records the reduction of the transposed input, so its gradient uses these axes.
    recordedAxes = axes.map((_, i) => first + i);
  }
  try {
    const outer = sizeOf(input.shape.slice(0, first));
    const inner = sizeOf(input.shape.slice(first + axes.length));
    return runOp({
      op: name,
      inputs: [input],
      inputNames: ['x'],
      shape: outShape,
      dtype,
      kernel: (k, [ix]) => k.reduce({ op, x: ix, outer, reduceSize, inner, outDtype: dtype }),
      gradient: isFloat(dtype) && gradientFor ? gradientFor(recordedAxes) : undefined,
    });
  } finally {
    if (input !== x) disposeTensor(input);
  }
}


/** The gradient of a reduction's output, reshaped to keep the reduced axes and broadcast back to `shape`. */
function spread(dy: Tensor, shape: readonly number[], axes: readonly number[]): Tensor {
  return broadcastTo(reshape(dy, keptShape(shape, axes)), shape);
}

/**
 * Sum over `axes` (all by default). Bool sums to int32.
 *
 * @example sum(tensor([[1, 2], [3, 4]]), 0) // [4. 6.]
 */
export function sum(x: TensorLike, axes?: number | readonly number[], keepDims = false): Tensor {
  return withTensor('sum', x, (t) => {
    const resolved = normalizeAxes('sum', axes, t.rank);
    return reduce('sum', 'sum', t, resolved, keepDims, (at) => (dy, { inputs: [input] }) => [() => spread(dy, input.shape, at)]);
  });
}

/** Arithmetic mean over `axes` (all by default); integers average as float32. */
export function mean(x: TensorLike, axes?: number | readonly number[], keepDims = false): Tensor {
  return withTensor('mean', x, (t) => {
    const resolved = normalizeAxes('mean', axes, t.rank);
    const input = isFloat(t.dtype) ? t : cast(t, 'float32');
    const count = resolved.reduce((p, a) => p * t.shape[a], 1);
    const total = sum(input, resolved, keepDims);
    try {
      return div(total, count);
    } finally {
      disposeTensor(total);
      if (input !== t) disposeTensor(input);
    }
  });
}

function extremum(op: 'max' | 'min', x: TensorLike, axes: number | readonly number[] | undefined, keepDims: boolean): Tensor {
  return withTensor(op, x, (t) => {
    const resolved = normalizeAxes(op, axes, t.rank);
    // Ties share the gradient equally, as TensorFlow does.
    return reduce(op, op, t, resolved, keepDims, (at) => (dy, { inputs: [input], output }) => [
      () => {
        const mask = cast(equal(input, reshape(output, keptShape(input.shape, at))), input.dtype);
        return div(mul(mask, spread(dy, input.shape, at)), spread(sum(mask, at), input.shape, at));
      },
    ]);
  });
}

/** Maximum over `axes` (all by default); NaN propagates. */
export function max(x: TensorLike, axes?: number | readonly number[], keepDims = false): Tensor {
  return extremum('max', x, axes, keepDims);
}

/** Minimum over `axes` (all by default); NaN propagates. */
export function min(x: TensorLike, axes?: number | readonly number[], keepDims = false): Tensor {
  return extremum('min', x, axes, keepDims);
}

/** Product over `axes` (all by default). Its gradient is exact when inputs contain zeros. */
export function prod(x: TensorLike, axes?: number | readonly number[], keepDims = false): Tensor {
  return withTensor('prod', x, (t) => {
    const resolved = normalizeAxes('prod', axes, t.rank);
    return reduce('prod', 'prod', t, resolved, keepDims, (at) => (dy, { inputs: [input] }) => [
      () => {
        // d(prod)/dx_i is the product of the others: prod/x_i without zeros; with one zero only
        // that element gets the product of the rest; with two or more, all zero.
        const isZero = equal(input, 0);
        const nonZero = where(isZero, 1, input);
        const productOfNonZero = spread(prod(nonZero, at), input.shape, at);
        const zeroCount = spread(sum(cast(isZero, input.dtype), at), input.shape, at);
        const others = where(
          equal(zeroCount, 0),
          div(productOfNonZero, nonZero),
          where(equal(zeroCount, 1), where(isZero, productOfNonZero, 0), 0),
        );
        return mul(others, spread(dy, input.shape, at));
      },
    ]);
  });
}

function argExtremum(op: 'argmax' | 'argmin', x: TensorLike, axis?: number): Tensor {
  return withTensor(op, x, (t) => {
    if (axis === undefined) {
      const flat = reshape(t, [t.size]);
      try {
        return reduce(op, op, flat, [0], false);
      } finally {
        disposeTensor(flat);
      }
    }
    return reduce(op, op, t, [normalizeAxis(op, axis, t.rank)], false);
  });
}

/** Index of the largest value along `axis` (over the flattened tensor by default), as int32; first wins ties. */
export function argmax(x: TensorLike, axis?: number): Tensor {
  return argExtremum('argmax', x, axis);
}

/** Index of the smallest value along `axis` (over the flattened tensor by default), as int32. */
export function argmin(x: TensorLike, axis?: number): Tensor {
  return argExtremum('argmin', x, axis);
}

/**
 * `log(sum(exp(x)))` over `axes`, computed stably by subtracting the maximum first (which the
 * gradient does not flow through: its contributions cancel exactly).
 */
export function logSumExp(x: TensorLike, axes?: number | readonly number[], keepDims = false): Tensor {
  return withTensor('logSumExp', x, (t) =>
    tidy(() => {
      const input = isFloat(t.dtype) ? t : cast(t, 'float32');
      const resolved = normalizeAxes('logSumExp', axes, input.rank);
      const shift = withoutTapes(() => {
        const m = max(input, resolved, true);
        return where(isFiniteOp(m), m, 0);
      });
      const total = log(sum(exp(sub(input, shift)), resolved, keepDims));
      return add(total, keepDims ? shift : reshape(shift, total.shape));
    }),
  );
}


