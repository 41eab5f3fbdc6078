/** Data movement: strided copies (transpose, slice, broadcast), concat and gather. */
import { allocate, sizeOf, stridesOf, type ConcatArgs, type GatherArgs, type StridedCopyArgs } from '@tensorkit/core';
import { CpuStorage, valuesOf } from '../storage.js';
import { collapse, forEachRow } from './strides.js';

/** Copies `x` read through `strides` from `offset` into a contiguous tensor of `outShape`. */
export function stridedCopy({ x, outShape, strides, offset }: StridedCopyArgs): CpuStorage {
  const v = valuesOf(x.dataId);
  const out = allocate(x.dtype, sizeOf(outShape));
  if (out.length === 0) return new CpuStorage(out);
  const collapsed = collapse(outShape, [strides, stridesOf(outShape)]);
  const last = collapsed.shape.length - 1;
  const n = collapsed.shape[last];
  const step = collapsed.strides[0][last];
  forEachRow(collapsed.shape, collapsed.strides, [offset, 0], (o) => {
    const from = o[0], to = o[1];
    if (step === 1) out.set(v.subarray(from, from + n), to);
    else for (let i = 0; i < n; i++) out[to + i] = v[from + i * step];
  });
  return new CpuStorage(out);
}

/** Joins inputs viewed as `[outer, innerSizes[i]]` along the second axis. */
export function concat({ inputs, outer, innerSizes, outDtype }: ConcatArgs): CpuStorage {
  const total = innerSizes.reduce((a, b) => a + b, 0);
  const out = allocate(outDtype, outer * total);
  const sources = inputs.map((t) => valuesOf(t.dataId));
  for (let o = 0; o < outer; o++) {
    let at = o * total;
    for (let i = 0; i < sources.length; i++) {
      const size = innerSizes[i];
      out.set(sources[i].subarray(o * size, (o + 1) * size), at);
      at += size;
    }
  }
  return new CpuStorage(out);
}

/** Picks `[outer, index, inner]` blocks; an out-of-range index yields zeros. */
export function gather({ x, indices, outer, axisSize, inner, indexCount }: GatherArgs): CpuStorage {
  const v = valuesOf(x.dataId);
  const idx = valuesOf(indices.dataId);
  const out = allocate(x.dtype, outer * indexCount * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < indexCount; j++) {
      const index = idx[j];
      if (index < 0 || index >= axisSize) continue;
      const from = (o * axisSize + index) * inner;
      out.set(v.subarray(from, from + inner), (o * indexCount + j) * inner);
    }
  }
  return new CpuStorage(out);
}
