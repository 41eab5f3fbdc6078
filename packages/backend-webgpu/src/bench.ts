/**
 * Benchmarks the webgpu backend: adapter, one training step of an MNIST-sized MLP (784-128-10,
 * batch 128, Adam), and square-matmul GFLOP/s. Run after `pnpm build`:
 *
 *   node dist/bench.js [--size 4096] [--steps 20] [--batch 128] [--repeats 10]
 *
 * On a machine without a GPU this runs on SwiftShader (software): its figures say nothing about GPUs.
 */
import * as tk from '@tensorkit/core';
import { WebGpuBackend } from './index.js';

function option(name: string, fallback: number): number {
  const argv = (globalThis as { process?: { argv?: string[] } }).process?.argv ?? [];
  const at = argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < argv.length ? Number(argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  const size = option('size', 4096);
  const steps = option('steps', 20);
  const batch = option('batch', 128);
  const repeats = option('repeats', 10);
  const backend = await WebGpuBackend.create();
  tk.registerBackend('webgpu', () => backend, 4);
  await tk.setBackend('webgpu');
  const { description, isFallback, source } = backend.info;
  console.log(`adapter: ${description}${isFallback ? ' (SOFTWARE / fallback adapter: figures are not GPU figures)' : ''}`);
  console.log(`via: ${source}`);

  // Training step: 784-128-10 MLP, sparse categorical cross-entropy, Adam.
  const samples = batch * (steps + 2);
  const x = tk.randomUniform([samples, 784]);
  const y = tk.tidy(() => tk.randomUniform([samples], { minval: 0, maxval: 10 }).cast('int32'));
  const model = tk.sequential([tk.dense({ units: 128, activation: 'relu', inputShape: [784] }), tk.dense({ units: 10, activation: 'softmax' })]);
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  const warmX = x.slice([0, 0], [batch * 2, 784]);
  const warmY = y.slice([0], [batch * 2]);
  await model.fit(warmX, warmY, { epochs: 1, batchSize: batch, verbose: 0, shuffle: false });
  await backend.sync();
  const start = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0, shuffle: false });
  await backend.sync();
  const stepMs = (performance.now() - start) / Math.ceil(samples / batch);
  console.log(`training step (784-128-10, batch ${batch}, adam, loss read back every step): ${stepMs.toFixed(2)} ms`);
  tk.dispose([x, y, warmX, warmY]);
  model.dispose();

  // Matmul throughput.
  const a = tk.randomNormal([size, size]);
  const b = tk.randomNormal([size, size]);
  tk.dispose(tk.matmul(a, b));
  await backend.sync();
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) tk.dispose(tk.matmul(a, b));
  await backend.sync();
  const seconds = (performance.now() - t0) / 1000;
  const gflops = (2 * size ** 3 * repeats) / seconds / 1e9;
  console.log(`matmul ${size}x${size}x${size} float32: ${(seconds * 1000 / repeats).toFixed(2)} ms each, ${gflops.toFixed(2)} GFLOP/s`);
  tk.dispose([a, b]);
  backend.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  (globalThis as { process?: { exitCode?: number } }).process!.exitCode = 1;
});
