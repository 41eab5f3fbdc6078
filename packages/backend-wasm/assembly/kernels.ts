// TensorKit wasm kernels, compiled by AssemblyScript (`--runtime stub`: no managed objects at all).
// Every kernel works on raw pointers into linear memory that the JavaScript side allocates; N-d
// shapes and strides travel through a scratch block (see `setScratch`). Semantics follow the cpu
// reference backend exactly: arithmetic on non-float32 paths is done in float64 and stored with
// JavaScript's typed-array conversions (ToInt32 wrap-around, NaN/Inf -> 0 for int32).

// dtype codes (must match src/kernels.ts)
const F32: i32 = 0;
const I32: i32 = 1;
const U8: i32 = 2;

const MAX_RANK: i32 = 32;

// Scratch block layout (bytes from `scratch`): shape[32], strides[4][32], counter[32], then
// two float64 accumulator rows of CHUNK entries, then a 32-float tile buffer.
let scratch: usize = 0;
const CHUNK: i32 = 512;
@inline function SHAPE(): usize { return scratch; }
@inline function STRIDES(op: i32): usize { return scratch + 128 + <usize>op * 128; }
@inline function COUNTER(): usize { return scratch + 640; }
@inline function ACC(): usize { return scratch + 1024; }
@inline function BEST(): usize { return scratch + 1024 + CHUNK * 8; }
@inline function TILE(): usize { return scratch + 1024 + CHUNK * 16; }
export const SCRATCH_BYTES: i32 = 1024 + 512 * 16 + 256;

export function setScratch(ptr: usize): void { scratch = ptr; }
export function heapBase(): usize { return __heap_base; }

// ---------------------------------------------------------------------------------------------
// Loads, stores and conversions

@inline function esize(dt: i32): usize { return dt == U8 ? 1 : 4; }

@inline function ld(base: usize, i: i32, dt: i32): f64 {
  if (dt == F32) return <f64>load<f32>(base + (<usize>i << 2));
  if (dt == I32) return <f64>load<i32>(base + (<usize>i << 2));
  return <f64>load<u8>(base + <usize>i);
}

/** JavaScript's ToInt32 (typed-array store): truncate, wrap modulo 2^32, NaN and Infinity give 0. */
@inline function toI32(x: f64): i32 {
  if (x >= -2147483648.0 && x <= 2147483647.0) return <i32>x;
  if (!isFinite(x)) return 0;
  const t = Math.trunc(x);
  const r = t - 4294967296.0 * Math.floor(t / 4294967296.0);
  return <i32><u32>r;
}

@inline function st(base: usize, i: i32, dt: i32, x: f64): void {
  if (dt == F32) store<f32>(base + (<usize>i << 2), <f32>x);
  else if (dt == I32) store<i32>(base + (<usize>i << 2), toI32(x));
  else store<u8>(base + <usize>i, <u8>(toI32(x) & 255));
}

// ---------------------------------------------------------------------------------------------
// N-d row iteration: the JavaScript side writes a collapsed shape and per-operand strides
// (in elements) into scratch; rows are the last dimension.

let off0: i32 = 0;
let off1: i32 = 0;
let off2: i32 = 0;
let off3: i32 = 0;

function startRows(rank: i32, base0: i32): void {
  off0 = base0; off1 = 0; off2 = 0; off3 = 0;
  memory.fill(COUNTER(), 0, <usize>MAX_RANK * 4);
}

/** Advances to the next row over dimensions [0, rank-1); false when done. */
function nextRow(rank: i32): bool {
  for (let d = rank - 2; d >= 0; d--) {
    const dd = <usize>d << 2;
    const c = load<i32>(COUNTER() + dd) + 1;
    const sh = load<i32>(SHAPE() + dd);
    const s0 = load<i32>(STRIDES(0) + dd), s1 = load<i32>(STRIDES(1) + dd);
    const s2 = load<i32>(STRIDES(2) + dd), s3 = load<i32>(STRIDES(3) + dd);
    if (c < sh) {
      store<i32>(COUNTER() + dd, c);
      off0 += s0; off1 += s1; off2 += s2; off3 += s3;
      return true;
    }
    store<i32>(COUNTER() + dd, 0);
    const back = sh - 1;
    off0 -= s0 * back; off1 -= s1 * back; off2 -= s2 * back; off3 -= s3 * back;
  }
  return false;
}

@inline function lastShape(rank: i32): i32 { return load<i32>(SHAPE() + (<usize>(rank - 1) << 2)); }
@inline function lastStride(op: i32, rank: i32): i32 { return load<i32>(STRIDES(op) + (<usize>(rank - 1) << 2)); }

// ---------------------------------------------------------------------------------------------
// Unary

@inline function sigmoid64(x: f64): f64 {
  if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1.0 + e);
}

