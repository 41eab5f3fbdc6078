/** The optimizer base: slot variables per weight, `applyGradients` as Keras' `apply_gradients`. */
import { ArgumentError, ShapeError, formatShape } from '../../errors.js';
import { withoutTapes } from '../../engine/engine.js';
import { zeros } from '../../ops/creation.js';
import { shapesEqual } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { Variable, variable } from '../../variable.js';

/** Gradients paired with the variables they update, as Keras' `zip(gradients, weights)`. */
export type GradientsAndVariables = Iterable<readonly [Tensor | null, Variable]>;

/** Options every optimizer takes. */
export interface OptimizerOptions {
  readonly learningRate?: number;
}

/** Updates variables from their gradients; subclasses implement one step for one variable. */
export abstract class Optimizer {
  /** Keras' name of the optimizer (`rmsprop`). */
  abstract readonly name: string;
  /** The step size. */
  learningRate: number;
  /** Steps taken so far (Keras' `iterations`). */
  iterations = 0;
  readonly #slots = new Map<Variable, Variable[]>();

  constructor(defaultLearningRate: number, options: OptimizerOptions) {
    const learningRate = options.learningRate ?? defaultLearningRate;
    if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
      throw new ArgumentError(`optimizer: learningRate must be a finite number > 0, got ${learningRate}`);
    }
    this.learningRate = learningRate;
  }

  /** How many slot variables (moments, velocities) each weight needs. */
  protected abstract readonly slotCount: number;

  /** One step for one variable with its slots. */
  protected abstract updateVariable(variable: Variable, gradient: Tensor, slots: Variable[], step: number): void;

  /** The configuration that recreates the optimizer. */
  abstract getConfig(): Record<string, unknown>;

  #slotsFor(target: Variable): Variable[] {
    let slots = this.#slots.get(target);
    if (!slots) {
      slots = withoutTapes(() =>
        Array.from({ length: this.slotCount }, (_, i) => {
          const initial = zeros(target.shape, target.dtype);
          try {
            return variable(initial, { trainable: false, name: `${target.name}/${this.name}_slot_${i}` });
          } finally {
            initial.dispose();
          }
        }),
      );
      this.#slots.set(target, slots);
    }
    return slots;
  }

  /**
   * Applies one step: `applyGradients(grads, variables)`, or `applyGradients(pairs)` with
   * `[gradient, variable]` pairs (Keras' `apply_gradients(zip(grads, weights))`). A null gradient
   * leaves its variable alone.
   *
   * @example optimizer.applyGradients(tape.gradient(loss, model.trainableWeights), model.trainableWeights)
   */
  applyGradients(gradients: readonly (Tensor | null)[] | GradientsAndVariables, variables?: readonly Variable[]): void {
    const pairs: (readonly [Tensor | null, Variable])[] = variables
      ? (gradients as readonly (Tensor | null)[]).map((g, i) => [g, variables[i]] as const)
      : [...(gradients as GradientsAndVariables)];
    if (variables && (gradients as readonly unknown[]).length !== variables.length) {
      throw new ArgumentError(`applyGradients: ${(gradients as readonly unknown[]).length} gradients for ${variables.length} variables; give one per variable`);
    }
    for (const [g, v] of pairs) {
      if (!(v instanceof Variable)) throw new ArgumentError('applyGradients: every target must be a variable (made by variable() or a layer)');
      if (g !== null && !(g instanceof Tensor)) throw new ArgumentError(`applyGradients: the gradient for '${v.name}' is not a tensor`);
      if (g && !shapesEqual(g.shape, v.shape)) {
        throw new ShapeError(`applyGradients: gradient of shape ${formatShape(g.shape)} does not match variable '${v.name}' of shape ${formatShape(v.shape)}`);
      }
    }
    this.iterations++;
    for (const [g, v] of pairs) if (g) this.updateVariable(v, g.dtype === v.dtype ? g : g.cast(v.dtype), this.#slotsFor(v), this.iterations);
  }

  /** Frees the slot variables. */
  dispose(): void {
    for (const slots of this.#slots.values()) for (const s of slots) s.dispose();
    this.#slots.clear();
  }
}
