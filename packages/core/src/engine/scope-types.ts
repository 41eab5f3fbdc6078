import type { Tensor } from '../tensor.js';

/** A memory scope: the tensors created while it was in force, freed when it ends. */
export interface Scope {
  readonly tensors: Tensor[];
  readonly parent: Scope | null;
}
