/**
 * The chapter's second half (cells 44-53) on core ops alone: NaiveDense, NaiveSequential, a batch
 * generator, one training step with GradientTape, the manual weight update (plain SGD first, then
 * RMSprop through `applyGradients`, as the chapter redefines `update_weights`), and evaluation.
 */
import {
  GradientTape, argmax, equal, matmul, mean, randomUniform, relu, rmsprop, slice, softmax, sparseCategoricalCrossentropy,
  tidy, variable, zeros, type Optimizer, type Tensor, type Variable,
} from '@tensorkit/core';
import type { TensorSplit } from './data.js';

/** `activation(inputs · W + b)` with W uniform in [0, 0.1) and b zeros, as the chapter's NaiveDense. */
export class NaiveDense {
  readonly W: Variable;
  readonly b: Variable;
  constructor(inputSize: number, outputSize: number, readonly activation: (x: Tensor) => Tensor) {
    this.W = tidy(() => variable(randomUniform([inputSize, outputSize], { minval: 0, maxval: 1e-1 })));
    this.b = tidy(() => variable(zeros([outputSize])));
  }

  call(inputs: Tensor): Tensor {
    return tidy(() => this.activation(matmul(inputs, this.W).add(this.b)));
  }

  get weights(): Variable[] {
    return [this.W, this.b];
  }
}

/** Layers called in order, as the chapter's NaiveSequential. */
export class NaiveSequential {
  constructor(readonly layers: NaiveDense[]) {}

  call(inputs: Tensor): Tensor {
    return tidy(() => this.layers.reduce((x, layer) => layer.call(x), inputs));
  }

  get weights(): Variable[] {
    return this.layers.flatMap((l) => l.weights);
  }
}

/** Consecutive batches without shuffling, as the chapter's BatchGenerator. */
export class BatchGenerator {
  index = 0;
  readonly numBatches: number;
  constructor(readonly images: Tensor, readonly labels: Tensor, readonly batchSize = 128) {
    this.numBatches = Math.ceil(images.shape[0] / batchSize);
  }

  next(): [Tensor, Tensor] {
    const size = Math.min(this.batchSize, this.images.shape[0] - this.index);
    const batch: [Tensor, Tensor] = [slice(this.images, [this.index], [size]), slice(this.labels, [this.index], [size])];
    this.index += this.batchSize;
    return batch;
  }
}

/** How weights are updated from gradients: the chapter defines it twice. */
export type UpdateWeights = (gradients: Tensor[], weights: Variable[]) => void;

/** Cell 49: plain gradient descent with learning rate 1e-3. */
export function sgdUpdate(learningRate = 1e-3): UpdateWeights {
  return (gradients, weights) => gradients.forEach((g, i) => tidy(() => weights[i].assignSub(g.mul(learningRate))));
}

/** Cell 50: RMSprop through `applyGradients` (dispose the optimizer's slots when done). */
export function rmspropUpdate(optimizer: Optimizer = rmsprop()): UpdateWeights {
  return (gradients, weights) => optimizer.applyGradients(gradients, weights);
}

/** Cell 48: forward pass under a tape, mean loss, gradients, update. Returns the loss (caller disposes). */
export function oneTrainingStep(model: NaiveSequential, images: Tensor, labels: Tensor, update: UpdateWeights): Tensor {
  return tidy(() => {
    const tape = new GradientTape();
    const averageLoss = tape.record(() => mean(sparseCategoricalCrossentropy(labels, model.call(images))));
    update(tape.gradient(averageLoss, model.weights), model.weights);
    return averageLoss;
  });
}

/** Cell 51: `epochs` passes, printing the loss every 100 batches. */
export async function fit(model: NaiveSequential, images: Tensor, labels: Tensor, epochs: number, update: UpdateWeights, print: (line: string) => void, batchSize = 128): Promise<number[]> {
  const epochSeconds: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const started = performance.now();
    print(`Epoch ${epoch + 1}`);
    const batches = new BatchGenerator(images, labels, batchSize);
    for (let batch = 0; batch < batches.numBatches; batch++) {
      const [x, y] = batches.next();
      const loss = oneTrainingStep(model, x, y, update);
      x.dispose();
      y.dispose();
      if (batch % 100 === 0) print(`loss at batch ${batch}: ${(await loss.data())[0].toFixed(2)}`);
      loss.dispose();
    }
    epochSeconds.push((performance.now() - started) / 1000);
  }
  return epochSeconds;
}

/** The mean loss over (up to) the first 10,000 training samples, for the JSON report. */
function oneTrainingLoss(model: NaiveSequential, train: TensorSplit): Tensor {
  const n = Math.min(train.images.shape[0], 10000);
  return mean(sparseCategoricalCrossentropy(slice(train.labels, [0], [n]), model.call(slice(train.images, [0], [n]))));
}

/** Cell 53: the share of test images whose most probable class is the label. */
export async function accuracy(model: NaiveSequential, test: TensorSplit): Promise<number> {
  const matches = tidy(() => mean(equal(argmax(model.call(test.images), 1), test.labels).cast('float32')));
  const value = (await matches.data())[0];
  matches.dispose();
  return value;
}

/** Cell 46: the chapter's two-layer model. */
export function naiveModel(): NaiveSequential {
  return new NaiveSequential([new NaiveDense(28 * 28, 512, relu), new NaiveDense(512, 10, softmax)]);
}

/**
 * Runs the chapter's second half: one step with the plain-SGD update (cell 49) to show it, then
 * `epochs` of training with the RMSprop update (cell 50), then the test accuracy.
 */
export async function trainFromScratch(
  train: TensorSplit,
  test: TensorSplit,
  options: { epochs: number; batchSize: number; print: (line: string) => void },
): Promise<{ epochSeconds: number[]; lastLoss: number; testAccuracy: number; dispose(): void }> {
  const model = naiveModel();
  const { print } = options;
  const [x, y] = new BatchGenerator(train.images, train.labels, options.batchSize).next();
  const sgdLoss = oneTrainingStep(model, x, y, sgdUpdate(1e-3));
  print(`one step of plain SGD (learning rate 1e-3): loss ${(await sgdLoss.data())[0].toFixed(2)}`);
  tidy(() => [sgdLoss, x, y].forEach((t) => t.dispose()));
  const optimizer = rmsprop();
  const epochSeconds = await fit(model, train.images, train.labels, options.epochs, rmspropUpdate(optimizer), print, options.batchSize);
  optimizer.dispose();
  const trainingLoss = tidy(() => oneTrainingLoss(model, train));
  const lastLoss = (await trainingLoss.data())[0];
  trainingLoss.dispose();
  const testAccuracy = await accuracy(model, test);
  print(`accuracy: ${testAccuracy.toFixed(2)}`);
  return { epochSeconds, lastLoss, testAccuracy, dispose: () => model.weights.forEach((w) => w.dispose()) };
}
