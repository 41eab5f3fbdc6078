/** Shapes, strides, axes and NumPy broadcasting: the rules every backend relies on. */
import { ArgumentError, ShapeError, formatShape } from './errors.js';

/** Number of elements in a tensor of `shape` (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (let i = 0; i < shape.length; i++) size *= shape[i];
  return size;
}

/** Row-major (C order) strides of a contiguous tensor of `shape`, in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

/** True when both shapes have the same rank and dimensions. */
export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks that `shape` is an array of non-negative integers. */
export function assertValidShape(op: string, shape: readonly number[]): void {
  if (!Array.isArray(shape)) {
    throw new ArgumentError(`${op}: shape must be an array of non-negative integers, got ${String(shape)}`);
  }
  for (const dim of shape) {
    if (!Number.isInteger(dim) || dim < 0) {
      throw new ShapeError(`${op}: shape ${formatShape(shape)} is invalid; every dimension must be a non-negative integer`);
    }
  }
}

/** Resolves a possibly negative axis against `rank`, as NumPy does (-1 is the last axis). */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    const valid = rank === 0 ? 'none (the tensor is a scalar)' : `integers in [${-rank}, ${rank - 1}]`;
    throw new ShapeError(`${op}: axis ${axis} is out of range for a rank-${rank} tensor; valid axes are ${valid}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Resolves `axes` (one, several, or undefined meaning all) to sorted, unique, non-negative axes.
 * Repeated axes are an error, as in NumPy.
 */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const resolved = list.map((axis) => normalizeAxis(op, axis, rank));
  const sorted = [...new Set(resolved)].sort((x, y) => x - y);
  if (sorted.length !== resolved.length) {
    throw new ShapeError(`${op}: axes [${list.join(',')}] repeat an axis; each axis may appear once`);
  }
  return sorted;
}

/**
 * The shape two tensors broadcast to under NumPy's rules: align from the right; each pair of
 * dimensions must be equal or one of them 1.
 */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot broadcast (dimension ${i}: ${da} vs ${db}); ` +
          'aligned from the right, each pair of dimensions must be equal or one of them 1',
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides that read a contiguous tensor of `shape` as if it had `outShape` (which it broadcasts to):
 * a broadcast dimension gets stride 0. This is how every kernel broadcasts.
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  const strides = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    strides[i + offset] = shape[i] === 1 && outShape[i + offset] !== 1 ? 0 : own[i];
  }
  return strides;
}

/**
 * The axes of `outShape` along which a tensor of `shape` was broadcast: the axes a gradient must be
 * summed over to get back to `shape`.
 */
export function broadcastedAxes(shape: readonly number[], outShape: readonly number[]): number[] {
  const axes: number[] = [];
  const offset = outShape.length - shape.length;
  for (let i = 0; i < outShape.length; i++) {
    if (i < offset || (shape[i - offset] === 1 && outShape[i] !== 1)) axes.push(i);
  }
  return axes;
}

/** Resolves a single -1 in a requested shape from the element count, checking that sizes match. */
export function inferReshape(op: string, from: readonly number[], requested: readonly number[]): number[] {
  const size = sizeOf(from);
  let unknown = -1;
  let known = 1;
  for (let i = 0; i < requested.length; i++) {
    const dim = requested[i];
    if (dim === -1) {
      if (unknown >= 0) throw new ShapeError(`${op}: shape ${formatShape(requested)} has more than one -1; at most one dimension may be inferred`);
      unknown = i;
    } else if (!Number.isInteger(dim) || dim < 0) {
      throw new ShapeError(`${op}: shape ${formatShape(requested)} is invalid; dimensions must be non-negative integers or a single -1`);
    } else {
      known *= dim;
    }
  }
  const out = [...requested];
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(`${op}: cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(requested)}; the known dimensions (product ${known}) must divide ${size}`);
    }
    out[unknown] = size / known;
  } else if (known !== size) {
    throw new ShapeError(`${op}: cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(requested)} (${known} elements); the sizes must match`);
  }
  return out;
}

/**
 * Merges adjacent dimensions that every operand walks contiguously (and drops size-1 ones), so a
 * kernel loops over as few, as long rows as possible: a same-shape add becomes one row. Takes the
 * output shape and each operand's strides over it; returns the collapsed shape and strides
 * (at least one dimension). Every backend's strided loops start here.
 *
 * @example collapseDimensions([2, 3], [[3, 1], [3, 1]]) // { shape: [6], strides: [[1], [1]] }
 */
export function collapseDimensions(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, i) => outStrides[i][last] === s[d] * shape[d]);
    if (mergeable) {
      outShape[last] *= shape[d];
      strides.forEach((s, i) => (outStrides[i][last] = s[d]));
    } else {
      outShape.push(shape[d]);
      strides.forEach((s, i) => outStrides[i].push(s[d]));
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    strides.forEach((_, i) => outStrides[i].push(0));
  }
  return { shape: outShape, strides: outStrides };
}
