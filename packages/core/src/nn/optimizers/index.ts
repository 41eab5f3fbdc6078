/** Optimizers, and resolving one by name. */
import { ArgumentError } from '../../errors.js';
import { snakeCase } from '../names.js';
import { Adam } from './adam.js';
import { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

export { Optimizer, type GradientsAndVariables, type OptimizerOptions } from './optimizer.js';
export { SGD, sgd, type SgdOptions } from './sgd.js';
export { RMSprop, rmsprop, type RmspropOptions } from './rmsprop.js';
export { Adam, adam, type AdamOptions } from './adam.js';

/** An optimizer, or its name with Keras' defaults (`'rmsprop'`, `'sgd'`, `'adam'`). */
export type OptimizerIdentifier = Optimizer | string;

/** Resolves an optimizer identifier. */
export function getOptimizer(identifier: OptimizerIdentifier): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  switch (snakeCase(String(identifier))) {
    case 'sgd':
      return new SGD();
    case 'rmsprop':
    case 'r_m_sprop':
      return new RMSprop();
    case 'adam':
      return new Adam();
    default:
      throw new ArgumentError(`optimizer '${String(identifier)}' is unknown; valid optimizers are sgd, rmsprop, adam, or an Optimizer instance`);
  }
}
