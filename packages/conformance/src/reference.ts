/**
 * A float64 reference written independently of core (plain loops over plain arrays), used as the
 * expected value of property-based cases.
 */

/** A plain array with its shape. */
export interface RefArray {
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** NumPy's broadcast result shape, or null when the shapes do not broadcast. */
export function refBroadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** The element of `arr` at output multi-index `index` under broadcasting. */
function at(arr: RefArray, index: readonly number[]): number {
  let offset = 0;
  let stride = 1;
  for (let d = arr.shape.length - 1; d >= 0; d--) {
    const i = index[index.length - arr.shape.length + d];
    offset += (arr.shape[d] === 1 ? 0 : i) * stride;
    stride *= arr.shape[d];
  }
  return arr.values[offset];
}

function indices(shape: readonly number[]): number[][] {
  const out: number[][] = [];
  const total = size(shape);
  for (let flat = 0; flat < total; flat++) {
    const index = new Array<number>(shape.length);
    let rest = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d] = rest % shape[d];
      rest = Math.floor(rest / shape[d]);
    }
    out.push(index);
  }
  return out;
}

/** Element-wise `fn(a, b)` with broadcasting. */
export function refBinary(a: RefArray, b: RefArray, fn: (x: number, y: number) => number): RefArray {
  const shape = refBroadcastShape(a.shape, b.shape);
  if (!shape) throw new Error(`reference: [${a.shape}] and [${b.shape}] do not broadcast`);
  return { shape, values: indices(shape).map((i) => fn(at(a, i), at(b, i))) };
}

/** Element-wise `fn(x)`. */
export function refUnary(a: RefArray, fn: (x: number) => number): RefArray {
  return { shape: a.shape, values: a.values.map(fn) };
}

/** Reduction over `axes` with `fn` folding the values of each output position. */
export function refReduce(a: RefArray, axes: readonly number[], keepDims: boolean, fold: (values: number[]) => number): RefArray {
  const outShapeKept = a.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const groups = new Map<number, number[]>();
  indices(a.shape).forEach((index, flat) => {
    let key = 0;
    for (let d = 0; d < index.length; d++) key = key * outShapeKept[d] + (axes.includes(d) ? 0 : index[d]);
    const list = groups.get(key) ?? [];
    list.push(a.values[flat]);
    groups.set(key, list);
  });
  const values = Array.from({ length: size(outShapeKept) }, (_, k) => fold(groups.get(k) ?? []));
  return { shape: keepDims ? outShapeKept : a.shape.filter((_, i) => !axes.includes(i)), values };
}

/** 2-D matrix product in float64. */
export function refMatmul(a: RefArray, b: RefArray): RefArray {
  const [m, k] = a.shape;
  const n = b.shape[1];
  const values: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.values[i * k + p] * b.values[p * n + j];
      values.push(s);
    }
  }
  return { shape: [m, n], values };
}

/** Rounds values as storage in `dtype` would. */
export function refStore(values: readonly number[], dtype: 'float32' | 'float64' | 'int32' | 'bool'): number[] {
  if (dtype === 'float32') return values.map(Math.fround);
  if (dtype === 'int32') return values.map((v) => (Number.isFinite(v) ? Math.trunc(v) | 0 : 0));
  if (dtype === 'bool') return values.map((v) => (v !== 0 ? 1 : 0));
  return [...values];
}
