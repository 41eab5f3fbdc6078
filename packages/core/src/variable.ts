/** Variables: tensors whose value can be replaced, which gradient tapes watch automatically. */
import { isFloat, type DType } from './dtype.js';
import { createTensor, disposeTensor, replaceStorage, retainStorage, assertLive, withoutTapes, type Storage } from './engine/engine.js';
import { DTypeError, ShapeError, formatShape } from './errors.js';
import { tensor, toTensor, type TensorLike } from './ops/convert.js';
import { add, cast, sub } from './ops/elementwise.js';
import { clone } from './ops/reshape.js';
import { shapesEqual } from './shape.js';
import { Tensor } from './tensor.js';

/** Options of `variable()`. */
export interface VariableOptions {
  /** Watched by gradient tapes automatically and updated by optimizers (default true). */
  readonly trainable?: boolean;
  /** A name shown in summaries and saved weights. */
  readonly name?: string;
  /** Converts the initial value to this dtype. */
  readonly dtype?: DType;
}

let unnamed = 0;

/**
 * A tensor with a mutable value. `assign` replaces it; the shape and dtype never change. Memory
 * scopes (`tidy`) never free a variable: call `dispose()` when done with it.
 */
export class Variable extends Tensor {
  readonly #trainable: boolean;
  /** The variable's name. */
  readonly name: string;

  /** @internal Use `variable()`. */
  constructor(id: number, shape: readonly number[], dtype: DType, storage: Storage, options: { trainable: boolean; name: string }) {
    super(id, shape, dtype, storage, 'variable');
    this.#trainable = options.trainable;
    this.name = options.name;
  }

  override get trainable(): boolean {
    return this.#trainable;
  }

  /** Replaces the value with `value` (same shape and dtype). Returns this variable. */
  assign(value: TensorLike): this {
    assertLive('assign', this, 'the variable');
    const made = toTensor('assign', value, 'value', this.dtype);
    try {
      const next = made.tensor;
      assertLive('assign', next, 'value');
      if (!shapesEqual(next.shape, this.shape)) {
        throw new ShapeError(`assign: value of shape ${formatShape(next.shape)} does not fit variable '${this.name}' of shape ${formatShape(this.shape)}; shapes must match`);
      }
      if (next.dtype !== this.dtype) {
        throw new DTypeError(`assign: value of dtype ${next.dtype} does not fit variable '${this.name}' of dtype ${this.dtype}; cast it first`);
      }
      if (next.storage !== this.storage) {
        retainStorage(next.storage);
        replaceStorage(this, next.storage);
      }
      return this;
    } finally {
      if (made.created) disposeTensor(made.tensor);
    }
  }

  /** Adds `delta` to the value (`assign_add`). */
  assignAdd(delta: TensorLike): this {
    return this.#update(add, delta, 'assignAdd');
  }

  /** Subtracts `delta` from the value (`assign_sub`): the chapter's `w.assign_sub(g * learning_rate)`. */
  assignSub(delta: TensorLike): this {
    return this.#update(sub, delta, 'assignSub');
  }

  #update(combine: (a: Tensor, b: TensorLike) => Tensor, delta: TensorLike, op: string): this {
    assertLive(op, this, 'the variable');
    const next = withoutTapes(() => combine(this, delta));
    try {
      const fitted = next.dtype === this.dtype ? next : cast(next, this.dtype);
      try {
        return this.assign(fitted);
      } finally {
        if (fitted !== next) disposeTensor(fitted);
      }
    } finally {
      disposeTensor(next);
    }
  }
}

/**
 * Makes a variable holding a copy of `initial`.
 *
 * @example const w = variable(randomUniform([784, 512], { maxval: 0.1 })); w.assignSub(g.mul(1e-3));
 */
export function variable(initial: TensorLike, options: VariableOptions = {}): Variable {
  // Plain values are read straight into the requested dtype (float64 keeps its precision).
  const made =
    initial instanceof Tensor ? { tensor: initial, created: false } : { tensor: tensor(initial, { dtype: options.dtype }), created: true };
  try {
    const source = options.dtype && options.dtype !== made.tensor.dtype ? cast(made.tensor, options.dtype) : made.tensor;
    const copy = withoutTapes(() => clone(source));
    const trainable = options.trainable ?? isFloat(copy.dtype);
    const name = options.name ?? `variable_${unnamed++}`;
    retainStorage(copy.storage);
    const result = createTensor(copy.storage, copy.shape, copy.dtype, 'variable', {
      untracked: true,
      make: (id, shape, dtype, storage) => new Variable(id, shape, dtype, storage, { trainable, name }),
    }) as Variable;
    disposeTensor(copy);
    if (source !== made.tensor) disposeTensor(source);
    return result;
  } finally {
    if (made.created) disposeTensor(made.tensor);
  }
}
