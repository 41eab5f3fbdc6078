import { describe, expect, it } from 'vitest';
import * as tk from '@tensorkit/core';
import '@tensorkit/backend-cpu/register';

/** Two Gaussian blobs per class in 8 dimensions: learnable to near 100%. */
function blobs(n: number, classes: number, seed: number): { x: tk.Tensor; y: tk.Tensor } {
  return tk.tidy(() => {
    const labels = tk.randomUniform([n], { minval: 0, maxval: classes, dtype: 'int32', seed });
    const centers = tk.randomNormal([classes, 8], { stddev: 3, seed: seed + 1 });
    const noise = tk.randomNormal([n, 8], { seed: seed + 2 });
    return { x: tk.gather(centers, labels).add(noise), y: labels };
  });
}

describe('sequential training', () => {
  it('fits, evaluates and predicts without leaking, and reports Keras-style progress', async () => {
    tk.setSeed(7);
    const { x, y } = blobs(512, 3, 11);
    const model = tk.sequential([tk.dense({ units: 16, activation: 'relu' }), tk.dense({ units: 3, activation: 'softmax' })]);
    model.compile({ optimizer: tk.rmsprop({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const lines: string[] = [];
    const batchLogs: tk.Logs[] = [];
    const before = tk.memory().numTensors;
    let afterFirstEpoch = -1;
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize: 32,
      validationSplit: 0.25,
      output: { write: (s: string) => lines.push(s) },
      callbacks: [
        { onBatchEnd: (_b, logs) => void batchLogs.push(logs) },
        { onEpochEnd: () => void (afterFirstEpoch < 0 && (afterFirstEpoch = tk.memory().numTensors)) },
      ],
    });
    // During fit: the validation split's four slices, the weights (4) and RMSprop slots (4) made in
    // the first step; nothing else stays. After fit the slices are freed.
    expect(afterFirstEpoch).toBe(before + 12);
    expect(tk.memory().numTensors).toBe(before + 8);
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(history.history.loss[2]).toBeLessThan(history.history.loss[0]);
    expect(history.history.val_accuracy[2]).toBeGreaterThan(0.9);
    expect(history.params).toMatchObject({ epochs: 3, steps: 12, batchSize: 32, samples: 384 });
    expect(batchLogs).toHaveLength(36);
    expect(lines.join('')).toMatch(/^Epoch 1\/3 - 12\/12 ━{20} \d+s \d+(ms|us)\/step - accuracy: \d\.\d{4} - loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}\n/);

    const scores = await model.evaluate(x, y, { batchSize: 100 });
    expect(Object.keys(scores).sort()).toEqual(['accuracy', 'loss']);
    const probabilities = model.predict(x, { batchSize: 100 });
    expect(probabilities.shape).toEqual([512, 3]);
    const sums = probabilities.sum(1);
    for (const s of sums.dataSync()) expect(s).toBeCloseTo(1, 5);
    tk.dispose([sums, probabilities]);
    expect(tk.memory().numTensors).toBe(before + 8);
    model.dispose();
    expect(tk.memory().numTensors).toBe(before);
    tk.dispose([x, y]);
  });

  it('reads the running means only when asked, with the same epoch figures either way', async () => {
    const run = async (withBatchCallback: boolean) => {
      tk.setSeed(21);
      const { x, y } = blobs(256, 3, 5);
      const model = tk.sequential([tk.dense({ units: 8, activation: 'relu' }), tk.dense({ units: 3, activation: 'softmax' })]);
      model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      const batches: tk.Logs[] = [];
      const before = tk.memory().numTensors;
      const history = await model.fit(x, y, {
        epochs: 2,
        batchSize: 64,
        verbose: 0,
        callbacks: withBatchCallback ? [{ onBatchEnd: (_b, logs) => void batches.push(logs) }] : [],
      });
      expect(tk.memory().numTensors).toBe(before + 4);
      model.dispose();
      tk.dispose([x, y]);
      return { history: history.history, batches };
    };
    const watched = await run(true);
    const unwatched = await run(false);
    expect(watched.batches).toHaveLength(8);
    // The last batch's running means are the epoch's figures.
    expect(watched.batches[7].loss).toBeCloseTo(watched.history.loss[1], 12);
    expect(unwatched.history.loss).toEqual(watched.history.loss);
    expect(unwatched.history.accuracy).toEqual(watched.history.accuracy);
  });

  it('prints a Keras summary with parameter counts', () => {
    const model = tk.sequential([tk.dense({ units: 512, activation: 'relu', inputShape: [784] }), tk.dense({ units: 10, activation: 'softmax' })], { name: 'sequential' });
    const text = model.summary({ print: false });
    expect(text).toContain('Model: "sequential"');
    expect(text).toMatch(/│ dense(_\d+)? \(Dense\) +│ \(None, 512\) +│ +401,920 │/);
    expect(text).toMatch(/│ dense_\d+ \(Dense\) +│ \(None, 10\) +│ +5,130 │/);
    expect(text).toContain(' Total params: 407,050 (1.55 MB)');
    expect(text).toContain(' Non-trainable params: 0 (0.00 B)');
    model.dispose();
  });

  it('applies gradients like the chapter: applyGradients(grads, weights) and zipped pairs', () => {
    const w = tk.variable(tk.tensor([1, 2]));
    const optimizer = tk.sgd({ learningRate: 0.5 });
    const g = tk.tensor([2, -2]);
    optimizer.applyGradients([g], [w]);
    expect([...w.dataSync()]).toEqual([0, 3]);
    optimizer.applyGradients([[g, w]]);
    expect([...w.dataSync()]).toEqual([-1, 4]);
    expect(optimizer.iterations).toBe(2);
    tk.dispose([w, g]);
  });

  it('rejects bad arguments with clear errors', async () => {
    const model = tk.sequential([tk.dense({ units: 2 })]);
    const x = tk.zeros([4, 3]);
    const y = tk.zeros([3], 'int32');
    await expect(model.fit(x, y)).rejects.toThrow(/call compile\(\{ optimizer, loss, metrics \}\) first/);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(model.fit(x, y)).rejects.toThrow(/must have the same number of samples/);
    expect(() => model.compile({ optimizer: 'adamw', loss: 'mse' })).toThrow(/optimizer 'adamw' is unknown/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'hinge' })).toThrow(/loss 'hinge' is unknown/);
    expect(() => tk.dense({ units: 0 })).toThrow(/units must be a positive integer/);
    expect(() => tk.dense({ units: 3, activation: 'gelu' })).toThrow(/activation 'gelu' is unknown/);
    tk.dispose([x, y]);
    model.dispose();
  });
});
