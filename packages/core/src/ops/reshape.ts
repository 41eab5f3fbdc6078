/** Shape and movement ops: views (reshape and friends) share storage; the rest copy by strides. */
import { promoteTypes } from '../dtype.js';
import {
  adoptStorage, backendForInputs, canReadSync, createTensor, disposeTensor, readValuesSync,
  recordOnTapes, runOp, viewAs,
} from '../engine/engine.js';
import { initialisedBackend } from '../engine/registry.js';
import type { GradientFunction } from '../engine/tape-types.js';
import { ArgumentError, BackendError, DTypeError, ShapeError, formatShape } from '../errors.js';
import { broadcastShapes, broadcastStrides, inferReshape, normalizeAxes, normalizeAxis, shapesEqual, sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { tensor, toTensor, valuesOf, withTensor, withTensors, type TensorLike } from './convert.js';
import { range, zeros } from './creation.js';
import { cast as castTo, equal, where } from './elementwise.js';
import { sumToShape as sumBack } from './gradient-helpers.js';
import { matmul as matmulOf } from './matmul.js';


/** A view of `x` with `shape` (same size) and a gradient that reshapes back. */
function view(op: string, x: Tensor, shape: readonly number[]): Tensor {
  backendForInputs(op, [x], ['x']);
  const out = viewAs(x, shape, op);
  const gradient: GradientFunction = (dy, { inputs: [input] }) => [() => reshape(dy, input.shape)];
  recordOnTapes(op, [x], out, gradient);
  return out;
}

/**
 * The same values with another shape (one dimension may be -1). Shares storage; no copy.
 *
 * @example reshape(x, [6, 1]); reshape(images, [60000, 28 * 28]); reshape(x, [-1])
 */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  return withTensor('reshape', x, (t) => view('reshape', t, inferReshape('reshape', t.shape, shape)));
}

/** A 1-D view of all the values. */
export function flatten(x: TensorLike): Tensor {
  return withTensor('flatten', x, (t) => view('flatten', t, [t.size]));
}

/** Inserts a dimension of size 1 at `axis` (which may be -1 for the new last axis). */
export function expandDims(x: TensorLike, axis = 0): Tensor {
  return withTensor('expandDims', x, (t) => {
    const at = normalizeAxis('expandDims', axis, t.rank + 1);
    const shape = [...t.shape];
    shape.splice(at, 0, 1);
    return view('expandDims', t, shape);
  });
}

/** Removes dimensions of size 1: those in `axes`, or all of them by default. */
export function squeeze(x: TensorLike, axes?: number | readonly number[]): Tensor {
  return withTensor('squeeze', x, (t) => {
    const resolved = axes === undefined ? t.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes('squeeze', axes, t.rank);
    for (const axis of resolved) {
      if (t.shape[axis] !== 1) {
        throw new ShapeError(`squeeze: axis ${axis} of shape ${formatShape(t.shape)} has size ${t.shape[axis]}; only axes of size 1 can be squeezed`);
      }
    }
    return view('squeeze', t, t.shape.filter((_, i) => !resolved.includes(i)));
  });
}

function stridedCopy(op: string, x: Tensor, outShape: readonly number[], strides: readonly number[], offset: number, gradient: GradientFunction): Tensor {
  return runOp({
    op,
    inputs: [x],
    inputNames: ['x'],
    shape: outShape,
    dtype: x.dtype,
    kernel: (k, [ix]) => k.stridedCopy({ x: ix, outShape, strides, offset }),
    gradient,
  });
}

/** A copy with its own storage (gradient: identity). */
export function clone(x: TensorLike): Tensor {
  return withTensor('clone', x, (t) => stridedCopy('clone', t, t.shape, stridesOf(t.shape), 0, (dy) => [() => dy]));
}

