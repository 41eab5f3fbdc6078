/**
 * The tiled matmul's vec4 loads and the matmul precision option.
 *
 * Expected values come from a float64 reference computed here from the float32 inputs, with error
 * bounds from the arithmetic (stated where used), never from hard-coded outputs. Shapes stay small:
 * software adapters (SwiftShader) compile and run shaders on the CPU.
 */
import { ArgumentError, TensorKitError, type TensorInfo } from '@tensorkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matmulPlan, type MatmulDims } from '../src/kernels.js';
import { matmulPrecisionParts, matmulSimpleShader, matmulTiledShader } from '../src/wgsl.js';
import { MATMUL_PRECISION_ENV, MATMUL_PRECISIONS, WebGpuBackend, type MatmulPrecision } from '../src/index.js';

type Transposes = readonly [boolean, boolean];
const TRANSPOSES: readonly Transposes[] = [[false, false], [true, false], [false, true], [true, true]];
const U32 = 2 ** -24; // float32 unit roundoff
const U16 = 2 ** -11; // f16 unit roundoff

/** Deterministic float32 values in [-0.5, 0.5). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

/**
 * Values with magnitudes in [0.25, 1) and random signs: every value, and every product of two of
 * them rounded to f16, is a normal f16 number (no f16 subnormals, which an adapter may flush, and
 * no overflow), so only rounding separates f16 results from exact ones.
 */
function f16Friendly(n: number, seed: number): Float32Array {
  const raw = values(2 * n, seed);
  return Float32Array.from({ length: n }, (_, i) => (raw[2 * i] < 0 ? -1 : 1) * (0.25 + 1.5 * Math.abs(raw[2 * i + 1])));
}

/** Float64 reference: the exact-as-float64 products and, per output, sum_p |a_ip b_pj| (the error scale). */
function reference(a: Float32Array, b: Float32Array, d: MatmulDims, [tA, tB]: Transposes): { exact: Float64Array; scale: Float64Array } {
  const exact = new Float64Array(d.batch * d.m * d.n);
  const scale = new Float64Array(exact.length);
  for (let bt = 0; bt < d.batch; bt++) {
    const ab = d.batchA === 1 ? 0 : bt;
    const bb = d.batchB === 1 ? 0 : bt;
    for (let i = 0; i < d.m; i++) {
      for (let j = 0; j < d.n; j++) {
        let s = 0;
        let abs = 0;
        for (let p = 0; p < d.k; p++) {
          const av = a[ab * d.m * d.k + (tA ? p * d.m + i : i * d.k + p)];
          const bv = b[bb * d.k * d.n + (tB ? j * d.k + p : p * d.n + j)];
          s += av * bv;
          abs += Math.abs(av * bv);
        }
        exact[(bt * d.m + i) * d.n + j] = s;
        scale[(bt * d.m + i) * d.n + j] = abs;
      }
    }
  }
  return { exact, scale };
}

function upload(backend: WebGpuBackend, data: Float32Array, shape: number[]): TensorInfo {
  return { dataId: backend.write(data.slice(), 'float32', shape), shape, dtype: 'float32' };
}

/** Runs one matmul kernel on `backend` and reads the result back. */
async function matmulOn(backend: WebGpuBackend, a: Float32Array, b: Float32Array, d: MatmulDims, [tA, tB]: Transposes): Promise<Float32Array> {
  const A = upload(backend, a, [d.batchA, tA ? d.k : d.m, tA ? d.m : d.k]);
  const B = upload(backend, b, [d.batchB, tB ? d.n : d.k, tB ? d.k : d.n]);
  const out = backend.kernels.matmul({ a: A, b: B, transposeA: tA, transposeB: tB, ...d, outDtype: 'float32' });
  const result = (await backend.read(out, 'float32', d.batch * d.m * d.n)) as Float32Array;
  for (const id of [A.dataId, B.dataId, out]) backend.dispose(id);
  return result;
}

function inputs(d: MatmulDims, seed: number, make = values): [Float32Array, Float32Array] {
  return [make(d.batchA * d.m * d.k, seed), make(d.batchB * d.k * d.n, seed + 101)];
}