@inline function unaryOp(op: i32, x: f64): f64 {
  switch (op) {
    case 0: return -x;
    case 1: return Math.abs(x);
    case 2: return Math.exp(x);
    case 3: return Math.log(x);
    case 4: return Math.sqrt(x);
    case 5: return x * x;
    case 6: return x > 0 ? x : (x != x ? x : 0);
    case 7: return sigmoid64(x);
    case 8: return Math.tanh(x);
    case 9: return x > 0 ? 1 : (x < 0 ? -1 : (x == 0 ? 0 : x));
    case 10: return Math.floor(x);
    case 11: return Math.ceil(x);
    case 12: return nearest<f64>(x);
    case 13: return x == 0 ? 1 : 0;
    case 14: return x != x ? 1 : 0;
    case 15: return isFinite(x) ? 1 : 0;
  }
  return NaN;
}

@inline function unaryF32Simd(op: i32, x: usize, out: usize, n: i32): i32 {
  let i = 0;
  const zero = f32x4.splat(0);
  for (; i + 4 <= n; i += 4) {
    const p = <usize>i << 2;
    const v = v128.load(x + p);
    let r: v128;
    if (op == 0) r = f32x4.neg(v);
    else if (op == 1) r = f32x4.abs(v);
    else if (op == 4) r = f32x4.sqrt(v);
    else if (op == 5) r = f32x4.mul(v, v);
    else if (op == 6) r = v128.and(v, v128.or(f32x4.gt(v, zero), f32x4.ne(v, v)));
    else if (op == 10) r = f32x4.floor(v);
    else if (op == 11) r = f32x4.ceil(v);
    else r = f32x4.nearest(v);
    v128.store(out + p, r);
  }
  return i;
}

export function unary(op: i32, dtIn: i32, dtOut: i32, x: usize, out: usize, n: i32): void {
  if (dtIn == F32 && dtOut == F32) {
    let i = 0;
    switch (op) {
      case 0: i = unaryF32Simd(0, x, out, n); break;
      case 1: i = unaryF32Simd(1, x, out, n); break;
      case 4: i = unaryF32Simd(4, x, out, n); break;
      case 5: i = unaryF32Simd(5, x, out, n); break;
      case 6: i = unaryF32Simd(6, x, out, n); break;
      case 10: i = unaryF32Simd(10, x, out, n); break;
      case 11: i = unaryF32Simd(11, x, out, n); break;
      case 12: i = unaryF32Simd(12, x, out, n); break;
      case 2: for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>Math.exp(<f64>load<f32>(x + (<usize>i << 2)))); break;
      case 7: for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>sigmoid64(<f64>load<f32>(x + (<usize>i << 2)))); break;
      case 8: for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>Math.tanh(<f64>load<f32>(x + (<usize>i << 2)))); break;
    }
    for (; i < n; i++) st(out, i, F32, unaryOp(op, ld(x, i, F32)));
    return;
  }
  if (op == 5 && dtOut == I32) {
    for (let i = 0; i < n; i++) {
      const v = toI32(ld(x, i, dtIn));
      store<i32>(out + (<usize>i << 2), v * v);
    }
    return;
  }
  for (let i = 0; i < n; i++) st(out, i, dtOut, unaryOp(op, ld(x, i, dtIn)));
}

// ---------------------------------------------------------------------------------------------
// Binary with broadcasting

@inline function ieeePow(x: f64, y: f64): f64 {
  if (x == 1 || (x == -1 && (y == Infinity || y == -Infinity))) return 1;
  return Math.pow(x, y);
}

@inline function binaryOp(op: i32, x: f64, y: f64): f64 {
  switch (op) {
    case 0: return x + y;
    case 1: return x - y;
    case 2: return x * y;
    case 3: return x / y;
    case 4: return ieeePow(x, y);
    case 5: return Math.max(x, y);
    case 6: return Math.min(x, y);
    case 7: return x == y ? 1 : 0;
    case 8: return x != y ? 1 : 0;
    case 9: return x < y ? 1 : 0;
    case 10: return x <= y ? 1 : 0;
    case 11: return x > y ? 1 : 0;
    case 12: return x >= y ? 1 : 0;
    case 13: return x != 0 && y != 0 ? 1 : 0;
    case 14: return x != 0 || y != 0 ? 1 : 0;
  }
  return NaN;
}

@inline function vop(op: i32, a: v128, b: v128): v128 {
  if (op == 0) return f32x4.add(a, b);
  if (op == 1) return f32x4.sub(a, b);
  if (op == 2) return f32x4.mul(a, b);
  if (op == 3) return f32x4.div(a, b);
  if (op == 5) return f32x4.max(a, b);
  return f32x4.min(a, b);
}

@inline function sop(op: i32, a: f32, b: f32): f32 {
  if (op == 0) return a + b;
  if (op == 1) return a - b;
  if (op == 2) return a * b;
  if (op == 3) return a / b;
  if (op == 5) return Mathf.max(a, b);
  return Mathf.min(a, b);
}

