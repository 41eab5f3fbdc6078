/**
 * Looking back at our first example (cells 39-43): the Keras model of chapter 1 in TensorKit's
 * Keras API: `sequential`, `dense`, `compile`, `fit`.
 */
import { dense, sequential, type Sequential, type Tensor } from '@tensorkit/core';
import { prepare } from '../data.js';
import { cell, heading, owner, type Section } from '../notebook.js';

/** Epochs of cell 43: the notebook's 5, or 1 with `--quick`. */
export const epochsOf = (quick: boolean, full: number): number => (quick ? 1 : full);

export function firstExample(): Section & { readonly model: () => Sequential | undefined } {
  const { own, dispose } = owner();
  let trainImages: Tensor;
  let trainLabels: Tensor;
  let model: Sequential | undefined;

  return {
    name: 'first-example',
    model: () => model,
    items: [
      heading('## Looking back at our first example'),
      cell(39, async (ctx) => {
        const data = await ctx.data();
        const train = prepare(data.train);
        const test = prepare(data.test);
        trainImages = own(train.images);
        trainLabels = own(train.labels);
        own(test.images);
        own(test.labels);
      }),
      cell(41, () => {
        model = sequential([dense({ units: 512, activation: 'relu' }), dense({ units: 10, activation: 'softmax' })]);
      }),
      cell(42, () => {
        model!.compile({ optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
      }),
      cell(43, async (ctx) => {
        // verbose 1 draws Keras' progress bar; through a line sink each epoch ends as one line,
        // `469/469 ━━━━━━━━━━━━━━━━━━━━ 3s 3ms/step - accuracy: 0.8713 - loss: 0.4440`.
        await model!.fit(trainImages, trainLabels, { epochs: epochsOf(ctx.quick, 5), batchSize: 128, verbose: 1, output: ctx.progress });
      }),
    ],
    dispose() {
      dispose();
      model?.dispose();
    },
  };
}
