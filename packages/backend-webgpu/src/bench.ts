/**
 * Benchmarks the webgpu backend: adapter, one training step of an MNIST-sized MLP (784-128-10,
 * batch 128, Adam), and square-matmul GFLOP/s. Run after `pnpm build`:
 *
 *   node dist/bench.js [--size N] [--steps 20] [--batch 128] [--repeats R] [--matmul-precision highest|f16|f16-emulated]
 *
 * The matmul is 4096³ on a GPU. On a software adapter (SwiftShader on a machine without a GPU) that
 * would take minutes per product, so the default is 512³ with 3 repeats there, and the output says
 * so: software figures say nothing about GPUs.
 */
import * as tk from '@tensorkit/core';
import { WebGpuBackend } from './index.js';
import { checkMatmulPrecision } from './precision.js';

const argv = (globalThis as { process?: { argv?: string[] } }).process?.argv ?? [];

function raw(name: string): string | undefined {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < argv.length ? argv[at + 1] : undefined;
}

function option(name: string, fallback: number): number {
  const value = raw(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got '${value}'`);
  return n;
}

/** The GPU default of --size, and the software one (a 4096³ product takes minutes on SwiftShader). */
const GPU_SIZE = 4096;
const SOFTWARE_SIZE = 512;

async function main(): Promise<void> {
  const steps = option('steps', 20);
  const batch = option('batch', 128);
  const precision = raw('matmul-precision');
  const backend = await WebGpuBackend.create(precision === undefined ? {} : { matmulPrecision: checkMatmulPrecision(precision, '--matmul-precision') });
  tk.registerBackend('webgpu', () => backend, 4);
  await tk.setBackend('webgpu');
  const { description, isFallback, source } = backend.info;
  const size = option('size', isFallback ? SOFTWARE_SIZE : GPU_SIZE);
  const repeats = option('repeats', isFallback ? 3 : 10);
  console.log(`adapter: ${description}${isFallback ? ' (SOFTWARE / fallback adapter: figures are not GPU figures)' : ''}`);
  console.log(`via: ${source}`);
  console.log(`matmul precision: ${backend.matmulPrecisionInEffect}${backend.matmulPrecision !== backend.matmulPrecisionInEffect ? ` ('${backend.matmulPrecision}' requested; the adapter lacks shader-f16)` : ''}`);

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
  const rate = gflops >= 1000 ? `${(gflops / 1000).toFixed(2)} TFLOP/s` : `${gflops.toFixed(2)} GFLOP/s`;
  const sized = size !== GPU_SIZE && isFallback && raw('size') === undefined ? ` (sized down from ${GPU_SIZE}³ on a software adapter; --size N to change)` : '';
  console.log(`matmul ${size}x${size}x${size} float32: ${(seconds * 1000 / repeats).toFixed(2)} ms each, ${rate}${sized}`);
  tk.dispose([a, b]);
  backend.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  (globalThis as { process?: { exitCode?: number } }).process!.exitCode = 1;
});
