/**
 * The Tensor: an immutable n-dimensional array on a backend. Values are read with `await data()`
 * (any backend) or `dataSync()` (backends that can); every op is also a method.
 */
import type { DType, TypedArray } from './dtype.js';
import type { Storage } from './engine/engine.js';
import * as engine from './engine/engine.js';
import { ShapeError } from './errors.js';
import { formatArray } from './format.js';
import * as ops from './ops/index.js';
import type { TensorLike } from './ops/convert.js';
import { sizeOf } from './shape.js';

/** Nested JavaScript arrays as `array()` returns them: numbers (booleans for bool tensors). */
export type NestedArray = number | boolean | NestedArray[];

function nest(values: ArrayLike<number>, shape: readonly number[], dtype: DType): NestedArray {
  const asValue = dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
  if (shape.length === 0) return asValue(values[0]);
  const build = (dim: number, offset: number): NestedArray[] => {
    const out: NestedArray[] = [];
    const stride = sizeOf(shape.slice(dim + 1));
    for (let i = 0; i < shape[dim]; i++) {
      out.push(dim === shape.length - 1 ? asValue(values[offset + i]) : build(dim + 1, offset + i * stride));
    }
    return out;
  };
  return build(0, 0);
}

/**
 * An n-dimensional array. Create one with `tensor()`, `zeros()` and friends; free it with
 * `dispose()`, `using`, or by creating it inside `tidy()`.
 *
 * @example
 * const x = tensor([[1, -2], [3, -4]]);
 * console.log(x.relu().toString()); // [[1. 0.]\n [3. 0.]]
 */
export class Tensor {
  /** Identity for gradient tapes; views made for tapes share it. */
  readonly id: number;
  /** Dimensions, outermost first; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: DType;
  #storage: Storage;
  #op: string;
  #disposed = false;
  #kept = false;
  /**
   * @internal What the engine's garbage-collection safety net holds for this tensor, set once it
   * watches it (tensors that no memory scope owns); not for users.
   */
  leakInfo: { storage: Storage; readonly op: string; readonly shape: readonly number[] } | undefined;

