/** Adam. */
import { adamUpdate } from '../../ops/optimizer-updates.js';
import type { Tensor } from '../../tensor.js';
import type { Variable } from '../../variable.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';

/** Options of `adam()` (Keras' defaults: learning rate 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7). */
export interface AdamOptions extends OptimizerOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

/** Adam as Keras' `optimizers.Adam`. */
export class Adam extends Optimizer {
  readonly name = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  protected readonly slotCount = 2;

  constructor(options: AdamOptions = {}) {
    super(0.001, options);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  protected updateVariable(variable: Variable, gradient: Tensor, slots: Variable[], step: number): void {
    adamUpdate(variable, gradient, slots[0], slots[1], {
      learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, step,
    });
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** @example adam({ learningRate: 3e-4 }) */
export function adam(options: AdamOptions = {}): Adam {
  return new Adam(options);
}
