/** Fused softmax, logSoftmax and sparse softmax cross-entropy over rows. */
import { allocate, type SoftmaxArgs, type SparseSoftmaxCrossEntropyArgs } from '@tensorkit/core';
import { CpuStorage, valuesOf } from '../storage.js';

function rowMax(v: ArrayLike<number>, start: number, cols: number): number {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) {
    const x = v[start + j];
    if (x > m || x !== x) m = x;
  }
  // A row of -Infinity would give NaN below; shifting by 0 keeps it exp(-Inf) = 0.
  return m === -Infinity ? 0 : m;
}

/** Stable softmax of each row: exp(x - max) / sum. */
export function softmax({ logits, rows, cols }: SoftmaxArgs): CpuStorage {
  const v = valuesOf(logits.dataId);
  const out = allocate(logits.dtype, rows * cols);
  for (let r = 0; r < rows; r++) {
    const start = r * cols;
    const m = rowMax(v, start, cols);
    let total = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(v[start + j] - m);
      out[start + j] = e;
      total += e;
    }
    const scale = 1 / total;
    for (let j = 0; j < cols; j++) out[start + j] *= scale;
  }
  return new CpuStorage(out);
}

function logSumExpRow(v: ArrayLike<number>, start: number, cols: number): number {
  const m = rowMax(v, start, cols);
  let total = 0;
  for (let j = 0; j < cols; j++) total += Math.exp(v[start + j] - m);
  return Math.log(total) + m;
}

/** Stable log-softmax of each row: x - logSumExp(x). */
export function logSoftmax({ logits, rows, cols }: SoftmaxArgs): CpuStorage {
  const v = valuesOf(logits.dataId);
  const out = allocate(logits.dtype, rows * cols);
  for (let r = 0; r < rows; r++) {
    const start = r * cols;
    const lse = logSumExpRow(v, start, cols);
    for (let j = 0; j < cols; j++) out[start + j] = v[start + j] - lse;
  }
  return new CpuStorage(out);
}

/** Per-row cross-entropy `logSumExp(row) - row[label]`; a label out of range gives NaN. */
export function sparseSoftmaxCrossEntropy({ logits, labels, rows, cols }: SparseSoftmaxCrossEntropyArgs): CpuStorage {
  const v = valuesOf(logits.dataId);
  const y = valuesOf(labels.dataId);
  const out = allocate(logits.dtype, rows);
  for (let r = 0; r < rows; r++) {
    const label = y[r];
    const start = r * cols;
    out[r] = label >= 0 && label < cols ? logSumExpRow(v, start, cols) - v[start + label] : NaN;
  }
  return new CpuStorage(out);
}