/**
 * Permutes the axes: `perm[i]` is the input axis that becomes output axis `i` (reversed by default,
 * as NumPy's `transpose`).
 *
 * @example transpose(zeros([300, 20])).shape // [20, 300]
 */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  return withTensor('transpose', x, (t) => {
    const order = perm ?? t.shape.map((_, i) => t.rank - 1 - i);
    const valid = order.length === t.rank && [...order].sort((a, b) => a - b).every((v, i) => v === i);
    if (!valid) {
      throw new ShapeError(`transpose: perm [${order.join(',')}] is not a permutation of the ${t.rank} axes of shape ${formatShape(t.shape)}; expected each of 0..${t.rank - 1} once`);
    }
    const inverse = new Array<number>(order.length);
    order.forEach((axis, i) => (inverse[axis] = i));
    const gradient: GradientFunction = (dy) => [() => transpose(dy, inverse)];
    const strides = stridesOf(t.shape);
    const outShape = order.map((axis) => t.shape[axis]);
    return stridedCopy('transpose', t, outShape, order.map((axis) => strides[axis]), 0, gradient);
  });
}

/** Repeats `x` along broadcast dimensions to `shape`, under NumPy's rules. */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  return withTensor('broadcastTo', x, (t) => {
    const out = broadcastShapes('broadcastTo', t.shape, shape);
    if (!shapesEqual(out, shape)) {
      throw new ShapeError(`broadcastTo: shape ${formatShape(t.shape)} cannot broadcast to ${formatShape(shape)}; the target must contain it under NumPy's rules`);
    }
    const gradient: GradientFunction = (dy, { inputs: [input] }) => [() => sumBack(dy, input.shape)];
    return stridedCopy('broadcastTo', t, shape, broadcastStrides(t.shape, shape), 0, gradient);
  });
}


/**
 * A contiguous block: `begin[i]` is the first index on axis i, `size[i]` its length (-1: to the end).
 * Missing trailing axes are taken whole.
 *
 * @example slice(images, [0, 0], [128, -1]) // the first 128 rows
 */
export function slice(x: TensorLike, begin: number | readonly number[], size?: number | readonly number[]): Tensor {
  return withTensor('slice', x, (t) => {
    const starts = typeof begin === 'number' ? [begin] : [...begin];
    const sizes = size === undefined ? [] : typeof size === 'number' ? [size] : [...size];
    if (starts.length > t.rank || sizes.length > t.rank) {
      throw new ShapeError(`slice: begin [${starts.join(',')}] and size [${sizes.join(',')}] have more entries than the rank ${t.rank} of shape ${formatShape(t.shape)}`);
    }
    const outShape: number[] = [];
    const first: number[] = [];
    for (let axis = 0; axis < t.rank; axis++) {
      const start = starts[axis] ?? 0;
      const dim = t.shape[axis];
      const length = sizes[axis] === undefined || sizes[axis] === -1 ? dim - start : sizes[axis];
      if (!Number.isInteger(start) || !Number.isInteger(length) || start < 0 || length < 0 || start + length > dim) {
        throw new ShapeError(
          `slice: begin ${start} with size ${sizes[axis] ?? -1} does not fit axis ${axis} of shape ${formatShape(t.shape)}; ` +
            `need 0 <= begin <= ${dim} and begin + size <= ${dim}`,
        );
      }
      first.push(start);
      outShape.push(length);
    }
    const strides = stridesOf(t.shape);
    const offset = first.reduce((sum, start, axis) => sum + start * strides[axis], 0);
    const gradient: GradientFunction = (dy, { inputs: [input] }) => [() => padBack(dy, input.shape, first)];
    return stridedCopy('slice', t, outShape, strides, offset, gradient);
  });
}

/** Places `dy` at `begin` inside zeros of `shape`: the gradient of `slice`. */
function padBack(dy: Tensor, shape: readonly number[], begin: readonly number[]): Tensor {
  let out = dy;
  for (let axis = 0; axis < shape.length; axis++) {
    const before = begin[axis];
    const after = shape[axis] - before - out.shape[axis];
    if (before === 0 && after === 0) continue;
    const parts: Tensor[] = [];
    const zerosOf = (length: number) => zeros(out.shape.map((d, i) => (i === axis ? length : d)), out.dtype);
    if (before > 0) parts.push(zerosOf(before));
    parts.push(out);
    if (after > 0) parts.push(zerosOf(after));
    out = concat(parts, axis);
  }
  return out;
}

