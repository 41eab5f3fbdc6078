/**
 * Reimplementing our first example from scratch (cells 44-53): NaiveDense, NaiveSequential, a
 * batch generator, one training step with a GradientTape, the weight update (plain SGD, then
 * RMSprop's `applyGradients`), the training loop, and the test accuracy.
 */
import {
  GradientTape, RMSprop, argmax, equal, matmul, mean, randomUniform, relu, slice, softmax, sparseCategoricalCrossentropy, tidy, variable, zeros,
  type Tensor, type Variable,
} from '@tensorkit/core';
import { assert } from '../arrays.js';
import { prepare, type TensorSplit } from '../data.js';
import { cell, heading, owner, type Section } from '../notebook.js';
import { pyFixed } from '../pyformat.js';
import { epochsOf } from './first-example.js';

/** An activation: `tf.nn.relu`, `tf.nn.softmax`. */
export type Activation = (x: Tensor) => Tensor;

/** In [44]: a dense layer by hand: `activation(inputs · W + b)`, W uniform in [0, 0.1), b zeros. */
export class NaiveDense {
  readonly activation: Activation;
  readonly W: Variable;
  readonly b: Variable;

  constructor(options: { inputSize: number; outputSize: number; activation: Activation }) {
    this.activation = options.activation;
    const wShape = [options.inputSize, options.outputSize];
    this.W = tidy(() => variable(randomUniform(wShape, { minval: 0, maxval: 1e-1 })));
    const bShape = [options.outputSize];
    this.b = tidy(() => variable(zeros(bShape)));
  }

  /** `__call__`. */
  call(inputs: Tensor): Tensor {
    return tidy(() => this.activation(matmul(inputs, this.W).add(this.b)));
  }

  get weights(): Variable[] {
    return [this.W, this.b];
  }

  dispose(): void {
    this.W.dispose();
    this.b.dispose();
  }
}

/** In [45]: layers applied in order; `weights` lists every layer's. */
export class NaiveSequential {
  readonly layers: readonly NaiveDense[];

  constructor(layers: readonly NaiveDense[]) {
    this.layers = layers;
  }

  call(inputs: Tensor): Tensor {
    return tidy(() => {
      let x = inputs;
      for (const layer of this.layers) {
        x = layer.call(x);
      }
      return x;
    });
  }

  get weights(): Variable[] {
    const weights: Variable[] = [];
    for (const layer of this.layers) {
      weights.push(...layer.weights);
    }
    return weights;
  }

  dispose(): void {
    for (const layer of this.layers) layer.dispose();
  }
}

/** In [47]: consecutive batches of `batchSize` samples, no shuffling (the last one may be short). */
export class BatchGenerator {
  index = 0;
  readonly images: Tensor;
  readonly labels: Tensor;
  readonly batchSize: number;
  readonly numBatches: number;

  constructor(images: Tensor, labels: Tensor, batchSize = 128) {
    assert(images.shape[0] === labels.shape[0], 'len(images) == len(labels)');
    this.images = images;
    this.labels = labels;
    this.batchSize = batchSize;
    this.numBatches = Math.ceil(images.shape[0] / batchSize);
  }

  /** The next `[images, labels]` batch (new tensors; the caller frees them). */
  next(): [Tensor, Tensor] {
    // Python's slicing stops at the end by itself; slice() needs the size.
    const size = Math.max(0, Math.min(this.batchSize, this.images.shape[0] - this.index));
    const images = slice(this.images, [this.index], [size]);
    const labels = slice(this.labels, [this.index], [size]);
    this.index += this.batchSize;
    return [images, labels];
  }
}

/** `update_weights(gradients, weights)`: how one step changes the weights. */
export type UpdateWeights = (gradients: readonly Tensor[], weights: readonly Variable[]) => void;

/**
 * In [48]: predictions, per-sample losses and their mean recorded on a tape, the gradients of the
 * mean with respect to the weights, and `updateWeights` with them. Returns the mean loss.
 */
export function oneTrainingStep(model: NaiveSequential, imagesBatch: Tensor, labelsBatch: Tensor, updateWeights: UpdateWeights): Tensor {
  return tidy(() => {
    const tape = new GradientTape();
    const averageLoss = tape.record(() => {
      const predictions = model.call(imagesBatch);
      const perSampleLosses = sparseCategoricalCrossentropy(labelsBatch, predictions);
      return mean(perSampleLosses);
    });
    const gradients = tape.gradient(averageLoss, model.weights);
    updateWeights(gradients, model.weights);
    return averageLoss;
  });
}

