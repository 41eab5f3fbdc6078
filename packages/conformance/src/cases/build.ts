/** Shared helpers for building case inputs from exact values. */
import * as tk from '@tensorkit/core';
import type { CaseContext } from '../case.js';

/** `values` in the storage type of `dtype` (booleans as 0/1), bypassing nested-array parsing. */
export function typed(values: readonly (number | boolean)[], dtype: tk.DType): tk.TypedArray {
  const nums = values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
  switch (dtype) {
    case 'float32': return Float32Array.from(nums);
    case 'float64': return Float64Array.from(nums);
    case 'int32': return Int32Array.from(nums);
    case 'bool': return Uint8Array.from(nums);
  }
}

/** A tensor owned by the case, built from exact values. */
export function make(c: CaseContext, values: readonly (number | boolean)[], dtype: tk.DType = 'float32', shape: readonly number[] = [values.length]): tk.Tensor {
  return c.own(tk.tensor(typed(values, dtype), { shape, dtype }));
}

/** Number of elements of `shape`. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
