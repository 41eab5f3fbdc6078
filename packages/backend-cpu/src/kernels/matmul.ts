/** Matrix products on the cache-blocked gemm: batched matmul and the fused dense layer. */
import { allocate, type DenseArgs, type MatmulArgs } from '@tensorkit/core';
import { CpuStorage, valuesOf } from '../storage.js';
import { gemm, GemmActivation, type FloatArray } from './gemm.js';

/**
 * int32 matrix product with C's (and NumPy's) wrap-around on overflow: Math.imul and 32-bit adds.
 * A plain loop: integer matmuls are rare and small, and doubles would round past 2^53.
 */
function matmulInt32(args: MatmulArgs): CpuStorage {
  const { transposeA, transposeB, batch, batchA, batchB, m, n, k } = args;
  const a = valuesOf(args.a.dataId), b = valuesOf(args.b.dataId);
  const out = new Int32Array(batch * m * n);
  const aRow = transposeA ? 1 : k, aCol = transposeA ? m : 1;
  const bRow = transposeB ? 1 : n, bCol = transposeB ? k : 1;
  for (let t = 0; t < batch; t++) {
    const aOffset = batchA === 1 ? 0 : t * m * k;
    const bOffset = batchB === 1 ? 0 : t * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s = (s + Math.imul(a[aOffset + i * aRow + p * aCol], b[bOffset + p * bRow + j * bCol])) | 0;
        out[t * m * n + i * n + j] = s;
      }
    }
  }
  return new CpuStorage(out);
}

/**
 * Batched `op(A)·op(B)`. Transposes are expressed as strides, so gemm's packing reads them in
 * place: no transposed copy is ever made.
 */
export function matmul(args: MatmulArgs): CpuStorage {
  const { a, b, transposeA, transposeB, batch, batchA, batchB, m, n, k, outDtype } = args;
  if (outDtype === 'int32') return matmulInt32(args);
  const av = valuesOf(a.dataId) as FloatArray;
  const bv = valuesOf(b.dataId) as FloatArray;
  const out = allocate(outDtype, batch * m * n) as FloatArray;
  const aRow = transposeA ? 1 : k, aCol = transposeA ? m : 1;
  const bRow = transposeB ? 1 : n, bCol = transposeB ? k : 1;
  for (let i = 0; i < batch; i++) {
    const aOffset = batchA === 1 ? 0 : i * m * k;
    const bOffset = batchB === 1 ? 0 : i * k * n;
    gemm(m, n, k, av, aOffset, aRow, aCol, bv, bOffset, bRow, bCol, out, i * m * n, null, GemmActivation.None);
  }
  return new CpuStorage(out);
}

/** `activation(x·w + bias)` with bias and relu applied as gemm writes each block of the output. */
export function dense({ x, w, bias, activation, m, n, k }: DenseArgs): CpuStorage {
  const out = allocate(x.dtype, m * n) as FloatArray;
  const biasValues = bias ? (valuesOf(bias.dataId) as FloatArray) : null;
  const fusedRelu = activation === 'relu';
  gemm(m, n, k, valuesOf(x.dataId) as FloatArray, 0, k, 1, valuesOf(w.dataId) as FloatArray, 0, n, 1, out, 0, biasValues, fusedRelu ? GemmActivation.Relu : GemmActivation.None);
  if (activation === 'sigmoid') {
    for (let i = 0; i < out.length; i++) {
      const v = out[i];
      out[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }
  } else if (activation === 'tanh') {
    for (let i = 0; i < out.length; i++) out[i] = Math.tanh(out[i]);
  }
  return new CpuStorage(out);
}
