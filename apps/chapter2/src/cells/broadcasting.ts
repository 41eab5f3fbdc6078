/**
 * Broadcasting (cells 7-17): a vector repeated by hand (`expandDims` + `concat`), the naive loop
 * that adds a vector to each row of a matrix, and TensorKit's NumPy broadcasting in `add` and
 * `maximum`.
 */
import { add, concat, expandDims, maximum, randomUniform, tensor, type Tensor } from '@tensorkit/core';
import { assert, checkSame, matrixOf, shapeOf, toTensor, vectorOf, type Matrix, type Vector } from '../arrays.js';
import { cell, heading, owner, type Section } from '../notebook.js';
import { npStr, pyPrint, pyShape, valuesOf } from '../pyformat.js';

/** In [10]: `naive_add_matrix_and_vector(x, y)`: `y` added to every row of a copy of `x`. */
export function naiveAddMatrixAndVector(x: Matrix, y: Vector): Matrix {
  assert(shapeOf(x).length === 2, 'len(x.shape) == 2');
  assert(shapeOf(y).length === 1, 'len(y.shape) == 1');
  assert(shapeOf(x)[1] === shapeOf(y)[0], 'x.shape[1] == y.shape[0]');
  const out = x.map((row) => row.slice());
  for (let i = 0; i < out.length; i++) {
    for (let j = 0; j < out[i].length; j++) {
      out[i][j] += y[j];
    }
  }
  return out;
}

export function broadcasting(): Section {
  const { own, dispose } = owner();
  let X: Tensor;
  let y: Tensor;

  return {
    name: 'broadcasting',
    items: [
      heading('### Broadcasting'),
      cell(7, () => {
        X = own(randomUniform([32, 10], { dtype: 'float64' }));
        y = own(randomUniform([10], { dtype: 'float64' }));
      }),
      cell(8, () => {
        y = own(expandDims(y, 0));
      }),
      cell(9, async () => {
        const Y = own(concat(Array.from({ length: 32 }, () => y), 0));
        assert(Y.shape.join() === '32,10', 'Y.shape == (32, 10)');
        // X + Y is what broadcasting computes without making Y.
        await checkSame('X + Y', own(add(X, Y)), own(add(X, y)));
      }),
      cell(10, () => {
        // def naive_add_matrix_and_vector(x, y): see naiveAddMatrixAndVector above.
      }),
      cell(13, async (ctx) => {
        X = own(randomUniform([32, 10], { dtype: 'float64' }));
        y = own(randomUniform([10], { dtype: 'float64' }));
        const n = naiveAddMatrixAndVector(await matrixOf(X), await vectorOf(y));
        await checkSame('naive_add_matrix_and_vector', own(toTensor(n, 'float64')), own(add(X, y)));
        ctx.print(pyShape(shapeOf(n)));
      }),
      cell(15, async (ctx) => {
        const a = own(tensor([[1, 2, 3, 4], [5, 6, 7, 8]], { dtype: 'int32' }));
        ctx.print(pyPrint(pyShape(a.shape), npStr(await valuesOf(a))));
        const b = own(tensor([10, 10, 10, 10], { dtype: 'int32' }));
        ctx.print(pyPrint(pyShape(b.shape), npStr(await valuesOf(b))));
        const ab = own(toTensor(naiveAddMatrixAndVector(await matrixOf(a), await vectorOf(b)), 'int32'));
        await checkSame('naive_add_matrix_and_vector', ab, own(add(a, b)));
        ctx.print(pyPrint(pyShape(ab.shape), npStr(await valuesOf(ab))));
      }),
      cell(16, (ctx) => {
        const x = own(randomUniform([64, 3, 32, 10], { dtype: 'float64' }));
        const y16 = own(randomUniform([32, 10], { dtype: 'float64' }));
        const z = own(maximum(x, y16));
        ctx.print(pyShape(z.shape)); // the notebook echoes z.shape
      }),
      cell(17, async (ctx) => {
        const a = own(tensor([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]], { dtype: 'int32' }));
        ctx.print(pyShape(a.shape));
        const b = own(tensor([3, 9, 13], { dtype: 'int32' }));
        ctx.print(pyShape(b.shape));
        const c = own(maximum(a, b));
        ctx.print(pyPrint(npStr(await valuesOf(c)), pyShape(c.shape)));
      }),
    ],
    dispose,
  };
}
