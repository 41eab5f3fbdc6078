// GFLOP/s of the native sgemm on the MNIST shapes, 1 and 2 threads, and the per-call overhead.
// Run: node packages/backend-native/bench/gemm.mjs   (after the addon is built)
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const addon = require('../build/Release/tensorkit_native.node');
const rand = (n) => { const a = addon.alloc(0, n); for (let i = 0; i < n; i++) a[i] = Math.random() - 0.5; return a; };
const shapes = [
  ['forward 128x784 . 784x512', 128, 512, 784, false, false],
  ['dW1 = X^T(784x128) . dH(128x512)', 784, 512, 128, true, false],
  ['dX = dH(128x512) . W1^T(512x784)', 128, 784, 512, false, true],
  ['forward 128x512 . 512x10 (N=10)', 128, 10, 512, false, false],
  ['dW2 = H^T(512x128) . dZ(128x10)', 512, 10, 128, true, false],
  ['dH = dZ(128x10) . W2^T(10x512)', 128, 512, 10, false, true],
];
console.log(`kernel: ${addon.gemmKernel()}`);
for (const threads of [1, 2]) {
  addon.setThreads(threads);
  for (const [name, m, n, k, tA, tB] of shapes) {
    const a = rand(m * k), b = rand(k * n);
    for (let i = 0; i < 20; i++) addon.free(addon.matmul(a, b, tA, tB, 1, 1, 1, m, n, k, 0));
    let best = Infinity;
    for (let rep = 0; rep < 7; rep++) {
      const iters = 50;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < iters; i++) addon.free(addon.matmul(a, b, tA, tB, 1, 1, 1, m, n, k, 0));
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9 / iters);
    }
    console.log(`${threads} thread(s)  ${name.padEnd(36)} ${(2 * m * n * k / best / 1e9).toFixed(1).padStart(7)} GFLOP/s  (${(best * 1e6).toFixed(1)} us)`);
  }
}
// Per-call overhead: a call that validates one typed array, and a 1-element unary (alloc + external buffer + free).
const x = addon.fromArray(new Float32Array(1));
for (const [name, fn] of [['noop(x) (argument checks only)', () => addon.noop(x)], ['unary neg on 1 element (+ free)', () => addon.free(addon.unary(0, x, 0))]]) {
  for (let i = 0; i < 1e5; i++) fn();
  const n = 1e6, t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  console.log(`per-call ${name}: ${(Number(process.hrtime.bigint() - t0) / n).toFixed(0)} ns`);
}
