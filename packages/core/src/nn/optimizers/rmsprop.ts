/** RMSprop, the chapter's optimizer. */
import { ArgumentError } from '../../errors.js';
import { rmspropUpdate } from '../../ops/optimizer-updates.js';
import type { Tensor } from '../../tensor.js';
import type { Variable } from '../../variable.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';

/** Options of `rmsprop()` (Keras' defaults: learning rate 1e-3, rho 0.9, epsilon 1e-7). */
export interface RmspropOptions extends OptimizerOptions {
  readonly rho?: number;
  readonly epsilon?: number;
}

/** RMSprop as Keras' `optimizers.RMSprop` (without momentum or centering). */
export class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  readonly rho: number;
  readonly epsilon: number;
  protected readonly slotCount = 1;

  constructor(options: RmspropOptions & { momentum?: number; centered?: boolean } = {}) {
    super(0.001, options);
    if (options.momentum || options.centered) {
      throw new ArgumentError('rmsprop: momentum and centered are not supported; use sgd({ momentum }) or adam() for momentum');
    }
    this.rho = options.rho ?? 0.9;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  protected updateVariable(variable: Variable, gradient: Tensor, slots: Variable[]): void {
    rmspropUpdate(variable, gradient, slots[0], { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon });
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon };
  }
}

/** @example model.compile({ optimizer: rmsprop({ learningRate: 1e-3 }), ... }) */
export function rmsprop(options: RmspropOptions = {}): RMSprop {
  return new RMSprop(options);
}
