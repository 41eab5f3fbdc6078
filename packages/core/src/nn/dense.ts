/** The densely connected layer: `activation(inputs · kernel + bias)`. */
import { ArgumentError, ShapeError, formatShape } from '../errors.js';
import { isFloat } from '../dtype.js';
import { cast } from '../ops/elementwise.js';
import { fusedDense } from '../ops/nn.js';
import { reshape } from '../ops/reshape.js';
import { tidy } from '../engine/scope.js';
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import { activationName, applyActivation, isFusable, type ActivationName } from './activations.js';
import { getInitializer, type InitializerIdentifier } from './initializers.js';
import { Layer, type LayerConfig, type LayerOptions } from './layer.js';

/** Options of `dense()`, Keras' `Dense` arguments in camelCase. */
export interface DenseOptions extends LayerOptions {
  /** Number of outputs. */
  readonly units: number;
  /** Activation name (default linear). */
  readonly activation?: string | null;
  /** Whether to add a bias (default true). */
  readonly useBias?: boolean;
  /** Kernel initializer (default glorotUniform). */
  readonly kernelInitializer?: InitializerIdentifier;
  /** Bias initializer (default zeros). */
  readonly biasInitializer?: InitializerIdentifier;
}

/** A densely connected layer. Inputs of rank > 2 are flattened to `[batch, features]`. */
export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly #kernelInitializer: InitializerIdentifier;
  readonly #biasInitializer: InitializerIdentifier;
  #kernel: Variable | null = null;
  #bias: Variable | null = null;

  constructor(options: DenseOptions) {
    super('dense', options);
    if (!Number.isInteger(options.units) || options.units <= 0) {
      throw new ArgumentError(`dense: units must be a positive integer, got ${String(options.units)}`);
    }
    this.units = options.units;
    this.activation = activationName(options.activation);
    this.useBias = options.useBias ?? true;
    this.#kernelInitializer = options.kernelInitializer ?? 'glorotUniform';
    this.#biasInitializer = options.biasInitializer ?? 'zeros';
    if (options.inputShape) this.ensureBuilt([1, ...options.inputShape]);
  }

  /** The kernel `[inputs, units]` (after building). */
  get kernel(): Variable | null {
    return this.#kernel;
  }

  /** The bias `[units]` (after building, when `useBias`). */
  get bias(): Variable | null {
    return this.#bias;
  }

  protected build(inputShape: readonly number[]): void {
    if (inputShape.length < 2) {
      throw new ShapeError(`${this.name}: Dense needs inputs of rank >= 2 ([batch, features]), got shape ${formatShape(inputShape)}`);
    }
    const features = inputShape.slice(1).reduce((a, b) => a * b, 1);
    this.#kernel = this.addWeight('kernel', [features, this.units], getInitializer(this.#kernelInitializer));
    if (this.useBias) this.#bias = this.addWeight('bias', [this.units], getInitializer(this.#biasInitializer));
  }

  /** `inputs · kernel + bias` before the activation (the logits of a softmax layer). */
  callLogits(inputs: Tensor): Tensor {
    return this.#affine(inputs, 'linear');
  }

  call(inputs: Tensor): Tensor {
    if (isFusable(this.activation)) return this.#affine(inputs, this.activation);
    return tidy(() => applyActivation(this.activation, this.#affine(inputs, 'linear')));
  }

  #affine(inputs: Tensor, activation: 'linear' | 'relu' | 'sigmoid' | 'tanh'): Tensor {
    const kernel = this.#kernel!;
    return tidy(() => {
      let x = inputs.dtype === this.dtype ? inputs : cast(inputs, isFloat(inputs.dtype) ? this.dtype : this.dtype);
      if (x.rank !== 2) x = reshape(x, [x.shape[0], -1]);
      return fusedDense(x, kernel, this.#bias, activation);
    });
  }

  computeOutputShape(inputShape: readonly (number | null)[]): (number | null)[] {
    return [inputShape[0] ?? null, this.units];
  }

  getConfig(): LayerConfig {
    return {
      name: this.name,
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      dtype: this.dtype,
      ...(typeof this.#kernelInitializer === 'string' ? { kernelInitializer: this.#kernelInitializer } : {}),
      ...(typeof this.#biasInitializer === 'string' ? { biasInitializer: this.#biasInitializer } : {}),
      ...(this.inputShape ? { inputShape: [...this.inputShape] } : {}),
    };
  }
}

/**
 * A densely connected layer, as Keras' `layers.Dense`.
 *
 * @example sequential([dense({ units: 512, activation: 'relu' }), dense({ units: 10, activation: 'softmax' })])
 */
export function dense(options: DenseOptions): Dense {
  return new Dense(options);
}
