import { describe, it, expect } from 'vitest';
import { gemm, GemmActivation, type FloatArray } from '../src/kernels/gemm.js';

// Deterministic inputs, so a failure reproduces; values in [-1, 1) keep sums well conditioned.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 * 2 - 1;
  };
}

type DT = 'float32' | 'float64';
const make = (dt: DT, len: number): FloatArray => (dt === 'float32' ? new Float32Array(len) : new Float64Array(len));

interface Layout {
  /** Logical A is m x k and B is k x n; aT / bT store that operand transposed (column-major). */
  aT: boolean;
  bT: boolean;
  /** Extra elements between rows (or columns, when transposed): a padded leading dimension. */
  aPad: number;
  bPad: number;
  aOff: number;
  bOff: number;
  cOff: number;
}

interface Case {
  m: number;
  n: number;
  k: number;
  dt: DT;
  layout?: Partial<Layout>;
  bias?: boolean;
  relu?: boolean;
  seed?: number;
}

/**
 * Builds strided operands inside larger arrays, runs gemm, and checks every output element against a
 * float64 triple loop, plus that nothing outside C's range was written.
 */
function check(tc: Case): void {
  const { m, n, k, dt } = tc;
  const L: Layout = { aT: false, bT: false, aPad: 0, bPad: 0, aOff: 0, bOff: 0, cOff: 0, ...tc.layout };
  const r = rng(tc.seed ?? m * 1_000_003 + n * 1009 + k * 7 + (L.aT ? 1 : 0) + (L.bT ? 2 : 0));

  // A(i,p): row-major -> rowStride = k + pad, colStride = 1; transposed -> rowStride = 1, colStride = m + pad.
  const aRow = L.aT ? 1 : k + L.aPad;
  const aCol = L.aT ? m + L.aPad : 1;
  const bRow = L.bT ? 1 : n + L.bPad;
  const bCol = L.bT ? k + L.bPad : 1;
  const aLen = L.aOff + (L.aT ? Math.max(k, 1) * aCol : Math.max(m, 1) * aRow) + 3;
  const bLen = L.bOff + (L.bT ? Math.max(n, 1) * bCol : Math.max(k, 1) * bRow) + 3;
  const a = make(dt, aLen);
  const b = make(dt, bLen);
  for (let i = 0; i < aLen; i++) a[i] = r();
  for (let i = 0; i < bLen; i++) b[i] = r();
  let bias: FloatArray | null = null;
  if (tc.bias) {
    bias = make(dt, n);
    for (let j = 0; j < n; j++) bias[j] = r();
  }
  const cLen = L.cOff + m * n + 5;
  const c = make(dt, cLen);
  const SENTINEL = 1234.5;
  c.fill(SENTINEL);

  const act = tc.relu ? GemmActivation.Relu : GemmActivation.None;
  gemm(m, n, k, a, L.aOff, aRow, aCol, b, L.bOff, bRow, bCol, c, L.cOff, bias, act);

  const eps = dt === 'float32' ? 2 ** -24 : 2 ** -53;
  let bad = 0;
  let firstBad = '';
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let absSum = 0;
      for (let p = 0; p < k; p++) {
        const prod = a[L.aOff + i * aRow + p * aCol] * b[L.bOff + p * bRow + j * bCol];
        sum += prod;
        absSum += Math.abs(prod);
      }
      if (bias) {
        sum += bias[j];
        absSum += Math.abs(bias[j]);
      }
      const ref = tc.relu && sum < 0 ? 0 : sum;
      const got = c[L.cOff + i * n + j];
      // Sums are formed in float64 (summation order may differ from ours) and rounded once to the
      // output type, so the error is one output rounding plus a tiny float64 accumulation term.
      const tol = 1.01 * eps * Math.abs(ref) + 4 * (k + 2) * 2 ** -53 * absSum + 1e-300;
      if (!(Math.abs(got - ref) <= tol)) {
        if (bad++ === 0) firstBad = `C(${i},${j}) = ${got}, expected ${ref} (tol ${tol})`;
      }
    }
  }
  expect(firstBad, `${bad} mismatches`).toBe('');
  for (let x = 0; x < L.cOff; x++) expect(c[x]).toBe(SENTINEL);
  for (let x = L.cOff + m * n; x < cLen; x++) expect(c[x]).toBe(SENTINEL);
}

