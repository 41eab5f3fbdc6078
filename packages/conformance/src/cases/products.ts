/**
 * Tensor products: `dot` with NumPy's semantics, `matmul` (all transpose combinations, batch
 * dimensions with broadcasting, int32, odd and empty sizes, the MNIST shapes at reduced size) and
 * `outer`. Expected values come from the float64 reference (`refMatmul`, applied per batch
 * element by index arithmetic written here) or by hand.
 *
 * Inputs are drawn as multiples of 1/16 in [-2, 2] (or small integers): every product is then a
 * multiple of 2^-8 and every sum here stays far below 2^24 · 2^-8, so the exact result is
 * representable in float32 and any summation order gives it exactly. That lets float32 products be
 * compared to rtol 1e-6 (with atol 2^-126, the smallest normal float32) without loosening anything
 * for backends that accumulate in float32. Float64 cases use arbitrary doubles and the default
 * float64 tolerance.
 */
import fc from 'fast-check';
import * as tk from '@tensorkit/core';
import { expectError, expectTensor } from '../assert.js';
import { casesFor, type CaseContext, type ConformanceCase } from '../case.js';
import { refBroadcastShape, refMatmul, type RefArray } from '../reference.js';
import { make, sizeOf } from './build.js';

type DType = tk.DType;
const F32 = { rtol: 1e-6, atol: 2 ** -126 };

function makeRef(c: CaseContext, r: RefArray, dtype: DType = 'float32'): tk.Tensor {
  return make(c, r.values, dtype, r.shape);
}

function tolFor(dtype: DType): { rtol?: number; atol?: number } {
  return dtype === 'float32' ? F32 : {};
}

async function float64Unsupported(c: CaseContext): Promise<boolean> {
  if (c.float64) return false;
  await expectError(() => tk.tensor([1], { dtype: 'float64' }), tk.BackendError, 'float64');
  return true;
}

/** Deterministic values (a small LCG, so cases need no random op): multiples of 1/16 in [-2, 2]. */
function grid(shape: readonly number[], seed: number): RefArray {
  let s = seed >>> 0 || 1;
  const values = Array.from({ length: sizeOf(shape) }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s >>> 8) % 65) / 16 - 2;
  });
  return { shape: [...shape], values };
}

/** Small integers in [-5, 5]. */
function ints(shape: readonly number[], seed: number): RefArray {
  return { shape: [...shape], values: grid(shape, seed).values.map((v) => Math.round(v * 2.5)) };
}

/** Arbitrary doubles in [-1, 1] from the same LCG (for float64 cases). */
function doubles(shape: readonly number[], seed: number): RefArray {
  let s = seed >>> 0 || 1;
  const values = Array.from({ length: sizeOf(shape) }, () => {
    s = (Math.imul(s, 22695477) + 1) >>> 0;
    const hi = s;
    s = (Math.imul(s, 22695477) + 1) >>> 0;
    return ((hi * 2 ** 21 + (s >>> 11)) / 2 ** 52) * 2 - 1;
  });
  return { shape: [...shape], values };
}

/** The transpose of the last two axes, by index arithmetic. */
function swapLast(r: RefArray): RefArray {
  const rank = r.shape.length;
  const [m, n] = r.shape.slice(-2);
  const batch = sizeOf(r.shape.slice(0, -2));
  const values: number[] = [];
  for (let b = 0; b < batch; b++) for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) values.push(r.values[b * m * n + i * n + j]);
  return { shape: [...r.shape.slice(0, rank - 2), n, m], values };
}

/** Batch element `index` (a multi-index of the broadcast batch shape) of `r` (rank >= 2) as a matrix. */
function matrixAt(r: RefArray, batchShape: readonly number[], index: readonly number[]): RefArray {
  const own = r.shape.slice(0, -2);
  const [m, n] = r.shape.slice(-2);
  let offset = 0;
  for (let d = 0; d < own.length; d++) {
    const i = index[batchShape.length - own.length + d];
    offset = offset * own[d] + (own[d] === 1 ? 0 : i);
  }
  return { shape: [m, n], values: r.values.slice(offset * m * n, (offset + 1) * m * n) };
}

