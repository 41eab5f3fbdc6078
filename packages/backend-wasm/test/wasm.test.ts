import * as tk from '@tensorkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createWasmBackend, sizeClass, type WasmBackend } from '@tensorkit/backend-wasm';
import '@tensorkit/backend-wasm/register';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function refMatmul(a: Float32Array, b: Float32Array, m: number, n: number, k: number, ta: boolean, tb: boolean): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j];
      out[i * n + j] = s;
    }
  return out;
}

const backends: WasmBackend[] = [];
afterAll(async () => {
  for (const b of backends) await b.destroy();
});

describe('wasm backend', () => {
  it('registers as wasm with priority above cpu and reports its capabilities', async () => {
    await tk.setBackend('wasm');
    const b = tk.getBackend();
    expect(b.name).toBe('wasm');
    expect(b.capabilities.dtypes).toEqual(['float32', 'int32', 'bool']);
    expect(b.capabilities.threads).toBeGreaterThanOrEqual(1);
    expect(b.capabilities.notes?.length).toBeGreaterThan(0);
  });

  for (const threads of [1, 2]) {
    it(`matmul matches a float64 reference for every transpose and edge shape (${threads} thread${threads > 1 ? 's' : ''})`, async () => {
      const backend = await createWasmBackend({ threads });
      backends.push(backend);
      tk.registerBackend(`wasm-test-${threads}`, () => backend, 0);
      await tk.setBackend(`wasm-test-${threads}`);
      expect(tk.getBackend().capabilities.threads).toBe(threads);
      const next = rng(threads);
      const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [4, 8, 1], [13, 10, 300], [128, 10, 512], [128, 512, 784], [33, 17, 0], [130, 70, 257]];
      for (const [m, n, k] of shapes) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const av = Float32Array.from({ length: m * k }, next);
            const bv = Float32Array.from({ length: k * n }, next);
            const a = tk.tensor(av, { shape: ta ? [k, m] : [m, k] });
            const b = tk.tensor(bv, { shape: tb ? [n, k] : [k, n] });
            const c = tk.matmul(a, b, { transposeA: ta, transposeB: tb });
            const got = await c.data();
            const want = refMatmul(av, bv, m, n, k, ta, tb);
            for (let i = 0; i < want.length; i++) {
              if (Math.abs(got[i] - want[i]) > 1e-4 * (1 + Math.sqrt(k))) throw new Error(`${m}x${n}x${k} ta=${ta} tb=${tb} [${i}] ${got[i]} vs ${want[i]}`);
            }
            tk.dispose([a, b, c]);
          }
        }
      }
      await tk.setBackend('wasm');
    });
  }

  it('rounds sizes to classes with at most 12.5% slack', () => {
    expect(sizeClass(0)).toBe(0);
    expect(sizeClass(1)).toBe(16);
    expect(sizeClass(1025)).toBe(1152);
    for (const n of [3000, 65537, 1e6, 12345678]) {
      expect(sizeClass(n)).toBeGreaterThanOrEqual(n);
      expect(sizeClass(n)).toBeLessThanOrEqual(n * 1.125 + 16);
    }
  });

  it('raises a BackendError with the sizes when memory runs out, and keeps working', async () => {
    const backend = await createWasmBackend({ threads: 1, maxMemoryBytes: 32 * 1024 * 1024 });
    backends.push(backend);
    tk.registerBackend('wasm-small', () => backend, 0);
    await tk.setBackend('wasm-small');
    let error: unknown;
    try {
      tk.zeros([64, 1024, 1024]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(tk.BackendError);
    expect((error as Error).message).toMatch(/out of memory: cannot allocate 268435456 bytes/);
    const t = tk.tensor([1, 2, 3]).mul(2);
    expect(Array.from(await t.data())).toEqual([2, 4, 6]);
    t.dispose();
    await tk.setBackend('wasm');
  });

  it('re-creates views after the memory grows', async () => {
    const a = tk.tensor([1, 2, 3, 4]);
    const reserved = tk.getBackend().memory().bytesReserved;
    const big = tk.ones([Math.ceil(reserved / 4) + 1000]);
    expect(tk.getBackend().memory().bytesReserved).toBeGreaterThan(reserved);
    tk.tidy(() => {
      expect(Array.from(a.add(1).dataSync())).toEqual([2, 3, 4, 5]);
      expect(big.sum().dataSync()[0]).toBe(Math.ceil(reserved / 4) + 1000);
    });
    tk.dispose([a, big]);
  });

  it('1000 training steps after the first epoch leak neither tensors nor wasm memory', async () => {
    await tk.setBackend('wasm');
    const next = rng(7);
    const x = tk.tensor(Float32Array.from({ length: 64 * 784 }, next), { shape: [64, 784] });
    const y = tk.tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10), { shape: [64], dtype: 'int32' });
    const model = tk.sequential([tk.dense({ units: 128, activation: 'relu' }), tk.dense({ units: 10, activation: 'softmax' })]);
    model.compile({ optimizer: tk.rmsprop(), loss: 'sparseCategoricalCrossentropy' });
    await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    const before = tk.memory().numTensors;
    const mem0 = tk.getBackend().memory();
    await model.fit(x, y, { epochs: 250, batchSize: 16, verbose: 0 });
    const mem1 = tk.getBackend().memory();
    expect(tk.memory().numTensors).toBe(before);
    expect(mem1.bytesInUse).toBe(mem0.bytesInUse);
    expect(mem1.bytesReserved).toBe(mem0.bytesReserved);
    tk.dispose([x, y]);
    model.dispose();
  });

  it('loads from a custom location (bytes, path and file URL)', async () => {
    const { readFileSync } = await import('node:fs');
    const url = new URL('../dist/kernels.wasm', import.meta.url);
    for (const source of [readFileSync(url), url, url.pathname]) {
      const b = await createWasmBackend({ threads: 1, relaxedSimd: false, wasmPaths: { 'kernels.wasm': source } });
      backends.push(b);
      expect(b.name).toBe('wasm');
    }
    await expect(createWasmBackend({ threads: 1, relaxedSimd: false, wasmPaths: '/nonexistent/' })).rejects.toThrow(tk.BackendError);
  });
});
