/** Activations by name, as Keras' `activation='relu'`. */
import type { FusedActivation } from '../backend/contract.js';
import { ArgumentError } from '../errors.js';
import { applyFusedActivation, softmax } from '../ops/nn.js';
import type { Tensor } from '../tensor.js';
import { snakeCase } from './names.js';

/** The activations known by name. */
export type ActivationName = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';

/** An activation: a name, or a function of one tensor. */
export type ActivationIdentifier = ActivationName | (string & {}) | ((x: Tensor) => Tensor);

const KNOWN: readonly ActivationName[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];

/** Resolves an activation name (Keras spelling accepted; `null`/`undefined` is linear). */
export function activationName(identifier: string | null | undefined): ActivationName {
  if (identifier === undefined || identifier === null) return 'linear';
  const name = snakeCase(identifier);
  if ((KNOWN as readonly string[]).includes(name)) return name as ActivationName;
  throw new ArgumentError(`activation '${identifier}' is unknown; valid activations are ${KNOWN.join(', ')} (or pass a function)`);
}

/** True for activations a backend can fuse into a dense kernel. */
export function isFusable(name: ActivationName): name is FusedActivation {
  return name !== 'softmax';
}

/** Applies a named activation. */
export function applyActivation(name: ActivationName, x: Tensor): Tensor {
  return name === 'softmax' ? softmax(x) : applyFusedActivation(x, name);
}