/**
 * Joins tensors along `axis`; all must have the same rank and match on every other axis.
 *
 * @example concat([a, b], 0)
 */
export function concat(tensors: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError('concat: expects a non-empty array of tensors');
  return withTensors('concat', tensors, tensors.map((_, i) => `tensors[${i}]`), (inputs) => {
    const rank = inputs[0].rank;
    if (rank === 0) throw new ShapeError('concat: cannot concatenate scalars; expandDims them or use stack()');
    const at = normalizeAxis('concat', axis, rank);
    const dtype = inputs.map((t) => t.dtype).reduce(promoteTypes);
    for (const t of inputs) {
      const compatible = t.rank === rank && t.shape.every((d, i) => i === at || d === inputs[0].shape[i]);
      if (!compatible) {
        throw new ShapeError(`concat: shapes ${inputs.map((s) => formatShape(s.shape)).join(', ')} do not match outside axis ${at}; all must have the same rank and equal dimensions except on axis ${at}`);
      }
    }
    const casted = inputs.map((t) => (t.dtype === dtype ? t : castTo(t, dtype)));
    try {
      const outShape = [...inputs[0].shape];
      outShape[at] = inputs.reduce((s, t) => s + t.shape[at], 0);
      const outer = sizeOf(outShape.slice(0, at));
      const innerSizes = casted.map((t) => sizeOf(t.shape.slice(at)));
      const gradient: GradientFunction = (dy, { inputs: saved }) => {
        let start = 0;
        return saved.map((input) => {
          const begin = start;
          start += input.shape[at];
          return () => slice(dy, dy.shape.map((_, i) => (i === at ? begin : 0)), input.shape);
        });
      };
      return runOp({
        op: 'concat',
        inputs: casted,
        shape: outShape,
        dtype,
        kernel: (k, infos) => k.concat({ inputs: infos, outer, innerSizes, outDtype: dtype }),
        gradient,
      });
    } finally {
      casted.forEach((t, i) => t !== inputs[i] && disposeTensor(t));
    }
  });
}

/** Stacks equally shaped tensors along a new axis. */
export function stack(tensors: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError('stack: expects a non-empty array of tensors');
  return withTensors('stack', tensors, tensors.map((_, i) => `tensors[${i}]`), (inputs) => {
    const first = inputs[0];
    for (const t of inputs) {
      if (!shapesEqual(t.shape, first.shape)) {
        throw new ShapeError(`stack: shapes ${inputs.map((x) => formatShape(x.shape)).join(', ')} differ; stack needs equal shapes`);
      }
    }
    const at = normalizeAxis('stack', axis, first.rank + 1);
    const expanded = inputs.map((t) => expandDims(t, at));
    try {
      return concat(expanded, at);
    } finally {
      expanded.forEach(disposeTensor);
    }
  });
}

function checkIndices(op: string, indices: Tensor, limit: number): void {
  if (!canReadSync(indices)) return;
  const values = readValuesSync(indices);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < 0 || v >= limit) {
      throw new ShapeError(`${op}: index ${v} at position ${i} is out of range; valid indices are 0..${limit - 1}`);
    }
  }
}

/**
 * Picks slices of `x` along `axis` by int32 `indices` (NumPy's `take`). The output shape is
 * `x.shape[:axis] + indices.shape + x.shape[axis+1:]`.
 *
 * @example gather(images, tensor([0, 5, 7], { dtype: 'int32' }))
 */
