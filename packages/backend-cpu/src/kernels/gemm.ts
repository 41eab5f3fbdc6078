/**
 * General matrix multiply (GEMM) for the CPU backend, with a fused bias + activation epilogue.
 *
 * Design, and why (all figures measured on Node 20 / V8 11.3, x64):
 * - Both operands are copied ("packed") into Float64Array scratch panels before the arithmetic. The
 *   caller may pass any strides (that is how A^T and B^T arrive without a copy) and float32 or
 *   float64 storage; after packing, the inner loop always walks contiguous float64 memory, so V8
 *   compiles it for one array type (monomorphic), and float64 inputs keep full double precision
 *   (float32 inputs are widened exactly).
 * - The scratch panels have fixed sizes and are `const` bindings captured by closures that are
 *   created exactly once (see {@link createDriver}). TurboFan then specialises those closures to
 *   their context and embeds each panel's base address and length as constants, so the hot loop has
 *   no map checks and no reloads of the array's base and length. That alone doubles throughput
 *   (about 6 -> 12 GFLOP/s for the micro-kernel). It needs the panels to live in a function scope:
 *   bundlers (esbuild, hence tsup) rewrite top-level `const` to `var`, which defeats it, and growable
 *   buffers would need re-created closures, which V8 stops specialising once a second one exists.
 * - The micro-kernel computes a 3x2 tile of C with its six partial sums in local variables. 3x2 was
 *   the fastest shape: six accumulators plus three A and two B values fit the ~15 double registers
 *   TurboFan allocates, whereas 4x4, 3x4 or 4x2 tiles spill accumulators every iteration
 *   (5-7 GFLOP/s). Integer index arithmetic is written `(x + c) | 0` so that TurboFan emits plain
 *   32-bit adds rather than overflow-checked ones.
 * - Loops are blocked over n (NC), m (MC) and k (KC). For k <= KC (every layer of a small MLP), B is
 *   packed once per column panel and reused by all row blocks.
 * - Tiles accumulate into a float64 block; bias, activation and conversion to the output type happen
 *   once per element when the block is written to C. That keeps k-blocking exact for float32
 *   outputs (no rounding between k blocks) and keeps C's array type out of the hot loop.
 */

/** Any floating-point storage the kernel accepts for its operands and output. */
export type FloatArray = Float32Array | Float64Array;

/**
 * Epilogue activation codes applied after bias: 0 = none, 1 = relu.
 *
 * A plain object rather than a `const enum`: a `const enum` cannot be consumed from another package
 * under `isolatedModules`, while this object and its same-named type keep the `GemmActivation.Relu`
 * spelling at call sites.
 */
export const GemmActivation = { None: 0, Relu: 1 } as const;

/** An activation code: one of the values of {@link GemmActivation}. */
export type GemmActivation = (typeof GemmActivation)[keyof typeof GemmActivation];

/** Rows per micro-tile (register blocking in m). */
const MR = 3;
/** Columns per micro-tile (register blocking in n); odd n is padded with a zero column in the B panel. */
const NR = 2;
/**
 * Depth of a k block. Large, because the kernel is instruction-bound rather than memory-bound in V8:
 * one B sliver (KC x NR doubles, 16 KiB) still fits L1, and k up to 1024 needs no second pass over
 * the accumulator and no repacking of B.
 */
const KC = 1024;
/** Rows of A per block (a multiple of MR); the packed A block is MC x KC doubles (768 KiB, L2). */
const MC = 96;
/** Columns of B per panel (a multiple of NR); the packed B panel is KC x NC doubles (2 MiB). */
const NC = 256;

/** Warm-up rounds in {@link createDriver}; enough calls for V8 to start collecting type feedback. */
const WARMUP_REPEATS = 12;

/** The work function built by {@link createDriver}; same contract as {@link gemm} with m, n, k > 0. */
type Driver = (
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  aRowStride: number,
  aColStride: number,
  b: FloatArray,
  bOffset: number,
  bRowStride: number,
  bColStride: number,
  c: FloatArray,
  cOffset: number,
  bias: FloatArray | null,
  activation: GemmActivation,
) => void;

/** Created on the first call, so importing the module allocates nothing (the panels total ~3 MiB). */
let driver: Driver | null = null;

