/**
 * Deep Learning with Python, chapter 2 ("The mathematical building blocks of neural networks"): the
 * notebook's deterministic printed outputs, asserted on `await t.format()` (NumPy-style printing)
 * and on values. Cells that print random numbers are checked against a reference computed here
 * from the (seeded) inputs instead.
 */
import * as tk from '@tensorkit/core';
import type { Tensor } from '@tensorkit/core';
import { check, expectTensor } from '../assert.js';
import { casesFor, type CaseContext, type ConformanceCase } from '../case.js';
import { uniform } from './gradients.js';
import { refSoftmax } from './nn.js';

/** Asserts NumPy's `print(t)` text exactly. */
async function expectPrinted(t: Tensor, text: string, label = 'printed'): Promise<void> {
  const printed = await t.format();
  check(printed === text, `${label}: printed\n${printed}\nbut the notebook prints\n${text}`);
}

/** The shape as Python prints a tuple: `(32, 10)`, `(4,)`. */
function pyShape(t: Tensor): string {
  return t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
}

async function valuesOf(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function elementwiseCases(): ConformanceCase[] {
  return [
    ...casesFor('chapter', 'relu', {
      'In[2] naive_relu of an int matrix': async (c) => {
        const x = c.own(tk.tensor([[1, -2, 3, -4], [5, 6, -7, 8]], { dtype: 'int32' }));
        const y = c.own(tk.relu(x));
        await expectTensor(y, { shape: [2, 4], dtype: 'int32', values: [1, 0, 3, 0, 5, 6, 0, 8] });
        await expectPrinted(y, '[[1 0 3 0]\n [5 6 0 8]]');
      },
      'In[5] z = maximum(x + y, 0.) on random (20, 100)': async (c) => {
        const xv = uniform(500, 2000, -1, 1);
        const yv = uniform(501, 2000, -1, 1);
        const x = c.own(tk.tensor(xv, { shape: [20, 100] }));
        const y = c.own(tk.tensor(yv, { shape: [20, 100] }));
        const z = c.own(tk.maximum(c.own(tk.add(x, y)), 0));
        await expectTensor(z, { shape: [20, 100], dtype: 'float32', values: xv.map((v, i) => Math.max(v + yv[i], 0)) });
      },
    }),
    ...casesFor('chapter', 'add', {
      'In[4] naive_add of two int matrices': async (c) => {
        const x = c.own(tk.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' }));
        const y = c.own(tk.tensor([[1, 2, 3], [1, 2, 3]], { dtype: 'int32' }));
        const z = c.own(tk.add(x, y));
        await expectTensor(z, { shape: [2, 3], dtype: 'int32', values: [2, 4, 6, 5, 7, 9] });
        await expectPrinted(z, '[[2 4 6]\n [5 7 9]]');
      },
    }),
    ...casesFor('chapter', 'broadcasting', {
      'In[7-13] (32, 10) + (10,): broadcasting equals the explicit expand_dims + concatenate': async (c) => {
        const xv = uniform(502, 320, 0, 1);
        const yv = uniform(503, 10, 0, 1);
        const X = c.own(tk.tensor(xv, { shape: [32, 10] }));
        const y = c.own(tk.tensor(yv));
        const y2 = c.own(tk.expandDims(y, 0));
        check(pyShape(y2) === '(1, 10)', `expand_dims shape ${pyShape(y2)}`);
        const Y = c.own(tk.concat(Array.from({ length: 32 }, () => y2), 0));
        check(pyShape(Y) === '(32, 10)', `concatenate shape ${pyShape(Y)}`);
        const n = c.own(tk.add(X, y));
        check(pyShape(n) === '(32, 10)', `the notebook prints (32, 10), got ${pyShape(n)}`);
        const expected = xv.map((v, i) => Math.fround(v + yv[i % 10]));
        await expectTensor(n, { shape: [32, 10], values: expected }, 'X + y');
        await expectTensor(c.own(tk.add(X, Y)), { shape: [32, 10], values: expected }, 'X + Y');
      },
      'In[15] (2, 4) matrix + (4,) vector, printed': async (c) => {
        const a = c.own(tk.tensor([[1, 2, 3, 4], [5, 6, 7, 8]], { dtype: 'int32' }));
        check(pyShape(a) === '(2, 4)', `a.shape ${pyShape(a)}`);
        await expectPrinted(a, '[[1 2 3 4]\n [5 6 7 8]]', 'a');
        const b = c.own(tk.tensor([10, 10, 10, 10], { dtype: 'int32' }));
        check(pyShape(b) === '(4,)', `b.shape ${pyShape(b)}`);
        await expectPrinted(b, '[10 10 10 10]', 'b');
        const ab = c.own(tk.add(a, b));
        check(pyShape(ab) === '(2, 4)', `ab.shape ${pyShape(ab)}`);
        await expectPrinted(ab, '[[11 12 13 14]\n [15 16 17 18]]', 'ab');
        await expectTensor(ab, { shape: [2, 4], dtype: 'int32', values: [11, 12, 13, 14, 15, 16, 17, 18] });
      },
    }),
    ...casesFor('chapter', 'maximum', {
      'In[16] maximum of (64, 3, 32, 10) and (32, 10) has shape (64, 3, 32, 10)': async (c) => {
        const x = c.own(tk.randomUniform([64, 3, 32, 10], { seed: 16 }));
        const y = c.own(tk.randomUniform([32, 10], { seed: 17 }));
        const z = c.own(tk.maximum(x, y));
        check(pyShape(z) === '(64, 3, 32, 10)', `z.shape ${pyShape(z)}`);
        const [xv, yv, zv] = [await x.data(), await y.data(), await z.data()];
        check(zv.length === 61440, `z has ${zv.length} values`);
        // A few random elements against max(x[i,j,k,l], y[k,l]).
        let state = 12345;
        for (let n = 0; n < 25; n++) {
          state = (Math.imul(state, 1103515245) + 12345) >>> 0;
          const flat = state % zv.length;
          const expected = Math.max(xv[flat], yv[flat % 320]);
          check(zv[flat] === expected, `z at flat index ${flat}: ${zv[flat]} but max(x, y) is ${expected}`);
        }
      },
      'In[17] 3-D maximum example, printed': async (c) => {
        const a = c.own(tk.tensor([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]], { dtype: 'int32' }));
        const b = c.own(tk.tensor([3, 9, 13], { dtype: 'int32' }));
        check(pyShape(a) === '(2, 2, 3)' && pyShape(b) === '(3,)', `shapes ${pyShape(a)} ${pyShape(b)}`);
        const z = c.own(tk.maximum(a, b));
        await expectPrinted(z, '[[[ 3  9 13]\n  [ 4  9 13]]\n\n [[ 7  9 13]\n  [10 11 13]]]');
        check(pyShape(z) === '(2, 2, 3)', `c.shape ${pyShape(z)}`);
      },
    }),
  ];
}

function productCases(): ConformanceCase[] {
  return casesFor('chapter', 'dot', {
    'In[18] dot of two random (32,) vectors is a scalar': async (c) => {
      const xv = uniform(504, 32, 0, 1);
      const yv = uniform(505, 32, 0, 1);
      const z = c.own(tk.dot(c.own(tk.tensor(xv)), c.own(tk.tensor(yv))));
      await expectTensor(z, { shape: [], values: [xv.reduce((s, v, i) => s + v * yv[i], 0)] });
    },
    'In[20] vector dot: 130.0': async (c) => {
      const z = c.own(tk.dot(c.own(tk.tensor([1, 2, 3, 4, 5])), c.own(tk.tensor([6, 7, 8, 9, 10]))));
      await expectTensor(z, { shape: [], values: [1 * 6 + 2 * 7 + 3 * 8 + 4 * 9 + 5 * 10] });
      await expectPrinted(z, '130.0');
    },
    'In[22-24] matrix-vector dot: [ 44. 107.]': async (c) => {
      const z = c.own(tk.dot(c.own(tk.tensor([[1, 2, 3], [4, 5, 6]])), c.own(tk.tensor([6, 7, 8]))));
      await expectTensor(z, { shape: [2], values: [1 * 6 + 2 * 7 + 3 * 8, 4 * 6 + 5 * 7 + 6 * 8] });
      await expectPrinted(z, '[ 44. 107.]');
    },
    'In[26] matrix dot: [[ 52.  58.] [124. 139.]]': async (c) => {
      const z = c.own(tk.dot(c.own(tk.tensor([[1, 2, 3], [4, 5, 6]])), c.own(tk.tensor([[6, 7], [8, 9], [10, 11]]))));
      await expectTensor(z, { shape: [2, 2], values: [52, 58, 124, 139] });
      await expectPrinted(z, '[[ 52.  58.]\n [124. 139.]]');
    },
  });
}

function shapeCases(): ConformanceCase[] {
  return [
    ...casesFor('chapter', 'reshape', {
      'In[30-31] (3, 2) reshaped to (6, 1), printed': async (c) => {
        const x = c.own(tk.tensor([[0, 1], [2, 3], [4, 5]]));
        check(pyShape(x) === '(3, 2)', `x.shape ${pyShape(x)}`);
        const y = c.own(tk.reshape(x, [6, 1]));
        await expectPrinted(y, '[[0.]\n [1.]\n [2.]\n [3.]\n [4.]\n [5.]]');
      },
      'In[29] images reshaped to (n, 28 * 28)': async (c) => {
        const images = c.own(tk.zeros([3, 28, 28], 'int32'));
        const flat = c.own(tk.reshape(images, [3, 28 * 28]));
        check(pyShape(flat) === '(3, 784)', `shape ${pyShape(flat)}`);
      },
    }),
    ...casesFor('chapter', 'transpose', {
      'In[32] transpose of zeros((300, 20)) has shape (20, 300)': async (c) => {
        const x = c.own(tk.transpose(c.own(tk.zeros([300, 20]))));
        check(pyShape(x) === '(20, 300)', `x.shape ${pyShape(x)}`);
        const values = await x.data();
        check(values.length === 6000 && values.every((v) => v === 0), 'the transpose of zeros should be zeros');
      },
    }),
  ];
}

/** Column sums of a row-major [rows, cols] matrix. */
function columnSums(values: number[], cols: number): number[] {
  return Array.from({ length: cols }, (_, j) => values.filter((_, k) => k % cols === j).reduce((a, b) => a + b, 0));
}

function tapeCases(): ConformanceCase[] {
  return casesFor('chapter', 'GradientTape', {
    'In[33] d(2x + 3)/dx = 2.0 for a scalar variable': async (c) => {
      const x = c.own(tk.variable(0));
      const tape = new tk.GradientTape();
      const y = tape.record(() => c.own(tk.add(c.own(tk.mul(2, x)), 3)));
      const g = c.own(tape.gradient(y, x));
      await expectTensor(g, { shape: [], dtype: 'float32', values: [2] });
      await expectPrinted(g, '2.0');
    },
    'In[34] d(2x + 3)/dx for a (2, 2) variable': async (c) => {
      const init = c.own(tk.randomUniform([2, 2], { seed: 34 }));
      const x = c.own(tk.variable(init));
      const tape = new tk.GradientTape();
      const y = tape.record(() => c.own(tk.add(c.own(tk.mul(2, x)), 3)));
      const g = c.own(tape.gradient(y, x));
      await expectTensor(g, { shape: [2, 2], dtype: 'float32', values: [2, 2, 2, 2] });
      await expectPrinted(g, '[[2. 2.]\n [2. 2.]]');
    },
    'In[35] gradients of matmul(x, W) + b': async (c) => {
      const W = c.own(tk.variable(c.own(tk.randomUniform([2, 2], { seed: 35 }))));
      const b = c.own(tk.variable(c.own(tk.zeros([2]))));
      const x = c.own(tk.randomUniform([2, 2], { seed: 36 }));
      const tape = new tk.GradientTape();
      const y = tape.record(() => c.own(tk.add(c.own(tk.matmul(x, W)), b)));
      const [gW, gb] = c.own(tape.gradient(y, [W, b]));
      // d/dW[i][j] of sum(x·W + b) = sum over rows of x[r][i], the same for every j.
      const sums = columnSums(await valuesOf(x), 2);
      await expectTensor(gW, { shape: [2, 2], values: [sums[0], sums[0], sums[1], sums[1]] }, 'grad W');
      await expectTensor(gb, { shape: [2], values: [2, 2] }, 'grad b');
      await expectPrinted(gb, '[2. 2.]', 'grad b');
    },
    'In[36] f = x²y + xy + 3y at (2, 1): [5.0, 9.0]': async (c) => {
      const x = c.own(tk.variable(2));
      const y = c.own(tk.variable(1));
      const tape = new tk.GradientTape();
      const f = tape.record(() =>
        c.own(tk.add(c.own(tk.add(c.own(tk.mul(c.own(tk.pow(x, 2)), y)), c.own(tk.mul(x, y)))), c.own(tk.mul(3, y)))),
      );
      const [gx, gy] = c.own(tape.gradient(f, [x, y]));
      // df/dx = 2xy + y = 5, df/dy = x² + x + 3 = 9.
      await expectTensor(gx, { shape: [], values: [5] }, 'df/dx');
      await expectTensor(gy, { shape: [], values: [9] }, 'df/dy');
      await expectPrinted(gx, '5.0', 'df/dx');
      await expectPrinted(gy, '9.0', 'df/dy');
    },
    'In[37] x = [[1, 4, 3]], W (3, 2): grad W [[1 1] [4 4] [3 3]], grad b [1 1]': async (c) => {
      const x = c.own(tk.reshape(c.own(tk.tensor([1, 4, 3])), [1, 3]));
      const W = c.own(tk.variable(c.own(tk.randomUniform([3, 2], { seed: 37 }))));
      const b = c.own(tk.variable(c.own(tk.zeros([2]))));
      const tape = new tk.GradientTape();
      const y = tape.record(() => c.own(tk.add(c.own(tk.matmul(x, W)), b)));
      const [gW, gb] = c.own(tape.gradient(y, [W, b]));
      await expectPrinted(gW, '[[1. 1.]\n [4. 4.]\n [3. 3.]]', 'grad W');
      await expectPrinted(gb, '[1. 1.]', 'grad b');
      await expectTensor(gW, { shape: [3, 2], dtype: 'float32', values: [1, 1, 4, 4, 3, 3] }, 'grad W');
    },
    'In[38] cubic: grads of (xW + b)³ are 3(xW + b)²·x and 3(xW + b)²': async (c) => {
      const xs = [1, 4, 3];
      const x = c.own(tk.tensor([xs]));
      const W = c.own(tk.variable(c.own(tk.randomUniform([3, 2], { seed: 38 }))));
      const bInit = [0.25, -0.5];
      const b = c.own(tk.variable(bInit));
      const tape = new tk.GradientTape();
      const y = tape.record(() => c.own(tk.pow(c.own(tk.add(c.own(tk.matmul(x, W)), b)), 3)));
      const [gW, gb] = c.own(tape.gradient(y, [W, b]));
      const w = await valuesOf(W);
      const z = [0, 1].map((j) => xs.reduce((s, xi, i) => s + xi * w[i * 2 + j], 0) + bInit[j]);
      const dz = z.map((v) => 3 * v * v);
      await expectTensor(gW, { shape: [3, 2], values: xs.flatMap((xi) => dz.map((d) => d * xi)) }, 'grad W');
      await expectTensor(gb, { shape: [2], values: dz }, 'grad b');
    },
  });
}

/** The chapter's NaiveDense / NaiveSequential model and one training step with assign_sub. */
function trainingCases(): ConformanceCase[] {
  return casesFor('chapter', 'training', {
    'In[44-49] one_training_step: loss matches a float64 forward pass, w.assignSub(g·lr) moves by lr·g': async (c: CaseContext) => {
      const batch = 4;
      const xv = uniform(510, batch * 6, 0, 1);
      const labelsV = [0, 2, 1, 2];
      const w1v = uniform(511, 30, 0, 0.1); // tf.random.uniform(w_shape, minval=0, maxval=1e-1)
      const w2v = uniform(512, 15, 0, 0.1);
      const images = c.own(tk.tensor(xv, { shape: [batch, 6] }));
      const labels = c.own(tk.tensor(labelsV, { dtype: 'int32' }));
      const weights = [
        c.own(tk.variable(c.own(tk.tensor(w1v, { shape: [6, 5] })))),
        c.own(tk.variable(c.own(tk.zeros([5])))),
        c.own(tk.variable(c.own(tk.tensor(w2v, { shape: [5, 3] })))),
        c.own(tk.variable(c.own(tk.zeros([3])))),
      ];
      const tape = new tk.GradientTape();
      const loss = tape.record(() => {
        const h = c.own(tk.relu(c.own(tk.add(c.own(tk.matmul(images, weights[0])), weights[1]))));
        const predictions = c.own(tk.softmax(c.own(tk.add(c.own(tk.matmul(h, weights[2])), weights[3]))));
        // sparse_categorical_crossentropy on probabilities: -log(p[label]).
        const picked = c.own(tk.gather(c.own(tk.reshape(predictions, [batch * 3])), c.own(tk.tensor(labelsV.map((l, r) => r * 3 + l), { dtype: 'int32' }))));
        return c.own(tk.mean(c.own(tk.neg(c.own(tk.log(picked))))));
      });
      // Reference forward pass in float64.
      const hRef = Array.from({ length: batch * 5 }, (_, k) => {
        const [r, j] = [Math.floor(k / 5), k % 5];
        return Math.max(0, xv.slice(r * 6, r * 6 + 6).reduce((s, v, i) => s + v * w1v[i * 5 + j], 0));
      });
      const logitsRef = Array.from({ length: batch * 3 }, (_, k) => {
        const [r, j] = [Math.floor(k / 3), k % 3];
        return hRef.slice(r * 5, r * 5 + 5).reduce((s, v, i) => s + v * w2v[i * 3 + j], 0);
      });
      const p = refSoftmax(logitsRef, [batch, 3]);
      const lossRef = labelsV.reduce((s, l, r) => s - Math.log(p[r * 3 + l]), 0) / batch;
      await expectTensor(loss, { shape: [], values: [lossRef] }, 'average loss');
      const grads = c.own(tape.gradient(loss, weights));
      const learningRate = 1e-3;
      for (let i = 0; i < weights.length; i++) {
        const before = await valuesOf(weights[i]);
        const g = await valuesOf(grads[i]);
        weights[i].assignSub(c.own(tk.mul(grads[i], learningRate)));
        await expectTensor(weights[i], { shape: weights[i].shape, values: before.map((v, k) => v - g[k] * learningRate) }, `weight ${i} after assign_sub`);
      }
    },
  });
}

/** Cases reproducing the chapter's printed outputs. */
export function chapterCases(): ConformanceCase[] {
  return [...elementwiseCases(), ...productCases(), ...shapeCases(), ...tapeCases(), ...trainingCases()];
}
