/**
 * Tensor product (cells 18-26): the naive vector, matrix-vector and matrix dot products as loops
 * over nested arrays, each checked against TensorKit's `dot` (NumPy's `np.dot`).
 */
import { dot, randomUniform, tensor, tidy, type Tensor } from '@tensorkit/core';
import { assert, checkSame, matrixOf, shapeOf, toTensor, vectorOf, type Matrix, type Vector } from '../arrays.js';
import { cell, heading, owner, type Context, type Section } from '../notebook.js';
import { npStr, pyFloat, pyInt, pyPrint, valuesOf } from '../pyformat.js';

/** In [19]: `naive_vector_dot(x, y)`: the sum of `x[i] * y[i]`, a Python float (`z = 0.`). */
export function naiveVectorDot(x: Vector, y: Vector): number {
  assert(shapeOf(x).length === 1, 'len(x.shape) == 1');
  assert(shapeOf(y).length === 1, 'len(y.shape) == 1');
  assert(x.length === y.length, 'x.shape[0] == y.shape[0]');
  let z = 0;
  for (let i = 0; i < x.length; i++) {
    z += x[i] * y[i];
  }
  return z;
}

/** In [21]: `naive_matrix_vector_dot(x, y)` with two loops; the result starts as `np.zeros`. */
export function naiveMatrixVectorDotLoops(x: Matrix, y: Vector): Vector {
  assert(shapeOf(x).length === 2, 'len(x.shape) == 2');
  assert(shapeOf(y).length === 1, 'len(y.shape) == 1');
  assert(shapeOf(x)[1] === y.length, 'x.shape[1] == y.shape[0]');
  const z = new Array<number>(x.length).fill(0);
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < x[i].length; j++) {
      z[i] += x[i][j] * y[j];
    }
  }
  return z;
}

/** In [23]: `naive_matrix_vector_dot(x, y)` again, one `naive_vector_dot` per row. */
export function naiveMatrixVectorDot(x: Matrix, y: Vector): Vector {
  const z = new Array<number>(x.length).fill(0);
  for (let i = 0; i < x.length; i++) {
    z[i] = naiveVectorDot(x[i], y);
  }
  return z;
}

/** In [25]: `naive_matrix_dot(x, y)`: `z[i, j]` is row `i` of `x` dot column `j` of `y`. */
export function naiveMatrixDot(x: Matrix, y: Matrix): Matrix {
  assert(shapeOf(x).length === 2, 'len(x.shape) == 2');
  assert(shapeOf(y).length === 2, 'len(y.shape) == 2');
  assert(shapeOf(x)[1] === shapeOf(y)[0], 'x.shape[1] == y.shape[0]');
  const columns = shapeOf(y)[1];
  const z: Matrix = x.map(() => new Array<number>(columns).fill(0));
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < columns; j++) {
      const rowX = x[i];
      const columnY = y.map((row) => row[j]);
      z[i][j] = naiveVectorDot(rowX, columnY);
    }
  }
  return z;
}

export function tensorProduct(): Section {
  const { own, dispose } = owner();
  let x: Tensor;
  let y: Tensor;
  let z: Tensor;

  /** Cells 22 and 24: one of the two matrix-vector loops, checked against `dot`. */
  const matrixVector = (naive: (x: Matrix, y: Vector) => Vector) => async (ctx: Context) => {
    const a = own(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' }));
    const b = own(tensor([6, 7, 8], { dtype: 'int32' }));
    // np.zeros makes float64, so the result prints as floats.
    const c = own(toTensor(naive(await matrixOf(a), await vectorOf(b)), 'float64'));
    await checkSame('naive_matrix_vector_dot', c, own(tidy(() => dot(a, b).cast('float64'))));
    ctx.print(npStr(await valuesOf(c)));
    ctx.print(pyPrint(pyInt(1 * 6 + 2 * 7 + 3 * 8), pyInt(4 * 6 + 5 * 7 + 6 * 8)));
  };

  return {
    name: 'tensor-product',
    items: [
      heading('### Tensor product'),
      cell(18, () => {
        x = own(randomUniform([32], { dtype: 'float64' }));
        y = own(randomUniform([32], { dtype: 'float64' }));
        z = own(dot(x, y));
      }),
      cell(19, async () => {
        // def naive_vector_dot(x, y): see naiveVectorDot above; it agrees with In [18]'s np.dot.
        const naive = naiveVectorDot(await vectorOf(x), await vectorOf(y));
        await checkSame('naive_vector_dot', own(tensor(naive, { dtype: 'float64' })), z, 1e-12);
      }),
      cell(20, async (ctx) => {
        const a = own(tensor([1, 2, 3, 4, 5], { dtype: 'int32' }));
        const b = own(tensor([6, 7, 8, 9, 10], { dtype: 'int32' }));
        const c = naiveVectorDot(await vectorOf(a), await vectorOf(b));
        await checkSame('naive_vector_dot', own(tensor(c, { dtype: 'int32' })), own(dot(a, b)));
        ctx.print(pyFloat(c));
        ctx.print(pyInt(1 * 6 + 2 * 7 + 3 * 8 + 4 * 9 + 5 * 10));
      }),
      cell(21, () => {
        // def naive_matrix_vector_dot(x, y): see naiveMatrixVectorDotLoops above.
      }),
      cell(22, matrixVector(naiveMatrixVectorDotLoops)),
      cell(23, () => {
        // def naive_matrix_vector_dot(x, y): see naiveMatrixVectorDot above.
      }),
      cell(24, matrixVector(naiveMatrixVectorDot)),
      cell(25, () => {
        // def naive_matrix_dot(x, y): see naiveMatrixDot above.
      }),
      cell(26, async (ctx) => {
        const a = own(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' }));
        const b = own(tensor([[6, 7], [8, 9], [10, 11]], { dtype: 'int32' }));
        const c = own(toTensor(naiveMatrixDot(await matrixOf(a), await matrixOf(b)), 'float64'));
        await checkSame('naive_matrix_dot', c, own(tidy(() => dot(a, b).cast('float64'))));
        ctx.print(npStr(await valuesOf(c)));
        ctx.print(pyPrint(pyInt(1 * 6 + 2 * 8 + 3 * 10), pyInt(1 * 7 + 2 * 9 + 3 * 11), pyInt(4 * 6 + 5 * 8 + 6 * 10), pyInt(4 * 7 + 5 * 9 + 6 * 11)));
      }),
    ],
    dispose,
  };
}
