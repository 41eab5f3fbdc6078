/**
 * Element-wise operations (cells 1-6): `naive_relu` and `naive_add` as plain loops over nested
 * arrays, next to TensorKit's `relu`/`maximum` and `add`, and the timing of both.
 */
import { add, maximum, randomUniform, relu, tensor, tidy, type Tensor } from '@tensorkit/core';
import { assert, checkSame, matrixOf, shapeOf, toTensor, type Matrix } from '../arrays.js';
import { cell, heading, owner, type Section } from '../notebook.js';
import { npStr, pyFixed, valuesOf } from '../pyformat.js';

/** In [1]: `naive_relu(x)`: a copy of the 2-D `x` with every element `max(x[i, j], 0)`. */
export function naiveRelu(x: Matrix): Matrix {
  assert(shapeOf(x).length === 2, 'len(x.shape) == 2');
  const out = x.map((row) => row.slice());
  for (let i = 0; i < out.length; i++) {
    for (let j = 0; j < out[i].length; j++) {
      out[i][j] = Math.max(out[i][j], 0);
    }
  }
  return out;
}

/** In [3]: `naive_add(x, y)`: a copy of the 2-D `x` with `y[i, j]` added to each element. */
export function naiveAdd(x: Matrix, y: Matrix): Matrix {
  assert(shapeOf(x).length === 2, 'len(x.shape) == 2');
  assert(shapeOf(x).join() === shapeOf(y).join(), 'x.shape == y.shape');
  const out = x.map((row) => row.slice());
  for (let i = 0; i < out.length; i++) {
    for (let j = 0; j < out[i].length; j++) {
      out[i][j] += y[i][j];
    }
  }
  return out;
}

/** How many times cells 5 and 6 repeat their work, as the notebook does. */
export const TIMING_REPEATS = 1000;

/** `time.time() - t0` as cells 5 and 6 print it: `Took: 0.01 s`. */
function took(seconds: number): string {
  return `Took: ${pyFixed(seconds, 2)} s`;
}

export function elementWise(): Section {
  // The section's globals.
  let x: Tensor | null = null;
  let y: Tensor | null = null;
  const { own, dispose } = owner();

  return {
    name: 'element-wise',
    items: [
      heading('# The mathematical building blocks of neural networks'),
      heading('## The gears of neural networks: tensor operations'),
      heading('### Element-wise operations'),
      cell(1, () => {
        // def naive_relu(x): see naiveRelu above.
      }),
      cell(2, async (ctx) => {
        const a = own(tensor([[1, -2, 3, -4], [5, 6, -7, 8]], { dtype: 'int32' }));
        const result = own(toTensor(naiveRelu(await matrixOf(a)), 'int32'));
        await checkSame('naive_relu', result, own(relu(a)));
        ctx.print(npStr(await valuesOf(result)));
      }),
      cell(3, () => {
        // def naive_add(x, y): see naiveAdd above.
      }),
      cell(4, async (ctx) => {
        const a = own(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' }));
        const b = own(tensor([[1, 2, 3], [1, 2, 3]], { dtype: 'int32' }));
        const result = own(toTensor(naiveAdd(await matrixOf(a), await matrixOf(b)), 'int32'));
        await checkSame('naive_add', result, own(add(a, b)));
        ctx.print(npStr(await valuesOf(result)));
      }),
      cell(5, async (ctx) => {
        // np.random.random gives float64, as here.
        x = own(randomUniform([20, 100], { dtype: 'float64' }));
        y = own(randomUniform([20, 100], { dtype: 'float64' }));
        const [tx, ty] = [x, y];
        const t0 = performance.now();
        let z: Tensor | null = null;
        for (let i = 0; i < TIMING_REPEATS; i++) {
          z?.dispose();
          z = tidy(() => maximum(add(tx, ty), 0));
        }
        await z!.data(); // a backend that queues work has done it all by now
        const seconds = (performance.now() - t0) / 1000;
        z!.dispose();
        ctx.print(took(seconds));
      }),
      cell(6, async (ctx) => {
        assert(x !== null && y !== null, 'x and y from In [5]');
        // The loops get nested arrays, as the Python loops index the arrays element by element.
        const [xa, ya] = [await matrixOf(x), await matrixOf(y)];
        const t0 = performance.now();
        let z: Matrix = xa;
        for (let i = 0; i < TIMING_REPEATS; i++) {
          z = naiveAdd(xa, ya);
          z = naiveRelu(z);
        }
        const seconds = (performance.now() - t0) / 1000;
        const [tx, ty] = [x, y];
        await checkSame('naive_relu(naive_add(x, y))', own(toTensor(z, 'float64')), own(tidy(() => maximum(add(tx, ty), 0))));
        ctx.print(took(seconds));
      }),
    ],
    dispose,
  };
}
