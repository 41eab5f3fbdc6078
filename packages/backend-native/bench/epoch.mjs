// One epoch of the chapter's model on the native backend (real MNIST), as a user writes it, plus
// the same epoch's matmuls alone. Run after `pnpm build`:
//   node packages/backend-native/bench/epoch.mjs [threads]
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as tk from '@tensorkit/core';
import '../dist/register.js';

const dir = new URL('../../../../shared/datasets/mnist/', import.meta.url);
const images = gunzipSync(readFileSync(new URL('train-images-idx3-ubyte.gz', dir))).subarray(16);
const labels = gunzipSync(readFileSync(new URL('train-labels-idx1-ubyte.gz', dir))).subarray(8);
const backend = await tk.setBackend('native');
const threads = Number(process.argv[2] ?? backend.capabilities.threads);
backend.setThreads(threads);
console.log(`native backend: ${backend.capabilities.notes[0]}`);
const x = tk.tensor(Float32Array.from(images, (v) => v / 255), { shape: [60000, 784] });
const y = tk.tensor(Int32Array.from(labels), { shape: [60000], dtype: 'int32' });
for (let epoch = 0; epoch < 2; epoch++) {
  const model = tk.sequential([tk.dense({ units: 512, activation: 'relu' }), tk.dense({ units: 10, activation: 'softmax' })]);
  model.compile({ optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const t0 = performance.now();
  const history = await model.fit(x, y, { epochs: 1, batchSize: 128, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  console.log(`epoch ${epoch + 1} (${threads} thread(s)): ${seconds.toFixed(3)} s  loss ${history.history.loss?.[0]?.toFixed(4)}  accuracy ${history.history.accuracy?.[0]?.toFixed(4)}`);
  model.dispose?.();
}
x.dispose();
y.dispose();
// The epoch's matmuls alone: 469 steps x (forward 1 and 2, dW2, dH, dW1).
const addon = backend.addon;
const r = (n) => addon.fromArray(Float32Array.from({ length: n }, () => Math.random() - 0.5));
const xb = r(128 * 784), w1 = r(784 * 512), h = r(128 * 512), w2 = r(512 * 10), dz = r(128 * 10), dh = r(128 * 512);
let best = Infinity;
for (let rep = 0; rep < 3; rep++) {
  const t0 = performance.now();
  for (let s = 0; s < 469; s++) {
    addon.free(addon.matmul(xb, w1, false, false, 1, 1, 1, 128, 512, 784, 0));
    addon.free(addon.matmul(h, w2, false, false, 1, 1, 1, 128, 10, 512, 0));
    addon.free(addon.matmul(h, dz, true, false, 1, 1, 1, 512, 10, 128, 0));
    addon.free(addon.matmul(dz, w2, false, true, 1, 1, 1, 128, 512, 10, 0));
    addon.free(addon.matmul(xb, dh, true, false, 1, 1, 1, 784, 512, 128, 0));
  }
  best = Math.min(best, (performance.now() - t0) / 1000);
}
console.log(`the epoch's matmuls alone (${threads} thread(s)): ${best.toFixed(3)} s`);
