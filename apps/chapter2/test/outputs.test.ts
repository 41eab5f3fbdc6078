/**
 * What the cells print, against what the notebook printed. Every expected text below is copied
 * from the notebook's printed outputs in /work/shared/seed/000_5cb2abde881541e7.txt (Deep Learning
 * with Python, chapter02_mathematical-building-blocks.ipynb, run with TensorFlow), cell by cell;
 * cells whose values are random (timings, cells 35 and 38) are checked by their form and by the
 * relations their values must satisfy.
 */
import '@tensorkit/backend-cpu/register';
import { existsSync } from 'node:fs';
import { memory, ready, setSeed } from '@tensorkit/core';
import { mnist } from '@tensorkit/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { broadcasting } from '../src/cells/broadcasting.js';
import { elementWise, naiveAdd, naiveRelu } from '../src/cells/element-wise.js';
import { firstExample } from '../src/cells/first-example.js';
import { fromScratch } from '../src/cells/from-scratch.js';
import { gradientTape } from '../src/cells/gradient-tape.js';
import { reshaping } from '../src/cells/reshaping.js';
import { naiveMatrixDot, naiveMatrixVectorDot, naiveMatrixVectorDotLoops, naiveVectorDot, tensorProduct } from '../src/cells/tensor-product.js';
import { runNotebook, type Section } from '../src/notebook.js';
import { fakeMnist, MNIST_DIR, runSection } from './helpers.js';

beforeAll(async () => {
  await ready();
  setSeed(2024);
});

describe('element-wise operations (cells 1-6)', () => {
  it('prints the notebook outputs', async () => {
    const out = await runSection(elementWise());
    expect(out.get(1)).toBe('');
    // In [2]: print(naive_relu(x))
    expect(out.get(2)).toBe('[[1 0 3 0]\n [5 6 0 8]]');
    expect(out.get(3)).toBe('');
    // In [4]: print(naive_add(x, y))
    expect(out.get(4)).toBe('[[2 4 6]\n [5 7 9]]');
    // In [5] / In [6] printed `Took: 0.01 s` and `Took: 2.30 s`: timings, so only the form is checked.
    expect(out.get(5)).toMatch(/^Took: \d+\.\d\d s$/);
    expect(out.get(6)).toMatch(/^Took: \d+\.\d\d s$/);
  });

  it('naive_relu and naive_add loop like the notebook (copies, checked shapes)', () => {
    const x = [[1, -2], [-3, 4]];
    expect(naiveRelu(x)).toEqual([[1, 0], [0, 4]]);
    expect(x).toEqual([[1, -2], [-3, 4]]); // x.copy(): the input is untouched
    expect(naiveAdd([[1, 2]], [[3, 4]])).toEqual([[4, 6]]);
    expect(() => naiveAdd([[1, 2]], [[1, 2], [3, 4]])).toThrow('assert x.shape == y.shape');
    expect(() => naiveRelu([1, 2] as unknown as number[][])).toThrow('assert len(x.shape) == 2');
  });
});

describe('broadcasting (cells 7-17)', () => {
  it('prints the notebook outputs', async () => {
    const out = await runSection(broadcasting());
    for (const n of [7, 8, 9, 10]) expect(out.get(n)).toBe('');
    // In [13]: print(n.shape)
    expect(out.get(13)).toBe('(32, 10)');
    // In [15]
    expect(out.get(15)).toBe(['(2, 4) [[1 2 3 4]', ' [5 6 7 8]]', '(4,) [10 10 10 10]', '(2, 4) [[11 12 13 14]', ' [15 16 17 18]]'].join('\n'));
    // In [16]: z.shape
    expect(out.get(16)).toBe('(64, 3, 32, 10)');
    // In [17]
    expect(out.get(17)).toBe(['(2, 2, 3)', '(3,)', '[[[ 3  9 13]', '  [ 4  9 13]]', '', ' [[ 7  9 13]', '  [10 11 13]]] (2, 2, 3)'].join('\n'));
  });
});

