/**
 * Tensor reshaping (cells 28-32): MNIST's images flattened to 784 values, a small reshape echoed
 * as NumPy's repr, and a transpose.
 */
import { tensor, transpose, zeros, type Tensor } from '@tensorkit/core';
import type { DatasetSplits } from '@tensorkit/datasets';
import { assert } from '../arrays.js';
import { cell, heading, owner, type Section } from '../notebook.js';
import { npRepr, pyShape, valuesOf } from '../pyformat.js';

export function reshaping(): Section {
  const { own, dispose } = owner();
  let data: DatasetSplits;
  let x: Tensor;

  return {
    name: 'reshaping',
    items: [
      heading('### Tensor reshaping'),
      cell(28, async (ctx) => {
        // mnist.load_data(): through @tensorkit/datasets (local files, the cache, or a download).
        data = await ctx.data();
      }),
      cell(29, () => {
        const { images } = data.train;
        const [n, rows, cols] = images.shape;
        // Freed when the cell ends (190 MB as int32); the later sections make their own.
        const trainImages = tensor(images.data, { shape: [n, rows, cols], dtype: 'int32' });
        const flat = trainImages.reshape([n, 28 * 28]);
        assert(flat.shape[1] === 784, 'train_images.shape[1] == 28 * 28');
      }),
      cell(30, (ctx) => {
        x = own(tensor([[0, 1], [2, 3], [4, 5]], { dtype: 'float64' }));
        ctx.print(pyShape(x.shape)); // the notebook echoes x.shape
      }),
      cell(31, async (ctx) => {
        x = own(x.reshape([6, 1]));
        ctx.print(npRepr(await valuesOf(x))); // the notebook echoes x: NumPy's repr
      }),
      cell(32, (ctx) => {
        x = own(zeros([300, 20], 'float64'));
        x = own(transpose(x));
        ctx.print(pyShape(x.shape));
      }),
      heading('### Geometric interpretation of tensor operations'),
      heading('### A geometric interpretation of deep learning'),
    ],
    dispose,
  };
}