  /** @internal Tensors are made by ops and creation functions, never with `new`. */
  constructor(id: number, shape: readonly number[], dtype: DType, storage: Storage, op: string) {
    this.id = id;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.#storage = storage;
    this.#op = op;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** The name of the op that made this tensor (shown in errors about it). */
  get op(): string {
    return this.#op;
  }

  /** True once `dispose()` has freed it. */
  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** True when `keep()` exempted it from `tidy`. */
  get isKept(): boolean {
    return this.#kept;
  }

  /** True for variables that gradient tapes watch automatically. */
  get trainable(): boolean {
    return false;
  }

  /** The name of the backend that holds the values. */
  get backend(): string {
    return this.#storage.backend.name;
  }

  /** @internal */
  get storage(): Storage {
    return this.#storage;
  }

  /** @internal */
  setStorage(storage: Storage): void {
    this.#storage = storage;
    if (this.leakInfo) this.leakInfo.storage = storage;
  }

  /** @internal */
  markDisposed(): void {
    this.#disposed = true;
  }

  /** @internal */
  markKept(): void {
    this.#kept = true;
  }

  /** @internal */
  relabel(op: string): void {
    this.#op = op;
  }

  /** The values, row-major, in a fresh typed array (Uint8Array of 0/1 for bool). */
  data(): Promise<TypedArray> {
    return engine.readValues(this);
  }

  /** The values synchronously; throws `BackendError` on backends that read asynchronously (webgpu). */
  dataSync(): TypedArray {
    return engine.readValuesSync(this);
  }

  /** The values as nested arrays (booleans for bool tensors). */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape, this.dtype);
  }

  /** `array()` synchronously, where the backend can read synchronously. */
  arraySync(): NestedArray {
    return nest(this.dataSync(), this.shape, this.dtype);
  }

  /** The value of a one-element tensor as a number (or boolean). */
  async item(): Promise<number | boolean> {
    if (this.size !== 1) throw new ShapeError(`item: tensor has ${this.size} elements; item() needs exactly 1`);
    return nest(await this.data(), [], this.dtype) as number | boolean;
  }

  /**
   * The values printed the way NumPy prints arrays (`[[1 0 3 0]\n [5 6 0 8]]`). On backends that read
   * asynchronously, a description instead; use `await tensor.format()` there.
   */
  toString(): string {
    if (this.#disposed) return `Tensor(disposed, ${this.dtype} [${this.shape.join(',')}], made by '${this.#op}')`;
    if (!engine.canReadSync(this)) return `Tensor(${this.dtype} [${this.shape.join(',')}] on ${this.backend}; await tensor.format() to print values)`;
    return formatArray(this.dataSync(), this.shape, this.dtype);
  }

  /** The values printed like NumPy, on any backend. */
  async format(): Promise<string> {
    return formatArray(await this.data(), this.shape, this.dtype);
  }

  /** Frees the tensor's memory now. Using it afterwards throws `DisposedError`. */
  dispose(): void {
    engine.disposeTensor(this);
  }

  /** Frees the tensor at the end of a `using` block. */
  [Symbol.dispose](): void {
    engine.disposeTensor(this);
  }

  /** A copy of this tensor on backend `name` (which must be initialised), leaving this one as it is. */
  async to(name: string): Promise<Tensor> {
    return ops.moveToBackend(this, name);
  }

  // Element-wise
  /** `add(this, other)` with broadcasting. */ add(other: TensorLike): Tensor { return ops.add(this, other); }
  /** `sub(this, other)`. */ sub(other: TensorLike): Tensor { return ops.sub(this, other); }
  /** `mul(this, other)`. */ mul(other: TensorLike): Tensor { return ops.mul(this, other); }
  /** `div(this, other)`. */ div(other: TensorLike): Tensor { return ops.div(this, other); }
  /** `pow(this, exponent)`. */ pow(exponent: TensorLike): Tensor { return ops.pow(this, exponent); }
  /** `maximum(this, other)`. */ maximum(other: TensorLike): Tensor { return ops.maximum(this, other); }
  /** `minimum(this, other)`. */ minimum(other: TensorLike): Tensor { return ops.minimum(this, other); }
  /** `neg(this)`. */ neg(): Tensor { return ops.neg(this); }
  /** `abs(this)`. */ abs(): Tensor { return ops.abs(this); }
  /** `exp(this)`. */ exp(): Tensor { return ops.exp(this); }
  /** `log(this)`. */ log(): Tensor { return ops.log(this); }
  /** `sqrt(this)`. */ sqrt(): Tensor { return ops.sqrt(this); }
  /** `square(this)`. */ square(): Tensor { return ops.square(this); }
  /** `relu(this)`. */ relu(): Tensor { return ops.relu(this); }
  /** `sigmoid(this)`. */ sigmoid(): Tensor { return ops.sigmoid(this); }
  /** `tanh(this)`. */ tanh(): Tensor { return ops.tanh(this); }
  /** `sign(this)`. */ sign(): Tensor { return ops.sign(this); }
  /** `equal(this, other)`. */ equal(other: TensorLike): Tensor { return ops.equal(this, other); }
  /** `notEqual(this, other)`. */ notEqual(other: TensorLike): Tensor { return ops.notEqual(this, other); }
  /** `less(this, other)`. */ less(other: TensorLike): Tensor { return ops.less(this, other); }
  /** `lessEqual(this, other)`. */ lessEqual(other: TensorLike): Tensor { return ops.lessEqual(this, other); }
  /** `greater(this, other)`. */ greater(other: TensorLike): Tensor { return ops.greater(this, other); }
  /** `greaterEqual(this, other)`. */ greaterEqual(other: TensorLike): Tensor { return ops.greaterEqual(this, other); }
  /** `logicalAnd(this, other)`. */ logicalAnd(other: TensorLike): Tensor { return ops.logicalAnd(this, other); }
  /** `logicalOr(this, other)`. */ logicalOr(other: TensorLike): Tensor { return ops.logicalOr(this, other); }
  /** `logicalNot(this)`. */ logicalNot(): Tensor { return ops.logicalNot(this); }
  /** `clip(this, min, max)`. */ clip(min: number, max: number): Tensor { return ops.clip(this, min, max); }
  /** `cast(this, dtype)`. */ cast(dtype: DType): Tensor { return ops.cast(this, dtype); }

  // Reductions
  /** `sum(this, axes, keepDims)`. */ sum(axes?: number | number[], keepDims = false): Tensor { return ops.sum(this, axes, keepDims); }
  /** `mean(this, axes, keepDims)`. */ mean(axes?: number | number[], keepDims = false): Tensor { return ops.mean(this, axes, keepDims); }
  /** `max(this, axes, keepDims)`. */ max(axes?: number | number[], keepDims = false): Tensor { return ops.max(this, axes, keepDims); }
  /** `min(this, axes, keepDims)`. */ min(axes?: number | number[], keepDims = false): Tensor { return ops.min(this, axes, keepDims); }
  /** `prod(this, axes, keepDims)`. */ prod(axes?: number | number[], keepDims = false): Tensor { return ops.prod(this, axes, keepDims); }
  /** `argmax(this, axis)`. */ argmax(axis?: number): Tensor { return ops.argmax(this, axis); }
  /** `argmin(this, axis)`. */ argmin(axis?: number): Tensor { return ops.argmin(this, axis); }
  /** `logSumExp(this, axes, keepDims)`. */ logSumExp(axes?: number | number[], keepDims = false): Tensor { return ops.logSumExp(this, axes, keepDims); }

  // Products
  /** `matmul(this, other, options)`. */ matmul(other: TensorLike, options?: ops.MatmulOptions): Tensor { return ops.matmul(this, other, options); }
  /** `dot(this, other)`, NumPy's dot. */ dot(other: TensorLike): Tensor { return ops.dot(this, other); }

  // Shape
  /** `reshape(this, shape)`; one dimension may be -1. */ reshape(shape: readonly number[]): Tensor { return ops.reshape(this, shape); }
  /** `transpose(this, perm)`; reverses the axes by default. */ transpose(perm?: readonly number[]): Tensor { return ops.transpose(this, perm); }
  /** The transpose (axes reversed), as NumPy's `x.T`. */ get T(): Tensor { return ops.transpose(this); }
  /** `expandDims(this, axis)`. */ expandDims(axis = 0): Tensor { return ops.expandDims(this, axis); }
  /** `squeeze(this, axes)`. */ squeeze(axes?: number | number[]): Tensor { return ops.squeeze(this, axes); }
  /** `flatten(this)`: a 1-D view. */ flatten(): Tensor { return ops.flatten(this); }
  /** `slice(this, begin, size)`. */ slice(begin: number | readonly number[], size?: number | readonly number[]): Tensor { return ops.slice(this, begin, size); }
  /** `gather(this, indices, axis)`. */ gather(indices: TensorLike, axis = 0): Tensor { return ops.gather(this, indices, axis); }
  /** `broadcastTo(this, shape)`. */ broadcastTo(shape: readonly number[]): Tensor { return ops.broadcastTo(this, shape); }
  /** A new tensor with the same values (its own storage). */ clone(): Tensor { return ops.clone(this); }

  // Neural-network functions
  /** `softmax(this, axis)`. */ softmax(axis = -1): Tensor { return ops.softmax(this, axis); }
  /** `logSoftmax(this, axis)`. */ logSoftmax(axis = -1): Tensor { return ops.logSoftmax(this, axis); }
}
