// One epoch of the chapter's model (784-512 relu-10 softmax, rmsprop, batch 128, 60000 samples)
// on the wasm backend, with synthetic MNIST-shaped data. Usage: node scripts/bench-epoch.mjs [threads]
// (run after `pnpm build`). Compare with `pnpm bench --filter epoch` (tfjs-wasm rows).
import * as tk from '@tensorkit/core';
import { createWasmBackend } from '../dist/index.js';

const threads = Number(process.argv[2] ?? 0) || undefined;
const samples = Number(process.env.SAMPLES ?? 60000);
const backend = await createWasmBackend({ threads });
tk.registerBackend('wasm-bench', () => backend, 0);
await tk.setBackend('wasm-bench');
console.log(`threads ${backend.capabilities.threads}; ${backend.capabilities.notes.join('; ')}`);
let s = 1;
const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const x = tk.tensor(Float32Array.from({ length: samples * 784 }, next), { shape: [samples, 784] });
const y = tk.tensor(Int32Array.from({ length: samples }, () => Math.floor(next() * 10)), { shape: [samples], dtype: 'int32' });
const model = tk.sequential([tk.dense({ units: 512, activation: 'relu' }), tk.dense({ units: 10, activation: 'softmax' })]);
model.compile({ optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
for (let epoch = 0; epoch < Number(process.env.EPOCHS ?? 2); epoch++) {
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: 128, shuffle: true, verbose: 0 });
  const mem = backend.memory();
  console.log(`epoch ${epoch + 1}: ${((performance.now() - t0) / 1000).toFixed(2)} s (${Math.ceil(samples / 128)} steps), ` +
    `bytesInUse ${mem.bytesInUse}, bytesReserved ${mem.bytesReserved}, tensors ${tk.memory().numTensors}`);
}
tk.dispose([x, y]);
model.dispose();
await backend.destroy();
