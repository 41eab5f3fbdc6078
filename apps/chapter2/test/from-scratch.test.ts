/** The from-scratch pieces of cells 44-51 on small tensors: exact updates, batches, the loop. */
import '@tensorkit/backend-cpu/register';
import { RMSprop, ready, setSeed, softmax, tensor, tidy, type Tensor } from '@tensorkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchGenerator, NaiveDense, NaiveSequential, accuracy, fit, oneTrainingStep, optimizerUpdate, sgdUpdate } from '../src/cells/from-scratch.js';

beforeAll(async () => {
  await ready();
  setSeed(11);
});

const small = () =>
  new NaiveSequential([
    new NaiveDense({ inputSize: 4, outputSize: 5, activation: (x: Tensor) => x.relu() }),
    new NaiveDense({ inputSize: 5, outputSize: 3, activation: (x: Tensor) => softmax(x) }),
  ]);

describe('NaiveDense and NaiveSequential (cells 44-46)', () => {
  it('starts with W uniform in [0, 0.1) and b zeros, and lists four weights', async () => {
    const model = small();
    expect(model.weights.map((w) => w.shape)).toEqual([[4, 5], [5], [5, 3], [3]]);
    const W = await model.layers[0].W.data();
    expect(Math.min(...W)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...W)).toBeLessThan(0.1);
    expect(Array.from(await model.layers[0].b.data())).toEqual([0, 0, 0, 0, 0]);
    const out = model.call(tensor([[1, 2, 3, 4]]));
    const rows = await out.data();
    expect(rows[0] + rows[1] + rows[2]).toBeCloseTo(1, 6); // softmax rows sum to 1
    out.dispose();
    model.dispose();
  });
});

describe('BatchGenerator (cell 47)', () => {
  it('yields consecutive batches without shuffling, the last one short', async () => {
    const images = tensor(Array.from({ length: 10 }, (_, i) => [i, i]));
    const labels = tensor(Array.from({ length: 10 }, (_, i) => i), { dtype: 'int32' });
    const generator = new BatchGenerator(images, labels, 4);
    expect(generator.numBatches).toBe(3);
    const seen: number[][] = [];
    for (let i = 0; i < generator.numBatches; i++) {
      const [x, y] = generator.next();
      expect(x.shape[0]).toBe(y.shape[0]);
      seen.push(Array.from(await y.data()));
      x.dispose();
      y.dispose();
    }
    expect(seen).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    images.dispose();
    labels.dispose();
  });
});

describe('one training step (cells 48-50)', () => {
  const batch = () => [tensor([[0.1, 0.2, 0.3, 0.4], [0.5, 0.1, 0.0, 0.9]]), tensor([2, 0], { dtype: 'int32' })] as const;

  it('with plain SGD moves every weight by exactly -learning_rate * gradient', async () => {
    const model = small();
    const [x, y] = batch();
    const before = await Promise.all(model.weights.map(async (w) => Float32Array.from(await w.data())));
    let gradients: Float32Array[] = [];
    const record = (g: readonly Tensor[]) => {
      gradients = g.map((t) => Float32Array.from(t.dataSync()));
    };
    const sgd = sgdUpdate(1e-3);
    const loss = oneTrainingStep(model, x, y, (g, w) => {
      record(g);
      sgd(g, w);
    });
    expect(loss.shape).toEqual([]);
    expect((await loss.data())[0]).toBeGreaterThan(0);
    const after = await Promise.all(model.weights.map(async (w) => Float32Array.from(await w.data())));
    after.forEach((values, i) => values.forEach((v, j) => expect(v).toBe(Math.fround(before[i][j] - Math.fround(gradients[i][j] * Math.fround(1e-3))))));
    expect(gradients.some((g) => g.some((v) => v !== 0))).toBe(true);
    [loss, x, y].forEach((t) => t.dispose());
    model.dispose();
  });

  it('with RMSprop applyGradients lowers the loss on a repeated batch', async () => {
    const model = small();
    const [x, y] = batch();
    const optimizer = new RMSprop();
    const update = optimizerUpdate(optimizer);
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const loss = oneTrainingStep(model, x, y, update);
      losses.push((await loss.data())[0]);
      loss.dispose();
    }
    expect(optimizer.iterations).toBe(30);
    expect(losses[29]).toBeLessThan(losses[0]);
    [x, y].forEach((t) => t.dispose());
    optimizer.dispose();
    model.dispose();
  });
});

describe('fit and the accuracy (cells 51 and 53)', () => {
  it('prints the epoch and the loss every 100 batches as the notebook does', async () => {
    const model = small();
    const n = 300; // 3 batches of 128
    const images = tidy(() => tensor(Array.from({ length: n * 4 }, (_, i) => (i % 7) / 7), { shape: [n, 4] }));
    const labels = tensor(Array.from({ length: n }, (_, i) => i % 3), { dtype: 'int32' });
    const lines: string[] = [];
    await fit(model, images, labels, 2, sgdUpdate(1e-3), (l) => lines.push(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('Epoch 1');
    expect(lines[1]).toMatch(/^loss at batch 0: \d+\.\d\d$/);
    expect(lines[2]).toBe('Epoch 2');
    const acc = await accuracy(model, images, labels);
    expect(acc).toBeGreaterThanOrEqual(0);
    expect(acc).toBeLessThanOrEqual(1);
    [images, labels].forEach((t) => t.dispose());
    model.dispose();
  });
});