/** NumPy matmul of a and b (rank >= 2 each) with broadcast batch dims, in float64. */
function refBatchMatmul(a: RefArray, b: RefArray): RefArray {
  const batchShape = refBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  if (!batchShape) throw new Error('reference: batch dims do not broadcast');
  const m = a.shape[a.shape.length - 2];
  const n = b.shape[b.shape.length - 1];
  const values: number[] = [];
  for (let flat = 0; flat < sizeOf(batchShape); flat++) {
    const index: number[] = [];
    let rest = flat;
    for (let d = batchShape.length - 1; d >= 0; d--) {
      index[d] = rest % batchShape[d];
      rest = Math.floor(rest / batchShape[d]);
    }
    values.push(...refMatmul(matrixAt(a, batchShape, index), matrixAt(b, batchShape, index)).values);
  }
  return { shape: [...batchShape, m, n], values };
}

/**
 * NumPy's dot, written from its definition: dot(a, b)[i..., j..., n] = Σ_k a[i..., k] · b[j..., k, n]
 * (b 1-D: Σ_k a[i..., k] · b[k]).
 */
function refDot(a: RefArray, b: RefArray): RefArray {
  if (a.shape.length === 0 || b.shape.length === 0) {
    const s = a.shape.length === 0 ? a.values[0] : b.values[0];
    const other = a.shape.length === 0 ? b : a;
    return { shape: other.shape, values: other.values.map((v) => v * s) };
  }
  const k = a.shape[a.shape.length - 1];
  const rows = sizeOf(a.shape.slice(0, -1));
  if (b.shape.length === 1) {
    const values: number[] = [];
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.values[r * k + p] * b.values[p];
      values.push(s);
    }
    return { shape: a.shape.slice(0, -1), values };
  }
  const n = b.shape[b.shape.length - 1];
  const outer = sizeOf(b.shape.slice(0, -2));
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.values[r * k + p] * b.values[(o * k + p) * n + j];
        values.push(s);
      }
    }
  }
  return { shape: [...a.shape.slice(0, -1), ...b.shape.slice(0, -2), n], values };
}

function dotCases(): ConformanceCase[] {
  const shapes: [string, number[], number[]][] = [
    ['scalar · matrix is elementwise', [], [2, 3]],
    ['matrix · scalar is elementwise', [2, 3], []],
    ['vector · vector is a scalar', [5], [5]],
    ['matrix · vector', [3, 4], [4]],
    ['vector · matrix', [4], [4, 3]],
    ['matrix · matrix', [3, 4], [4, 2]],
    ['N-D · 1-D sums over the last axis', [2, 3, 4], [4]],
    ['N-D · M-D sums over a\'s last and b\'s second-to-last axis', [2, 3, 4], [5, 4, 2]],
    ['2-D · 4-D', [3, 2], [2, 3, 2, 4]],
    ['empty inner dimension gives zeros', [3, 0], [0, 2]],
  ];
  const cases: Record<string, ConformanceCase['run']> = {};
  shapes.forEach(([name, sa, sb], i) => {
    cases[name] = async (c) => {
      const a = grid(sa, 11 + i);
      const b = grid(sb, 97 + i);
      const ref = refDot(a, b);
      await expectTensor(c.own(tk.dot(makeRef(c, a), makeRef(c, b))), { shape: ref.shape, dtype: 'float32', values: ref.values, ...F32 }, `dot [${sa}]·[${sb}]`);
    };
  });
  cases['1·6 + 2·7 + ... + 5·10 = 130'] = async (c) => {
    // 6 + 14 + 24 + 36 + 50 = 130.
    await expectTensor(c.own(tk.dot(c.own(tk.tensor([1, 2, 3, 4, 5])), c.own(tk.tensor([6, 7, 8, 9, 10])))), { shape: [], dtype: 'float32', values: [130] });
  };
  cases['int32 stays int32; int32 with float32 is float32'] = async (c) => {
    const a = ints([3, 4], 5);
    const b = ints([4], 6);
    const ref = refDot(a, b);
    await expectTensor(c.own(tk.dot(makeRef(c, a, 'int32'), makeRef(c, b, 'int32'))), { shape: [3], dtype: 'int32', values: ref.values });
    await expectTensor(c.own(tk.dot(makeRef(c, a, 'int32'), makeRef(c, b, 'float32'))), { shape: [3], dtype: 'float32', values: ref.values });
  };
  cases['misaligned shapes are a ShapeError naming both'] = async (c) => {
    const a = makeRef(c, grid([2, 3], 1));
    const b = makeRef(c, grid([4, 2], 2));
    await expectError(() => c.own(tk.dot(a, b)), tk.ShapeError, 'dot', '[2,3]', '[4,2]');
    await expectError(() => c.own(tk.dot(makeRef(c, grid([3], 1)), makeRef(c, grid([4], 1)))), tk.ShapeError, 'dot');
  };
  return casesFor('products', 'dot', cases);
}

