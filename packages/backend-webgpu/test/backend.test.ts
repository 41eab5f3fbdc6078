/** Unit tests of the webgpu backend beyond the conformance suite: tiled matmul, batching, pools, device loss. */
import { BackendError, registerBackend, removeBackend, setBackend, tensor, type TensorInfo } from '@tensorkit/core';
import { WebGpuBackend } from '../src/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let backend: WebGpuBackend;

beforeAll(async () => {
  backend = await WebGpuBackend.create();
});
afterAll(() => backend.destroy());

function rand(n: number, seed: number, int = false): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return int ? (s % 7) - 3 : s / 2 ** 32 - 0.5;
  });
}

function info(values: number[], shape: number[], dtype: 'float32' | 'int32' | 'bool' = 'float32'): TensorInfo {
  const array = dtype === 'float32' ? Float32Array.from(values) : dtype === 'int32' ? Int32Array.from(values) : Uint8Array.from(values);
  return { dataId: backend.write(array, dtype, shape), shape, dtype };
}

function refMatmul(a: number[], b: number[], o: { batch: number; batchA: number; batchB: number; m: number; n: number; k: number; tA: boolean; tB: boolean }): number[] {
  const out: number[] = [];
  for (let bt = 0; bt < o.batch; bt++) {
    const ab = o.batchA === 1 ? 0 : bt, bb = o.batchB === 1 ? 0 : bt;
    for (let i = 0; i < o.m; i++) {
      for (let j = 0; j < o.n; j++) {
        let s = 0;
        for (let p = 0; p < o.k; p++) {
          const av = a[ab * o.m * o.k + (o.tA ? p * o.m + i : i * o.k + p)];
          const bv = b[bb * o.k * o.n + (o.tB ? j * o.k + p : p * o.n + j)];
          s += av * bv;
        }
        out.push(s);
      }
    }
  }
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: number[], tol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i] - expected[i]) > tol * (1 + Math.abs(expected[i]))) {
      throw new Error(`[${i}] ${actual[i]} vs ${expected[i]}`);
    }
  }
}