/** One float32 row of `op` (add, sub, mul, div, maximum, minimum): SIMD when contiguous or broadcast. */
@inline function f32Row(op: i32, a: usize, as: i32, b: usize, bs: i32, out: usize, n: i32): void {
  let i = 0;
  if (as == 1 && bs == 1) {
    for (; i + 8 <= n; i += 8) {
      const p = <usize>i << 2;
      v128.store(out + p, vop(op, v128.load(a + p), v128.load(b + p)));
      v128.store(out + p, vop(op, v128.load(a + p, 16), v128.load(b + p, 16)), 16);
    }
    for (; i + 4 <= n; i += 4) {
      const p = <usize>i << 2;
      v128.store(out + p, vop(op, v128.load(a + p), v128.load(b + p)));
    }
  } else if (as == 1 && bs == 0) {
    const vb = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const p = <usize>i << 2;
      v128.store(out + p, vop(op, v128.load(a + p), vb));
    }
  } else if (as == 0 && bs == 1) {
    const va = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) {
      const p = <usize>i << 2;
      v128.store(out + p, vop(op, va, v128.load(b + p)));
    }
  }
  for (; i < n; i++) {
    store<f32>(out + (<usize>i << 2), sop(op, load<f32>(a + (<usize>(i * as) << 2)), load<f32>(b + (<usize>(i * bs) << 2))));
  }
}

function f32RowAny(op: i32, a: usize, as: i32, b: usize, bs: i32, out: usize, n: i32): void {
  switch (op) {
    case 0: f32Row(0, a, as, b, bs, out, n); break;
    case 1: f32Row(1, a, as, b, bs, out, n); break;
    case 2: f32Row(2, a, as, b, bs, out, n); break;
    case 3: f32Row(3, a, as, b, bs, out, n); break;
    case 5: f32Row(5, a, as, b, bs, out, n); break;
    default: f32Row(6, a, as, b, bs, out, n); break;
  }
}

/** `out = a op b` over the collapsed shape in scratch (operands 0 = a, 1 = b, 2 = out). */
export function binary(op: i32, dtIn: i32, dtOut: i32, a: usize, b: usize, out: usize, rank: i32): void {
  const n = lastShape(rank);
  const as = lastStride(0, rank), bs = lastStride(1, rank);
  const fast = dtIn == F32 && dtOut == F32 && op != 4 && op <= 6;
  const imul = op == 2 && dtOut == I32;
  const ei = esize(dtIn), eo = esize(dtOut);
  startRows(rank, 0);
  do {
    const pa = a + <usize>off0 * ei, pb = b + <usize>off1 * ei, po = out + <usize>off2 * eo;
    if (fast) {
      f32RowAny(op, pa, as, pb, bs, po, n);
    } else if (imul) {
      for (let i = 0; i < n; i++) {
        store<i32>(po + (<usize>i << 2), toI32(ld(pa, i * as, dtIn)) * toI32(ld(pb, i * bs, dtIn)));
      }
    } else {
      for (let i = 0; i < n; i++) st(po, i, dtOut, binaryOp(op, ld(pa, i * as, dtIn), ld(pb, i * bs, dtIn)));
    }
  } while (nextRow(rank));
}

/** `out = cond ? a : b` (operands 0 = cond, 1 = a, 2 = b, 3 = out). */
export function where(dtCond: i32, dt: i32, cond: usize, a: usize, b: usize, out: usize, rank: i32): void {
  const n = lastShape(rank);
  const cs = lastStride(0, rank), as = lastStride(1, rank), bs = lastStride(2, rank);
  const ec = esize(dtCond), e = esize(dt);
  startRows(rank, 0);
  do {
    const pc = cond + <usize>off0 * ec, pa = a + <usize>off1 * e, pb = b + <usize>off2 * e, po = out + <usize>off3 * e;
    if (e == 4) {
      for (let i = 0; i < n; i++) {
        const c = ld(pc, i * cs, dtCond) != 0;
        store<u32>(po + (<usize>i << 2), c ? load<u32>(pa + (<usize>(i * as) << 2)) : load<u32>(pb + (<usize>(i * bs) << 2)));
      }
    } else {
      for (let i = 0; i < n; i++) {
        const c = ld(pc, i * cs, dtCond) != 0;
        store<u8>(po + <usize>i, c ? load<u8>(pa + <usize>(i * as)) : load<u8>(pb + <usize>(i * bs)));
      }
    }
  } while (nextRow(rank));
}

/** Converts dtypes: to int32 truncates (NaN and Infinity give 0, wraps like a typed array), to bool is x != 0. */
export function cast(dtIn: i32, dtOut: i32, x: usize, out: usize, n: i32): void {
  if (dtIn == dtOut) { memory.copy(out, x, <usize>n * esize(dtIn)); return; }
  if (dtOut == U8) {
    for (let i = 0; i < n; i++) store<u8>(out + <usize>i, ld(x, i, dtIn) != 0 ? 1 : 0);
    return;
  }
  for (let i = 0; i < n; i++) st(out, i, dtOut, ld(x, i, dtIn));
}

