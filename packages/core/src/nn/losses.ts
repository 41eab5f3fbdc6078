/**
 * Losses with Keras' formulas, each returning one value per sample (the model averages them).
 * Probabilities are clipped to [1e-7, 1 - 1e-7] as Keras does; `fromLogits` skips that and uses the
 * stable logits formulas.
 */
import { ArgumentError } from '../errors.js';
import { tidy } from '../engine/scope.js';
import { abs, add, cast, clip, div, exp, log, maximum, mul, neg, square, sub } from '../ops/elementwise.js';
import { logSoftmax, sparseSoftmaxCrossEntropy } from '../ops/nn.js';
import { mean, sum } from '../ops/reduction.js';
import type { Tensor } from '../tensor.js';
import { snakeCase } from './names.js';

const EPSILON = 1e-7;

/** Options of the cross-entropy losses. */
export interface CrossentropyOptions {
  /** True when predictions are logits (no softmax/sigmoid applied). Default false. */
  readonly fromLogits?: boolean;
}

/** A loss: targets and predictions to one loss per sample. */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

function labelsOf(yTrue: Tensor): Tensor {
  return yTrue.dtype === 'int32' ? yTrue : cast(yTrue, 'int32');
}

/**
 * Cross-entropy between integer class labels `[batch]` and predicted probabilities (or logits)
 * `[batch, classes]`: Keras' `sparse_categorical_crossentropy`.
 */
export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor, options: CrossentropyOptions = {}): Tensor {
  return tidy(() => {
    const labels = labelsOf(yTrue.rank === yPred.rank ? yTrue.reshape(yTrue.shape.slice(0, -1)) : yTrue);
    // log of clipped probabilities are logits whose softmax renormalises them, as Keras computes it.
    const logits = options.fromLogits ? yPred : log(clip(yPred, EPSILON, 1 - EPSILON));
    return sparseSoftmaxCrossEntropy(labels, logits);
  });
}

/** Cross-entropy between one-hot targets and probabilities (or logits): Keras' `categorical_crossentropy`. */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor, options: CrossentropyOptions = {}): Tensor {
  return tidy(() => {
    const logProbabilities = options.fromLogits
      ? logSoftmax(yPred)
      : log(clip(div(yPred, sum(yPred, -1, true)), EPSILON, 1 - EPSILON));
    return neg(sum(mul(cast(yTrue, yPred.dtype), logProbabilities), -1));
  });
}

/** Binary cross-entropy averaged over the last axis: Keras' `binary_crossentropy`. */
export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, options: CrossentropyOptions = {}): Tensor {
  return tidy(() => {
    const z = cast(yTrue, yPred.dtype);
    if (options.fromLogits) {
      // max(x, 0) - x·z + log(1 + exp(-|x|)): never overflows.
      const x = yPred;
      return mean(add(sub(maximum(x, 0), mul(x, z)), log(add(exp(neg(abs(x))), 1))), -1);
    }
    const p = clip(yPred, EPSILON, 1 - EPSILON);
    return mean(neg(add(mul(z, log(p)), mul(sub(1, z), log(sub(1, p))))), -1);
  });
}

/** Mean squared error over the last axis: Keras' `mean_squared_error`. */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  return tidy(() => mean(square(sub(cast(yTrue, yPred.dtype), yPred)), -1));
}

/** The kinds of loss `compile` knows, which also decide what `'accuracy'` means. */
export type LossKind = 'sparse_categorical_crossentropy' | 'categorical_crossentropy' | 'binary_crossentropy' | 'mean_squared_error';

const LOSSES: Record<LossKind, LossFunction> = {
  sparse_categorical_crossentropy: (t, p) => sparseCategoricalCrossentropy(t, p),
  categorical_crossentropy: (t, p) => categoricalCrossentropy(t, p),
  binary_crossentropy: (t, p) => binaryCrossentropy(t, p),
  mean_squared_error: meanSquaredError,
};

/** Resolves a loss name (camelCase or Keras' snake_case; `mse` too) to its kind. */
export function lossKind(name: string): LossKind {
  const key = snakeCase(name) === 'mse' ? 'mean_squared_error' : snakeCase(name);
  if (key in LOSSES) return key as LossKind;
  throw new ArgumentError(`loss '${name}' is unknown; valid losses are ${Object.keys(LOSSES).join(', ')} (camelCase accepted) or a function`);
}

/** The loss function of a kind. */
export function lossFunction(kind: LossKind): LossFunction {
  return LOSSES[kind];
}
