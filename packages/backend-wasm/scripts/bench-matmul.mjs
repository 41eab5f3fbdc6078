// GFLOP/s of the wasm matmul on the chapter model's shapes (784-512-10 MLP, batch 128), per thread count.
// Usage: node scripts/bench-matmul.mjs [threads...]   (run after `pnpm build`)
import * as tk from '@tensorkit/core';
import { createWasmBackend } from '../dist/index.js';

const shapes = [
  ['fwd dense1   128x784 . 784x512', 128, 512, 784, false, false],
  ['fwd dense2   128x512 . 512x10', 128, 10, 512, false, false],
  ['dW1 xT.dy    784x128 . 128x512', 784, 512, 128, true, false],
  ['dW2 hT.dy    512x128 . 128x10', 512, 10, 128, true, false],
  ['dh  dy.W2T   128x10 . 10x512', 128, 512, 10, false, true],
  ['dx  dy.W1T   128x512 . 512x784', 128, 784, 512, false, true],
];
const threadCounts = process.argv.slice(2).map(Number);
for (const threads of threadCounts.length ? threadCounts : [1, 2]) {
  const backend = await createWasmBackend({ threads });
  tk.registerBackend(`wasm-${threads}`, () => backend, 0);
  await tk.setBackend(`wasm-${threads}`);
  console.log(`threads ${backend.capabilities.threads}: ${backend.capabilities.notes.join('; ')}`);
  let totalFlop = 0, totalTime = 0;
  for (const [label, m, n, k, ta, tb] of shapes) {
    const a = tk.randomUniform(ta ? [k, m] : [m, k]);
    const b = tk.randomUniform(tb ? [n, k] : [k, n]);
    const run = () => tk.tidy(() => tk.matmul(a, b, { transposeA: ta, transposeB: tb }).dataSync());
    for (let i = 0; i < 5; i++) run();
    let reps = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 400) { run(); reps++; }
    const ms = (performance.now() - t0) / reps;
    const gflops = (2 * m * n * k) / ms / 1e6;
    totalFlop += 2 * m * n * k; totalTime += ms;
    console.log(`  ${label.padEnd(34)} ${ms.toFixed(3).padStart(8)} ms  ${gflops.toFixed(1).padStart(6)} GFLOP/s`);
    tk.dispose([a, b]);
  }
  console.log(`  all shapes: ${(totalFlop / totalTime / 1e6).toFixed(1)} GFLOP/s`);
  await backend.destroy();
}
