/** Matrix products on the cache-blocked gemm: batched matmul and the fused dense layer. */
import { allocate, type DenseArgs, type MatmulArgs } from '@tensorkit/core';
import { CpuStorage, valuesOf } from '../storage.js';
import { gemm, GemmActivation, type FloatArray } from './gemm.js';

/** Float views of the operands; int32 matrices are multiplied exactly in float64 and converted back. */
function asFloat(values: ArrayLike<number> & object): FloatArray {
  return values instanceof Float32Array || values instanceof Float64Array ? values : Float64Array.from(values as ArrayLike<number>);
}

/**
 * Batched `op(A)·op(B)`. Transposes are expressed as strides, so gemm's packing reads them in
 * place: no transposed copy is ever made.
 */
export function matmul({ a, b, transposeA, transposeB, batch, batchA, batchB, m, n, k, outDtype }: MatmulArgs): CpuStorage {
  const av = asFloat(valuesOf(a.dataId));
  const bv = asFloat(valuesOf(b.dataId));
  const isInt = outDtype === 'int32';
  const out = isInt ? new Float64Array(batch * m * n) : (allocate(outDtype, batch * m * n) as FloatArray);
  const aRow = transposeA ? 1 : k, aCol = transposeA ? m : 1;
  const bRow = transposeB ? 1 : n, bCol = transposeB ? k : 1;
  for (let i = 0; i < batch; i++) {
    const aOffset = batchA === 1 ? 0 : i * m * k;
    const bOffset = batchB === 1 ? 0 : i * k * n;
    gemm(m, n, k, av, aOffset, aRow, aCol, bv, bOffset, bRow, bCol, out, i * m * n, null, GemmActivation.None);
  }
  return new CpuStorage(isInt ? Int32Array.from(out) : out);
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