/** Throws at the first element whose error exceeds `bound(i)`, naming it. */
function expectWithin(actual: Float32Array, expected: Float64Array, bound: (i: number) => number, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= bound(i))) throw new Error(`${what}: element ${i} is ${actual[i]}, reference ${expected[i]}, error ${error} > bound ${bound(i)}`);
  }
}

/**
 * Float32 bound: each of the K products and K sums is rounded once (unit roundoff 2^-24), so in any
 * summation order |c_hat - c| <= gamma_K * sum_p |a_p b_p| with gamma_K = K u / (1 - K u) (Higham,
 * Accuracy and Stability of Numerical Algorithms, 3.1). A fused multiply-add only lowers the error.
 */
function f32Bound(k: number, scale: Float64Array): (i: number) => number {
  const gamma = (k * U32) / (1 - k * U32);
  return (i) => gamma * scale[i] + 2 ** -126;
}

/**
 * f16 bound for 'f16' (and 'f16-emulated'): a and b are rounded to f16, their product (exact in
 * f32: 11 + 11 significant bits) is rounded to f16, and the K terms are summed in f32. WGSL lets a
 * conversion to f16 pick either neighbour, so each of those three roundings has relative error
 * below 2u (u = 2^-11, f16's unit roundoff): a term is a_p b_p (1 + d_p) with
 * |d_p| <= (1 + 2u)^3 - 1. The f32 sum adds gamma_K (f32) of the terms' magnitudes. So
 *
 *   |c_hat - c| <= [((1 + 2u)^3 - 1) + gamma_K (1 + 2u)^3] * sum_p |a_p b_p|
 *              <= [((1 + 2u)^3 - 1) + gamma_K (1 + 2u)^3] * K * max|a| * max|b|,
 *
 * about 6u + K 2^-24 relative to sum_p |a_p b_p|. The inputs (f16Friendly) keep every value and
 * product a normal f16, so no subnormal flushing or overflow enters.
 */
function f16Bound(k: number, scale: Float64Array): (i: number) => number {
  const term = (1 + 2 * U16) ** 3 - 1;
  const gamma = (k * U32) / (1 - k * U32);
  return (i) => (term + gamma * (1 + 2 * U16) ** 3) * scale[i];
}

function bits(x: Float32Array): Uint32Array {
  return new Uint32Array(x.buffer, x.byteOffset, x.length);
}

describe('matmulPlan (kernel choice, no GPU)', () => {
  const dims = (m: number, n: number, k: number, batch = 1): MatmulDims => ({ m, n, k, batch, batchA: batch, batchB: batch });

  it('takes the simple kernel for small shapes', () => {
    expect(matmulPlan(dims(31, 64, 64), false, false).path).toBe('simple');
    expect(matmulPlan(dims(64, 31, 64), false, false).path).toBe('simple');
    expect(matmulPlan(dims(64, 64, 15), false, false).path).toBe('simple');
    expect(matmulPlan(dims(32, 32, 16), false, false)).toEqual({ path: 'tiled', vecA: true, vecB: true });
  });

  it("vectorises an operand exactly when its stride-1 dimension is a multiple of 4, for each transpose", () => {
    // A is [m, k] (stride-1: k) or, transposed, [k, m] (stride-1: m); B is [k, n] (n) or [n, k] (k).
    const d = dims(36, 34, 18); // m % 4 == 0, n % 4 != 0, k % 4 != 0
    expect(matmulPlan(d, false, false)).toEqual({ path: 'tiled', vecA: false, vecB: false });
    expect(matmulPlan(d, true, false)).toEqual({ path: 'tiled', vecA: true, vecB: false });
    const e = dims(34, 36, 20); // m % 4 != 0, n % 4 == 0, k % 4 == 0
    expect(matmulPlan(e, false, false)).toEqual({ path: 'tiled', vecA: true, vecB: true });
    expect(matmulPlan(e, true, false)).toEqual({ path: 'tiled', vecA: false, vecB: true });
    expect(matmulPlan(e, false, true)).toEqual({ path: 'tiled', vecA: true, vecB: true });
    expect(matmulPlan(dims(34, 36, 18), false, true)).toEqual({ path: 'tiled', vecA: false, vecB: false });
  });

  it('loads scalars when vector loads are turned off', () => {
    expect(matmulPlan(dims(64, 64, 64), false, false, false)).toEqual({ path: 'tiled', vecA: false, vecB: false });
  });
});