// ---------------------------------------------------------------------------------------------
// Movement

/** Copies x (read through strides in scratch, operand 0, from `offset`) into contiguous `out` (operand 1). */
export function stridedCopy(es: i32, x: usize, offset: i32, out: usize, rank: i32): void {
  const n = lastShape(rank);
  const step = lastStride(0, rank);
  startRows(rank, offset);
  do {
    const po = out + <usize>off1 * es;
    if (step == 1) {
      memory.copy(po, x + <usize>off0 * es, <usize>n * es);
    } else if (es == 4) {
      const px = x + (<usize>off0 << 2);
      for (let i = 0; i < n; i++) store<u32>(po + (<usize>i << 2), load<u32>(px + (<isize>(i * step) << 2)));
    } else {
      const px = x + <usize>off0;
      for (let i = 0; i < n; i++) store<u8>(po + <usize>i, load<u8>(px + <isize>(i * step)));
    }
  } while (nextRow(rank));
}

/** Copies `outer` rows of `rowBytes` from contiguous src into dst at `dstOffset` with row pitch `dstPitch`. */
export function copyRows(dst: usize, dstPitch: usize, dstOffset: usize, src: usize, rowBytes: usize, outer: i32): void {
  for (let o = 0; o < outer; o++) memory.copy(dst + <usize>o * dstPitch + dstOffset, src + <usize>o * rowBytes, rowBytes);
}

export function copyBytes(dst: usize, src: usize, bytes: usize): void { memory.copy(dst, src, bytes); }