/** In [49]: plain gradient descent, `w.assign_sub(g * learning_rate)`. */
export function sgdUpdate(learningRate: number): UpdateWeights {
  return (gradients, weights) => {
    gradients.forEach((g, i) => {
      tidy(() => {
        weights[i].assignSub(g.mul(learningRate));
      });
    });
  };
}

/** In [50]: `optimizer.apply_gradients(zip(gradients, weights))`. */
export function optimizerUpdate(optimizer: RMSprop): UpdateWeights {
  return (gradients, weights) => optimizer.applyGradients(gradients.map((g, i) => [g, weights[i]] as const));
}

/**
 * In [51]: `epochs` passes over the data in batches of 128 (the notebook's BatchGenerator ignores
 * `batch_size`), printing the loss every 100 batches.
 */
export async function fit(
  model: NaiveSequential, images: Tensor, labels: Tensor, epochs: number, updateWeights: UpdateWeights, print: (line: string) => void, batchSize = 128,
): Promise<void> {
  void batchSize; // as in the notebook: BatchGenerator(images, labels) uses its default of 128
  for (let epochCounter = 0; epochCounter < epochs; epochCounter++) {
    print(`Epoch ${epochCounter + 1}`);
    const batchGenerator = new BatchGenerator(images, labels);
    for (let batchCounter = 0; batchCounter < batchGenerator.numBatches; batchCounter++) {
      const loss = tidy(() => {
        const [imagesBatch, labelsBatch] = batchGenerator.next();
        return oneTrainingStep(model, imagesBatch, labelsBatch, updateWeights);
      });
      try {
        if (batchCounter % 100 === 0) print(`loss at batch ${batchCounter}: ${pyFixed((await loss.data())[0], 2)}`);
      } finally {
        loss.dispose();
      }
    }
  }
}

/** In [53]: the share of test images whose most probable class is their label. */
export async function accuracy(model: NaiveSequential, images: Tensor, labels: Tensor): Promise<number> {
  const meanMatches = tidy(() => {
    const predictions = model.call(images);
    const predictedLabels = argmax(predictions, 1);
    const matches = equal(predictedLabels, labels);
    return mean(matches.cast('float64'));
  });
  try {
    return (await meanMatches.data())[0];
  } finally {
    meanMatches.dispose();
  }
}

export function fromScratch(): Section & { readonly model: () => NaiveSequential | undefined } {
  const { own, dispose } = owner();
  let model: NaiveSequential | undefined;
  let updateWeights: UpdateWeights | undefined;
  let optimizer: RMSprop | undefined;
  let train: TensorSplit;
  let test: TensorSplit;

  return {
    name: 'from-scratch',
    model: () => model,
    items: [
      heading('### Reimplementing our first example from scratch in TensorFlow'),
      heading('#### A simple Dense class'),
      cell(44, () => {
        // class NaiveDense: see above.
      }),
      heading('#### A simple Sequential class'),
      cell(45, () => {
        // class NaiveSequential: see above.
      }),
      cell(46, () => {
        model = new NaiveSequential([
          new NaiveDense({ inputSize: 28 * 28, outputSize: 512, activation: relu }),
          new NaiveDense({ inputSize: 512, outputSize: 10, activation: (x) => softmax(x) }),
        ]);
        assert(model.weights.length === 4, 'len(model.weights) == 4');
      }),
      heading('#### A batch generator'),
      cell(47, () => {
        // class BatchGenerator: see above.
      }),
      heading('### Running one training step'),
      cell(48, () => {
        // def one_training_step(model, images_batch, labels_batch): see oneTrainingStep above.
      }),
      cell(49, () => {
        const learningRate = 1e-3;
        updateWeights = sgdUpdate(learningRate);
      }),
      cell(50, () => {
        // update_weights is defined again: from here on, training uses RMSprop.
        optimizer = new RMSprop();
        updateWeights = optimizerUpdate(optimizer);
      }),
      heading('### The full training loop'),
      cell(51, () => {
        // def fit(model, images, labels, epochs, batch_size=128): see fit above.
      }),
      cell(52, async (ctx) => {
        const data = await ctx.data();
        train = prepare(data.train);
        test = prepare(data.test);
        [train.images, train.labels, test.images, test.labels].forEach(own);
        await fit(model!, train.images, train.labels, epochsOf(ctx.quick, 10), updateWeights!, ctx.print, 128);
      }),
      heading('### Evaluating the model'),
      cell(53, async (ctx) => {
        ctx.print(`accuracy: ${pyFixed(await accuracy(model!, test.images, test.labels), 2)}`);
      }),
      heading('## Summary'),
    ],
    dispose() {
      dispose();
      model?.dispose();
      optimizer?.dispose();
    },
  };
}