describe('matmul shader template (no GPU)', () => {
  const base = { dtype: 'float32' as const, transposeA: false, transposeB: true };

  it('binds exactly the vectorised operands as array<vec4<f32>>', () => {
    const both = matmulTiledShader({ ...base, vecA: true, vecB: true });
    expect(both).toMatch(/var<storage, read> A: array<vec4<f32>>;/);
    expect(both).toMatch(/var<storage, read> B: array<vec4<f32>>;/);
    const onlyB = matmulTiledShader({ ...base, vecA: false, vecB: true });
    expect(onlyB).toMatch(/var<storage, read> A: array<f32>;/);
    expect(onlyB).toMatch(/var<storage, read> B: array<vec4<f32>>;/);
    expect(matmulSimpleShader({ ...base, vecA: true, vecB: true })).not.toMatch(/vec4<f32>>;/);
  });

  it('instantiates f32, f16 and emulated f16 from one template that differs only in T, to_t and prod', () => {
    for (const shader of [matmulTiledShader, matmulSimpleShader]) {
      const strip = (p: MatmulPrecision) => {
        const parts = matmulPrecisionParts('f32', p);
        const source = shader({ ...base, vecA: true, vecB: false, bias: true, activation: 'relu', precision: p });
        expect(source.startsWith(parts.enable)).toBe(true);
        expect(source).toContain(parts.defs);
        return source.slice(parts.enable.length).replace(parts.defs, '<precision>');
      };
      expect(strip('f16')).toBe(strip('highest'));
      expect(strip('f16-emulated')).toBe(strip('highest'));
    }
    const f16 = matmulTiledShader({ ...base, precision: 'f16' });
    expect(f16.startsWith('enable f16;\n')).toBe(true);
    expect(f16).toContain('alias T = f16;');
    expect(f16).toContain('var<workgroup> AS: array<array<T, 64>, 16>;');
    expect(matmulTiledShader({ ...base, precision: 'highest' })).toContain('alias T = f32;');
    expect(matmulTiledShader({ ...base, precision: 'f16-emulated' })).toMatch(/pack2x16float/);
  });

  it('keeps int32 matmuls exact whatever precision is asked', () => {
    const source = matmulTiledShader({ dtype: 'int32', transposeA: false, transposeB: false, precision: 'f16' });
    expect(source).not.toContain('enable f16');
    expect(source).toContain('alias T = i32;');
  });
});

// Shapes for the vec4/scalar tests: every transpose of each gives, per operand, vec4 or scalar
// loads as matmulPlan decides; the coverage test below checks that all mixes occur.
const SHAPES: readonly MatmulDims[] = [
  { batch: 1, batchA: 1, batchB: 1, m: 36, n: 40, k: 20 }, // everything a multiple of 4; k spans a partial 16-deep block
  { batch: 3, batchA: 3, batchB: 1, m: 33, n: 68, k: 24 }, // m odd; B broadcast over the batch
  { batch: 2, batchA: 1, batchB: 2, m: 64, n: 35, k: 18 }, // n, k not multiples of 4; A broadcast
  { batch: 2, batchA: 2, batchB: 2, m: 40, n: 44, k: 17 }, // k odd
];

