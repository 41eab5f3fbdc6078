/**
 * The backend contract: what a backend implements so that every op in core runs on it.
 *
 * A backend owns storage (opaque `DataId`s) and kernels. Kernels never see a `Tensor`: they get
 * storages with shapes and dtypes, plus explicit output shapes and input strides computed by core
 * (a broadcast dimension has stride 0), and return new storages. Core has already checked shapes
 * and dtypes and promoted operands to a common dtype, so kernels need not.
 *
 * The required primitives are few; the fused kernels are optional fast paths that replace a
 * composite defined in core (the conformance suite checks that both agree).
 */
import type { DType, TypedArray } from '../dtype.js';

/** A backend's handle to one storage. Core never looks inside it. */
export type DataId = object;

/** A storage with the shape and dtype core reads it as (always contiguous, row-major). */
export interface TensorInfo {
  readonly dataId: DataId;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** Element-wise functions of one argument. Output dtype is given by core in `UnaryArgs.outDtype`. */
export type UnaryOp =
  | 'neg' | 'abs' | 'exp' | 'log' | 'sqrt' | 'square' | 'relu' | 'sigmoid' | 'tanh'
  | 'sign' | 'floor' | 'ceil' | 'round' | 'logicalNot' | 'isNaN' | 'isFinite';

/** Element-wise functions of two arguments with broadcasting. */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual'
  | 'logicalAnd' | 'logicalOr';

/** Reductions over the middle axis of an `[outer, reduce, inner]` view. */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin';

/** Activations a fused dense kernel applies after its bias. */
export type FusedActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh';

/** Arguments of `unary`: apply `op` to every element of `x`. `round` rounds half to even, as NumPy. */
export interface UnaryArgs {
  readonly op: UnaryOp;
  readonly x: TensorInfo;
  readonly outDtype: DType;
}

/**
 * Arguments of `binary`: `out[i] = a[i·aStrides] op b[i·bStrides]` over every index `i` of `outShape`.
 * `a` and `b` have the same dtype; comparisons and logical ops produce bool.
 */
export interface BinaryArgs {
  readonly op: BinaryOp;
  readonly a: TensorInfo;
  readonly b: TensorInfo;
  readonly aStrides: readonly number[];
  readonly bStrides: readonly number[];
  readonly outShape: readonly number[];
  readonly outDtype: DType;
}

/** Arguments of `where`: `out[i] = condition[i] ? a[i] : b[i]`, each read through its strides. */
export interface WhereArgs {
  readonly condition: TensorInfo;
  readonly a: TensorInfo;
  readonly b: TensorInfo;
  readonly conditionStrides: readonly number[];
  readonly aStrides: readonly number[];
  readonly bStrides: readonly number[];
  readonly outShape: readonly number[];
  readonly outDtype: DType;
}

/** Arguments of `cast`: convert every element (float to int truncates toward zero; bool is x != 0). */
export interface CastArgs {
  readonly x: TensorInfo;
  readonly dtype: DType;
}

/**
 * Arguments of `reduce`: `x` viewed as `[outer, reduceSize, inner]`, reduced over the middle axis to
 * `[outer, inner]`. argmax and argmin return the first index of the extreme value (NaN counts as
 * the extreme, as in NumPy) as int32; max and min propagate NaN. reduceSize is at least 1 for
 * max, min, argmax and argmin; for sum and prod it may be 0 (giving 0 and 1).
 */
export interface ReduceArgs {
  readonly op: ReduceOp;
  readonly x: TensorInfo;
  readonly outer: number;
  readonly reduceSize: number;
  readonly inner: number;
  readonly outDtype: DType;
}

/**
 * Arguments of `matmul`: `out[b] = op(a[b]) · op(b[b])` for each batch `b`, where `a` is
 * `[batchA, m, k]` (`[batchA, k, m]` if transposeA) and `b` is `[batchB, k, n]` (`[batchB, n, k]` if
 * transposeB); `batchA` and `batchB` are each 1 (shared by every batch) or `batch`. Output `[batch, m, n]`.
 */
export interface MatmulArgs {
  readonly a: TensorInfo;
  readonly b: TensorInfo;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly batch: number;
  readonly batchA: number;
  readonly batchB: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly outDtype: DType;
}

/**
 * Arguments of `stridedCopy`: a contiguous tensor of `outShape` whose element at index `i` is
 * `x[offset + i·strides]`. Core expresses transpose, slice and broadcastTo this way.
 */
export interface StridedCopyArgs {
  readonly x: TensorInfo;
  readonly outShape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Arguments of `concat`: each input viewed as `[outer, innerSizes[i]]`, joined along the second axis. */
export interface ConcatArgs {
  readonly inputs: readonly TensorInfo[];
  readonly outer: number;
  readonly innerSizes: readonly number[];
  readonly outDtype: DType;
}

/**
 * Arguments of `gather`: `x` viewed as `[outer, axisSize, inner]`, `indices` int32 of `indexCount`
 * elements already checked to lie in `[0, axisSize)` where core can check; out `[outer, indexCount, inner]`.
 * An index out of range that reaches a kernel gives zeros (never a read out of bounds).
 */
export interface GatherArgs {
  readonly x: TensorInfo;
  readonly indices: TensorInfo;
  readonly outer: number;
  readonly axisSize: number;
  readonly inner: number;
  readonly indexCount: number;
}

/** Arguments of the fused `dense` kernel: `activation(x · w + bias)` with x `[m, k]`, w `[k, n]`, bias `[n]` or null. */
export interface DenseArgs {
  readonly x: TensorInfo;
  readonly w: TensorInfo;
  readonly bias: TensorInfo | null;
  readonly activation: FusedActivation;
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

/** Arguments of the fused `softmax` and `logSoftmax` kernels: over the last axis of `[rows, cols]`. */
export interface SoftmaxArgs {
  readonly logits: TensorInfo;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Arguments of the fused `sparseSoftmaxCrossEntropy` kernel: per-row loss
 * `logSumExp(logits[r]) - logits[r, labels[r]]` for logits `[rows, cols]` and int32 labels `[rows]`.
 */
export interface SparseSoftmaxCrossEntropyArgs {
  readonly logits: TensorInfo;
  readonly labels: TensorInfo;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Arguments shared by the fused optimizer updates. When `inPlace` is true, core guarantees that no
 * other tensor shares these storages, so the kernel may overwrite them and return the same ids.
 */
export interface UpdateArgsBase {
  readonly variable: TensorInfo;
  readonly gradient: TensorInfo;
  readonly inPlace: boolean;
}

/** SGD with momentum, Keras' rule: `v = momentum·v - lr·g; w += nesterov ? momentum·v - lr·g : v`. */
export interface SgdUpdateArgs extends UpdateArgsBase {
  readonly velocity: TensorInfo | null;
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
}

/** RMSprop, Keras' rule: `ms = rho·ms + (1-rho)·g²; w -= lr·g / sqrt(ms + epsilon)`. */
export interface RmspropUpdateArgs extends UpdateArgsBase {
  readonly meanSquare: TensorInfo;
  readonly learningRate: number;
  readonly rho: number;
  readonly epsilon: number;
}

/** Adam, Keras' rule: `m += (g-m)(1-β1); v += (g²-v)(1-β2); w -= lr·sqrt(1-β2^t)/(1-β1^t) · m/(sqrt(v)+ε)`. */
export interface AdamUpdateArgs extends UpdateArgsBase {
  readonly m: TensorInfo;
  readonly v: TensorInfo;
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly step: number;
}

/** The primitives every backend implements. */
export interface RequiredKernels {
  unary(args: UnaryArgs): DataId;
  binary(args: BinaryArgs): DataId;
  where(args: WhereArgs): DataId;
  cast(args: CastArgs): DataId;
  reduce(args: ReduceArgs): DataId;
  matmul(args: MatmulArgs): DataId;
  stridedCopy(args: StridedCopyArgs): DataId;
  concat(args: ConcatArgs): DataId;
  gather(args: GatherArgs): DataId;
}

/** Optional fused kernels; core composes each from primitives when a backend lacks it. */
export interface FusedKernels {
  dense(args: DenseArgs): DataId;
  softmax(args: SoftmaxArgs): DataId;
  logSoftmax(args: SoftmaxArgs): DataId;
  sparseSoftmaxCrossEntropy(args: SparseSoftmaxCrossEntropyArgs): DataId;
  sgdUpdate(args: SgdUpdateArgs): { variable: DataId; velocity: DataId | null };
  rmspropUpdate(args: RmspropUpdateArgs): { variable: DataId; meanSquare: DataId };
  adamUpdate(args: AdamUpdateArgs): { variable: DataId; m: DataId; v: DataId };
}

/** A backend's kernel table: every required primitive, any subset of the fused ones. */
export type Kernels = RequiredKernels & Partial<FusedKernels>;

/** The name of a kernel, required or fused. */
export type KernelName = keyof RequiredKernels | keyof FusedKernels;

/** Names of the required primitives. */
export const REQUIRED_KERNELS: readonly (keyof RequiredKernels)[] = [
  'unary', 'binary', 'where', 'cast', 'reduce', 'matmul', 'stridedCopy', 'concat', 'gather',
];

/** Names of the optional fused kernels. */
export const FUSED_KERNELS: readonly (keyof FusedKernels)[] = [
  'dense', 'softmax', 'logSoftmax', 'sparseSoftmaxCrossEntropy', 'sgdUpdate', 'rmspropUpdate', 'adamUpdate',
];

/** What a backend declares it can do, so users and the conformance suite need not find out by failure. */
export interface BackendCapabilities {
  /** Dtypes the backend stores and computes. float32, int32 and bool are required; float64 is optional. */
  readonly dtypes: readonly DType[];
  /** The float dtype its arithmetic is carried out in for float32 tensors (some GPUs: lower). */
  readonly precision: 'float32' | 'float64';
  /** True when values can be read synchronously (`dataSync`). */
  readonly syncRead: boolean;
  /** Threads the backend computes with (1 when single-threaded). */
  readonly threads: number;
  /** Free-form facts worth showing a user (for example "wasm threads unavailable: no SharedArrayBuffer"). */
  readonly notes?: readonly string[];
}

/** Memory a backend reports: bytes of live storages, and bytes it holds from the system in all. */
export interface BackendMemory {
  readonly bytesInUse: number;
  readonly bytesReserved: number;
}

/**
 * A backend instance. Storage methods: `write` takes ownership of `values` (core never touches the
 * array again); `read` returns a fresh array the caller owns; `dispose` frees a storage exactly once.
 */
export interface Backend {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  readonly kernels: Kernels;
  write(values: TypedArray, dtype: DType, shape: readonly number[]): DataId;
  read(dataId: DataId, dtype: DType, size: number): Promise<TypedArray>;
  readSync?(dataId: DataId, dtype: DType, size: number): TypedArray;
  dispose(dataId: DataId): void;
  memory(): BackendMemory;
  /** Releases everything the backend holds (workers, devices). The backend is unusable afterwards. */
  destroy?(): void | Promise<void>;
}

/** What a backend factory is told about the request. */
export interface BackendFactoryContext {
  /**
   * True when the user named this backend (`setBackend`, `TENSORKIT_BACKEND`); false when `ready()`
   * is choosing the best available one. A backend may decline, with its reason, a mode it would
   * not recommend unasked (a software GPU adapter), so `ready()` moves on to the next backend.
   */
  readonly requested: boolean;
}

/** Makes a backend; may be async (GPU devices, wasm modules) and may throw with the reason it is unavailable. */
export type BackendFactory = (context: BackendFactoryContext) => Backend | Promise<Backend>;
