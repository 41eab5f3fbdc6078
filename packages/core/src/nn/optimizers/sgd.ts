/** Stochastic gradient descent, optionally with (Nesterov) momentum. */
import { ArgumentError } from '../../errors.js';
import { sgdUpdate } from '../../ops/optimizer-updates.js';
import type { Tensor } from '../../tensor.js';
import type { Variable } from '../../variable.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';

/** Options of `sgd()` (Keras' defaults: learning rate 0.01, no momentum). */
export interface SgdOptions extends OptimizerOptions {
  readonly momentum?: number;
  readonly nesterov?: boolean;
}

/** SGD as Keras' `optimizers.SGD`. */
export class SGD extends Optimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;
  protected readonly slotCount: number;

  constructor(options: SgdOptions = {}) {
    super(0.01, options);
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new ArgumentError(`sgd: momentum must be in [0, 1], got ${this.momentum}`);
    this.slotCount = this.momentum > 0 ? 1 : 0;
  }

  protected updateVariable(variable: Variable, gradient: Tensor, slots: Variable[]): void {
    sgdUpdate(variable, gradient, slots[0] ?? null, { learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov });
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov };
  }
}

/** @example sgd({ learningRate: 1e-3 }) */
export function sgd(options: SgdOptions = {}): SGD {
  return new SGD(options);
}