describe('tiled matmul with vec4 loads (on the device)', () => {
  let vec4: WebGpuBackend;
  let scalar: WebGpuBackend;
  beforeAll(async () => {
    vec4 = await WebGpuBackend.create();
    scalar = await WebGpuBackend.create({ matmulVectorLoads: false });
  });
  afterAll(() => {
    vec4?.destroy();
    scalar?.destroy();
  });

  it('the shapes cover vec4 and scalar loads of each operand under every transpose', () => {
    const mixes = new Set<string>();
    for (const t of TRANSPOSES) {
      const plans = SHAPES.map((d) => matmulPlan(d, t[0], t[1]));
      expect(plans.every((p) => p.path === 'tiled')).toBe(true);
      expect(plans.some((p) => p.vecA) && plans.some((p) => !p.vecA)).toBe(true);
      expect(plans.some((p) => p.vecB) && plans.some((p) => !p.vecB)).toBe(true);
      for (const p of plans) mixes.add(`${p.vecA}/${p.vecB}`);
    }
    expect(mixes.size).toBe(4);
  });

  SHAPES.forEach((d, s) => {
    for (const t of TRANSPOSES) {
      const plan = matmulPlan(d, t[0], t[1]);
      it(`${d.batchA}x${d.m}x${d.k} · ${d.batchB}x${d.k}x${d.n} transposeA=${t[0]} transposeB=${t[1]} (A ${plan.vecA ? 'vec4' : 'scalar'}, B ${plan.vecB ? 'vec4' : 'scalar'})`, async () => {
        const [a, b] = inputs(d, 17 + s);
        const ref = reference(a, b, d, t);
        const got = await matmulOn(vec4, a, b, d, t);
        expectWithin(got, ref.exact, f32Bound(d.k, ref.scale), 'vec4 loads');
        // Only the loads differ: the products are added in the same order, so the bits agree.
        const viaScalar = await matmulOn(scalar, a, b, d, t);
        expect(bits(got)).toEqual(bits(viaScalar));
      });
    }
  });

  it('fused dense (bias + relu) on vec4 loads matches the reference', async () => {
    const m = 40, n = 36, k = 28;
    const x = values(m * k, 3), w = values(k * n, 4), bias = values(n, 5);
    const d = { m, n, k, batch: 1, batchA: 1, batchB: 1 };
    expect(matmulPlan(d, false, false)).toEqual({ path: 'tiled', vecA: true, vecB: true });
    const out = vec4.kernels.dense!({ x: upload(vec4, x, [m, k]), w: upload(vec4, w, [k, n]), bias: upload(vec4, bias, [n]), activation: 'relu', m, n, k });
    const got = (await vec4.read(out, 'float32', m * n)) as Float32Array;
    const ref = reference(x, w, d, [false, false]);
    const bound = f32Bound(k, ref.scale);
    // relu is 1-Lipschitz; the bias add rounds once more (2^-24 relative).
    const expected = Float64Array.from(ref.exact, (v, i) => Math.max(v + bias[i % n], 0));
    expectWithin(got, expected, (i) => bound(i) + U32 * Math.abs(expected[i]) + U32 * Math.abs(bias[i % n]), 'dense');
  });
});

