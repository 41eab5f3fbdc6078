// Fashion-MNIST test accuracy of the chapter's model (dense 512 relu, dense 10 softmax, rmsprop,
// 5 epochs, batch 128) in TensorFlow.js (tfjs-layers on tfjs-backend-wasm), one line per seed: the
// peer figure next to `pnpm mnist --dataset fashion-mnist --seed S --json`. Reads Debian's
// /usr/share/datasets/fashion-mnist (npm run setup installs it). ~3 minutes per seed here.
// Usage (after pnpm install): node tools/bench/reference/tfjs_fashion_accuracy.mjs 1 2 3
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
const require = createRequire(import.meta.url);
setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
await tf.setBackend('wasm'); await tf.ready();
const dir = '/usr/share/datasets/fashion-mnist/';
const idx = (f) => gunzipSync(readFileSync(dir + f));
const images = (f, n) => tf.tensor2d(Float32Array.from(idx(f).subarray(16), (v) => v / 255), [n, 784]);
const labels = (f) => tf.tensor1d(Float32Array.from(idx(f).subarray(8)));
const x = images('train-images-idx3-ubyte.gz', 60000), y = labels('train-labels-idx1-ubyte.gz');
const xt = images('t10k-images-idx3-ubyte.gz', 10000), yt = labels('t10k-labels-idx1-ubyte.gz');
for (const seed of process.argv.slice(2).map(Number)) {
  const model = tfl.sequential({ layers: [
    tfl.layers.dense({ units: 512, activation: 'relu', inputShape: [784], kernelInitializer: tfl.initializers.glorotUniform({ seed }) }),
    tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
  ] });
  model.compile({ optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit(x, y, { epochs: 5, batchSize: 128, verbose: 0 });
  const [, acc] = model.evaluate(xt, yt, { batchSize: 1000 });
  console.log(JSON.stringify({ seed, testAccuracy: (await acc.data())[0] }));
}