describe('webgpu backend', () => {
  it('reports its adapter and capabilities (no readSync, no float64)', () => {
    expect(backend.info.description.length).toBeGreaterThan(0);
    expect(backend.capabilities.dtypes).toEqual(['float32', 'int32', 'bool']);
    expect(backend.capabilities.syncRead).toBe(false);
    expect((backend as { readSync?: unknown }).readSync).toBeUndefined();
  });

  it('reads float32 as Float32Array, int32 as Int32Array, bool as Uint8Array', async () => {
    expect(await backend.read(info([1.5, -2], [2]).dataId, 'float32', 2)).toEqual(new Float32Array([1.5, -2]));
    expect(await backend.read(info([7, -9], [2], 'int32').dataId, 'int32', 2)).toEqual(new Int32Array([7, -9]));
    expect(await backend.read(info([1, 0, 1], [3], 'bool').dataId, 'bool', 3)).toEqual(new Uint8Array([1, 0, 1]));
  });

  const shapes = [
    { batch: 1, batchA: 1, batchB: 1, m: 70, n: 65, k: 33 },
    { batch: 2, batchA: 2, batchB: 1, m: 64, n: 64, k: 64 },
    { batch: 3, batchA: 1, batchB: 3, m: 33, n: 97, k: 17 },
    { batch: 1, batchA: 1, batchB: 1, m: 5, n: 7, k: 3 },
  ];
  for (const s of shapes) {
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`matmul ${JSON.stringify(s)} transposeA=${tA} transposeB=${tB} (tiled and simple paths)`, async () => {
        const av = rand(s.batchA * s.m * s.k, s.m + s.n);
        const bv = rand(s.batchB * s.k * s.n, s.k + 1);
        const a = info(av, [s.batchA, tA ? s.k : s.m, tA ? s.m : s.k]);
        const b = info(bv, [s.batchB, tB ? s.n : s.k, tB ? s.k : s.n]);
        const out = backend.kernels.matmul({ a, b, transposeA: tA, transposeB: tB, ...s, outDtype: 'float32' });
        expectClose(await backend.read(out, 'float32', s.batch * s.m * s.n), refMatmul(av, bv, { ...s, tA, tB }));
      });
    }
  }

  it('int32 matmul on the tiled path is exact', async () => {
    const s = { batch: 1, batchA: 1, batchB: 1, m: 40, n: 36, k: 20 };
    const av = rand(s.m * s.k, 3, true), bv = rand(s.k * s.n, 4, true);
    const out = backend.kernels.matmul({ a: info(av, [s.m, s.k], 'int32'), b: info(bv, [s.k, s.n], 'int32'), transposeA: false, transposeB: false, ...s, outDtype: 'int32' });
    expect(Array.from(await backend.read(out, 'int32', s.m * s.n))).toEqual(refMatmul(av, bv, { ...s, tA: false, tB: false }));
  });

  for (const activation of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
    it(`fused dense with bias and ${activation}, tiled`, async () => {
      const m = 48, n = 40, k = 24;
      const xv = rand(m * k, 9), wv = rand(k * n, 10), bv = rand(n, 11);
      const out = backend.kernels.dense!({ x: info(xv, [m, k]), w: info(wv, [k, n]), bias: info(bv, [n]), activation, m, n, k });
      const act = (v: number) => (activation === 'relu' ? Math.max(v, 0) : activation === 'sigmoid' ? 1 / (1 + Math.exp(-v)) : activation === 'tanh' ? Math.tanh(v) : v);
      const ref = refMatmul(xv, wv, { batch: 1, batchA: 1, batchB: 1, m, n, k, tA: false, tB: false }).map((v, i) => act(v + bv[i % n]));
      expectClose(await backend.read(out, 'float32', m * n), ref);
    });
  }

  it('reduces long rows in a workgroup tree: sum, argmax with the first NaN', async () => {
    const n = 5000;
    const values = rand(n, 5);
    const x = info(values, [1, n]);
    const sum = backend.kernels.reduce({ op: 'sum', x, outer: 1, reduceSize: n, inner: 1, outDtype: 'float32' });
    expectClose(await backend.read(sum, 'float32', 1), [values.reduce((a, b) => a + Math.fround(b), 0)], 1e-5);
    const withNaN = values.slice();
    withNaN[3001] = NaN;
    withNaN[4000] = NaN;
    withNaN[10] = 100;
    const arg = backend.kernels.reduce({ op: 'argmax', x: info(withNaN, [1, n]), outer: 1, reduceSize: n, inner: 1, outDtype: 'int32' });
    expect(Array.from(await backend.read(arg, 'int32', 1))).toEqual([3001]);
  });

  it('element-wise ops beyond 65535 workgroups (2-D dispatch)', async () => {
    const n = 65535 * 64 + 100;
    const a = info(Array.from({ length: n }, (_, i) => i % 1000), [n]);
    const out = backend.kernels.unary({ op: 'neg', x: a, outDtype: 'float32' });
    const values = await backend.read(out, 'float32', n);
    expect(values[n - 1]).toBe(-((n - 1) % 1000));
    expect(values[12345]).toBe(-345);
  });

  it('records many ops into one submission, compiles each pipeline once, and reuses pooled buffers', async () => {
    let x = info([1, 2, 3, 4], [4]);
    await backend.read(x.dataId, 'float32', 4);
    const before = backend.stats();
    for (let i = 0; i < 50; i++) {
      const y = backend.kernels.binary({ op: 'add', a: x, b: x, aStrides: [1], bStrides: [1], outShape: [4], outDtype: 'float32' });
      backend.dispose(x.dataId);
      x = { dataId: y, shape: [4], dtype: 'float32' };
    }
    expect(Array.from(await backend.read(x.dataId, 'float32', 4))).toEqual([1, 2, 3, 4].map((v) => v * 2 ** 50));
    const after = backend.stats();
    expect(after.submits - before.submits).toBe(1);
    expect(after.pipelines - before.pipelines).toBeLessThanOrEqual(1);
    const reserved = backend.memory().bytesReserved;
    for (let i = 0; i < 50; i++) {
      const y = backend.kernels.binary({ op: 'mul', a: x, b: x, aStrides: [1], bStrides: [1], outShape: [4], outDtype: 'float32' });
      backend.dispose(x.dataId);
      x = { dataId: y, shape: [4], dtype: 'float32' };
      await backend.read(y, 'float32', 4);
    }
    expect(backend.memory().bytesReserved).toBe(reserved);
  });

  it('has no dataSync: it fails with a BackendError naming await data()', async () => {
    registerBackend('webgpu-unit', () => backend, 0);
    await setBackend('webgpu-unit');
    const t = tensor([1, 2, 3]);
    expect(() => t.dataSync()).toThrow(BackendError);
    expect(() => t.dataSync()).toThrow(/data\(\)/);
    expect(Array.from(await t.data())).toEqual([1, 2, 3]);
    t.dispose();
  });
});

describe('device loss', () => {
  it('reports a lost device clearly and recovers with reinitialize()', async () => {
    const b = await WebGpuBackend.create();
    const x = { dataId: b.write(new Float32Array([1, 2]), 'float32', [2]), shape: [2], dtype: 'float32' as const };
    (b.device as GPUDevice).destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(b.isLost).toBe(true);
    expect(() => b.write(new Float32Array([1]), 'float32', [1])).toThrow(/lost/);
    await b.reinitialize();
    expect(b.isLost).toBe(false);
    const y = b.write(new Float32Array([3, 4]), 'float32', [2]);
    expect(Array.from(await b.read(y, 'float32', 2))).toEqual([3, 4]);
    expect(() => b.kernels.unary({ op: 'neg', x, outDtype: 'float32' })).toThrow(/lost or replaced/);
    b.destroy();
    await removeBackend('webgpu-unit');
  });
});