describe('matmul precision', () => {
  let backend: WebGpuBackend;
  beforeAll(async () => {
    backend = await WebGpuBackend.create();
  });
  afterAll(() => backend?.destroy());

  it("defaults to 'highest' (float32) and says so in the capabilities", () => {
    expect(backend.matmulPrecision).toBe('highest');
    expect(backend.matmulPrecisionInEffect).toBe('highest');
    expect(backend.capabilities.notes).toContainEqual(expect.stringMatching(/matmul precision 'highest'/));
  });

  it("'f16' falls back to float32 on an adapter without shader-f16, and the notes say so", async () => {
    const f16 = await WebGpuBackend.create({ matmulPrecision: 'f16' });
    try {
      expect(f16.matmulPrecision).toBe('f16');
      if (f16.info.f16) {
        expect(f16.matmulPrecisionInEffect).toBe('f16');
        return;
      }
      expect(f16.matmulPrecisionInEffect).toBe('highest');
      expect(f16.capabilities.notes).toContainEqual(expect.stringMatching(/'f16' was requested but the adapter lacks shader-f16/));
      // Falling back means computing exactly what 'highest' computes.
      const d = SHAPES[0];
      const [a, b] = inputs(d, 5);
      expect(bits(await matmulOn(f16, a, b, d, [false, true]))).toEqual(bits(await matmulOn(backend, a, b, d, [false, true])));
    } finally {
      f16.destroy();
    }
  });

  it('rejects a bad option with an ArgumentError naming the valid values, before requesting a device', async () => {
    const attempt = WebGpuBackend.create({ matmulPrecision: 'medium' as MatmulPrecision });
    await expect(attempt).rejects.toBeInstanceOf(ArgumentError);
    await expect(attempt).rejects.toBeInstanceOf(TensorKitError);
    await expect(attempt).rejects.toThrow("webgpu: matmulPrecision must be one of 'highest', 'f16', 'f16-emulated'; got 'medium'");
    expect(() => backend.setMatmulPrecision(16 as unknown as MatmulPrecision)).toThrow(ArgumentError);
    expect(() => backend.setMatmulPrecision('half' as MatmulPrecision)).toThrow(/one of 'highest', 'f16', 'f16-emulated'; got 'half'/);
    expect(backend.matmulPrecision).toBe('highest');
    expect(MATMUL_PRECISIONS).toEqual(['highest', 'f16', 'f16-emulated']);
  });

  it(`reads ${MATMUL_PRECISION_ENV} when no option is given; the option wins; a bad value names the variable`, async () => {
    const saved = process.env[MATMUL_PRECISION_ENV];
    try {
      process.env[MATMUL_PRECISION_ENV] = 'f16-emulated';
      const fromEnv = await WebGpuBackend.create();
      expect(fromEnv.matmulPrecision).toBe('f16-emulated');
      expect(fromEnv.matmulPrecisionInEffect).toBe('f16-emulated');
      fromEnv.destroy();
      const explicit = await WebGpuBackend.create({ matmulPrecision: 'highest' });
      expect(explicit.matmulPrecision).toBe('highest');
      explicit.destroy();
      process.env[MATMUL_PRECISION_ENV] = 'fp16';
      await expect(WebGpuBackend.create()).rejects.toThrow(new RegExp(`${MATMUL_PRECISION_ENV} must be one of 'highest', 'f16', 'f16-emulated'; got 'fp16'`));
    } finally {
      if (saved === undefined) delete process.env[MATMUL_PRECISION_ENV];
      else process.env[MATMUL_PRECISION_ENV] = saved;
    }
  });

  describe("'f16-emulated': f16 rounding checked on any adapter", () => {
    beforeAll(() => {
      expect(backend.setMatmulPrecision('f16-emulated')).toBe('f16-emulated');
    });
    afterAll(() => {
      backend.setMatmulPrecision('highest');
    });

    const cases: { d: MatmulDims; t: Transposes }[] = [
      ...TRANSPOSES.map((t) => ({ d: { batch: 2, batchA: 2, batchB: 1, m: 48, n: 40, k: 64 }, t })), // tiled, vec4 loads
      { d: { batch: 1, batchA: 1, batchB: 1, m: 33, n: 35, k: 63 }, t: [false, false] }, // tiled, scalar loads
      { d: { batch: 1, batchA: 1, batchB: 1, m: 33, n: 35, k: 63 }, t: [true, true] },
      { d: { batch: 1, batchA: 1, batchB: 1, m: 8, n: 5, k: 64 }, t: [false, true] }, // simple kernel
    ];
    for (const { d, t } of cases) {
      const plan = matmulPlan(d, t[0], t[1]);
      it(`${d.batch}x${d.m}x${d.n}x${d.k} transposeA=${t[0]} transposeB=${t[1]} (${plan.path}${plan.path === 'tiled' ? `, A ${plan.vecA ? 'vec4' : 'scalar'}, B ${plan.vecB ? 'vec4' : 'scalar'}` : ''}) is within the f16 bound and differs from float32`, async () => {
        const [a, b] = inputs(d, 40 + d.k, f16Friendly);
        const ref = reference(a, b, d, t);
        const got = await matmulOn(backend, a, b, d, t);
        expectWithin(got, ref.exact, f16Bound(d.k, ref.scale), "'f16-emulated'");
        // It must really round to f16: its largest error, relative to sum |a b|, is above what
        // float32 can produce (gamma_K <= 2^-17.9 for K <= 64) by a wide margin, and most outputs
        // differ from float32's.
        let worst = 0;
        for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref.exact[i]) / ref.scale[i]);
        expect(worst).toBeGreaterThan(2 ** -15);
        backend.setMatmulPrecision('highest');
        const f32 = await matmulOn(backend, a, b, d, t);
        backend.setMatmulPrecision('f16-emulated');
        expectWithin(f32, ref.exact, f32Bound(d.k, ref.scale), 'float32');
        const differing = got.filter((v, i) => v !== f32[i]).length;
        expect(differing).toBeGreaterThan(got.length / 2);
      });
    }

    it('rounds an operand to f16: 1 + 2^-12 is not an f16 value (simple and tiled kernels)', async () => {
      const x = 1 + 2 ** -12;
      // 1x1: the exact float32 answer is x; f16 gives 1 or 1 + 2^-10, the two f16 neighbours of x.
      const one = { batch: 1, batchA: 1, batchB: 1, m: 1, n: 1, k: 1 };
      const [r] = await matmulOn(backend, Float32Array.of(x), Float32Array.of(1), one, [false, false]);
      expect([1, 1 + 2 ** -10]).toContain(r);
      // 32x16 · 16x32 of x and 1: float32 gives 16 x = 16 + 2^-8 exactly; f16 sums 16 copies of a
      // neighbour of x: 16 or 16 + 2^-6.
      const tiled = { batch: 1, batchA: 1, batchB: 1, m: 32, n: 32, k: 16 };
      expect(matmulPlan(tiled, false, false).path).toBe('tiled');
      const out = await matmulOn(backend, new Float32Array(32 * 16).fill(x), new Float32Array(16 * 32).fill(1), tiled, [false, false]);
      for (const v of out) expect([16, 16 + 2 ** -6]).toContain(v);
    });

    it('applies to the fused dense kernel (bias and activation stay float32)', async () => {
      const m = 40, n = 36, k = 32;
      const x = f16Friendly(m * k, 7), w = f16Friendly(k * n, 8), bias = values(n, 9);
      const out = backend.kernels.dense!({ x: upload(backend, x, [m, k]), w: upload(backend, w, [k, n]), bias: upload(backend, bias, [n]), activation: 'linear', m, n, k });
      const got = (await backend.read(out, 'float32', m * n)) as Float32Array;
      const ref = reference(x, w, { m, n, k, batch: 1, batchA: 1, batchB: 1 }, [false, false]);
      const bound = f16Bound(k, ref.scale);
      const expected = Float64Array.from(ref.exact, (v, i) => v + bias[i % n]);
      expectWithin(got, expected, (i) => bound(i) + U32 * (Math.abs(expected[i]) + bound(i)), 'dense');
    });
  });
});