export function gather(es: i32, x: usize, indices: usize, out: usize, outer: i32, axisSize: i32, inner: i32, count: i32): void {
  const row = <usize>inner * es;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      const index = load<i32>(indices + (<usize>j << 2));
      const dst = out + (<usize>o * count + j) * row;
      if (index < 0 || index >= axisSize) memory.fill(dst, 0, row);
      else memory.copy(dst, x + (<usize>o * axisSize + index) * row, row);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reductions over the middle axis of [outer, size, inner]

export function reduce(op: i32, dtIn: i32, dtOut: i32, x: usize, out: usize, outer: i32, size: i32, inner: i32): void {
  if (op == 1 && dtOut == I32) {
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let p: i32 = 1;
        for (let r = 0; r < size; r++) p *= toI32(ld(x, (o * size + r) * inner + i, dtIn));
        store<i32>(out + (<usize>(o * inner + i) << 2), p);
      }
    }
    return;
  }
  if (inner == 1 && op == 0 && dtIn == F32) {
    for (let o = 0; o < outer; o++) {
      const row = x + (<usize>o * size << 2);
      let s0: f64 = 0, s1: f64 = 0;
      let r = 0;
      let v0 = f64x2.splat(0), v1 = f64x2.splat(0);
      for (; r + 4 <= size; r += 4) {
        const v = v128.load(row + (<usize>r << 2));
        v0 = f64x2.add(v0, f64x2.promote_low_f32x4(v));
        v1 = f64x2.add(v1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
      }
      const vs = f64x2.add(v0, v1);
      s0 = f64x2.extract_lane(vs, 0) + f64x2.extract_lane(vs, 1);
      for (; r < size; r++) s1 += <f64>load<f32>(row + (<usize>r << 2));
      st(out, o, dtOut, s0 + s1);
    }
    return;
  }
  const acc = ACC(), best = BEST();
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    for (let c0 = 0; c0 < inner; c0 += CHUNK) {
      const len = min(CHUNK, inner - c0);
      const b0 = base + c0;
      if (op == 0 || op == 1) {
        const init: f64 = op == 0 ? 0 : 1;
        for (let i = 0; i < len; i++) store<f64>(acc + (<usize>i << 3), init);
        for (let r = 0; r < size; r++) {
          const row = b0 + r * inner;
          if (op == 0) {
            if (dtIn == F32) {
              const px = x + (<usize>row << 2);
              let i = 0;
              for (; i + 4 <= len; i += 4) {
                const v = v128.load(px + (<usize>i << 2));
                const pa = acc + (<usize>i << 3);
                v128.store(pa, f64x2.add(v128.load(pa), f64x2.promote_low_f32x4(v)));
                v128.store(pa, f64x2.add(v128.load(pa, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
              }
              for (; i < len; i++) store<f64>(acc + (<usize>i << 3), load<f64>(acc + (<usize>i << 3)) + <f64>load<f32>(px + (<usize>i << 2)));
            } else {
              for (let i = 0; i < len; i++) store<f64>(acc + (<usize>i << 3), load<f64>(acc + (<usize>i << 3)) + ld(x, row + i, dtIn));
            }
          } else {
            for (let i = 0; i < len; i++) store<f64>(acc + (<usize>i << 3), load<f64>(acc + (<usize>i << 3)) * ld(x, row + i, dtIn));
          }
        }
      } else if (op == 2 || op == 3) {
        for (let i = 0; i < len; i++) store<f64>(acc + (<usize>i << 3), ld(x, b0 + i, dtIn));
        for (let r = 1; r < size; r++) {
          const row = b0 + r * inner;
          if (op == 2) for (let i = 0; i < len; i++) store<f64>(acc + (<usize>i << 3), Math.max(load<f64>(acc + (<usize>i << 3)), ld(x, row + i, dtIn)));
          else for (let i = 0; i < len; i++) store<f64>(acc + (<usize>i << 3), Math.min(load<f64>(acc + (<usize>i << 3)), ld(x, row + i, dtIn)));
        }
      } else {
        const sign: f64 = op == 4 ? 1 : -1;
        for (let i = 0; i < len; i++) {
          store<f64>(acc + (<usize>i << 3), 0);
          store<f64>(best + (<usize>i << 3), ld(x, b0 + i, dtIn));
        }
        for (let r = 1; r < size; r++) {
          const row = b0 + r * inner;
          for (let i = 0; i < len; i++) {
            const value = ld(x, row + i, dtIn);
            const current = load<f64>(best + (<usize>i << 3));
            if (current != current) continue;
            if (value != value || sign * (value - current) > 0) {
              store<f64>(best + (<usize>i << 3), value);
              store<f64>(acc + (<usize>i << 3), <f64>r);
            }
          }
        }
      }
      for (let i = 0; i < len; i++) st(out, o * inner + c0 + i, dtOut, load<f64>(acc + (<usize>i << 3)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Softmax family (float32 rows, computed in float64 like the reference)

@inline function rowMax(x: usize, cols: i32): f64 {
  let m: f64 = -Infinity;
  for (let j = 0; j < cols; j++) {
    const v = <f64>load<f32>(x + (<usize>j << 2));
    if (v > m || v != v) m = v;
  }
  return m == -Infinity ? 0 : m;
}

@inline function logSumExpRow(x: usize, cols: i32): f64 {
  const m = rowMax(x, cols);
  let total: f64 = 0;
  for (let j = 0; j < cols; j++) total += Math.exp(<f64>load<f32>(x + (<usize>j << 2)) - m);
  return Math.log(total) + m;
}

export function softmax(x: usize, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const px = x + (<usize>r * cols << 2), po = out + (<usize>r * cols << 2);
    const m = rowMax(px, cols);
    let total: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(<f64>load<f32>(px + (<usize>j << 2)) - m);
      store<f32>(po + (<usize>j << 2), <f32>e);
      total += e;
    }
    const scale = 1.0 / total;
    for (let j = 0; j < cols; j++) store<f32>(po + (<usize>j << 2), <f32>(<f64>load<f32>(po + (<usize>j << 2)) * scale));
  }
}

export function logSoftmax(x: usize, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const px = x + (<usize>r * cols << 2), po = out + (<usize>r * cols << 2);
    const lse = logSumExpRow(px, cols);
    for (let j = 0; j < cols; j++) store<f32>(po + (<usize>j << 2), <f32>(<f64>load<f32>(px + (<usize>j << 2)) - lse));
  }
}

export function sparseSoftmaxCrossEntropy(x: usize, labels: usize, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const px = x + (<usize>r * cols << 2);
    const label = load<i32>(labels + (<usize>r << 2));
    const v: f64 = label >= 0 && label < cols ? logSumExpRow(px, cols) - <f64>load<f32>(px + (<usize>label << 2)) : NaN;
    store<f32>(out + (<usize>r << 2), <f32>v);
  }
}

// ---------------------------------------------------------------------------------------------
// Optimizers (in place on float32 storages; JavaScript copies first when not in place)

// The updates compute in float64 like the reference, two lanes at a time (f64x2): lane-wise IEEE
// add, mul, div and sqrt round exactly as the scalar float64 ops, so results match the cpu backend.

@inline function lo(p: usize): v128 { return f64x2.promote_low_f32x4(v128.load64_zero(p)); }
@inline function st2(p: usize, v: v128): void { v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0); }

export function sgd(w: usize, g: usize, v: usize, n: i32, lr: f64, momentum: f64, nesterov: bool): void {
  const vlr = f64x2.splat(lr), vm = f64x2.splat(momentum);
  let i = 0;
  if (v == 0) {
    for (; i + 2 <= n; i += 2) {
      const p = <usize>i << 2;
      st2(w + p, f64x2.sub(lo(w + p), f64x2.mul(vlr, lo(g + p))));
    }
    for (; i < n; i++) {
      const p = <usize>i << 2;
      store<f32>(w + p, <f32>(<f64>load<f32>(w + p) - lr * <f64>load<f32>(g + p)));
    }
    return;
  }
  for (; i + 2 <= n; i += 2) {
    const p = <usize>i << 2;
    const gi = lo(g + p);
    const lg = f64x2.mul(vlr, gi);
    const velocity = f64x2.sub(f64x2.mul(vm, lo(v + p)), lg);
    st2(v + p, velocity);
    const step = nesterov ? f64x2.sub(f64x2.mul(vm, velocity), lg) : velocity;
    st2(w + p, f64x2.add(lo(w + p), step));
  }
  for (; i < n; i++) {
    const p = <usize>i << 2;
    const gi = <f64>load<f32>(g + p);
    const velocity = momentum * <f64>load<f32>(v + p) - lr * gi;
    store<f32>(v + p, <f32>velocity);
    store<f32>(w + p, <f32>(<f64>load<f32>(w + p) + (nesterov ? momentum * velocity - lr * gi : velocity)));
  }
}

export function rmsprop(w: usize, g: usize, ms: usize, n: i32, lr: f64, rho: f64, epsilon: f64): void {
  const keep = 1 - rho;
  const vrho = f64x2.splat(rho), vkeep = f64x2.splat(keep), vlr = f64x2.splat(lr), veps = f64x2.splat(epsilon);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const p = <usize>i << 2;
    const gi = lo(g + p);
    const s = f64x2.add(f64x2.mul(vrho, lo(ms + p)), f64x2.mul(f64x2.mul(vkeep, gi), gi));
    st2(ms + p, s);
    st2(w + p, f64x2.sub(lo(w + p), f64x2.div(f64x2.mul(vlr, gi), f64x2.sqrt(f64x2.add(s, veps)))));
  }
  for (; i < n; i++) {
    const p = <usize>i << 2;
    const gi = <f64>load<f32>(g + p);
    const s = rho * <f64>load<f32>(ms + p) + keep * gi * gi;
    store<f32>(ms + p, <f32>s);
    store<f32>(w + p, <f32>(<f64>load<f32>(w + p) - (lr * gi) / Math.sqrt(s + epsilon)));
  }
}

export function adam(w: usize, g: usize, m: usize, v: usize, n: i32, alpha: f64, beta1: f64, beta2: f64, epsilon: f64): void {
  const c1 = 1 - beta1, c2 = 1 - beta2;
  const vc1 = f64x2.splat(c1), vc2 = f64x2.splat(c2), valpha = f64x2.splat(alpha), veps = f64x2.splat(epsilon);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const p = <usize>i << 2;
    const gi = lo(g + p), m0 = lo(m + p), v0 = lo(v + p);
    const mi = f64x2.add(m0, f64x2.mul(f64x2.sub(gi, m0), vc1));
    const vi = f64x2.add(v0, f64x2.mul(f64x2.sub(f64x2.mul(gi, gi), v0), vc2));
    st2(m + p, mi);
    st2(v + p, vi);
    st2(w + p, f64x2.sub(lo(w + p), f64x2.div(f64x2.mul(valpha, mi), f64x2.add(f64x2.sqrt(vi), veps))));
  }
  for (; i < n; i++) {
    const p = <usize>i << 2;
    const gi = <f64>load<f32>(g + p);
    const m0 = <f64>load<f32>(m + p), v0 = <f64>load<f32>(v + p);
    const mi = m0 + (gi - m0) * c1;
    const vi = v0 + (gi * gi - v0) * c2;
    store<f32>(m + p, <f32>mi);
    store<f32>(v + p, <f32>vi);
    store<f32>(w + p, <f32>(<f64>load<f32>(w + p) - (alpha * mi) / (Math.sqrt(vi) + epsilon)));
  }
}

