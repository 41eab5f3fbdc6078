/** The layer base: weights created lazily from the first input's shape, as Keras builds layers. */
import { disposeTensor } from '../engine/engine.js';
import { ShapeError, formatShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { variable, type Variable } from '../variable.js';
import { withoutTapes } from '../engine/engine.js';
import type { Initializer } from './initializers.js';
import { uniqueName } from './names.js';

/** A layer's serialisable description, as Keras' `get_config()`. */
export interface LayerConfig {
  readonly name: string;
  readonly [key: string]: unknown;
}

/** Options every layer takes. */
export interface LayerOptions {
  /** The layer's name (default: its kind, made unique: `dense`, `dense_1`, ...). */
  readonly name?: string;
  /** The shape of one input without the batch axis, to build the layer before its first call. */
  readonly inputShape?: readonly number[];
  /** Float dtype of the weights (default float32). */
  readonly dtype?: 'float32' | 'float64';
}

/**
 * A layer: a function of tensors with weights. Subclasses implement `build` (make weights for an
 * input shape) and `call` (the computation); `apply` builds on first use.
 */
export abstract class Layer {
  /** The layer's kind, as Keras' class name (`Dense`). */
  abstract readonly className: string;
  /** The layer's unique name; its weights are named `<name>/<weight>`. */
  readonly name: string;
  /** Weight dtype. */
  readonly dtype: 'float32' | 'float64';
  /** The input shape given at construction, without the batch axis, if any. */
  readonly inputShape?: readonly number[];
  #weights: Variable[] = [];
  #built = false;
  #builtInputShape: readonly number[] | null = null;

  constructor(kind: string, options: LayerOptions = {}) {
    this.name = options.name ?? uniqueName(kind);
    this.dtype = options.dtype ?? 'float32';
    this.inputShape = options.inputShape;
  }

  /** True once the weights exist. */
  get built(): boolean {
    return this.#built;
  }

  /** The shape the layer was built for (batch axis first), or null before it is built. */
  get builtInputShape(): readonly number[] | null {
    return this.#builtInputShape;
  }

  /** Every weight, trainable or not. */
  get weights(): Variable[] {
    return [...this.#weights];
  }

  /** The weights an optimizer updates. */
  get trainableWeights(): Variable[] {
    return this.#weights.filter((w) => w.trainable);
  }

  /** The weights an optimizer leaves alone. */
  get nonTrainableWeights(): Variable[] {
    return this.#weights.filter((w) => !w.trainable);
  }

  /** Makes a weight named `<layer>/<name>`; call from `build`. */
  protected addWeight(name: string, shape: readonly number[], initializer: Initializer, trainable = true): Variable {
    const made = withoutTapes(() => {
      const initial = initializer(shape, this.dtype);
      try {
        return variable(initial, { name: `${this.name}/${name}`, trainable, dtype: this.dtype });
      } finally {
        disposeTensor(initial);
      }
    });
    this.#weights.push(made);
    return made;
  }

  /** Creates the weights for inputs of `inputShape` (batch axis first). */
  protected abstract build(inputShape: readonly number[]): void;

  /** The computation, on a built layer. */
  abstract call(inputs: Tensor): Tensor;

  /** The output shape for an input shape (batch axis first; `null` for an unknown batch). */
  abstract computeOutputShape(inputShape: readonly (number | null)[]): (number | null)[];

  /** The configuration that recreates this layer (without its weights). */
  abstract getConfig(): LayerConfig;

  /** Builds the layer for `inputShape` if it is not built yet. */
  ensureBuilt(inputShape: readonly number[]): void {
    if (this.#built) {
      this.#checkInput(inputShape);
      return;
    }
    this.build(inputShape);
    this.#built = true;
    this.#builtInputShape = [...inputShape];
  }

  #checkInput(inputShape: readonly number[]): void {
    const expected = this.#builtInputShape;
    if (!expected) return;
    const same = expected.length === inputShape.length && expected.every((d, i) => i === 0 || d === inputShape[i]);
    if (!same) {
      throw new ShapeError(
        `${this.name}: input of shape ${formatShape(inputShape)} does not fit this layer, built for inputs of shape ` +
          `[batch,${expected.slice(1).join(',')}]`,
      );
    }
  }

  /** Calls the layer, building it from the first input's shape. */
  apply(inputs: Tensor): Tensor {
    this.ensureBuilt(inputs.shape);
    return this.call(inputs);
  }

  /** Number of weight values. */
  countParams(): number {
    return this.#weights.reduce((total, w) => total + w.size, 0);
  }

  /** Frees the layer's weights. */
  dispose(): void {
    for (const w of this.#weights) w.dispose();
    this.#weights = [];
    this.#built = false;
  }
}