const VARIANTS: Array<[string, Partial<Layout>]> = [
  ['A*B', {}],
  ['A^T*B', { aT: true }],
  ['A*B^T', { bT: true }],
  ['A^T*B^T', { aT: true, bT: true }],
];

// Sizes around the kernel's block sizes (3x2 tiles, k blocks of 1024, m blocks of 96, n panels of 256).
const SIZES: Array<[number, number, number]> = [
  [1, 1, 1],
  [1, 2, 1],
  [2, 1, 3],
  [3, 2, 1],
  [2, 3, 4],
  [4, 5, 6],
  [5, 7, 3],
  [7, 1, 9],
  [1, 9, 7],
  [1, 33, 300],
  [17, 13, 300],
  [96, 10, 256],
  [97, 11, 257],
  [100, 5, 513],
  [191, 3, 2],
  [8, 1030, 5],
  [5, 9, 1100],
  [98, 257, 1030],
];

describe('gemm', () => {
  for (const dt of ['float32', 'float64'] as const) {
    describe(dt, () => {
      for (const [name, layout] of VARIANTS) {
        it(`${name} matches the naive product on odd and block-edge sizes`, () => {
          for (const [m, n, k] of SIZES) check({ m, n, k, dt, layout });
        });

        it(`${name} with offsets and padded leading dimensions`, () => {
          for (const [m, n, k] of [[5, 7, 3], [31, 9, 270], [4, 17, 1]] as Array<[number, number, number]>) {
            check({ m, n, k, dt, layout: { ...layout, aOff: 7, bOff: 3, cOff: 11, aPad: 2, bPad: 5 } });
          }
        });

        it(`${name} with bias and relu fused`, () => {
          check({ m: 13, n: 11, k: 29, dt, layout, bias: true, relu: true });
          check({ m: 98, n: 7, k: 300, dt, layout, bias: true, relu: false });
          check({ m: 9, n: 5, k: 3, dt, layout: { ...layout, cOff: 4 }, bias: false, relu: true });
          // Wider than one column panel, so the bias has to follow the panel offset.
          check({ m: 4, n: 530, k: 3, dt, layout, bias: true, relu: false });
          check({ m: 5, n: 301, k: 6, dt, layout, bias: true, relu: true });
        });
      }

      it('k = 0 gives act(bias) or zeros', () => {
        check({ m: 4, n: 6, k: 0, dt });
        check({ m: 4, n: 6, k: 0, dt, bias: true });
        check({ m: 5, n: 3, k: 0, dt, bias: true, relu: true, layout: { cOff: 2 } });
      });

      it('m = 0 or n = 0 writes nothing', () => {
        check({ m: 0, n: 5, k: 3, dt, bias: true });
        check({ m: 5, n: 0, k: 3, dt });
        check({ m: 0, n: 0, k: 0, dt });
      });

      it('large k: several k blocks accumulate exactly', () => {
        check({ m: 4, n: 300, k: 5000, dt, layout: { bT: true } });
      });

      it('negative strides (operands read back to front)', () => {
        const m = 8;
        const n = 7;
        const k = 5;
        const r = rng(7);
        const a = make(dt, m * k);
        const b = make(dt, k * n);
        for (let i = 0; i < a.length; i++) a[i] = r();
        for (let i = 0; i < b.length; i++) b[i] = r();
        const c = make(dt, m * n);
        // A's rows reversed, B's columns reversed.
        gemm(m, n, k, a, (m - 1) * k, -k, 1, b, n - 1, n, -1, c, 0, null, GemmActivation.None);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += a[(m - 1 - i) * k + p] * b[p * n + (n - 1 - j)];
            expect(c[i * n + j]).toBeCloseTo(s, dt === 'float32' ? 5 : 12);
          }
        }
      });

      it('arbitrary (non-unit, non-transposed) strides', () => {
        // A stored with both strides > 1 (every other element of a column-major buffer), B likewise.
        const m = 7;
        const n = 5;
        const k = 9;
        const r = rng(42);
        const a = make(dt, 2 * m * k * 2 + 4);
        const b = make(dt, 3 * k * n * 3 + 4);
        for (let i = 0; i < a.length; i++) a[i] = r();
        for (let i = 0; i < b.length; i++) b[i] = r();
        const aRow = 2;
        const aCol = 2 * m + 1;
        const bRow = 3 * n + 2;
        const bCol = 3;
        const c = make(dt, m * n);
        gemm(m, n, k, a, 1, aRow, aCol, b, 2, bRow, bCol, c, 0, null, GemmActivation.None);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += a[1 + i * aRow + p * aCol] * b[2 + p * bRow + j * bCol];
            expect(c[i * n + j]).toBeCloseTo(s, dt === 'float32' ? 5 : 12);
          }
        }
      });
    });
  }

  it('float64 keeps double precision (values a float32 path would round away)', () => {
    // 1 + 2^-40 is not representable in float32; every summation order of this product is exact.
    const a = new Float64Array([1 + 2 ** -40, 2 ** -40, -1]);
    const b = new Float64Array([1, 1, 1]);
    const c = new Float64Array(2);
    gemm(1, 1, 3, a, 0, 3, 1, b, 0, 1, 1, c, 0, null, GemmActivation.None);
    gemm(1, 1, 1, a, 0, 1, 1, b, 0, 1, 1, c, 1, null, GemmActivation.None);
    expect(c[0]).toBe(2 ** -39);
    expect(c[1]).toBe(1 + 2 ** -40);
  });

  it('float32 output accumulates in float64 before rounding once', () => {
    // 2^24 + 1 + 1 - 2^24: float32 accumulation gives 0 (each +1 rounds away), float64 gives 2.
    const a = new Float32Array([2 ** 24, 1, 1, -(2 ** 24)]);
    const b = new Float32Array([1, 1, 1, 1]);
    const c = new Float32Array(1);
    gemm(1, 1, 4, a, 0, 4, 1, b, 0, 1, 1, c, 0, null, GemmActivation.None);
    expect(c[0]).toBe(2);
  });

  it('relu propagates NaN rather than clamping it to 0', () => {
    const a = new Float64Array([NaN, -1]);
    const b = new Float64Array([1]);
    const c = new Float64Array(2);
    gemm(2, 1, 1, a, 0, 1, 1, b, 0, 1, 1, c, 0, new Float64Array([0]), GemmActivation.Relu);
    expect(Number.isNaN(c[0])).toBe(true);
    expect(c[1]).toBe(0);
  });

  it('scratch reuse across calls of different sizes leaks no stale data', () => {
    // Big call grows the scratch buffers and fills them; the smaller odd-sized calls that follow
    // must not pick up leftovers (e.g. in the zero-padded last column of an odd n).
    check({ m: 120, n: 301, k: 600, dt: 'float64' });
    check({ m: 5, n: 3, k: 7, dt: 'float64' });
    check({ m: 2, n: 1, k: 300, dt: 'float32', bias: true });
    check({ m: 120, n: 301, k: 600, dt: 'float32', layout: { aT: true } });
  });

  describe('MNIST MLP shapes (batch 128)', () => {
    it('forward 128x784 . 784x512 with bias + relu', () => {
      check({ m: 128, n: 512, k: 784, dt: 'float32', bias: true, relu: true });
    });
    it('weight gradient A^T.B: [128,784]^T . [128,512]', () => {
      check({ m: 784, n: 512, k: 128, dt: 'float32', layout: { aT: true } });
    });
    it('input gradient A.B^T: [128,512] . [784,512]^T', () => {
      check({ m: 128, n: 784, k: 512, dt: 'float32', layout: { bT: true } });
    });
    it('narrow output 128x512 . 512x10 and its gradients', () => {
      check({ m: 128, n: 10, k: 512, dt: 'float32', bias: true });
      check({ m: 512, n: 10, k: 128, dt: 'float32', layout: { aT: true } });
      check({ m: 128, n: 512, k: 10, dt: 'float32', layout: { bT: true } });
    });
  });
});