function matmulCases(): ConformanceCase[] {
  const cases: Record<string, ConformanceCase['run']> = {};
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      cases[`transposeA=${transposeA} transposeB=${transposeB}`] = async (c) => {
        // op(A) is [3, 5], op(B) is [5, 4]; A and B are passed transposed where asked.
        const opA = grid([3, 5], 21);
        const opB = grid([5, 4], 22);
        const a = transposeA ? swapLast(opA) : opA;
        const b = transposeB ? swapLast(opB) : opB;
        const ref = refMatmul(opA, opB);
        await expectTensor(c.own(tk.matmul(makeRef(c, a), makeRef(c, b), { transposeA, transposeB })), { shape: [3, 4], dtype: 'float32', values: ref.values, ...F32 });
      };
    }
  }
  const batch: [string, number[], number[], boolean, boolean][] = [
    ['batch broadcast [2,1,3,4]·[5,4,2]', [2, 1, 3, 4], [5, 4, 2], false, false],
    ['matrix against a batch [3,4]·[2,4,5]', [3, 4], [2, 4, 5], false, false],
    ['batch against a matrix [2,3,4]·[4,5]', [2, 3, 4], [4, 5], false, false],
    ['size-1 batch [1,3,4]·[2,4,5]', [1, 3, 4], [2, 4, 5], false, false],
    ['equal batches [3,2,3]·[3,3,2]', [3, 2, 3], [3, 3, 2], false, false],
    ['batch with transposes [2,1,4,3]ᵀ·[3,5,4]ᵀ', [2, 1, 4, 3], [3, 5, 4], true, true],
    ['rank 4 both [2,3,2,2]·[1,3,2,3]', [2, 3, 2, 2], [1, 3, 2, 3], false, false],
    ['empty batch [0,2,3]·[3,2]', [0, 2, 3], [3, 2], false, false],
  ];
  batch.forEach(([name, sa, sb, tA, tB], i) => {
    cases[name] = async (c) => {
      const a = grid(sa, 31 + i);
      const b = grid(sb, 41 + i);
      const ref = refBatchMatmul(tA ? swapLast(a) : a, tB ? swapLast(b) : b);
      await expectTensor(c.own(tk.matmul(makeRef(c, a), makeRef(c, b), { transposeA: tA, transposeB: tB })), { shape: ref.shape, dtype: 'float32', values: ref.values, ...F32 }, name);
    };
  });
  const odd: [string, number, number, number][] = [
    ['1x1x1', 1, 1, 1],
    ['7x13x5', 7, 13, 5],
    ['k=0 gives zeros', 3, 0, 4],
    ['m=0', 0, 3, 4],
    ['n=0', 3, 4, 0],
    ['vector shapes 1xkx1', 1, 17, 1],
    ['blocking edges 97x1025x258', 97, 1025, 258],
  ];
  odd.forEach(([name, m, k, n], i) => {
    cases[`odd sizes ${name}`] = async (c) => {
      const a = grid([m, k], 51 + i);
      const b = grid([k, n], 61 + i);
      const ref = refMatmul(a, b);
      await expectTensor(c.own(tk.matmul(makeRef(c, a), makeRef(c, b))), { shape: [m, n], dtype: 'float32', values: ref.values, ...F32 });
      if (m * k * n < 10000) {
        // The same through both transposes.
        await expectTensor(c.own(tk.matmul(makeRef(c, swapLast(a)), makeRef(c, swapLast(b)), { transposeA: true, transposeB: true })), { shape: [m, n], dtype: 'float32', values: ref.values, ...F32 }, 'transposed');
      }
    };
  });
  cases['int32 is exact and stays int32'] = async (c) => {
    const a = ints([4, 6], 71);
    const b = ints([6, 3], 72);
    const ref = refMatmul(a, b);
    await expectTensor(c.own(tk.matmul(makeRef(c, a, 'int32'), makeRef(c, b, 'int32'))), { shape: [4, 3], dtype: 'int32', values: ref.values });
    await expectTensor(c.own(tk.matmul(makeRef(c, swapLast(a), 'int32'), makeRef(c, b, 'int32'), { transposeA: true })), { shape: [4, 3], dtype: 'int32', values: ref.values });
  };
  cases['int32 overflow wraps around (two\'s complement, as NumPy)'] = async (c) => {
    // [[123456789, 2]]·[[987654321], [3]]: the low 32 bits of 123456789·987654321 + 6, i.e. imul + 6 (mod 2^32).
    const a = { shape: [1, 2], values: [123456789, 2] };
    const b = { shape: [2, 1], values: [987654321, 3] };
    await expectTensor(c.own(tk.matmul(makeRef(c, a, 'int32'), makeRef(c, b, 'int32'))), { shape: [1, 1], dtype: 'int32', values: [(Math.imul(123456789, 987654321) + 6) | 0] });
    // 46341 · 46341 = 2147488281 > 2^31 - 1 → -2147479015.
    const big = { shape: [1, 1], values: [46341] };
    await expectTensor(c.own(tk.matmul(makeRef(c, big, 'int32'), makeRef(c, big, 'int32'))), { shape: [1, 1], dtype: 'int32', values: [Math.imul(46341, 46341)] });
  };
  cases['int32 with float32 promotes to float32'] = async (c) => {
    const a = ints([2, 3], 73);
    const b = grid([3, 2], 74);
    const ref = refMatmul(a, b);
    await expectTensor(c.own(tk.matmul(makeRef(c, a, 'int32'), makeRef(c, b))), { shape: [2, 2], dtype: 'float32', values: ref.values, ...F32 });
  };
  cases['float64 keeps full precision'] = async (c) => {
    if (await float64Unsupported(c)) return;
    const a = doubles([5, 7], 81);
    const b = doubles([7, 3], 82);
    const ref = refMatmul(a, b);
    await expectTensor(c.own(tk.matmul(makeRef(c, a, 'float64'), makeRef(c, b, 'float64'))), { shape: [5, 3], dtype: 'float64', values: ref.values });
    // float32 · float64 computes in float64 from the float32 values.
    const a32 = { shape: a.shape, values: a.values.map(Math.fround) };
    await expectTensor(c.own(tk.matmul(makeRef(c, a, 'float32'), makeRef(c, b, 'float64'))), { shape: [5, 3], dtype: 'float64', values: refMatmul(a32, b).values });
  };
  cases['MNIST shapes at reduced size: forward and backward products'] = async (c) => {
    // An MLP 784 → 32 → 10 on a batch of 8: x·W1, h·W2, and the gradient products
    // xᵀ·dh ([784,8]·[8,32]), dy·W2ᵀ ([8,10]·[10,32]), hᵀ·dy ([32,8]·[8,10]).
    const x = grid([8, 784], 91);
    const w1 = grid([784, 32], 92);
    const w2 = grid([32, 10], 93);
    const h = grid([8, 32], 94);
    const dy = grid([8, 10], 95);
    const dh = grid([8, 32], 96);
    const X = makeRef(c, x);
    await expectTensor(c.own(tk.matmul(X, makeRef(c, w1))), { shape: [8, 32], dtype: 'float32', values: refMatmul(x, w1).values, ...F32 }, 'x·W1');
    await expectTensor(c.own(tk.matmul(makeRef(c, h), makeRef(c, w2))), { shape: [8, 10], values: refMatmul(h, w2).values, ...F32 }, 'h·W2');
    await expectTensor(c.own(tk.matmul(X, makeRef(c, dh), { transposeA: true })), { shape: [784, 32], values: refMatmul(swapLast(x), dh).values, ...F32 }, 'xᵀ·dh');
    await expectTensor(c.own(tk.matmul(makeRef(c, dy), makeRef(c, w2), { transposeB: true })), { shape: [8, 32], values: refMatmul(dy, swapLast(w2)).values, ...F32 }, 'dy·W2ᵀ');
    await expectTensor(c.own(tk.matmul(makeRef(c, h), makeRef(c, dy), { transposeA: true })), { shape: [32, 10], values: refMatmul(swapLast(h), dy).values, ...F32 }, 'hᵀ·dy');
  };
  cases['errors: rank < 2, inner mismatch, batch mismatch, bool'] = async (c) => {
    const v = makeRef(c, grid([3], 1));
    const m = makeRef(c, grid([3, 3], 2));
    await expectError(() => c.own(tk.matmul(v, m)), tk.ShapeError, 'matmul', 'dot');
    await expectError(() => c.own(tk.matmul(makeRef(c, grid([2, 3], 3)), makeRef(c, grid([2, 3], 4)))), tk.ShapeError, 'matmul', '3 vs 2');
    await expectError(() => c.own(tk.matmul(makeRef(c, grid([2, 2, 3], 3)), makeRef(c, grid([3, 3, 2], 4)))), tk.ShapeError, 'matmul');
    await expectError(() => c.own(tk.matmul(makeRef(c, { shape: [1, 1], values: [1] }, 'bool'), m)), tk.DTypeError, 'matmul', 'bool');
  };
  cases['property: random sizes, batch broadcasting, transposes and dtypes'] = async (c) => {
    const dims = fc.integer({ min: 0, max: 5 });
    const batchDim = fc.integer({ min: 0, max: 3 });
    const arb = fc
      .record({
        m: dims, k: dims, n: dims,
        out: fc.array(batchDim, { minLength: 0, maxLength: 2 }),
        dropA: fc.integer({ min: 0, max: 2 }), dropB: fc.integer({ min: 0, max: 2 }),
        onesA: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }), onesB: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
        transposeA: fc.boolean(), transposeB: fc.boolean(),
        dtype: fc.constantFrom<DType>(...(c.float64 ? (['float32', 'int32', 'float64'] as DType[]) : (['float32', 'int32'] as DType[]))),
        seed: fc.integer({ min: 1, max: 1 << 30 }),
      });
    await fc.assert(
      fc.asyncProperty(arb, async (p) => {
        const batchOf = (drop: number, ones: boolean[]) => p.out.slice(Math.min(drop, p.out.length)).map((d, i) => (ones[i] ? 1 : d));
        const sa = [...batchOf(p.dropA, p.onesA), p.m, p.k];
        const sb = [...batchOf(p.dropB, p.onesB), p.k, p.n];
        const gen = p.dtype === 'int32' ? ints : p.dtype === 'float64' ? doubles : grid;
        const a = gen(sa, p.seed);
        const b = gen(sb, p.seed + 1);
        const ref = refBatchMatmul(a, b);
        const ta = p.transposeA ? swapLast(a) : a;
        const tb = p.transposeB ? swapLast(b) : b;
        const y = c.own(tk.matmul(makeRef(c, ta, p.dtype), makeRef(c, tb, p.dtype), { transposeA: p.transposeA, transposeB: p.transposeB }));
        await expectTensor(y, { shape: ref.shape, dtype: p.dtype, values: ref.values, ...tolFor(p.dtype) }, `matmul [${ta.shape}]${p.transposeA ? 'ᵀ' : ''}·[${tb.shape}]${p.transposeB ? 'ᵀ' : ''} ${p.dtype}`);
      }),
      { numRuns: 50, seed: 2718 },
    );
  };
  return casesFor('products', 'matmul', cases);
}