// ---------------------------------------------------------------------------------------------
// int32 matmul (wrap-around like C)

export function matmulI32(a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, c: usize, m: i32, n: i32, k: i32): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s: i32 = 0;
      for (let p = 0; p < k; p++) s += load<i32>(a + (<usize>(i * aRow + p * aCol) << 2)) * load<i32>(b + (<usize>(p * bRow + j * bCol) << 2));
      store<i32>(c + (<usize>(i * n + j) << 2), s);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// float32 GEMM: packed panels and a 4x8 register-blocked SIMD micro-kernel.
// C[m0:m1, n0:n1] = act(op(A)·op(B) + bias) with A element (i, p) at a + 4·(i·aRow + p·aCol) and
// B element (p, j) at b + 4·(p·bRow + j·bCol).

export const MR: i32 = 4;
export const NR: i32 = 8;
export const KC: i32 = 256;
export const MC: i32 = 128;
export const NC: i32 = 1024;
export const PACK_A_BYTES: i32 = MC * KC * 4;
export const PACK_B_BYTES: i32 = NC * KC * 4;

@inline function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Packs B[pc:pc+kc, jc:jc+nc] into panels of NR columns, p-major, zero padded. */
function packB(b: usize, bRow: i32, bCol: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const panels = (nc + NR - 1) / NR;
  for (let jp = 0; jp < panels; jp++) {
    const j0 = jc + jp * NR;
    const w = min(NR, jc + nc - j0);
    const pd = dst + (<usize>jp * kc * NR << 2);
    if (w == NR && bCol == 1) {
      for (let p = 0; p < kc; p++) {
        const src = b + (<usize>((pc + p) * bRow + j0) << 2);
        const d = pd + (<usize>p * NR << 2);
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const d = pd + (<usize>p * NR << 2);
        let j = 0;
        for (; j < w; j++) store<f32>(d + (<usize>j << 2), load<f32>(b + (<usize>((pc + p) * bRow + (j0 + j) * bCol) << 2)));
        for (; j < NR; j++) store<f32>(d + (<usize>j << 2), 0);
      }
    }
  }
}