describe('tensor product (cells 18-26)', () => {
  it('prints the notebook outputs', async () => {
    const out = await runSection(tensorProduct());
    for (const n of [18, 19, 21, 23, 25]) expect(out.get(n)).toBe('');
    // In [20]: print(c) (a Python float) and print(1*6 + ...) (an int)
    expect(out.get(20)).toBe('130.0\n130');
    // In [22] and In [24]
    expect(out.get(22)).toBe('[ 44. 107.]\n44 107');
    expect(out.get(24)).toBe('[ 44. 107.]\n44 107');
    // In [26]
    expect(out.get(26)).toBe('[[ 52.  58.]\n [124. 139.]]\n52 58 124 139');
  });

  it('the naive products agree with each other', () => {
    expect(naiveVectorDot([1, 2, 3], [4, 5, 6])).toBe(32);
    expect(naiveMatrixVectorDotLoops([[1, 2], [3, 4]], [5, 6])).toEqual([17, 39]);
    expect(naiveMatrixVectorDot([[1, 2], [3, 4]], [5, 6])).toEqual([17, 39]);
    expect(naiveMatrixDot([[1, 2], [3, 4]], [[5, 6], [7, 8]])).toEqual([[19, 22], [43, 50]]);
    expect(() => naiveMatrixDot([[1, 2]], [[1, 2]])).toThrow('assert x.shape[1] == y.shape[0]');
  });
});

describe('tensor reshaping (cells 28-32)', () => {
  it('prints the notebook outputs', async () => {
    const out = await runSection(reshaping(), { data: async () => fakeMnist(3) });
    // In [28] printed the download of mnist.npz (Keras' log, not a value); In [29] prints nothing.
    expect(out.get(28)).toBe('');
    expect(out.get(29)).toBe('');
    // In [30]: x.shape
    expect(out.get(30)).toBe('(3, 2)');
    // In [31]: x (NumPy's repr)
    expect(out.get(31)).toBe(['array([[0.],', '       [1.],', '       [2.],', '       [3.],', '       [4.],', '       [5.]])'].join('\n'));
    // In [32]: x.shape
    expect(out.get(32)).toBe('(20, 300)');
  });
});

describe('the gradient tape (cells 33-38)', () => {
  it('prints the notebook outputs', async () => {
    const section = gradientTape();
    const out = await runSection(section);
    // In [33]
    expect(out.get(33)).toBe('<tf.Tensor: shape=(), dtype=float32, numpy=2.0>');
    // In [34]
    expect(out.get(34)).toBe(['<tf.Tensor: shape=(2, 2), dtype=float32, numpy=', 'array([[2., 2.],', '       [2., 2.]], dtype=float32)>'].join('\n'));
    // In [36]
    expect(out.get(36)).toBe(['[<tf.Tensor: shape=(), dtype=float32, numpy=5.0>,', ' <tf.Tensor: shape=(), dtype=float32, numpy=9.0>]'].join('\n'));
    // In [37]
    expect(out.get(37)).toBe(
      [
        '[<tf.Tensor: shape=(3, 2), dtype=float32, numpy=',
        ' array([[1., 1.],',
        '        [4., 4.],',
        '        [3., 3.]], dtype=float32)>,',
        ' <tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 1.], dtype=float32)>]',
      ].join('\n'),
    );
    // In [35] printed
    //   [<tf.Tensor: shape=(2, 2), dtype=float32, numpy=
    //    array([[0.384385 , 0.384385 ],
    //           [1.4284033, 1.4284033]], dtype=float32)>,
    //    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([2., 2.], dtype=float32)>]
    // with TensorFlow's random x: the layout is checked, and the values through dW = xᵀ·1, db = 2.
    const number = String.raw`\s*-?\d+\.\d*\s*`;
    expect(out.get(35)).toMatch(
      new RegExp(
        String.raw`^\[<tf\.Tensor: shape=\(2, 2\), dtype=float32, numpy=\n array\(\[\[${number}, ${number}\],\n        \[${number}, ${number}\]\], dtype=float32\)>,\n <tf\.Tensor: shape=\(2,\), dtype=float32, numpy=array\(\[2\., 2\.\], dtype=float32\)>\]$`,
      ),
    );
    const r35 = section.results.cell35!;
    const x = Array.from(r35.x.values);
    const gradW = Array.from(r35.gradW.values);
    // dW[i][j] = Σ_k x[k][i]: the same in both columns.
    expect(gradW[0]).toBeCloseTo(x[0] + x[2], 6);
    expect(gradW[1]).toBeCloseTo(x[0] + x[2], 6);
    expect(gradW[2]).toBeCloseTo(x[1] + x[3], 6);
    expect(gradW[3]).toBeCloseTo(x[1] + x[3], 6);
    expect(Array.from(r35.gradB.values)).toEqual([2, 2]);
    // In [38] printed
    //   [<tf.Tensor: shape=(3, 2), dtype=float32, numpy=
    //    array([[ 23.65624 ,  35.195885],
    //           [ 94.62496 , 140.78354 ],
    //           [ 70.96872 , 105.587654]], dtype=float32)>,
    //    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([23.65624 , 35.195885], dtype=float32)>]
    // with TensorFlow's random W. With y = (xW + b)³: db = 3(xW + b)², dW[i][j] = x[i]·db[j].
    expect(out.get(38)).toMatch(
      new RegExp(
        String.raw`^\[<tf\.Tensor: shape=\(3, 2\), dtype=float32, numpy=\n array\(\[\[${number}, ${number}\],\n        \[${number}, ${number}\],\n        \[${number}, ${number}\]\], dtype=float32\)>,\n <tf\.Tensor: shape=\(2,\), dtype=float32, numpy=array\(\[${number}, ${number}\], dtype=float32\)>\]$`,
      ),
    );
    const r38 = section.results.cell38!;
    expect(Array.from(r38.x.values)).toEqual([1, 4, 3]);
    const W = Array.from(r38.W.values);
    const db = Array.from(r38.gradB.values);
    for (let j = 0; j < 2; j++) {
      const xw = 1 * W[j] + 4 * W[2 + j] + 3 * W[4 + j];
      expect(db[j]).toBeCloseTo(3 * xw * xw, 4);
      for (let i = 0; i < 3; i++) expect(r38.gradW.values[i * 2 + j]).toBeCloseTo([1, 4, 3][i] * db[j], 4);
    }
  });
});

