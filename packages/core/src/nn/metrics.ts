/**
 * Metrics: per-batch values computed as tensors and averaged over an epoch in JavaScript, as
 * Keras' stateful metrics report a running mean.
 */
import { ArgumentError } from '../errors.js';
import { tidy } from '../engine/scope.js';
import { cast, equal, greater } from '../ops/elementwise.js';
import { argmax, mean } from '../ops/reduction.js';
import type { Tensor } from '../tensor.js';
import type { LossKind } from './losses.js';
import { snakeCase } from './names.js';

/** A metric: targets and predictions to one value per sample (averaged by the model). */
export interface Metric {
  /** The name in logs and the progress bar (`accuracy`, `val_accuracy`). */
  readonly name: string;
  readonly fn: (yTrue: Tensor, yPred: Tensor) => Tensor;
}

/** 1 where the predicted class (argmax) equals the integer label. */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  return tidy(() => {
    const labels = yTrue.rank === yPred.rank ? yTrue.reshape(yTrue.shape.slice(0, -1)) : yTrue;
    return cast(equal(argmax(yPred, -1), cast(labels, 'int32')), 'float32');
  });
}

/** 1 where the predicted class equals the one-hot target's class. */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  return tidy(() => cast(equal(argmax(yPred, -1), argmax(yTrue, -1)), 'float32'));
}

/** Fraction of outputs on the right side of 0.5, averaged over the last axis. */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  return tidy(() => mean(cast(equal(greater(yPred, 0.5), greater(cast(yTrue, yPred.dtype), 0.5)), 'float32'), -1));
}

const BY_NAME: Record<string, (yTrue: Tensor, yPred: Tensor) => Tensor> = {
  sparse_categorical_accuracy: sparseCategoricalAccuracy,
  categorical_accuracy: categoricalAccuracy,
  binary_accuracy: binaryAccuracy,
};

/**
 * Resolves a metric name. `'accuracy'` (or `'acc'`) means the accuracy that fits the loss, as in
 * Keras: sparse categorical for sparse labels, categorical for one-hot, binary for binary.
 */
export function getMetric(identifier: string | Metric, loss: LossKind | null): Metric {
  if (typeof identifier !== 'string') return identifier;
  const key = snakeCase(identifier);
  if (key === 'accuracy' || key === 'acc') {
    const fn =
      loss === 'categorical_crossentropy' ? categoricalAccuracy : loss === 'binary_crossentropy' || loss === 'mean_squared_error' ? binaryAccuracy : sparseCategoricalAccuracy;
    return { name: identifier, fn };
  }
  const fn = BY_NAME[key];
  if (!fn) throw new ArgumentError(`metric '${identifier}' is unknown; valid metrics are accuracy, ${Object.keys(BY_NAME).join(', ')} (camelCase accepted) or { name, fn }`);
  return { name: identifier, fn };
}

/**
 * A running mean of values weighted by count, as Keras' `metrics.Mean`: what the progress bar
 * shows for the loss and every metric during an epoch.
 */
export class Mean {
  #total = 0;
  #count = 0;

  /** Adds `value` observed over `count` samples. */
  update(value: number, count = 1): void {
    this.#total += value * count;
    this.#count += count;
  }

  /** The mean so far (0 before any update). */
  result(): number {
    return this.#count === 0 ? 0 : this.#total / this.#count;
  }

  /** Forgets everything. */
  reset(): void {
    this.#total = 0;
    this.#count = 0;
  }
}