/**
 * c[cOffset + i*n + j] = act( sum_k A(i,k) * B(k,j) + bias[j] )  for i<m, j<n (C is contiguous row-major m x n).
 *
 * A(i,k) = a[aOffset + i*aRowStride + k*aColStride]; B(k,j) = b[bOffset + k*bRowStride + j*bColStride].
 * Any strides: this is how transposed operands (A^T, B^T) are passed without copying them.
 * bias may be null. k may be 0 (then C = act(bias or 0)). m or n may be 0 (no-op).
 *
 * Sums are accumulated in float64 whatever the storage type and rounded once when written to C;
 * relu keeps NaN (it maps only values below zero to zero). C must not overlap A or B: rows of C are
 * written while later rows of A are still to be read. Uses shared scratch buffers (about 3 MiB,
 * allocated on the first call), which is safe because the call is synchronous and single-threaded.
 *
 * @param m - rows of A and C.
 * @param n - columns of B and C.
 * @param k - columns of A and rows of B (the summed dimension).
 * @param a - storage of A.
 * @param aOffset - index in `a` of A(0,0).
 * @param aRowStride - distance in `a` from A(i,k) to A(i+1,k).
 * @param aColStride - distance in `a` from A(i,k) to A(i,k+1).
 * @param b - storage of B.
 * @param bOffset - index in `b` of B(0,0).
 * @param bRowStride - distance in `b` from B(k,j) to B(k+1,j).
 * @param bColStride - distance in `b` from B(k,j) to B(k,j+1).
 * @param c - output storage; receives the contiguous row-major m x n result at `cOffset`.
 * @param cOffset - index in `c` of C(0,0).
 * @param bias - optional length-n vector added to every row of the product; null for none.
 * @param activation - applied after the bias (see {@link GemmActivation}).
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  aRowStride: number,
  aColStride: number,
  b: FloatArray,
  bOffset: number,
  bRowStride: number,
  bColStride: number,
  c: FloatArray,
  cOffset: number,
  bias: FloatArray | null,
  activation: GemmActivation,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    fillEpilogue(m, n, c, cOffset, bias, activation);
    return;
  }
  if (driver === null) driver = createDriver(a, b, c);
  driver(m, n, k, a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, bColStride, c, cOffset, bias, activation);
}

/**
 * Allocates the scratch panels and returns the blocked GEMM that uses them, warmed up on arrays of the
 * same types as the first call's `a`, `b` and `c`. Must be called only once: every function below
 * closes over the panels, and V8 embeds them as constants only while each closure is the sole
 * instance of its function.
 */