describe('the whole notebook', () => {
  it('prints every heading and cell label in the notebook order', async () => {
    const lines: string[] = [];
    const sections: Section[] = [elementWise(), broadcasting(), tensorProduct(), reshaping(), gradientTape(), firstExample(), fromScratch()];
    // The headings and In [n] labels of the notebook, in order (from the seed file).
    const expected = [
      '# The mathematical building blocks of neural networks', '## The gears of neural networks: tensor operations', '### Element-wise operations',
      'In [1]:', 'In [2]:', 'In [3]:', 'In [4]:', 'In [5]:', 'In [6]:',
      '### Broadcasting', 'In [7]:', 'In [8]:', 'In [9]:', 'In [10]:', 'In [13]:', 'In [15]:', 'In [16]:', 'In [17]:',
      '### Tensor product', 'In [18]:', 'In [19]:', 'In [20]:', 'In [21]:', 'In [22]:', 'In [23]:', 'In [24]:', 'In [25]:', 'In [26]:',
      '### Tensor reshaping', 'In [28]:', 'In [29]:', 'In [30]:', 'In [31]:', 'In [32]:',
      '### Geometric interpretation of tensor operations', '### A geometric interpretation of deep learning',
      '## The engine of neural networks: gradient-based optimization', "### What's a derivative?", '### Derivative of a tensor operation: the gradient',
      '### Stochastic gradient descent', '### Chaining derivatives: The Backpropagation algorithm', '#### The chain rule',
      '#### Automatic differentiation with computation graphs', '#### The gradient tape in TensorFlow',
      'In [33]:', 'In [34]:', 'In [35]:', 'In [36]:', 'In [37]:', 'In [38]:',
      '## Looking back at our first example', 'In [39]:', 'In [41]:', 'In [42]:', 'In [43]:',
      '### Reimplementing our first example from scratch in TensorFlow', '#### A simple Dense class', 'In [44]:', '#### A simple Sequential class',
      'In [45]:', 'In [46]:', '#### A batch generator', 'In [47]:', '### Running one training step', 'In [48]:', 'In [49]:', 'In [50]:',
      '### The full training loop', 'In [51]:', 'In [52]:', '### Evaluating the model', 'In [53]:', '## Summary',
    ];
    const items = sections.flatMap((s) => s.items.map((item) => (item.kind === 'heading' ? item.text : `In [${item.number}]:`)));
    expect(items).toEqual(expected);
    // The sections before MNIST, run as the app runs them: each heading and cell followed by a blank line.
    const early = sections.slice(0, 5);
    sections.slice(5).forEach((s) => s.dispose());
    await runNotebook(early, { print: (l = '') => lines.push(l), progress: { write: () => true }, data: async () => fakeMnist(2), quick: true });
    const text = lines.join('\n');
    expect(text.startsWith('# The mathematical building blocks of neural networks\n\n## The gears of neural networks: tensor operations\n\n### Element-wise operations\n\nIn [1]:\n\nIn [2]:\n[[1 0 3 0]\n [5 6 0 8]]\n\nIn [3]:\n')).toBe(true);
    expect(text).toContain('In [20]:\n130.0\n130\n\nIn [21]:\n');
    expect(text).toContain('#### The gradient tape in TensorFlow\n\nIn [33]:\n<tf.Tensor: shape=(), dtype=float32, numpy=2.0>\n\nIn [34]:\n<tf.Tensor: shape=(2, 2), dtype=float32, numpy=\narray([[2., 2.],\n       [2., 2.]], dtype=float32)>\n\nIn [35]:\n');
    expect(text.endsWith('dtype=float32)>]\n')).toBe(true); // In [38]'s list, then its blank line
  });
});