describe("f16 kernels compile on Dawn's null device (which offers shader-f16)", () => {
  let nullDevice: WebGpuBackend | null = null;
  let why = '';
  beforeAll(async () => {
    try {
      nullDevice = await WebGpuBackend.create({ dawnInstanceFlags: ['backend=null'], matmulPrecision: 'f16' });
    } catch (error) {
      why = (error as Error).message;
    }
  });
  afterAll(() => nullDevice?.destroy());

  it("requests shader-f16, runs 'f16' in effect, and every f16 variant passes WGSL validation", async (ctx) => {
    if (!nullDevice) {
      ctx.skip(`Dawn's null backend is unavailable here: ${why}`);
      return;
    }
    const b = nullDevice;
    // The null device computes nothing: this checks that the f16 shaders are valid WGSL and that
    // the device has shader-f16; a shader error would surface as a BackendError on the read.
    expect(b.info.f16).toBe(true);
    expect(b.matmulPrecisionInEffect).toBe('f16');
    expect(b.capabilities.notes).toContainEqual(expect.stringMatching(/matmul precision 'f16' \(opted in\)/));
    const before = b.stats().pipelines;
    const variants = new Set<string>();
    const run = async (d: MatmulDims, t: Transposes) => {
      variants.add(JSON.stringify([t, matmulPlan(d, t[0], t[1])]));
      const [a, bb] = inputs(d, 1);
      await matmulOn(b, a, bb, d, t);
    };
    for (const t of TRANSPOSES) {
      await run(SHAPES[0], t); // vec4 loads
      await run(SHAPES[3], t); // scalar / mixed loads
    }
    await run({ batch: 1, batchA: 1, batchB: 1, m: 4, n: 4, k: 4 }, [false, false]); // simple kernel
    for (const activation of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
      const m = 40, n = 36, k = 20;
      const out = b.kernels.dense!({ x: upload(b, values(m * k, 1), [m, k]), w: upload(b, values(k * n, 2), [k, n]), bias: upload(b, values(n, 3), [n]), activation, m, n, k });
      await b.read(out, 'float32', m * n);
    }
    await b.sync();
    // One pipeline per distinct matmul variant, plus one per dense activation.
    expect(b.stats().pipelines - before).toBe(variants.size + 4);
  });
});