/** Packs A[ic:ic+mc, pc:pc+kc] into panels of MR rows, p-major, zero padded. */
function packA(a: usize, aRow: i32, aCol: i32, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  const panels = (mc + MR - 1) / MR;
  for (let ip = 0; ip < panels; ip++) {
    const i0 = ic + ip * MR;
    const h = min(MR, ic + mc - i0);
    const pd = dst + (<usize>ip * kc * MR << 2);
    if (h == MR && aRow == 1) {
      for (let p = 0; p < kc; p++) v128.store(pd + (<usize>p << 4), v128.load(a + (<usize>(i0 + (pc + p) * aCol) << 2)));
    } else if (h == MR && aCol == 1) {
      const r0 = a + (<usize>(i0 * aRow + pc) << 2);
      const r1 = r0 + (<usize>aRow << 2), r2 = r1 + (<usize>aRow << 2), r3 = r2 + (<usize>aRow << 2);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const q = <usize>p << 2;
        const x0 = v128.load(r0 + q), x1 = v128.load(r1 + q), x2 = v128.load(r2 + q), x3 = v128.load(r3 + q);
        // 4x4 transpose
        const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
        const t1 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
        const t2 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
        const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
        const d = pd + (<usize>p << 4);
        v128.store(d, i64x2.shuffle(t0, t1, 0, 2));
        v128.store(d, i64x2.shuffle(t0, t1, 1, 3), 16);
        v128.store(d, i64x2.shuffle(t2, t3, 0, 2), 32);
        v128.store(d, i64x2.shuffle(t2, t3, 1, 3), 48);
      }
      for (; p < kc; p++) {
        const d = pd + (<usize>p << 4);
        const q = <usize>p << 2;
        store<f32>(d, load<f32>(r0 + q));
        store<f32>(d, load<f32>(r1 + q), 4);
        store<f32>(d, load<f32>(r2 + q), 8);
        store<f32>(d, load<f32>(r3 + q), 12);
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const d = pd + (<usize>p << 4);
        let i = 0;
        for (; i < h; i++) store<f32>(d + (<usize>i << 2), load<f32>(a + (<usize>((i0 + i) * aRow + (pc + p) * aCol) << 2)));
        for (; i < MR; i++) store<f32>(d + (<usize>i << 2), 0);
      }
    }
  }
}

@inline function epilogue(v: v128, c: usize, first: bool, last: bool, bias: v128, act: i32): v128 {
  let r = v;
  if (!first) r = f32x4.add(r, v128.load(c));
  if (last) {
    r = f32x4.add(r, bias);
    if (act == 1) r = v128.and(r, v128.or(f32x4.gt(r, f32x4.splat(0)), f32x4.ne(r, r)));
  }
  return r;
}