export function gather(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  return withTensor('gather', x, (t) => {
    const madeIndices = indices instanceof Tensor ? { tensor: indices, created: false } : { tensor: integerTensor('gather', indices), created: true };
    try {
      const idx = madeIndices.tensor;
      if (idx.dtype !== 'int32') throw new DTypeError(`gather: indices must be int32, got ${idx.dtype}; cast with indices.cast('int32')`);
      const at = normalizeAxis('gather', axis, t.rank);
      const axisSize = t.shape[at];
      checkIndices('gather', idx, axisSize);
      const outShape = [...t.shape.slice(0, at), ...idx.shape, ...t.shape.slice(at + 1)];
      const outer = sizeOf(t.shape.slice(0, at));
      const inner = sizeOf(t.shape.slice(at + 1));
      const indexCount = idx.size;
      const gradient: GradientFunction = (dy, { inputs: [input, saved] }) => [
        () => {
          // Scatter-add as a product with the one-hot matrix, so it is made of core ops alone.
          const selector = transpose(oneHot(reshape(saved, [indexCount]), axisSize, { dtype: dy.dtype as 'float32' | 'float64' }));
          const grouped = reshape(dy, [outer, indexCount, inner]);
          return reshape(matmulOf(selector, grouped), input.shape);
        },
        null,
      ];
      return runOp({
        op: 'gather',
        inputs: [t, idx],
        inputNames: ['x', 'indices'],
        shape: outShape,
        dtype: t.dtype,
        kernel: (k, [ix, ii]) => k.gather({ x: ix, indices: ii, outer, axisSize, inner, indexCount }),
        gradient,
      });
    } finally {
      if (madeIndices.created) disposeTensor(madeIndices.tensor);
    }
  });
}


/** Plain indices (numbers or nested arrays of them) as an int32 tensor; fractions are an error. */
function integerTensor(op: string, values: TensorLike): Tensor {
  const made = valuesOf(op, values, { dtype: 'float64' });
  for (let i = 0; i < made.values.length; i++) {
    if (!Number.isInteger(made.values[i])) {
      throw new ArgumentError(`${op}: index ${made.values[i]} at position ${i} is not an integer; indices must be integers`);
    }
  }
  return tensor(made.values, { shape: made.shape, dtype: 'int32' });
}

/** Options of `oneHot`. */
export interface OneHotOptions {
  readonly onValue?: number;
  readonly offValue?: number;
  readonly dtype?: 'float32' | 'float64' | 'int32';
}

/**
 * One-hot encoding: int32 `indices` of shape S become shape `[...S, depth]`, `onValue` at each index
 * and `offValue` elsewhere; an index outside `[0, depth)` gives a row of `offValue` (as TensorFlow).
 */
export function oneHot(indices: TensorLike, depth: number, options: OneHotOptions = {}): Tensor {
  if (!Number.isInteger(depth) || depth < 0) throw new ArgumentError(`oneHot: depth must be a non-negative integer, got ${depth}`);
  return withTensor('oneHot', indices, (idx) => {
    if (idx.dtype !== 'int32') throw new DTypeError(`oneHot: indices must be int32, got ${idx.dtype}; cast with indices.cast('int32')`);
    const { onValue = 1, offValue = 0, dtype = 'float32' } = options;
    const positions = range(0, depth, 1, 'int32');
    const column = expandDims(idx, -1);
    const hits = equal(column, positions);
    try {
      return whereValues(hits, onValue, offValue, dtype);
    } finally {
      [positions, column, hits].forEach(disposeTensor);
    }
  });
}

function whereValues(condition: Tensor, on: number, off: number, dtype: 'float32' | 'float64' | 'int32'): Tensor {
  return withTensors('oneHot', [on, off], ['onValue', 'offValue'], ([onT, offT]) => where(condition, onT, offT), dtype);
}

/** A copy of `tensor` on the initialised backend `name`. */
export async function moveToBackend(tensor: Tensor, name: string): Promise<Tensor> {
  const target = initialisedBackend(name);
  if (!target) throw new BackendError(`to: backend '${name}' is not initialised; await setBackend('${name}') or ready() first`);
  const values = await tensor.data();
  const storage = adoptStorage(target, target.write(values, tensor.dtype, tensor.shape), tensor.dtype, tensor.size);
  return createTensor(storage, tensor.shape, tensor.dtype, 'to');
}
