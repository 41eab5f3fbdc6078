/** Reductions over the middle axis of an `[outer, reduce, inner]` view. */
import { allocate, type ReduceArgs } from '@tensorkit/core';
import { CpuStorage, valuesOf } from '../storage.js';

/**
 * Reduces with float64 accumulators (more accurate than float32 sums, at no cost in JavaScript).
 * For inner > 1 it walks rows in memory order, accumulating a whole inner row at a time.
 */
export function reduce({ op, x, outer, reduceSize: size, inner, outDtype }: ReduceArgs): CpuStorage {
  const v = valuesOf(x.dataId);
  const out = allocate(outDtype, outer * inner);
  if (op === 'prod' && out instanceof Int32Array) {
    productsInt32(v, outer, size, inner, out);
    return new CpuStorage(out);
  }
  if (inner === 1 && (op === 'sum' || op === 'max' || op === 'min')) {
    reduceRows(op, v, outer, size, out);
    return new CpuStorage(out);
  }
  const acc = new Float64Array(inner);
  const best = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    switch (op) {
      case 'sum':
      case 'prod': {
        acc.fill(op === 'sum' ? 0 : 1);
        for (let r = 0; r < size; r++) {
          const row = base + r * inner;
          if (op === 'sum') for (let i = 0; i < inner; i++) acc[i] += v[row + i];
          else for (let i = 0; i < inner; i++) acc[i] *= v[row + i];
        }
        break;
      }
      case 'max':
      case 'min': {
        for (let i = 0; i < inner; i++) acc[i] = v[base + i];
        for (let r = 1; r < size; r++) {
          const row = base + r * inner;
          // Math.max/min propagate NaN, as NumPy's max/min do.
          if (op === 'max') for (let i = 0; i < inner; i++) acc[i] = Math.max(acc[i], v[row + i]);
          else for (let i = 0; i < inner; i++) acc[i] = Math.min(acc[i], v[row + i]);
        }
        break;
      }
      case 'argmax':
      case 'argmin': {
        const sign = op === 'argmax' ? 1 : -1;
        for (let i = 0; i < inner; i++) {
          acc[i] = 0;
          best[i] = v[base + i];
        }
        for (let r = 1; r < size; r++) {
          const row = base + r * inner;
          for (let i = 0; i < inner; i++) {
            const value = v[row + i];
            const current = best[i];
            // The first NaN wins (NumPy); otherwise the first strict improvement.
            if (current !== current) continue;
            if (value !== value || sign * (value - current) > 0) {
              best[i] = value;
              acc[i] = r;
            }
          }
        }
        break;
      }
      default:
        throw new Error(`cpu reduce: unknown op ${String(op)}`);
    }
    out.set(acc, o * inner);
  }
  return new CpuStorage(out);
}

/** The common last-axis case (inner = 1) without accumulator arrays: one pass per row. */
function reduceRows(op: 'sum' | 'max' | 'min', v: ArrayLike<number>, rows: number, size: number, out: { [i: number]: number }): void {
  for (let r = 0; r < rows; r++) {
    const start = r * size;
    if (op === 'sum') {
      let s = 0;
      for (let i = 0; i < size; i++) s += v[start + i];
      out[r] = s;
    } else {
      let m = v[start];
      if (op === 'max') for (let i = 1; i < size; i++) m = Math.max(m, v[start + i]);
      else for (let i = 1; i < size; i++) m = Math.min(m, v[start + i]);
      out[r] = m;
    }
  }
}

/** int32 products wrap around like C (and NumPy): multiply with Math.imul, never through doubles. */
function productsInt32(v: ArrayLike<number>, outer: number, size: number, inner: number, out: Int32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let p = 1;
      for (let r = 0; r < size; r++) p = Math.imul(p, v[(o * size + r) * inner + i]);
      out[o * inner + i] = p;
    }
  }
}