/** The 4x8 micro-kernel over kc steps of packed A (4 floats per step) and packed B (8 per step). */
function kernel4x8(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, rows: i32, cols: i32, first: bool, last: bool, bias: usize, act: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = fma(a, b0, c00); c01 = fma(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = fma(a, b0, c10); c11 = fma(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = fma(a, b0, c20); c21 = fma(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = fma(a, b0, c30); c31 = fma(a, b1, c31);
    pa += 16; pb += 32;
  }
  const rowBytes = <usize>ldc << 2;
  if (rows == MR && cols == NR) {
    const bias0 = bias ? v128.load(bias) : f32x4.splat(0);
    const bias1 = bias ? v128.load(bias, 16) : f32x4.splat(0);
    let r = c;
    v128.store(r, epilogue(c00, r, first, last, bias0, act)); v128.store(r + 16, epilogue(c01, r + 16, first, last, bias1, act)); r += rowBytes;
    v128.store(r, epilogue(c10, r, first, last, bias0, act)); v128.store(r + 16, epilogue(c11, r + 16, first, last, bias1, act)); r += rowBytes;
    v128.store(r, epilogue(c20, r, first, last, bias0, act)); v128.store(r + 16, epilogue(c21, r + 16, first, last, bias1, act)); r += rowBytes;
    v128.store(r, epilogue(c30, r, first, last, bias0, act)); v128.store(r + 16, epilogue(c31, r + 16, first, last, bias1, act));
    return;
  }
  const t = tileBuffer();
  v128.store(t, c00); v128.store(t, c01, 16);
  v128.store(t, c10, 32); v128.store(t, c11, 48);
  v128.store(t, c20, 64); v128.store(t, c21, 80);
  v128.store(t, c30, 96); v128.store(t, c31, 112);
  storeTile(t, c, ldc, rows, cols, first, last, bias, act);
}

/** A 4x4 micro-kernel for a last panel of at most 4 columns (the narrow N = 10 edge). */
function kernel4x4(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, rows: i32, cols: i32, first: bool, last: bool, bias: usize, act: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let d0 = f32x4.splat(0), d1 = f32x4.splat(0), d2 = f32x4.splat(0), d3 = f32x4.splat(0);
  let p = 0;
  for (; p + 2 <= kc; p += 2) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 32);
    c0 = fma(v128.load32_splat(pa), b0, c0);
    c1 = fma(v128.load32_splat(pa, 4), b0, c1);
    c2 = fma(v128.load32_splat(pa, 8), b0, c2);
    c3 = fma(v128.load32_splat(pa, 12), b0, c3);
    d0 = fma(v128.load32_splat(pa, 16), b1, d0);
    d1 = fma(v128.load32_splat(pa, 20), b1, d1);
    d2 = fma(v128.load32_splat(pa, 24), b1, d2);
    d3 = fma(v128.load32_splat(pa, 28), b1, d3);
    pa += 32; pb += 64;
  }
  if (p < kc) {
    const b0 = v128.load(pb);
    c0 = fma(v128.load32_splat(pa), b0, c0);
    c1 = fma(v128.load32_splat(pa, 4), b0, c1);
    c2 = fma(v128.load32_splat(pa, 8), b0, c2);
    c3 = fma(v128.load32_splat(pa, 12), b0, c3);
  }
  const t = tileBuffer();
  v128.store(t, f32x4.add(c0, d0)); v128.store(t, f32x4.add(c1, d1), 32);
  v128.store(t, f32x4.add(c2, d2), 64); v128.store(t, f32x4.add(c3, d3), 96);
  storeTile(t, c, ldc, rows, cols, first, last, bias, act);
}

// Each thread needs its own tile buffer: it lives just past the thread's packed-A block.
let tileBase: usize = 0;
@inline function tileBuffer(): usize { return tileBase; }

function storeTile(t: usize, c: usize, ldc: i32, rows: i32, cols: i32, first: bool, last: bool, bias: usize, act: i32): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const pc = c + (<usize>(i * ldc + j) << 2);
      let v = load<f32>(t + (<usize>(i * NR + j) << 2));
      if (!first) v += load<f32>(pc);
      if (last) {
        if (bias) v += load<f32>(bias + (<usize>j << 2));
        if (act == 1) v = v > 0 ? v : (v != v ? v : 0);
      }
      store<f32>(pc, v);
    }
  }
}

/**
 * Computes C[m0:m1, n0:n1] (row pitch n) with this thread's pack buffers `pa` (PACK_A_BYTES + 128)
 * and `pb` (PACK_B_BYTES). bias: pointer to n floats or 0; act: 0 none, 1 relu.
 */
export function gemm(m0: i32, m1: i32, n0: i32, n1: i32, k: i32, n: i32,
  a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, c: usize, bias: usize, act: i32,
  pa: usize, pb: usize): void {
  tileBase = pa + <usize>PACK_A_BYTES;
  if (k == 0) {
    // C = act(bias) (or zeros)
    for (let i = m0; i < m1; i++) {
      for (let j = n0; j < n1; j++) {
        let v: f32 = bias ? load<f32>(bias + (<usize>j << 2)) : 0;
        if (act == 1) v = v > 0 ? v : (v != v ? v : 0);
        store<f32>(c + (<usize>(i * n + j) << 2), v);
      }
    }
    return;
  }
  for (let jc = n0; jc < n1; jc += NC) {
    const nc = min(NC, n1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const first = pc == 0, last = pc + kc >= k;
      packB(b, bRow, bCol, pc, kc, jc, nc, pb);
      for (let ic = m0; ic < m1; ic += MC) {
        const mc = min(MC, m1 - ic);
        packA(a, aRow, aCol, ic, mc, pc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          const pbp = pb + (<usize>(jr / NR) * kc * NR << 2);
          const biasp = bias ? bias + (<usize>(jc + jr) << 2) : 0;
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            const pap = pa + (<usize>(ir / MR) * kc * MR << 2);
            const cp = c + (<usize>((ic + ir) * n + jc + jr) << 2);
            if (cols <= 4) kernel4x4(kc, pap, pbp, cp, n, rows, cols, first, last, biasp, act);
            else kernel4x8(kc, pap, pbp, cp, n, rows, cols, first, last, biasp, act);
          }
        }
      }
    }
  }
}
