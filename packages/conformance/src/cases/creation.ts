/** Creation ops: values, shapes and dtypes. */
import * as tk from '@tensorkit/core';
import { expectTensor } from '../assert.js';
import { casesFor, type ConformanceCase } from '../case.js';

/** Cases for tensor, scalar, zeros, ones, fill, zerosLike, onesLike, range, eye. */
export function creationCases(): ConformanceCase[] {
  return [
    ...casesFor('creation', 'tensor', {
      'nested arrays default to float32': async (c) => {
        await expectTensor(c.own(tk.tensor([[1, 2, 3], [4, 5, 6]])), { shape: [2, 3], dtype: 'float32', values: [1, 2, 3, 4, 5, 6] });
      },
      'int32 truncates, bool from booleans': async (c) => {
        await expectTensor(c.own(tk.tensor([1.7, -2.7], { dtype: 'int32' })), { shape: [2], dtype: 'int32', values: [1, -2] });
        await expectTensor(c.own(tk.tensor([true, false])), { shape: [2], dtype: 'bool', values: [1, 0] });
      },
      'typed array with shape': async (c) => {
        await expectTensor(c.own(tk.tensor(new Int32Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] })), { shape: [3, 2], dtype: 'int32', values: [1, 2, 3, 4, 5, 6] });
      },
    }),
    ...casesFor('creation', 'scalar', {
      'rank 0 in the given or inferred dtype': async (c) => {
        await expectTensor(c.own(tk.scalar(3.5)), { shape: [], dtype: 'float32', values: [3.5] });
        await expectTensor(c.own(tk.scalar(-7, 'int32')), { shape: [], dtype: 'int32', values: [-7] });
        await expectTensor(c.own(tk.scalar(true)), { shape: [], dtype: 'bool', values: [1] });
      },
    }),
    ...casesFor('creation', 'zeros', {
      'zeros, ones and fill in every dtype, size-0 shapes included': async (c) => {
        const dtypes: tk.DType[] = c.float64 ? ['float32', 'float64', 'int32', 'bool'] : ['float32', 'int32', 'bool'];
        for (const dtype of dtypes) {
          await expectTensor(c.own(tk.zeros([2, 3], dtype)), { shape: [2, 3], dtype, values: [0, 0, 0, 0, 0, 0] }, `zeros ${dtype}`);
          await expectTensor(c.own(tk.ones([3], dtype)), { shape: [3], dtype, values: [1, 1, 1] }, `ones ${dtype}`);
        }
        await expectTensor(c.own(tk.fill([2, 2], 7.5)), { shape: [2, 2], dtype: 'float32', values: [7.5, 7.5, 7.5, 7.5] });
        await expectTensor(c.own(tk.fill([2], 7.9, 'int32')), { shape: [2], dtype: 'int32', values: [7, 7] });
        await expectTensor(c.own(tk.fill([1], false)), { shape: [1], dtype: 'bool', values: [0] });
        await expectTensor(c.own(tk.zeros([0, 4])), { shape: [0, 4], values: [] });
      },
      'zerosLike and onesLike keep shape and dtype': async (c) => {
        const x = c.own(tk.tensor([[1, 2, 3]], { dtype: 'int32' }));
        await expectTensor(c.own(tk.zerosLike(x)), { shape: [1, 3], dtype: 'int32', values: [0, 0, 0] });
        await expectTensor(c.own(tk.onesLike(x)), { shape: [1, 3], dtype: 'int32', values: [1, 1, 1] });
      },
    }),
    ...casesFor('creation', 'range', {
      'arange semantics': async (c) => {
        await expectTensor(c.own(tk.range(5)), { shape: [5], dtype: 'float32', values: [0, 1, 2, 3, 4] });
        await expectTensor(c.own(tk.range(1, 2, 0.25)), { shape: [4], values: [1, 1.25, 1.5, 1.75] });
        await expectTensor(c.own(tk.range(5, 0, -2, 'int32')), { shape: [3], dtype: 'int32', values: [5, 3, 1] });
      },
    }),
    ...casesFor('creation', 'eye', {
      'rectangular identity': async (c) => {
        await expectTensor(c.own(tk.eye(2, 3)), { shape: [2, 3], values: [1, 0, 0, 0, 1, 0] });
      },
    }),
  ];
}
