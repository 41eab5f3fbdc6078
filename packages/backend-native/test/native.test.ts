import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tk from '@tensorkit/core';
import '@tensorkit/backend-cpu/register';
import '@tensorkit/backend-native/register';
import { createNativeBackend, loadAddon, nativeBackendFactory, NativeBackend, packageRoot, type NativeAddon } from '@tensorkit/backend-native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const loaded = loadAddon();
const addon = 'addon' in loaded ? loaded.addon : (undefined as unknown as NativeAddon);

describe('loading', () => {
  it('loads the addon built at install time', () => {
    expect('addon' in loaded ? loaded.path : loaded.unavailable).toMatch(/tensorkit_native\.node$/);
    expect(createNativeBackend({ requested: true })).toBeInstanceOf(NativeBackend);
  });

  it('reports "unavailable" with the reason when no binary is found', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tk-native-empty-'));
    try {
      const result = loadAddon({ dirs: [empty] });
      expect('unavailable' in result && result.unavailable).toMatch(/unavailable: no tensorkit_native\.node for .* in .*tk-native-empty-/);
      tk.registerBackend('native-missing', nativeBackendFactory({ dirs: [empty] }), 99);
      await expect(tk.setBackend('native-missing')).rejects.toThrow(/failed to initialise: native backend unavailable: no tensorkit_native\.node/);
      // ready() moves on to the next backend, naming the reason in listBackends().
      const chosen = await tk.ready();
      expect(chosen.name).not.toBe('native-missing');
      expect(tk.listBackends().find((b) => b.name === 'native-missing')).toMatchObject({ state: 'failed', reason: expect.stringMatching(/unavailable/) });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('TENSORKIT_NATIVE_BINARY_DIR pointing at an empty directory makes the factory throw', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tk-native-env-'));
    const script = `import('${join(packageRoot(), 'src', 'addon.ts').replace(/\\/g, '/')}').then(m => console.log(JSON.stringify(m.loadAddon())))`;
    const run = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', '-e', script], { env: { ...process.env, TENSORKIT_NATIVE_BINARY_DIR: empty }, encoding: 'utf8' });
    rmSync(empty, { recursive: true, force: true });
    if (run.status !== 0 && /strip-types/.test(run.stderr)) return; // Node without type stripping: covered by the test above
    expect(run.stdout).toMatch(/"unavailable":"native backend unavailable: no tensorkit_native\.node/);
  });

  it('the install script exits 0 and reports why when the compiler is missing', () => {
    const copy = mkdtempSync(join(tmpdir(), 'tk-native-install-'));
    try {
      const root = packageRoot();
      for (const item of ['package.json', 'binding.gyp', 'native', 'scripts']) cpSync(join(root, item), join(copy, item), { recursive: true });
      cpSync(join(root, 'node_modules'), join(copy, 'node_modules'), { recursive: true, dereference: false });
      const run = spawnSync(process.execPath, [join(copy, 'scripts', 'install.cjs'), '--force'], {
        cwd: copy, encoding: 'utf8', env: { ...process.env, CXX: '/nonexistent/g++', CC: '/nonexistent/gcc' }, timeout: 120_000,
      });
      expect(run.status).toBe(0);
      expect(run.stderr).toMatch(/building the addon failed .*native backend is unavailable/);
      expect(existsSync(join(copy, 'build', 'Release', 'tensorkit_native.node'))).toBe(false);
      const status = JSON.parse(readFileSync(join(copy, 'build', 'install-status.json'), 'utf8'));
      expect(status.ok).toBe(false);
      // The loader of that copy then reports the install step's reason.
      const result = loadAddon({ dirs: [join(copy, 'build', 'Release')] });
      expect('unavailable' in result).toBe(true);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 120_000);

  it('the packed package carries this platform\'s binary and installs and runs without a compiler', () => {
    const work = mkdtempSync(join(tmpdir(), 'tk-native-pack-'));
    try {
      const root = packageRoot();
      // `pnpm pack` runs the prepack script, which puts the built binary into prebuilds/.
      const pack = spawnSync('pnpm', ['pack', '--pack-destination', work], { cwd: root, encoding: 'utf8', timeout: 120_000 });
      expect(pack.status, pack.stderr).toBe(0);
      const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))!;
      const prebuilt = `package/prebuilds/${process.platform}-${process.arch}/tensorkit_native.node`;
      const listing = spawnSync('tar', ['-tzf', join(work, tarball)], { encoding: 'utf8' }).stdout.split('\n');
      expect(listing).toContain(prebuilt);
      expect(listing.some((name) => name.startsWith('package/build/'))).toBe(false);
      // Unpack it as a user's node_modules would hold it, next to the core package, and run its
      // install step with no compiler reachable: it must take the prebuilt binary.
      const installed = join(work, 'node_modules', '@tensorkit', 'backend-native');
      mkdirSync(installed, { recursive: true });
      expect(spawnSync('tar', ['-xzf', join(work, tarball), '-C', installed, '--strip-components=1']).status).toBe(0);
      symlinkSync(join(root, '..', 'core'), join(work, 'node_modules', '@tensorkit', 'core'));
      const install = spawnSync(process.execPath, [join(installed, 'scripts', 'install.cjs')], {
        cwd: installed, encoding: 'utf8', env: { ...process.env, CXX: '/nonexistent/g++', CC: '/nonexistent/gcc', PATH: dirname(process.execPath) },
      });
      expect(install.status).toBe(0);
      expect(install.stdout).toMatch(/using the prebuilt binary .*prebuilds/);
      expect(existsSync(join(installed, 'build', 'Release', 'tensorkit_native.node'))).toBe(false);
      const script =
        "const tk = await import('@tensorkit/core'); await import('@tensorkit/backend-native/register');" +
        "await tk.setBackend('native'); const y = tk.matmul(tk.tensor([[1, 2], [3, 4]]), tk.tensor([[5], [6]]));" +
        'console.log(JSON.stringify(await y.array()));';
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: work, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.stdout.trim()).toBe('[[17],[39]]');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);

  it('the install script exits 0 without node-gyp or headers too', () => {
    const copy = mkdtempSync(join(tmpdir(), 'tk-native-nogyp-'));
    try {
      const root = packageRoot();
      for (const item of ['package.json', 'binding.gyp', 'native', 'scripts']) cpSync(join(root, item), join(copy, item), { recursive: true });
      const run = spawnSync(process.execPath, [join(copy, 'scripts', 'install.cjs')], { cwd: copy, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
      expect(run.status).toBe(0);
      expect(run.stderr).toMatch(/node-gyp is not installed|headers were not found|building the addon failed/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('bad input never crashes the addon', () => {
  const f = () => addon.fromArray(new Float32Array([1, 2, 3, 4]));
  const cases: [string, () => unknown][] = [
    ['unary with a number', () => addon.unary(0, 5 as never, 0)],
    ['unary with a bad op', () => addon.unary(99, f(), 0)],
    ['unary with a plain array', () => addon.unary(0, [1, 2] as never, 0)],
    ['unary with a Uint16Array', () => addon.unary(0, new Uint16Array(2) as never, 0)],
    ['binary out of bounds', () => { addon.params.set([8, 1, 1]); return addon.binary(0, f(), f(), 0, 1); }],
    ['binary negative shape', () => { addon.params.set([-1, 1, 1]); return addon.binary(0, f(), f(), 0, 1); }],
    ['binary fractional shape', () => { addon.params.set([1.5, 1, 1]); return addon.binary(0, f(), f(), 0, 1); }],
    ['binary mixed dtypes', () => { addon.params.set([2, 1, 1]); return addon.binary(0, f(), new Int32Array(4), 0, 1); }],
    ['binary huge rank', () => addon.binary(0, f(), f(), 0, 1000)],
    ['where out of bounds', () => { addon.params.set([4, 1, 1, 2]); return addon.where(new Uint8Array(4), f(), f(), 0, 1); }],
    ['stridedCopy offset out of bounds', () => { addon.params.set([2, 1]); return addon.stridedCopy(f(), 1, 3); }],
    ['stridedCopy negative stride underflow', () => { addon.params.set([3, -1]); return addon.stridedCopy(f(), 1, 1); }],
    ['reduce beyond the input', () => addon.reduce(0, f(), 2, 3, 1, 0)],
    ['reduce bad op', () => addon.reduce(42, f(), 1, 4, 1, 0)],
    ['matmul beyond the inputs', () => addon.matmul(f(), f(), false, false, 1, 1, 1, 4, 4, 4, 0)],
    ['matmul dtype mismatch', () => addon.matmul(f(), new Float64Array(4), false, false, 1, 1, 1, 2, 2, 2, 0)],
    ['matmul bad batch', () => addon.matmul(f(), f(), false, false, 2, 3, 1, 1, 1, 1, 0)],
    ['dense beyond the inputs', () => addon.dense(f(), f(), null, 0, 3, 3, 3)],
    ['dense short bias', () => addon.dense(f(), f(), new Float32Array(1), 0, 2, 2, 2)],
    ['gather beyond the input', () => addon.gather(f(), new Int32Array([0]), 1, 8, 1, 1)],
    ['gather float indices', () => addon.gather(f(), new Float32Array([0]), 1, 4, 1, 1)],
    ['concat beyond the inputs', () => { addon.params.set([9]); return addon.concat([f()], 1, 0); }],
    ['concat not an array', () => addon.concat(f() as never, 1, 0)],
    ['softmax beyond the input', () => addon.softmax(f(), 3, 3, false)],
    ['cross-entropy short labels', () => addon.sparseSoftmaxCrossEntropy(f(), new Int32Array(1), 2, 2)],
    ['rmsprop short slot', () => addon.rmsprop(f(), f(), new Float32Array(1), 0.1, 0.9, 1e-7)],
    ['adam wrong dtype', () => addon.adam(f(), f(), new Int32Array(4), f(), 0.1, 0.9, 0.999, 1e-7)],
    ['sgd missing args', () => (addon.sgd as (...a: unknown[]) => void)(f())],
    ['alloc negative', () => addon.alloc(0, -1)],
    ['alloc bad dtype', () => addon.alloc(9, 1)],
    ['alloc NaN', () => addon.alloc(0, Number.NaN)],
    ['free a JS array', () => addon.free(new Float32Array(2))],
    ['setThreads 0', () => addon.setThreads(0)],
  ];
  for (const [name, call] of cases) {
    it(name, () => expect(call).toThrow(/bad|exceed|out of bounds|dtype|must|expected|too|empty|typed array|allocated|auto|\[1, 64\]|alloc/));
  }

  it('a disposed (freed) storage reads as empty and kernels reject it', () => {
    const x = f();
    addon.free(x);
    expect(() => addon.free(x)).not.toThrow();
    expect(() => addon.reduce(0, x, 1, 4, 1, 0)).toThrow(/exceeds/);
  });
});

describe('memory', () => {
  it('memory() counts native bytes and dispose frees them', async () => {
    await tk.setBackend('native');
    const before = tk.getBackend().memory();
    const t = tk.zeros([1000]);
    expect(tk.getBackend().memory().bytesInUse - before.bytesInUse).toBe(4000);
    t.dispose();
    expect(tk.getBackend().memory().bytesInUse).toBe(before.bytesInUse);
  });

  it('a freed typed array is handed out again for the next buffer of its dtype and length, never while free', () => {
    const x = addon.fromArray(new Float32Array(1000).fill(1));
    const [inUse, buffers] = addon.memory();
    addon.free(x);
    expect(addon.memory()[0]).toBe(inUse - 4000);
    expect(addon.memory()[1]).toBe(buffers - 1);
    expect(() => addon.reduce(0, x, 1, 1000, 1, 0)).toThrow(/exceeds/); // refused while free
    const otherDtype = addon.alloc(2, 1000); // same bytes, another dtype: not the freed view
    expect(otherDtype).not.toBe(x);
    const y = addon.alloc(0, 1000);
    expect(y).toBe(x);
    expect(addon.memory()[0]).toBe(inUse + 4000);
    y.fill(2);
    expect(Array.from(addon.reduce(0, y, 1, 1000, 1, 0))).toEqual([2000]);
    addon.free(y);
    addon.free(otherDtype);
  });

  it('releaseCache drops the kept buffers and views: reserved bytes fall back to the bytes in use', () => {
    const kept = Array.from({ length: 5 }, (_, i) => addon.alloc(0, 4096 + i));
    for (const a of kept) addon.free(a);
    const [inUse, , reservedBefore] = addon.memory();
    expect(reservedBefore).toBeGreaterThanOrEqual(inUse + 5 * 4096 * 4);
    addon.releaseCache();
    const [inUseAfter, , reservedAfter] = addon.memory();
    expect(inUseAfter).toBe(inUse);
    expect(reservedAfter).toBe(inUseAfter);
    expect(addon.alloc(0, 4096)).not.toBe(kept[0]); // nothing kept to reuse
  });

  it('1000 training steps create no new tensors and no native bytes after the first', async () => {
    await tk.setBackend('native');
    const model = tk.sequential([tk.dense({ units: 32, activation: 'relu' }), tk.dense({ units: 10, activation: 'softmax' })]);
    model.compile({ optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const x = tk.randomUniform([64, 20], { seed: 1 });
    const y = tk.tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10), { shape: [64], dtype: 'int32' });
    await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 });
    const tensors = tk.memory().numTensors;
    const bytes = tk.getBackend().memory().bytesInUse;
    await model.fit(x, y, { epochs: 1000, batchSize: 64, verbose: 0 });
    expect(tk.memory().numTensors).toBe(tensors);
    expect(tk.getBackend().memory().bytesInUse).toBe(bytes);
    model.dispose();
    x.dispose();
    y.dispose();
  });
});

describe('element-wise fast paths agree with a reference', () => {
  it('where: contiguous and broadcast rows for every value width', () => {
    const n = 70000; // above the threading grain
    const condition = Uint8Array.from({ length: n }, (_, i) => (Math.imul(i, 2654435761) >>> 31) & 1);
    const arrays = {
      0: [Float32Array.from({ length: n }, (_, i) => i / 7), Float32Array.from({ length: n }, (_, i) => -i)],
      1: [Float64Array.from({ length: n }, (_, i) => i / 7), Float64Array.from({ length: n }, (_, i) => -i)],
      2: [Int32Array.from({ length: n }, (_, i) => i), Int32Array.from({ length: n }, (_, i) => -i)],
      3: [Uint8Array.from({ length: n }, (_, i) => i & 1), Uint8Array.from({ length: n }, (_, i) => (i >> 1) & 1)],
    } as const;
    const c = addon.fromArray(condition);
    for (const [dtype, [av, bv]] of Object.entries(arrays)) {
      const a = addon.fromArray(av), b = addon.fromArray(bv);
      for (const [as, bs] of [[1, 1], [1, 0], [0, 1], [0, 0]]) {
        addon.params.set([n, 1, as, bs]);
        const out = addon.where(c, a, b, Number(dtype), 1);
        for (let i = 0; i < n; i++) {
          const want = condition[i] ? av[as * i] : bv[bs * i];
          if (out[i] !== want) throw new Error(`dtype ${dtype} strides ${as},${bs}: [${i}] ${out[i]} vs ${want}`);
        }
        addon.free(out);
      }
      addon.free(a);
      addon.free(b);
    }
    addon.free(c);
  });

  it('float32 softmax and cross-entropy (vectorised exp) stay within 2 ulp of float64 math, subnormal results included', () => {
    // Rows [0, t]: softmax's second entry is e^t / (1 + e^t), the cross-entropy of label 1 is
    // log(1 + e^t) - t; t runs over [-104, 0], where e^t goes from subnormal to 1.
    const ts = [...Array.from({ length: 20001 }, (_, i) => -104 + (104 * i) / 20000), -87.4, -100.5, -103.95, -1e-30, -Infinity, Number.NaN];
    const logits = new Float32Array(ts.length * 2);
    ts.forEach((t, i) => (logits[2 * i + 1] = t));
    const t32 = Array.from(logits.filter((_, i) => i % 2 === 1));
    const probabilities = addon.softmax(addon.fromArray(logits), ts.length, 2, false);
    const losses = addon.sparseSoftmaxCrossEntropy(addon.fromArray(logits), addon.fromArray(new Int32Array(ts.length).fill(1)), ts.length, 2);
    const ulp = (v: number) => Math.max(2 ** -149, 2 ** (Math.floor(Math.log2(Math.abs(v) || 2 ** -149)) - 23));
    t32.forEach((t, i) => {
      const want = Math.exp(t) / (1 + Math.exp(t));
      const got = probabilities[2 * i + 1];
      if (Number.isNaN(t)) return expect(Number.isNaN(got) && Number.isNaN(losses[i])).toBe(true);
      if (got !== want && !(Math.abs(got - want) <= 2 * ulp(want))) throw new Error(`softmax([0, ${t}])[1] = ${got}, float64 math gives ${want}`);
      const wantLoss = Math.log1p(Math.exp(t)) - t;
      if (losses[i] !== wantLoss && !(Math.abs(losses[i] - wantLoss) <= 2 * ulp(wantLoss))) {
        throw new Error(`cross-entropy of [0, ${t}] at label 1 = ${losses[i]}, float64 math gives ${wantLoss}`);
      }
    });
  });

  it('sum over the rows of a float32 matrix, columns split between threads', () => {
    addon.setThreads(2);
    const rows = 300, cols = 1000;
    const x = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i) * 1000);
    const out = addon.reduce(0, addon.fromArray(x), 1, rows, cols, 0);
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += x[r * cols + j];
      if (out[j] !== Math.fround(s)) throw new Error(`column ${j}: ${out[j]} vs ${Math.fround(s)}`);
    }
  });

  it('gather: a batch of rows large enough to run on the thread pool', () => {
    addon.setThreads(2);
    const rows = 3000, inner = 300;
    const x = Float32Array.from({ length: rows * inner }, (_, i) => i);
    const indices = Int32Array.from({ length: 700 }, (_, j) => (j * 7919) % (rows + 5) - 2); // includes out-of-range rows
    const out = addon.gather(addon.fromArray(x), addon.fromArray(indices), 1, rows, inner, indices.length);
    for (let j = 0; j < indices.length; j++) {
      const index = indices[j];
      for (let i = 0; i < inner; i++) {
        const want = index >= 0 && index < rows ? x[index * inner + i] : 0;
        if (out[j * inner + i] !== want) throw new Error(`row ${j} (index ${index}) [${i}]: ${out[j * inner + i]} vs ${want}`);
      }
    }
  });
});

describe('gemm micro-kernels agree with a float64 reference', () => {
  // The kernels this CPU runs (arm64's NEON kernel is checked under qemu by scripts/check-arm64.sh).
  const kernels = (['avx512', 'avx2', 'neon', 'portable'] as const).filter((k) => addon.setGemmKernel(k));
  addon.setGemmKernel('auto');
  it('offers the micro-kernels of this architecture, and the portable one everywhere', () => {
    expect(kernels).toContain('portable');
    if (process.arch === 'x64') expect(kernels).not.toContain('neon');
    if (process.arch === 'arm64') expect(kernels).toEqual(['neon', 'portable']);
    expect(addon.gemmKernel()).toMatch(new RegExp(`^${kernels[0]}`)); // the default is the first available
  });
  afterAll(() => {
    addon.setGemmKernel('auto');
    addon.setThreads(2);
  });
  const rand = (n: number, seed: number) => {
    let s = seed;
    return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
  };
  // [200, 100, 400] splits its columns into chunks between threads, with more than one row block
  // (MC = 192) and depth block (KC = 384) and a partial last chunk.
  const shapes: [number, number, number][] = [[1, 1, 1], [13, 10, 7], [128, 10, 512], [37, 65, 129], [200, 33, 400], [12, 32, 0], [64, 512, 10], [200, 100, 400]];
  for (const kernel of kernels) {
    for (const threads of [1, 2]) {
      it(`${kernel}, ${threads} thread(s)`, () => {
        expect(addon.setGemmKernel(kernel)).toBe(true);
        addon.setThreads(threads);
        for (const [m, n, k] of shapes) {
          for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
            const a = rand(m * k, m + n), b = rand(k * n, k + 7);
            const out = addon.matmul(addon.fromArray(a), addon.fromArray(b), tA, tB, 1, 1, 1, m, n, k, 0);
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let s = 0;
                for (let p = 0; p < k; p++) s += a[tA ? p * m + i : i * k + p] * b[tB ? j * k + p : p * n + j];
                const got = out[i * n + j];
                if (Math.abs(got - s) > 1e-5 * k + 1e-6) throw new Error(`${kernel} ${m}x${n}x${k} tA=${tA} tB=${tB}: [${i},${j}] ${got} vs ${s}`);
              }
            }
          }
        }
      });
    }
  }
});