describe('memory', () => {
  it('every section frees what its cells made once it is done', async () => {
    const data = async () => fakeMnist(300);
    for (const make of [elementWise, broadcasting, tensorProduct, reshaping, gradientTape, firstExample, fromScratch]) {
      const before = memory();
      await runSection(make(), { data, quick: true });
      const after = memory();
      expect({ section: make.name, tensors: after.numTensors, bytes: after.numBytes }).toEqual({ section: make.name, tensors: before.numTensors, bytes: before.numBytes });
    }
  });
});

describe.skipIf(!existsSync(MNIST_DIR))('the MNIST cells on a slice of the real data (cells 39-53)', () => {
  // A --quick-like slice small enough for a unit test: 1 epoch on 2560 training images (20 batches).
  const data = () => mnist.loadData({ dir: MNIST_DIR, limit: { train: 2560, test: 500 }, verify: false, progress: false });

  it('trains the Keras-style model and prints Keras\' progress line (cells 39-43)', async () => {
    const out = await runSection(firstExample(), { data, quick: true });
    for (const n of [39, 41, 42]) expect(out.get(n)).toBe('');
    // The notebook's In [43] printed, per epoch:
    //   Epoch 1/5
    //   469/469 ━━━━━━━━━━━━━━━━━━━━ 3s 3ms/step - accuracy: 0.8713 - loss: 0.4440
    expect(out.get(43)).toMatch(/^Epoch 1\/1\n20\/20 ━{20} \d+s \d+(ms|us|s)\/step - accuracy: \d\.\d{4} - loss: \d+\.\d{4}$/);
  });

  it('trains the from-scratch model and prints its loss and accuracy (cells 44-53)', async () => {
    setSeed(7);
    const section = fromScratch();
    const out = await runSection(section, { data, quick: true });
    for (const n of [44, 45, 46, 47, 48, 49, 50, 51]) expect(out.get(n)).toBe('');
    // The notebook's In [52] printed `Epoch 1` then `loss at batch 0: 5.77` (every 100 batches).
    expect(out.get(52)).toMatch(/^Epoch 1\nloss at batch 0: \d+\.\d\d$/);
    // In [53] printed `accuracy: 0.98` after 10 epochs on 60,000 images.
    expect(out.get(53)).toMatch(/^accuracy: [01]\.\d\d$/);
    const accuracy = Number(out.get(53)!.split(': ')[1]);
    expect(accuracy).toBeGreaterThan(0.3); // 5 RMSprop steps already beat chance (0.1) by far
  });
});
