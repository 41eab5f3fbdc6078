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
