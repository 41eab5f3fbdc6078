/**
 * The native backend: every kernel runs in the addon (native/*.cc) on buffers it owns. A storage
 * is a typed array over an external ArrayBuffer whose memory the addon allocated, so kernels take
 * and return typed arrays without copies, `readSync` is a plain `slice()`, and `dispose` frees the
 * native memory at once (the storage drops its view, and kernels refuse a freed buffer).
 */
import type {
  AdamUpdateArgs, Backend, BackendCapabilities, BackendMemory, BinaryArgs, CastArgs, ConcatArgs, DataId, DenseArgs, DType,
  GatherArgs, Kernels, MatmulArgs, ReduceArgs, RmspropUpdateArgs, SgdUpdateArgs, SoftmaxArgs,
  SparseSoftmaxCrossEntropyArgs, StridedCopyArgs, TensorInfo, TypedArray, UnaryArgs, WhereArgs,
} from '@tensorkit/core';
import type { NativeAddon } from './addon.js';

type Arr = Float32Array | Float64Array | Int32Array | Uint8Array;

const DTYPE: Record<DType, number> = { float32: 0, float64: 1, int32: 2, bool: 3 } as Record<DType, number>;
const UNARY: Record<UnaryArgs['op'], number> = {
  neg: 0, abs: 1, exp: 2, log: 3, sqrt: 4, square: 5, relu: 6, sigmoid: 7, tanh: 8, sign: 9, floor: 10, ceil: 11, round: 12,
  logicalNot: 13, isNaN: 14, isFinite: 15,
};
const BINARY: Record<BinaryArgs['op'], number> = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, equal: 7, notEqual: 8, less: 9, lessEqual: 10,
  greater: 11, greaterEqual: 12, logicalAnd: 13, logicalOr: 14,
};
const REDUCE: Record<ReduceArgs['op'], number> = { sum: 0, prod: 1, max: 2, min: 3, argmax: 4, argmin: 5 };
const ACTIVATION: Record<DenseArgs['activation'], number> = { linear: 0, relu: 1, sigmoid: 2, tanh: 3 };

function code<K extends string>(table: Record<K, number>, key: K, what: string): number {
  const value = table[key];
  if (value === undefined) throw new Error(`native ${what}: unknown ${String(key)}`);
  return value;
}

/** A native storage handle (the backend's `DataId`). */
export class NativeStorage {
  constructor(public values: Arr) {}
}

const valuesOf = (id: DataId): Arr => (id as NativeStorage).values;
const info = (t: TensorInfo): Arr => (id(t.dataId)).values;
function id(dataId: DataId): NativeStorage {
  if (!(dataId instanceof NativeStorage)) throw new TypeError('native backend: a storage made by another backend reached a native kernel');
  return dataId;
}
const wrap = (values: Arr): NativeStorage => new NativeStorage(values);

