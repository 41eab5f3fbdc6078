/** The cpu backend: every kernel of the contract in TypeScript on typed arrays. */
import type { Backend, BackendCapabilities, BackendMemory, DType, Kernels, TypedArray } from '@tensorkit/core';
import { cast, binary, unary, where } from './kernels/elementwise.js';
import { concat, gather, stridedCopy } from './kernels/movement.js';
import { dense, matmul } from './kernels/matmul.js';
import { logSoftmax, softmax, sparseSoftmaxCrossEntropy } from './kernels/nn.js';
import { adamUpdate, rmspropUpdate, sgdUpdate } from './kernels/optimizers.js';
import { reduce } from './kernels/reduce.js';
import { CpuStorage, cpuBytesInUse } from './storage.js';

const KERNELS: Kernels = {
  unary, binary, where, cast, reduce, matmul, stridedCopy, concat, gather,
  dense, softmax, logSoftmax, sparseSoftmaxCrossEntropy, sgdUpdate, rmspropUpdate, adamUpdate,
};

/**
 * The reference backend, also the fallback everywhere JavaScript runs. Reads are synchronous;
 * float64 is supported.
 *
 * @example registerBackend('cpu', () => new CpuBackend(), 1)
 */
export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly capabilities: BackendCapabilities = {
    dtypes: ['float32', 'float64', 'int32', 'bool'],
    precision: 'float64',
    syncRead: true,
    threads: 1,
    notes: ['float32 values are computed in float64 and rounded on store; reductions accumulate in float64'],
  };
  readonly kernels: Kernels = KERNELS;

  /** Wraps `values` (which core hands over) as a storage. */
  write(values: TypedArray, _dtype: DType, _shape: readonly number[]): CpuStorage {
    return new CpuStorage(values);
  }

  /** A copy of the values. */
  async read(dataId: object): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  /** A copy of the values, synchronously. */
  readSync(dataId: object): TypedArray {
    return (dataId as CpuStorage).values.slice();
  }

  /** Frees the storage's array. */
  dispose(dataId: object): void {
    (dataId as CpuStorage).free();
  }

  /** Bytes of live storages (they live on the JavaScript heap; nothing is reserved beyond them). */
  memory(): BackendMemory {
    const bytes = cpuBytesInUse();
    return { bytesInUse: bytes, bytesReserved: bytes };
  }
}