function outerCases(): ConformanceCase[] {
  return casesFor('products', 'outer', {
    'vector with vector': async (c) => {
      // [1,2,3] ⊗ [10,20] = [[10,20],[20,40],[30,60]].
      await expectTensor(c.own(tk.outer(makeRef(c, { shape: [3], values: [1, 2, 3] }), makeRef(c, { shape: [2], values: [10, 20] }))), { shape: [3, 2], dtype: 'float32', values: [10, 20, 20, 40, 30, 60] });
    },
    'inputs are flattened first (NumPy)': async (c) => {
      const a = grid([2, 2], 5);
      const b = grid([3], 6);
      const expected = a.values.flatMap((x) => b.values.map((y) => x * y));
      await expectTensor(c.own(tk.outer(makeRef(c, a), makeRef(c, b))), { shape: [4, 3], values: expected, ...F32 });
    },
    'scalars, empty and int32': async (c) => {
      await expectTensor(c.own(tk.outer(makeRef(c, { shape: [], values: [3] }), makeRef(c, { shape: [2], values: [1, 2] }))), { shape: [1, 2], values: [3, 6] });
      await expectTensor(c.own(tk.outer(makeRef(c, { shape: [0], values: [] }), makeRef(c, { shape: [2], values: [1, 2] }))), { shape: [0, 2], values: [] });
      await expectTensor(c.own(tk.outer(makeRef(c, { shape: [2], values: [2, -3] }, 'int32'), makeRef(c, { shape: [2], values: [4, 5] }, 'int32'))), { shape: [2, 2], dtype: 'int32', values: [8, 10, -12, -15] });
    },
  });
}

/** Every product case. */
export function productsCases(): ConformanceCase[] {
  return [...dotCases(), ...matmulCases(), ...outerCases()];
}
