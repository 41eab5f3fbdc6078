/** The chapter's first example (cells 39-43): the Keras model, `fit`, then `evaluate`. */
import { dense, sequential, type History, type Sequential } from '@tensorkit/core';
import type { TensorSplit } from './data.js';

/** Builds and compiles the chapter's model. */
export function chapterModel(): Sequential {
  const model = sequential([dense({ units: 512, activation: 'relu' }), dense({ units: 10, activation: 'softmax' })]);
  model.compile({ optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

/** Trains and evaluates; returns the model (caller disposes), the History and the test accuracy. */
export async function trainKerasModel(
  train: TensorSplit,
  test: TensorSplit,
  options: { epochs: number; batchSize: number; quiet: boolean },
): Promise<{ model: Sequential; history: History; testAccuracy: number }> {
  const model = chapterModel();
  const history = await model.fit(train.images, train.labels, { epochs: options.epochs, batchSize: options.batchSize, verbose: options.quiet ? 0 : 'auto' });
  const scores = await model.evaluate(test.images, test.labels, { batchSize: 1000 });
  return { model, history, testAccuracy: scores.accuracy };
}