function createDriver(aLike: FloatArray, bLike: FloatArray, cLike: FloatArray): Driver {
  /** Packed A block: MR-row slivers, each stored k-major ([p][i] triples). */
  const ap = new Float64Array(MC * KC);
  /** Packed B block: NR-column slivers, each stored k-major ([p][j] pairs). */
  const bp = new Float64Array(KC * NC);
  /** Float64 sums of the current MC x NC block of C, row stride = padded panel width. */
  const acc = new Float64Array(MC * NC);

  /**
   * Packs A(0..mc-1, 0..kc-1), relative to `off`, into `ap`. A last sliver of 1 or 2 rows is stored
   * with its own width, matching the narrow edge kernels that read it.
   */
  function packA(src: FloatArray, off: number, rowStride: number, colStride: number, mc: number, kc: number): void {
    let d = 0;
    let i = 0;
    for (; i + MR <= mc; i += MR) {
      let x = off + i * rowStride;
      const r2 = 2 * rowStride;
      for (let p = 0; p < kc; p++) {
        ap[d] = src[x];
        ap[d + 1] = src[x + rowStride];
        ap[d + 2] = src[x + r2];
        d += 3;
        x += colStride;
      }
    }
    const rest = mc - i;
    if (rest === 2) {
      let x = off + i * rowStride;
      for (let p = 0; p < kc; p++) {
        ap[d] = src[x];
        ap[d + 1] = src[x + rowStride];
        d += 2;
        x += colStride;
      }
    } else if (rest === 1) {
      let x = off + i * rowStride;
      for (let p = 0; p < kc; p++) {
        ap[d++] = src[x];
        x += colStride;
      }
    }
  }

  /**
   * Packs B(0..kc-1, 0..nc-1), relative to `off`, into `bp`. An odd last column is paired with zeros,
   * which only reach accumulator columns that are never written out.
   */
  function packB(src: FloatArray, off: number, rowStride: number, colStride: number, kc: number, nc: number): void {
    let d = 0;
    const pairs = nc >> 1;
    for (let s = 0; s < pairs; s++) {
      let x = off + 2 * s * colStride;
      for (let p = 0; p < kc; p++) {
        bp[d] = src[x];
        bp[d + 1] = src[x + colStride];
        d += 2;
        x += rowStride;
      }
    }
    if (nc & 1) {
      let x = off + (nc - 1) * colStride;
      for (let p = 0; p < kc; p++) {
        bp[d] = src[x];
        bp[d + 1] = 0;
        d += 2;
        x += rowStride;
      }
    }
  }

  /**
   * Main micro-kernel: adds the product of the A sliver at `ai` and the B sliver at `bi` (kc steps) to
   * the 3x2 tile of acc at `ci` (row stride ldc). Sums start from zero, not from acc, so the six
   * accumulators stay float64 registers; only adding (never a store-or-add flag) keeps the code free
   * of branches that would lack type feedback until k first exceeds KC.
   */
  function kernel3x2(kc: number, ai: number, bi: number, ci: number, ldc: number): void {
    let c00 = 0;
    let c01 = 0;
    let c10 = 0;
    let c11 = 0;
    let c20 = 0;
    let c21 = 0;
    // Driving the loop by the A index saves a separate counter and its increment (~6% measured).
    const aEnd = (ai + kc * MR) | 0;
    while (ai < aEnd) {
      const a0 = ap[ai];
      const a1 = ap[(ai + 1) | 0];
      const a2 = ap[(ai + 2) | 0];
      const b0 = bp[bi];
      c00 += a0 * b0;
      c10 += a1 * b0;
      c20 += a2 * b0;
      const b1 = bp[(bi + 1) | 0];
      c01 += a0 * b1;
      c11 += a1 * b1;
      c21 += a2 * b1;
      ai = (ai + 3) | 0;
      bi = (bi + 2) | 0;
    }
    const r1 = ci + ldc;
    const r2 = r1 + ldc;
    acc[ci] += c00;
    acc[ci + 1] += c01;
    acc[r1] += c10;
    acc[r1 + 1] += c11;
    acc[r2] += c20;
    acc[r2 + 1] += c21;
  }

  /** Edge micro-kernel for two leftover rows: a 2x2 tile, otherwise as {@link kernel3x2}. */
  function kernel2x2(kc: number, ai: number, bi: number, ci: number, ldc: number): void {
    let c00 = 0;
    let c01 = 0;
    let c10 = 0;
    let c11 = 0;
    const aEnd = (ai + kc * 2) | 0;
    while (ai < aEnd) {
      const a0 = ap[ai];
      const a1 = ap[(ai + 1) | 0];
      const b0 = bp[bi];
      const b1 = bp[(bi + 1) | 0];
      c00 += a0 * b0;
      c10 += a1 * b0;
      c01 += a0 * b1;
      c11 += a1 * b1;
      ai = (ai + 2) | 0;
      bi = (bi + 2) | 0;
    }
    const r1 = ci + ldc;
    acc[ci] += c00;
    acc[ci + 1] += c01;
    acc[r1] += c10;
    acc[r1 + 1] += c11;
  }

  /**
   * Edge micro-kernel for one leftover row (and for matrix-vector products): a 1x2 tile, with two
   * independent sums per column so that one chain of dependent adds does not bound its speed.
   */
  function kernel1x2(kc: number, ai: number, bi: number, ci: number): void {
    let c00 = 0;
    let c01 = 0;
    let d00 = 0;
    let d01 = 0;
    let p = 0;
    for (; p + 1 < kc; p = (p + 2) | 0) {
      const a0 = ap[ai];
      const a1 = ap[(ai + 1) | 0];
      c00 += a0 * bp[bi];
      c01 += a0 * bp[(bi + 1) | 0];
      d00 += a1 * bp[(bi + 2) | 0];
      d01 += a1 * bp[(bi + 3) | 0];
      ai = (ai + 2) | 0;
      bi = (bi + 4) | 0;
    }
    if (p < kc) {
      const a0 = ap[ai];
      c00 += a0 * bp[bi];
      c01 += a0 * bp[(bi + 1) | 0];
    }
    acc[ci] += c00 + d00;
    acc[ci + 1] += c01 + d01;
  }

  /** Runs every micro-tile of one packed mc x kc block of A against one packed kc x ncp block of B. */
  function multiplyBlock(mc: number, kc: number, ncp: number): void {
    const mFull = mc - (mc % MR);
    const mRest = mc - mFull;
    const aStep = kc * MR;
    const cStep = MR * ncp;
    // Slivers of B outermost: one B sliver stays in L1 while all the A slivers stream past it.
    for (let j = 0, bi = 0; j < ncp; j += NR, bi += kc * NR) {
      let ai = 0;
      let ci = j;
      for (let i = 0; i < mFull; i += MR) {
        kernel3x2(kc, ai, bi, ci, ncp);
        ai += aStep;
        ci += cStep;
      }
      // Leftover rows get narrower kernels instead of zero padding, so m = 1 or 2 (matrix-vector
      // products) does not pay for three rows.
      if (mRest === 2) kernel2x2(kc, ai, bi, ci, ncp);
      else if (mRest === 1) kernel1x2(kc, ai, bi, ci);
    }
  }

  /**
   * Writes the mc x nc block of sums in acc (row stride ldAcc) to C (row stride ldc, at cOff), adding
   * bias[biasOff + j] and applying the activation: the only place that touches C, so a float32 C is
   * rounded exactly once per element.
   */
  function writeBlock(
    mc: number,
    nc: number,
    ldAcc: number,
    c: FloatArray,
    cOff: number,
    ldc: number,
    bias: FloatArray | null,
    biasOff: number,
    relu: boolean,
  ): void {
    for (let i = 0; i < mc; i++) {
      const src = i * ldAcc;
      const dst = cOff + i * ldc;
      if (bias === null) {
        if (relu) {
          for (let j = 0; j < nc; j++) {
            const v = acc[src + j];
            // `v < 0 ? 0 : v` rather than `v > 0 ? v : 0` so that NaN propagates instead of becoming 0.
            c[dst + j] = v < 0 ? 0 : v;
          }
        } else {
          for (let j = 0; j < nc; j++) c[dst + j] = acc[src + j];
        }
      } else if (relu) {
        for (let j = 0; j < nc; j++) {
          const v = acc[src + j] + bias[biasOff + j];
          c[dst + j] = v < 0 ? 0 : v;
        }
      } else {
        for (let j = 0; j < nc; j++) c[dst + j] = acc[src + j] + bias[biasOff + j];
      }
    }
  }

  const run: Driver = function run(m, n, k, a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, bColStride, c, cOffset, bias, activation) {
    const relu = activation === GemmActivation.Relu;
    const singleK = k <= KC;
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc);
      const ncp = nc + (nc & 1);
      const bPanel = bOffset + jc * bColStride;
      // With one k block, B is packed once per column panel and shared by every row block.
      if (singleK) packB(b, bPanel, bRowStride, bColStride, k, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        const aBlock = aOffset + ic * aRowStride;
        acc.fill(0, 0, mc * ncp);
        for (let pc = 0; pc < k; pc += KC) {
          const kc = Math.min(KC, k - pc);
          // k > KC: the accumulator holds only MC rows, so B's k blocks are repacked per row block.
          // That costs one copy per 2*MC flops on each B element, a few percent at most.
          if (!singleK) packB(b, bPanel + pc * bRowStride, bRowStride, bColStride, kc, nc);
          packA(a, aBlock + pc * aColStride, aRowStride, aColStride, mc, kc);
          multiplyBlock(mc, kc, ncp);
        }
        writeBlock(mc, nc, ncp, c, cOffset + ic * n + jc, n, bias, jc, relu);
      }
    }
  };

  // Warm-up: run every code path once on tiny problems before any real work. Without it, the first
  // large call makes V8 compile its long loops on-stack (OSR) before the code after them has ever run;
  // that OSR code then deoptimises on the first exit from each loop, and V8 11 keeps re-entering the
  // cached OSR code, so early calls fell back to the interpreter dozens of times (measured: first MLP
  // training step ~2x slower than later ones). The cases cover leftover rows 0/1/2, odd and even n,
  // k > KC, and each bias/activation combination of the epilogue.
  // Costs about 3 ms once.
  const wa = like(aLike, 5 * (KC + 1));
  const wb = like(bLike, 3 * (KC + 1));
  const wc = like(cLike, 15);
  const wBias = like(cLike, 3);
  // Repeated because V8 allocates a function's feedback vector only after several calls, and
  // feedback is what the warm-up is for.
  for (let rep = 0; rep < WARMUP_REPEATS; rep++) {
    run(5, 3, 2, wa, 0, 2, 1, wb, 0, 3, 1, wc, 0, null, GemmActivation.None);
    run(4, 2, 3, wa, 0, 1, 4, wb, 0, 1, 3, wc, 0, wBias, GemmActivation.Relu);
    run(3, 3, 2, wa, 0, 2, 1, wb, 0, 3, 1, wc, 0, wBias, GemmActivation.None);
    run(1, 1, KC + 1, wa, 0, KC + 1, 1, wb, 0, 1, 1, wc, 0, null, GemmActivation.Relu);
  }
  return run;
}

/** A zeroed array of `len` elements of the same type as `arr`. */
function like(arr: FloatArray, len: number): FloatArray {
  return arr instanceof Float32Array ? new Float32Array(len) : new Float64Array(len);
}

/** The k = 0 case: every product is an empty sum, so C is the activated bias (or zero). */
function fillEpilogue(
  m: number,
  n: number,
  c: FloatArray,
  cOff: number,
  bias: FloatArray | null,
  activation: GemmActivation,
): void {
  const relu = activation === GemmActivation.Relu;
  for (let i = 0; i < m; i++) {
    const dst = cOff + i * n;
    for (let j = 0; j < n; j++) {
      const v = bias === null ? 0 : bias[j];
      c[dst + j] = relu && v < 0 ? 0 : v;
    }
  }
}