function makeKernels(addon: NativeAddon): Kernels {
  const params = addon.params;
  /** Writes a shape followed by stride lists into the addon's parameter block; returns ndim. */
  const setWalk = (shape: readonly number[], ...strides: (readonly number[])[]): number => {
    const ndim = shape.length;
    if ((ndim + 1) * (strides.length + 1) > params.length) throw new RangeError(`native backend: rank ${ndim} is too large`);
    for (let d = 0; d < ndim; d++) params[d] = shape[d];
    for (let k = 0; k < strides.length; k++) {
      const s = strides[k];
      for (let d = 0; d < ndim; d++) params[(k + 1) * ndim + d] = s[d];
    }
    return ndim;
  };
  const target = (t: TensorInfo, inPlace: boolean): Arr => (inPlace ? info(t) : addon.fromArray(info(t)));

  return {
    unary: ({ op, x, outDtype }: UnaryArgs) => wrap(addon.unary(code(UNARY, op, 'unary'), info(x), DTYPE[outDtype])),
    binary: ({ op, a, b, aStrides, bStrides, outShape, outDtype }: BinaryArgs) => {
      const ndim = setWalk(outShape, aStrides, bStrides);
      return wrap(addon.binary(code(BINARY, op, 'binary'), info(a), info(b), DTYPE[outDtype], ndim));
    },
    where: ({ condition, a, b, conditionStrides, aStrides, bStrides, outShape, outDtype }: WhereArgs) => {
      const ndim = setWalk(outShape, conditionStrides, aStrides, bStrides);
      return wrap(addon.where(info(condition), info(a), info(b), DTYPE[outDtype], ndim));
    },
    cast: ({ x, dtype }: CastArgs) => wrap(addon.cast(info(x), DTYPE[dtype])),
    reduce: ({ op, x, outer, reduceSize, inner, outDtype }: ReduceArgs) =>
      wrap(addon.reduce(code(REDUCE, op, 'reduce'), info(x), outer, reduceSize, inner, DTYPE[outDtype])),
    matmul: ({ a, b, transposeA, transposeB, batch, batchA, batchB, m, n, k, outDtype }: MatmulArgs) =>
      wrap(addon.matmul(info(a), info(b), transposeA, transposeB, batch, batchA, batchB, m, n, k, DTYPE[outDtype])),
    stridedCopy: ({ x, outShape, strides, offset }: StridedCopyArgs) => {
      const ndim = setWalk(outShape, strides);
      return wrap(addon.stridedCopy(info(x), ndim, offset));
    },
    concat: ({ inputs, outer, innerSizes, outDtype }: ConcatArgs) => {
      if (innerSizes.length > params.length) throw new RangeError('native concat: too many inputs');
      for (let i = 0; i < innerSizes.length; i++) params[i] = innerSizes[i];
      return wrap(addon.concat(inputs.map(info), outer, DTYPE[outDtype]));
    },
    gather: ({ x, indices, outer, axisSize, inner, indexCount }: GatherArgs) =>
      wrap(addon.gather(info(x), info(indices), outer, axisSize, inner, indexCount)),
    dense: ({ x, w, bias, activation, m, n, k }: DenseArgs) =>
      wrap(addon.dense(info(x), info(w), bias ? info(bias) : null, code(ACTIVATION, activation, 'dense'), m, n, k)),
    softmax: ({ logits, rows, cols }: SoftmaxArgs) => wrap(addon.softmax(info(logits), rows, cols, false)),
    logSoftmax: ({ logits, rows, cols }: SoftmaxArgs) => wrap(addon.softmax(info(logits), rows, cols, true)),
    sparseSoftmaxCrossEntropy: ({ logits, labels, rows, cols }: SparseSoftmaxCrossEntropyArgs) =>
      wrap(addon.sparseSoftmaxCrossEntropy(info(logits), info(labels), rows, cols)),
    sgdUpdate: (args: SgdUpdateArgs) => {
      const { learningRate, momentum, nesterov, inPlace } = args;
      const w = target(args.variable, inPlace);
      if (!args.velocity || momentum === 0) {
        addon.sgd(w, info(args.gradient), null, learningRate, 0, false);
        return { variable: inPlace ? args.variable.dataId : wrap(w), velocity: args.velocity ? args.velocity.dataId : null };
      }
      const v = target(args.velocity, inPlace);
      addon.sgd(w, info(args.gradient), v, learningRate, momentum, nesterov);
      return inPlace ? { variable: args.variable.dataId, velocity: args.velocity.dataId } : { variable: wrap(w), velocity: wrap(v) };
    },
    rmspropUpdate: (args: RmspropUpdateArgs) => {
      const { learningRate, rho, epsilon, inPlace } = args;
      const w = target(args.variable, inPlace);
      const ms = target(args.meanSquare, inPlace);
      addon.rmsprop(w, info(args.gradient), ms, learningRate, rho, epsilon);
      return inPlace ? { variable: args.variable.dataId, meanSquare: args.meanSquare.dataId } : { variable: wrap(w), meanSquare: wrap(ms) };
    },
    adamUpdate: (args: AdamUpdateArgs) => {
      const { learningRate, beta1, beta2, epsilon, step, inPlace } = args;
      const w = target(args.variable, inPlace);
      const m = target(args.m, inPlace);
      const v = target(args.v, inPlace);
      const alpha = (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
      addon.adam(w, info(args.gradient), m, v, alpha, beta1, beta2, epsilon);
      return inPlace ? { variable: args.variable.dataId, m: args.m.dataId, v: args.v.dataId } : { variable: wrap(w), m: wrap(m), v: wrap(v) };
    },
  };
}

/**
 * The native backend. Construct it with a loaded addon (see `createNativeBackend`, which loads the
 * addon and throws with the reason when it cannot).
 */
export class NativeBackend implements Backend {
  readonly name = 'native';
  readonly capabilities: BackendCapabilities;
  readonly kernels: Kernels;

  constructor(readonly addon: NativeAddon, readonly binaryPath: string) {
    this.kernels = makeKernels(addon);
    this.capabilities = {
      dtypes: ['float32', 'float64', 'int32', 'bool'],
      precision: 'float32',
      syncRead: true,
      threads: addon.getThreads(),
      notes: [
        `gemm micro-kernel: ${addon.gemmKernel()}; threads: ${addon.getThreads()} (TENSORKIT_NATIVE_THREADS)`,
        'float32 matmul accumulates in float32 (FMA); element-wise ops and reductions compute in float64 and round once; ' +
          'float32 softmax and cross-entropy take exponentials in float32 (vectorised, within 2 ulp) and sum them in float64; ' +
          'RMSprop and Adam update float32 variables in float32 math, as Keras does',
      ],
    };
  }

  /** Copies `values` into a native buffer (core hands the array over; the copy is one memcpy). */
  write(values: TypedArray, _dtype: DType, _shape: readonly number[]): NativeStorage {
    return wrap(this.addon.fromArray(values as Arr));
  }

  /** A copy of the values on the JavaScript heap. */
  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  /** A copy of the values, synchronously. */
  readSync(dataId: DataId): TypedArray {
    return id(dataId).values.slice();
  }

  /** Frees the native buffer now (idempotent). */
  dispose(dataId: DataId): void {
    const storage = id(dataId);
    const values = storage.values;
    // The addon frees the memory without detaching the view (see addon.cc: detaching slows every
    // typed array in the process); the storage drops the view so nothing can reach freed memory.
    storage.values = values.subarray(0, 0) as Arr;
    this.addon.free(values);
  }

  /** Native bytes of live storages, and those plus freed buffers kept for reuse. */
  memory(): BackendMemory {
    const [bytes, , reserved] = this.addon.memory();
    return { bytesInUse: bytes, bytesReserved: reserved };
  }

  /** Returns the cached free buffers to the system. */
  destroy(): void {
    this.addon.releaseCache();
  }

  /** Sets the number of threads kernels use (1 to 64). */
  setThreads(n: number): void {
    this.addon.setThreads(n);
    (this.capabilities as { threads: number }).threads = this.addon.getThreads();
  }
}

export { valuesOf };
