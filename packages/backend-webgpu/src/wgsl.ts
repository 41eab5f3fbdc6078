/** WGSL source generation: shared helpers and one generator per kernel family. */
import type { BinaryOp, DType, FusedActivation, ReduceOp, UnaryOp } from '@tensorkit/core';
import { elemOf, type Elem } from './engine.js';
import type { MatmulPrecision } from './precision.js';

/** A storage binding as declared in a shader (binding numbers start at 1; 0 is the uniform block). */
export interface Decl {
  readonly name: string;
  readonly elem: Elem;
  readonly write: boolean;
  /**
   * Declare the binding as `array<vec4<elem>>` (16-byte loads). The buffer is the same 4-byte-element
   * storage (every storage buffer is allocated in multiples of 16 bytes); the shader indexes it in
   * units of 4 elements.
   */
  readonly vec4?: boolean;
}

/** Uniform block, bindings and the float helpers every shader may use. */
export function header(paramWords: number, decls: readonly Decl[]): string {
  const vecs = Math.max(1, Math.ceil(paramWords / 4));
  const lines = [
    `struct Uniforms { p: array<vec4<u32>, ${vecs}> };`,
    '@group(0) @binding(0) var<uniform> U: Uniforms;',
    ...decls.map((d, i) => `@group(0) @binding(${i + 1}) var<storage, ${d.write ? 'read_write' : 'read'}> ${d.name}: array<${d.vec4 ? `vec4<${d.elem}>` : d.elem}>;`),
    HELPERS,
  ];
  return lines.join('\n');
}

const HELPERS = /* wgsl */ `
fn P(i: u32) -> u32 { return U.p[i >> 2u][i & 3u]; }
fn Pi(i: u32) -> i32 { return bitcast<i32>(P(i)); }
fn Pf(i: u32) -> f32 { return bitcast<f32>(P(i)); }
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
var<private> NEG_ZERO_BITS: u32 = 0x80000000u;
fn nzero() -> f32 { return bitcast<f32>(NEG_ZERO_BITS); }
fn nan() -> f32 { return bitcast<f32>(NAN_BITS); }
fn inf() -> f32 { return bitcast<f32>(INF_BITS); }
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
// Software adapters (SwiftShader) flush subnormals to zero and mis-compare NaN; WGSL allows both. The
// helpers below work on bit patterns so results match IEEE float32 (and the cpu backend) anyway.
fn is_zero(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0u; }
fn is_neg(x: f32) -> bool { return bitcast<u32>(x) >= 0x80000000u; }
fn is_sub(x: f32) -> bool { let b = bitcast<u32>(x) & 0x7fffffffu; return b != 0u && b < 0x00800000u; }
fn f_neg(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) ^ 0x80000000u); }
fn f_abs(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) & 0x7fffffffu); }
fn f_key(x: f32) -> i32 {
  let b = bitcast<i32>(x);
  if ((b & 0x7fffffff) == 0) { return 0; }
  return select(b, b ^ 0x7fffffff, b < 0);
}
fn f_lt(a: f32, b: f32) -> bool { return !is_nan(a) && !is_nan(b) && f_key(a) < f_key(b); }
fn f_le(a: f32, b: f32) -> bool { return !is_nan(a) && !is_nan(b) && f_key(a) <= f_key(b); }
fn f_eq(a: f32, b: f32) -> bool { return !is_nan(a) && !is_nan(b) && f_key(a) == f_key(b); }
fn f_nz(a: f32) -> bool { return !is_zero(a); }
// x · 2^24 exactly (x finite, |x| < 2^103), subnormals included.
fn f_up(x: f32) -> f32 {
  if (is_sub(x)) {
    let m = f32(bitcast<u32>(x) & 0x7fffffu) * 0x1p-125f;
    return select(m, -m, is_neg(x));
  }
  return x * 16777216.0;
}
// x · 2^-24, producing subnormal results exactly (round half to even) instead of flushing them.
fn f_down(x: f32) -> f32 {
  let a = f_abs(x);
  if (a >= 0x1p-102f || is_nan(x)) { return x * 0x1p-24f; }
  let m = a * 0x1p125f;
  var q = floor(m);
  let d = m - q;
  if (d > 0.5 || (d == 0.5 && (u32(q) & 1u) == 1u)) { q = q + 1.0; }
  return bitcast<f32>(u32(q) | (bitcast<u32>(x) & 0x80000000u));
}
fn f_add(a: f32, b: f32) -> f32 {
  if (!is_sub(a) && !is_sub(b)) {
    let r = a + b;
    if (!is_zero(r) || is_zero(a) || is_zero(b) || f_abs(a) >= 0x1p-100f) { return r; }
  }
  if (f_abs(a) >= 0x1p-100f || f_abs(b) >= 0x1p-100f) { return a + b; }
  return f_down(f_up(a) + f_up(b));
}
fn f_mul(a: f32, b: f32) -> f32 {
  let r = a * b;
  if (is_nan(r) || is_inf(a) || is_inf(b) || is_zero(a) || is_zero(b)) { return r; }
  if (!is_sub(a) && !is_sub(b) && f_abs(r) >= 0x1p-126f) { return r; }
  var sa = a;
  var sb = b;
  var e = 0;
  if (f_abs(a) < 0x1p-100f) { sa = f_up(a); e = e + 1; }
  if (f_abs(b) < 0x1p-100f) { sb = f_up(b); e = e + 1; }
  if (e == 0) { if (f_abs(a) < f_abs(b)) { sa = f_up(a); } else { sb = f_up(b); } e = 1; }
  var p = sa * sb;
  if (e == 2) { p = p * 0x1p-24f; }
  return f_down(p);
}
fn f_div(a: f32, b: f32) -> f32 {
  let r = a / b;
  if (is_nan(a) || is_nan(b) || is_inf(a) || is_inf(b)) { return r; }
  if (is_zero(b)) {
    if (is_zero(a)) { return nan(); }
    return select(inf(), -inf(), is_neg(a) != is_neg(b));
  }
  if (is_zero(a)) { return bitcast<f32>((bitcast<u32>(a) ^ bitcast<u32>(b)) & 0x80000000u); }
  if (!is_sub(a) && !is_sub(b) && f_abs(r) >= 0x1p-126f && !is_inf(r)) { return r; }
  var sa = a;
  var sb = b;
  var e = 0;
  if (is_sub(a)) { sa = f_up(a); e = e + 1; }
  if (is_sub(b)) { sb = f_up(b); e = e - 1; }
  var q = sa / sb;
  if (e == -1) { return q * 16777216.0; }
  if (e == 0) {
    if (!is_zero(q) && f_abs(q) >= 0x1p-126f) { return q; }
    q = f_up(sa) / sb;
  }
  return f_down(q);
}
fn f_exp(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 88.72284) { return inf(); }
  if (x < -103.97208) { return 0.0; }
  // exp(x) = 2^k · exp(r), r = x - k·ln2 with ln2 split in two so r is exact; exp(r) is accurate on |r| <= ln2/2.
  let k = round(x * 1.44269504);
  let r = (x - k * 0.693145752) - k * 1.42860677e-6;
  let e = exp(r);
  let ki = i32(k);
  if (ki > 127 || ki < -126) { return ldexp(ldexp(e, ki / 2), ki - ki / 2); }
  return ldexp(e, ki);
}
fn f_log(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (is_zero(x)) { return -inf(); }
  if (is_neg(x)) { return nan(); }
  if (is_inf(x)) { return x; }
  if (is_sub(x)) { return log(f_up(x)) - 16.6355323; }
  return log(x);
}
fn f_sqrt(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (is_zero(x)) { return x; }
  if (is_neg(x)) { return nan(); }
  if (is_inf(x)) { return x; }
  if (is_sub(x)) { return sqrt(f_up(x)) * 0x1p-12f; }
  return sqrt(x);
}
fn f_tanh(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 9.01) { return 1.0; }
  if (x < -9.01) { return -1.0; }
  let ax = abs(x);
  if (ax < 0x1p-12f) { return x; }
  if (ax < 0.5) {
    // tanh(x) = expm1(2x) / (expm1(2x) + 2), with expm1 from a short series for accuracy near 0.
    let x2 = x * x;
    return x * (1.0 + x2 * (-0.33333333 + x2 * (0.13333333 + x2 * (-0.05396825 + x2 * (0.02186949 + x2 * (-0.00886324 + x2 * 0.00359212))))));
  }
  let e = exp(2.0 * ax);
  return sign(x) * (1.0 - 2.0 / (e + 1.0));
}
fn f_sigmoid(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x >= 0.0) { return 1.0 / (1.0 + f_exp(-x)); }
  let e = f_exp(x);
  return e / (1.0 + e);
}
fn f_sign(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (is_zero(x)) { return 0.0; }
  return select(1.0, -1.0, is_neg(x));
}
fn f_floor(x: f32) -> f32 {
  if (is_sub(x)) { return select(0.0, -1.0, is_neg(x)); }
  return floor(x);
}
fn f_ceil(x: f32) -> f32 {
  if (is_sub(x)) { return select(1.0, nzero(), is_neg(x)); }
  return ceil(x);
}
fn f_round(x: f32) -> f32 {
  if (is_sub(x)) { return select(0.0, nzero(), is_neg(x)); }
  if (is_nan(x) || is_inf(x) || abs(x) >= 8388608.0) { return x; }
  let f = floor(x);
  let d = x - f;
  var r = f;
  if (d > 0.5 || (d == 0.5 && (i32(f) & 1) != 0)) { r = f + 1.0; }
  if (r == 0.0 && is_neg(x)) { return nzero(); }
  return r;
}
fn f_max(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return nan(); }
  if (f_lt(b, a)) { return a; }
  if (f_lt(a, b)) { return b; }
  return bitcast<f32>(bitcast<u32>(a) & bitcast<u32>(b));
}
fn f_min(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return nan(); }
  if (f_lt(a, b)) { return a; }
  if (f_lt(b, a)) { return b; }
  return bitcast<f32>(bitcast<u32>(a) | bitcast<u32>(b));
}
fn f_odd_int(y: f32) -> bool {
  return floor(y) == y && abs(y) < 16777216.0 && (i32(abs(y)) & 1) == 1;
}
fn f_pow(x: f32, y: f32) -> f32 {
  if (x == 1.0 || (x == -1.0 && is_inf(y))) { return 1.0; }
  if (is_zero(y)) { return 1.0; }
  if (is_nan(x) || is_nan(y)) { return nan(); }
  let ax = f_abs(x);
  let ypos = !is_neg(y);
  if (is_inf(y)) {
    if (ax == 1.0) { return 1.0; }
    if ((!is_zero(ax) && !is_sub(ax) && ax > 1.0) == ypos) { return inf(); }
    return 0.0;
  }
  let yint = !is_sub(y) && floor(y) == y;
  let odd = yint && abs(y) < 16777216.0 && (i32(abs(y)) & 1) == 1;
  let neg = is_neg(x);
  if (is_zero(x) || is_inf(x)) {
    let big = is_zero(x) != ypos;
    var r = 0.0;
    if (big) { r = inf(); }
    if (neg && odd) { return f_neg(r); }
    return r;
  }
  if (neg && !yint) { return nan(); }
  var r: f32;
  if (yint && abs(y) <= 64.0 && !is_sub(ax)) {
    // Exact-as-possible small integer powers by repeated squaring.
    var base = ax;
    var e = u32(abs(y));
    r = 1.0;
    loop {
      if ((e & 1u) == 1u) { r = r * base; }
      e = e >> 1u;
      if (e == 0u) { break; }
      base = base * base;
    }
    if (!ypos) { r = 1.0 / r; }
  } else {
    let lg = select(log2(ax), log2(f_up(ax)) - 24.0, is_sub(ax));
    r = exp2(y * lg);
  }
  if (neg && odd) { return f_neg(r); }
  return r;
}
fn i_pow(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) != 0); }
    return 0;
  }
  var r = 1;
  var base = a;
  var e = u32(b);
  loop {
    if (e == 0u) { break; }
    if ((e & 1u) == 1u) { r = r * base; }
    e = e >> 1u;
    base = base * base;
  }
  return r;
}
fn i_div(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  if (b == -1) { return 0 - a; }
  return a / b;
}
fn f2i(x: f32) -> i32 {
  if (is_nan(x) || is_inf(x)) { return 0; }
  let t = trunc(x);
  if (abs(t) < 2147483648.0) { return i32(t); }
  let m = t - floor(t / 4294967296.0) * 4294967296.0;
  return bitcast<i32>(u32(m));
}
`;

/** WGSL that converts expression `v` of element `from` to the element of dtype `to`. */
export function conv(v: string, from: Elem, to: Elem): string {
  if (from === to) return v;
  if (to === 'u32') return from === 'f32' ? `select(0u, 1u, f_nz(${v}))` : `select(0u, 1u, ${v} != ${from}(0))`;
  if (to === 'f32') return `f32(${v})`;
  // to i32
  if (from === 'f32') return `f2i(${v})`;
  return `i32(${v})`;
}

/** Index of a flat output element: `gid.x + gid.y * (64 × workgroups in x)`. */
export const FLAT_INDEX = 'let i = gid.x + gid.y * nwg.x * 64u;';
export const MAIN_64 = '@compute @workgroup_size(64)\nfn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>)';

/** WGSL statements computing offsets `o0..` of output index `i` through strides (params from word `base`). */
function stridedOffsets(rank: number, operands: number, base: number): string {
  // params: shape[rank], then strides of each operand [rank] each
  const lines: string[] = ['var rem = i;'];
  for (let k = 0; k < operands; k++) lines.push(`var o${k} = 0;`);
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(`{ let dim = P(${base + d}u); let idx = i32(rem % dim); rem = rem / dim;`);
    for (let k = 0; k < operands; k++) lines.push(`  o${k} = o${k} + idx * Pi(${base + rank * (k + 1) + d}u);`);
    lines.push('}');
  }
  return lines.join('\n  ');
}

function unaryBody(op: UnaryOp, inE: Elem, outE: Elem): string {
  const x = 'x';
  const asOut = conv(x, inE, outE);
  const f = conv(x, inE, 'f32');
  switch (op) {
    case 'exp': return conv(`f_exp(${f})`, 'f32', outE);
    case 'log': return conv(`f_log(${f})`, 'f32', outE);
    case 'sqrt': return conv(`f_sqrt(${f})`, 'f32', outE);
    case 'sigmoid': return conv(`f_sigmoid(${f})`, 'f32', outE);
    case 'tanh': return conv(`f_tanh(${f})`, 'f32', outE);
    case 'logicalNot': return inE === 'f32' ? `select(1u, 0u, f_nz(${x}))` : `select(0u, 1u, ${x} == ${inE}(0))`;
    case 'isNaN': return inE === 'f32' ? `select(0u, 1u, is_nan(${x}))` : '0u';
    case 'isFinite': return inE === 'f32' ? `select(1u, 0u, is_nan(${x}) || is_inf(${x}))` : '1u';
    default: break;
  }
  // Ops computed in the output's element type.
  const v = `(${asOut})`;
  if (outE === 'f32') {
    switch (op) {
      case 'neg': return `f_neg(${v})`;
      case 'abs': return `f_abs(${v})`;
      case 'square': return `${v} * ${v}`;
      case 'relu': return `select(0.0, ${v}, !is_neg(${v}) || is_nan(${v}))`;
      case 'sign': return `f_sign(${v})`;
      case 'floor': return `f_floor(${v})`;
      case 'ceil': return `f_ceil(${v})`;
      case 'round': return `f_round(${v})`;
      default: break;
    }
  } else if (outE === 'i32') {
    switch (op) {
      case 'neg': return `0 - ${v}`;
      case 'abs': return `select(${v}, 0 - ${v}, ${v} < 0)`;
      case 'square': return `${v} * ${v}`;
      case 'relu': return `max(${v}, 0)`;
      case 'sign': return `select(select(0, -1, ${v} < 0), 1, ${v} > 0)`;
      case 'floor': case 'ceil': case 'round': return v;
      default: break;
    }
  } else {
    switch (op) {
      case 'neg': case 'abs': case 'relu': case 'floor': case 'ceil': case 'round': case 'square': return v;
      case 'sign': return `select(0u, 1u, ${v} != 0u)`;
      default: break;
    }
  }
  throw new Error(`webgpu unary: unknown op ${String(op)}`);
}

/** Element-wise unary over `n` elements: params [n]. */
export function unaryShader(op: UnaryOp, inDtype: DType, outDtype: DType): string {
  const inE = elemOf(inDtype), outE = elemOf(outDtype);
  return `${header(1, [{ name: 'X', elem: inE, write: false }, { name: 'Y', elem: outE, write: true }])}
${MAIN_64} {
  ${FLAT_INDEX}
  if (i >= P(0u)) { return; }
  let x = X[i];
  Y[i] = ${unaryBody(op, inE, outE)};
}`;
}

function binaryBody(op: BinaryOp, e: Elem, outE: Elem): string {
  const zero = `${e}(0)`;
  if (e === 'f32') {
    switch (op) {
      case 'equal': return 'select(0u, 1u, f_eq(a, b))';
      case 'notEqual': return 'select(1u, 0u, f_eq(a, b))';
      case 'less': return 'select(0u, 1u, f_lt(a, b))';
      case 'lessEqual': return 'select(0u, 1u, f_le(a, b))';
      case 'greater': return 'select(0u, 1u, f_lt(b, a))';
      case 'greaterEqual': return 'select(0u, 1u, f_le(b, a))';
      case 'logicalAnd': return 'select(0u, 1u, f_nz(a) && f_nz(b))';
      case 'logicalOr': return 'select(0u, 1u, f_nz(a) || f_nz(b))';
      default: break;
    }
  }
  switch (op) {
    case 'equal': return 'select(0u, 1u, a == b)';
    case 'notEqual': return 'select(0u, 1u, a != b)';
    case 'less': return 'select(0u, 1u, a < b)';
    case 'lessEqual': return 'select(0u, 1u, a <= b)';
    case 'greater': return 'select(0u, 1u, a > b)';
    case 'greaterEqual': return 'select(0u, 1u, a >= b)';
    case 'logicalAnd': return `select(0u, 1u, a != ${zero} && b != ${zero})`;
    case 'logicalOr': return `select(0u, 1u, a != ${zero} || b != ${zero})`;
    default: break;
  }
  let r: string;
  if (e === 'f32') {
    switch (op) {
      case 'add': r = 'f_add(a, b)'; break;
      case 'sub': r = 'f_add(a, f_neg(b))'; break;
      case 'mul': r = 'f_mul(a, b)'; break;
      case 'div': r = 'f_div(a, b)'; break;
      case 'pow': r = 'f_pow(a, b)'; break;
      case 'maximum': r = 'f_max(a, b)'; break;
      case 'minimum': r = 'f_min(a, b)'; break;
      default: throw new Error(`webgpu binary: unknown op ${String(op)}`);
    }
  } else {
    const ai = conv('a', e, 'i32'), bi = conv('b', e, 'i32');
    switch (op) {
      case 'add': r = `${ai} + ${bi}`; break;
      case 'sub': r = `${ai} - ${bi}`; break;
      case 'mul': r = `${ai} * ${bi}`; break;
      case 'div': r = `i_div(${ai}, ${bi})`; break;
      case 'pow': r = `i_pow(${ai}, ${bi})`; break;
      case 'maximum': r = `max(${ai}, ${bi})`; break;
      case 'minimum': r = `min(${ai}, ${bi})`; break;
      default: throw new Error(`webgpu binary: unknown op ${String(op)}`);
    }
    return conv(`(${r})`, 'i32', outE);
  }
  return conv(`(${r})`, e, outE);
}

/** Broadcasting binary op: params [n, shape[rank], aStrides[rank], bStrides[rank]]. */
export function binaryShader(op: BinaryOp, dtype: DType, outDtype: DType, rank: number): string {
  const e = elemOf(dtype), outE = elemOf(outDtype);
  return `${header(1 + 3 * rank, [{ name: 'A', elem: e, write: false }, { name: 'B', elem: e, write: false }, { name: 'Y', elem: outE, write: true }])}
${MAIN_64} {
  ${FLAT_INDEX}
  if (i >= P(0u)) { return; }
  ${stridedOffsets(rank, 2, 1)}
  let a = A[o0];
  let b = B[o1];
  Y[i] = ${binaryBody(op, e, outE)};
}`;
}

/** where: params [n, shape[rank], cStrides, aStrides, bStrides]. */
export function whereShader(condDtype: DType, dtype: DType, rank: number): string {
  const ce = elemOf(condDtype), e = elemOf(dtype);
  return `${header(1 + 4 * rank, [{ name: 'C', elem: ce, write: false }, { name: 'A', elem: e, write: false }, { name: 'B', elem: e, write: false }, { name: 'Y', elem: e, write: true }])}
${MAIN_64} {
  ${FLAT_INDEX}
  if (i >= P(0u)) { return; }
  ${stridedOffsets(rank, 3, 1)}
  Y[i] = select(B[o2], A[o1], ${ce === 'f32' ? 'f_nz(C[o0])' : `C[o0] != ${ce}(0)`});
}`;
}

/** cast: params [n]. */
export function castShader(from: DType, to: DType): string {
  const fe = elemOf(from), te = elemOf(to);
  return `${header(1, [{ name: 'X', elem: fe, write: false }, { name: 'Y', elem: te, write: true }])}
${MAIN_64} {
  ${FLAT_INDEX}
  if (i >= P(0u)) { return; }
  Y[i] = ${conv('X[i]', fe, te)};
}`;
}

/** stridedCopy: params [n, offset, shape[rank], strides[rank]]. */
export function stridedCopyShader(dtype: DType, rank: number): string {
  const e = elemOf(dtype);
  return `${header(2 + 2 * rank, [{ name: 'X', elem: e, write: false }, { name: 'Y', elem: e, write: true }])}
${MAIN_64} {
  ${FLAT_INDEX}
  if (i >= P(0u)) { return; }
  ${stridedOffsets(rank, 1, 2)}
  Y[i] = X[Pi(1u) + o0];
}`;
}

/** One input of concat: params [n = outer·size, size, total, offset]. */
export function concatShader(dtype: DType): string {
  const e = elemOf(dtype);
  return `${header(4, [{ name: 'X', elem: e, write: false }, { name: 'Y', elem: e, write: true }])}
${MAIN_64} {
  ${FLAT_INDEX}
  if (i >= P(0u)) { return; }
  let size = P(1u);
  let o = i / size;
  Y[o * P(2u) + P(3u) + (i - o * size)] = X[i];
}`;
}

/** gather: params [n, axisSize, inner, indexCount]. */
export function gatherShader(dtype: DType): string {
  const e = elemOf(dtype);
  return `${header(4, [{ name: 'X', elem: e, write: false }, { name: 'I', elem: 'i32', write: false }, { name: 'Y', elem: e, write: true }])}
${MAIN_64} {
  ${FLAT_INDEX}
  if (i >= P(0u)) { return; }
  let inner = P(2u);
  let count = P(3u);
  let r = i % inner;
  let t = i / inner;
  let c = t % count;
  let o = t / count;
  let idx = I[c];
  if (idx < 0 || u32(idx) >= P(1u)) { Y[i] = ${e}(0); return; }
  Y[i] = X[(o * P(1u) + u32(idx)) * inner + r];
}`;
}

/**
 * Reductions of `[outer, R, inner]` to `[outer, inner]`. `parallel`: one 256-thread workgroup per
 * output (strided partials, then a tree in workgroup memory); otherwise one thread per output.
 * params [outputs, R, inner].
 */
export function reduceShader(op: ReduceOp, inDtype: DType, outDtype: DType, parallel: boolean): string {
  const inE = elemOf(inDtype), outE = elemOf(outDtype);
  const accE: Elem = inE === 'f32' ? 'f32' : 'i32';
  const decls = header(3, [{ name: 'X', elem: inE, write: false }, { name: 'Y', elem: outE, write: true }]);
  const load = (idx: string) => conv(`X[${idx}]`, inE, accE);
  const isArg = op === 'max' || op === 'min' || op === 'argmax' || op === 'argmin';
  const better = op === 'max' || op === 'argmax' ? '>' : '<';
  const nanCheck = (v: string) => (accE === 'f32' ? `is_nan(${v})` : 'false');
  const cmp = (x: string, y: string) => (accE === 'f32' ? (better === '>' ? `f_lt(${y}, ${x})` : `f_lt(${x}, ${y})`) : `${x} ${better} ${y}`);
  // Arg-style state: (value, index); index -1 means empty. Combine keeps the first NaN, then the
  // strictly better value, then the lower index on ties.
  const combineArg = `
fn take_b(va: ${accE}, ia: i32, vb: ${accE}, ib: i32) -> bool {
  if (ib < 0) { return false; }
  if (ia < 0) { return true; }
  let na = ${nanCheck('va')};
  let nb = ${nanCheck('vb')};
  if (na && nb) { return ib < ia; }
  if (na) { return false; }
  if (nb) { return true; }
  if (${cmp('vb', 'va')}) { return true; }
  if (${cmp('va', 'vb')}) { return false; }
  return ib < ia;
}`;
  const outputArg = op === 'argmax' || op === 'argmin' ? conv('bi', 'i32', outE) : conv('bv', accE, outE);
  if (!parallel) {
    const body = isArg
      ? `var bv = ${load('base')};
  var bi = 0;
  for (var r = 1u; r < R; r++) {
    let v = ${load('base + r * inner')};
    if (take_b(bv, bi, v, i32(r))) { bv = v; bi = i32(r); }
  }
  Y[i] = ${outputArg};`
      : op === 'sum' && accE === 'f32'
        ? `var s = 0.0;
  var c = 0.0;
  for (var r = 0u; r < R; r++) {
    let y = ${load('base + r * inner')} - c;
    let t = s + y;
    c = select((t - s) - y, 0.0, is_inf(t) || is_inf(y));
    s = t;
  }
  Y[i] = ${conv('s', 'f32', outE)};`
        : `var s = ${accE}(${op === 'prod' ? 1 : 0});
  for (var r = 0u; r < R; r++) { s = s ${op === 'prod' ? '*' : '+'} ${load('base + r * inner')}; }
  Y[i] = ${conv('s', accE, outE)};`;
    return `${decls}
${isArg ? combineArg : ''}
${MAIN_64} {
  ${FLAT_INDEX}
  if (i >= P(0u)) { return; }
  let R = P(1u);
  let inner = P(2u);
  let base = (i / inner) * R * inner + i % inner;
  ${body}
}`;
  }
  const wg = 256;
  const shared = isArg ? `var<workgroup> SV: array<${accE}, ${wg}>;\nvar<workgroup> SI: array<i32, ${wg}>;` : `var<workgroup> SV: array<${accE}, ${wg}>;`;
  const local = isArg
    ? `var bv = ${accE}(0);
  var bi = -1;
  for (var r = lid.x; r < R; r += ${wg}u) {
    let v = ${load('base + r * inner')};
    if (take_b(bv, bi, v, i32(r))) { bv = v; bi = i32(r); }
  }
  SV[lid.x] = bv;
  SI[lid.x] = bi;`
    : op === 'sum' && accE === 'f32'
      ? `var s = 0.0;
  var c = 0.0;
  for (var r = lid.x; r < R; r += ${wg}u) {
    let y = ${load('base + r * inner')} - c;
    let t = s + y;
    c = select((t - s) - y, 0.0, is_inf(t) || is_inf(y));
    s = t;
  }
  SV[lid.x] = s;`
      : `var s = ${accE}(${op === 'prod' ? 1 : 0});
  for (var r = lid.x; r < R; r += ${wg}u) { s = s ${op === 'prod' ? '*' : '+'} ${load('base + r * inner')}; }
  SV[lid.x] = s;`;
  const step = isArg
    ? `if (take_b(SV[lid.x], SI[lid.x], SV[lid.x + h], SI[lid.x + h])) { SV[lid.x] = SV[lid.x + h]; SI[lid.x] = SI[lid.x + h]; }`
    : `SV[lid.x] = SV[lid.x] ${op === 'prod' ? '*' : '+'} SV[lid.x + h];`;
  const write = isArg
    ? `let bv = SV[0]; let bi = SI[0]; Y[o] = ${outputArg};`
    : `Y[o] = ${conv('SV[0]', accE, outE)};`;
  return `${decls}
${shared}
${isArg ? combineArg : ''}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = wid.x + wid.y * nwg.x;
  let valid = o < P(0u);
  let R = P(1u);
  let inner = P(2u);
  let base = (o / inner) * R * inner + o % inner;
  if (valid) {
  ${local}
  }
  workgroupBarrier();
  for (var h = ${wg / 2}u; h > 0u; h = h >> 1u) {
    if (valid && lid.x < h) { ${step} }
    workgroupBarrier();
  }
  if (valid && lid.x == 0u) { ${write} }
}`;
}

function activation(v: string, act: FusedActivation | undefined): string {
  switch (act) {
    case 'relu': return `select(0.0, ${v}, ${v} > 0.0 || is_nan(${v}))`;
    case 'sigmoid': return `f_sigmoid(${v})`;
    case 'tanh': return `f_tanh(${v})`;
    default: return v;
  }
}

/** Options baked into a matmul shader. */
export interface MatmulVariant {
  readonly dtype: DType;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly bias?: boolean;
  readonly activation?: FusedActivation;
  /**
   * Tiled kernel only: read A through an `array<vec4>` binding, 4 elements of its stride-1 dimension
   * (k, or m when transposed) per load. Valid only when that dimension is a multiple of 4: then every
   * row and every batch element starts on a 16-byte boundary and a vec4 is wholly inside or wholly
   * outside the matrix (see `matmulPlan` in kernels.ts).
   */
  readonly vecA?: boolean;
  /** As `vecA`, for B (stride-1 dimension n, or k when transposed). */
  readonly vecB?: boolean;
  /** Float32 only (int32 matmuls are exact whatever is asked). Default `'highest'`. */
  readonly precision?: MatmulPrecision;
}

/**
 * The one place where the matmul template differs between precisions. The template stages operands
 * in workgroup memory as `T`, converts them with `to_t`, and adds `prod(a, b)` (a product taken in
 * `T`, widened to the accumulator's type) to accumulators of the storage type. Every instantiation
 * therefore runs the same code, and the float32 one (`T = f32`, both helpers the identity) is what
 * the conformance suite checks:
 *
 * - `highest` (and every int32 matmul): `T` is the storage type, products and sums as before.
 * - `f16`: `enable f16; alias T = f16;` tiles hold f16 (half the workgroup memory), products are f16,
 *   sums stay f32. Needs a device created with `shader-f16`.
 * - `f16-emulated`: `T = f32`, but `to_t` and `prod` round to f16 through the core builtins
 *   `pack2x16float` / `unpack2x16float` (no `shader-f16` needed), so the numerics of `f16` can be
 *   checked on adapters without it (SwiftShader, lavapipe). The f16 products of two f16 values are
 *   exact in f32 (11 + 11 significant bits < 24) before that rounding, so it rounds like `f16` does.
 *
 * Returns the `enable` directive apart: WGSL requires it before any declaration.
 */
export function matmulPrecisionParts(e: Elem, precision: MatmulPrecision): { enable: string; defs: string } {
  if (e !== 'f32' || precision === 'highest') {
    return {
      enable: '',
      defs: `alias T = ${e};
fn to_t(x: ${e}) -> T { return x; }
fn prod(a: T, b: T) -> ${e} { return a * b; }`,
    };
  }
  if (precision === 'f16') {
    return {
      enable: 'enable f16;\n',
      defs: `alias T = f16;
fn to_t(x: f32) -> T { return T(x); }
fn prod(a: T, b: T) -> f32 { return f32(a * b); }`,
    };
  }
  return {
    enable: '',
    defs: `alias T = f32;
// Rounds to the nearest f16 value (WGSL lets the conversion pick either neighbour), kept in f32.
fn f16_round(x: f32) -> f32 { return unpack2x16float(pack2x16float(vec2<f32>(x, 0.0))).x; }
fn to_t(x: f32) -> T { return f16_round(x); }
fn prod(a: T, b: T) -> f32 { return f16_round(a * b); }`,
  };
}

function matmulDecls(v: MatmulVariant): Decl[] {
  const e = elemOf(v.dtype);
  const decls: Decl[] = [{ name: 'A', elem: e, write: false, vec4: v.vecA === true }, { name: 'B', elem: e, write: false, vec4: v.vecB === true }];
  if (v.bias) decls.push({ name: 'BIAS', elem: e, write: false });
  decls.push({ name: 'Y', elem: e, write: true });
  return decls;
}

// params: [m, n, k, batchA, batchB, batch]. A is [M,K] ([K,M] transposed), B [K,N] ([N,K]); a
// batch index of an operand with batch 1 is 0 (broadcast). Scalar reads exist only for an operand
// bound as scalars (a vec4 binding is read by a_vec / b_vec below).
const MATMUL_ACCESS = (v: MatmulVariant, e: Elem) => `${v.vecA ? '' : `
fn a_at(bt: u32, i: u32, p: u32) -> ${e} {
  let M = P(0u); let K = P(2u);
  if (i >= M || p >= K) { return ${e}(0); }
  let base = select(bt, 0u, P(3u) == 1u) * M * K;
  return A[base + ${v.transposeA ? 'p * M + i' : 'i * K + p'}];
}`}${v.vecB ? '' : `
fn b_at(bt: u32, p: u32, j: u32) -> ${e} {
  let N = P(1u); let K = P(2u);
  if (j >= N || p >= K) { return ${e}(0); }
  let base = select(bt, 0u, P(4u) == 1u) * K * N;
  return B[base + ${v.transposeB ? 'j * K + p' : 'p * N + j'}];
}`}
fn store(bt: u32, i: u32, j: u32, acc: ${e}) {
  let M = P(0u); let N = P(1u);
  if (i >= M || j >= N) { return; }
  var v = acc;
  ${v.bias ? 'v = v + BIAS[j];' : ''}
  Y[(bt * M + i) * N + j] = ${e === 'f32' ? activation('v', v.activation) : 'v'};
}`;

// vec4 reads: (i, p) / (p, j) name the first of 4 elements along the operand's stride-1 dimension,
// a multiple of 4, as are that dimension and so every row and batch offset: the flat index is a
// multiple of 4, and the vec4 is wholly inside the matrix or wholly outside (zeros).
const MATMUL_VEC_ACCESS = (v: MatmulVariant, e: Elem) => `${v.vecA ? `
fn a_vec(bt: u32, i: u32, p: u32) -> vec4<${e}> {
  let M = P(0u); let K = P(2u);
  if (i >= M || p >= K) { return vec4<${e}>(${e}(0)); }
  let base = select(bt, 0u, P(3u) == 1u) * M * K;
  return A[(base + ${v.transposeA ? 'p * M + i' : 'i * K + p'}) / 4u];
}` : ''}${v.vecB ? `
fn b_vec(bt: u32, p: u32, j: u32) -> vec4<${e}> {
  let N = P(1u); let K = P(2u);
  if (j >= N || p >= K) { return vec4<${e}>(${e}(0)); }
  let base = select(bt, 0u, P(4u) == 1u) * K * N;
  return B[(base + ${v.transposeB ? 'j * K + p' : 'p * N + j'}) / 4u];
}` : ''}`;

/** Simple matmul: one thread per output element (small shapes). */
export function matmulSimpleShader(v: MatmulVariant): string {
  const e = elemOf(v.dtype);
  const plain = { ...v, vecA: false, vecB: false };
  const { enable, defs } = matmulPrecisionParts(e, v.precision ?? 'highest');
  return `${enable}${header(6, matmulDecls(plain))}
${defs}
${MATMUL_ACCESS(plain, e)}
${MAIN_64} {
  ${FLAT_INDEX}
  let M = P(0u); let N = P(1u); let K = P(2u);
  if (i >= M * N * P(5u)) { return; }
  let j = i % N;
  let t = i / N;
  let row = t % M;
  let bt = t / M;
  var acc = ${e}(0);
  for (var p = 0u; p < K; p++) { acc = acc + prod(to_t(a_at(bt, row, p)), to_t(b_at(bt, p, j))); }
  store(bt, row, j, acc);
}`;
}

/**
 * WGSL filling the A tile `AS[k][m]` (16 x 64) for the k-block at `k0`: 256 threads, 1024 elements.
 * Scalar loads take 4 per thread, ordered so that neighbouring threads read neighbouring addresses
 * for either layout; vec4 loads take one vec4 per thread along the stride-1 dimension.
 */
function loadATile(v: MatmulVariant): string {
  if (!v.vecA) {
    return `for (var q = 0u; q < 4u; q++) {
      let idx = t + q * 256u;
      ${v.transposeA ? 'let mm = idx % 64u; let kk = idx / 64u;' : 'let kk = idx % 16u; let mm = idx / 16u;'}
      AS[kk][mm] = to_t(a_at(bt, row0 + mm, k0 + kk));
    }`;
  }
  if (v.transposeA) {
    // A stored [K, M]: 16 rows of k, 16 vec4 along m each.
    return `{
      let kk = t / 16u; let mv = (t % 16u) * 4u;
      let va = a_vec(bt, row0 + mv, k0 + kk);
      AS[kk][mv] = to_t(va.x); AS[kk][mv + 1u] = to_t(va.y); AS[kk][mv + 2u] = to_t(va.z); AS[kk][mv + 3u] = to_t(va.w);
    }`;
  }
  // A stored [M, K]: 64 rows of m, 4 vec4 along k each.
  return `{
      let mm = t / 4u; let kv = (t % 4u) * 4u;
      let va = a_vec(bt, row0 + mm, k0 + kv);
      AS[kv][mm] = to_t(va.x); AS[kv + 1u][mm] = to_t(va.y); AS[kv + 2u][mm] = to_t(va.z); AS[kv + 3u][mm] = to_t(va.w);
    }`;
}

/** As `loadATile`, for the B tile `BS[k][n]` (16 x 64). */
function loadBTile(v: MatmulVariant): string {
  if (!v.vecB) {
    return `for (var q = 0u; q < 4u; q++) {
      let idx = t + q * 256u;
      ${v.transposeB ? 'let kb = idx % 16u; let nn = idx / 16u;' : 'let nn = idx % 64u; let kb = idx / 64u;'}
      BS[kb][nn] = to_t(b_at(bt, k0 + kb, col0 + nn));
    }`;
  }
  if (v.transposeB) {
    // B stored [N, K]: 64 rows of n, 4 vec4 along k each.
    return `{
      let nn = t / 4u; let kv = (t % 4u) * 4u;
      let vb = b_vec(bt, k0 + kv, col0 + nn);
      BS[kv][nn] = to_t(vb.x); BS[kv + 1u][nn] = to_t(vb.y); BS[kv + 2u][nn] = to_t(vb.z); BS[kv + 3u][nn] = to_t(vb.w);
    }`;
  }
  // B stored [K, N]: 16 rows of k, 16 vec4 along n each.
  return `{
      let kb = t / 16u; let nv = (t % 16u) * 4u;
      let vb = b_vec(bt, k0 + kb, col0 + nv);
      BS[kb][nv] = to_t(vb.x); BS[kb][nv + 1u] = to_t(vb.y); BS[kb][nv + 2u] = to_t(vb.z); BS[kb][nv + 3u] = to_t(vb.w);
    }`;
}

/**
 * Tiled matmul: a 64x64 output tile per 16x16 workgroup, 4x4 outputs per thread held in registers,
 * operands staged through workgroup memory 16 deep in k (as `T`: f32, or f16 under the f16
 * precision), loaded as scalars or, where the layout allows, as vec4. How the tiles are loaded does
 * not change the arithmetic: every variant adds the same products in the same order, so vec4 and
 * scalar loads give bit-identical results. Dispatch [ceil(n/64), ceil(m/64), batch].
 */
export function matmulTiledShader(v: MatmulVariant): string {
  const e = elemOf(v.dtype);
  const { enable, defs } = matmulPrecisionParts(e, v.precision ?? 'highest');
  return `${enable}${header(6, matmulDecls(v))}
${defs}
${MATMUL_ACCESS(v, e)}
${MATMUL_VEC_ACCESS(v, e)}
var<workgroup> AS: array<array<T, 64>, 16>;
var<workgroup> BS: array<array<T, 64>, 16>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let K = P(2u);
  let bt = wid.z;
  let row0 = wid.y * 64u;
  let col0 = wid.x * 64u;
  let t = lid.y * 16u + lid.x;
  var acc: array<array<${e}, 4>, 4>;
  for (var r = 0u; r < 4u; r++) { for (var c = 0u; c < 4u; c++) { acc[r][c] = ${e}(0); } }
  for (var k0 = 0u; k0 < K; k0 += 16u) {
    ${loadATile(v)}
    ${loadBTile(v)}
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      var a: array<T, 4>;
      var b: array<T, 4>;
      for (var r = 0u; r < 4u; r++) { a[r] = AS[kk][lid.y + r * 16u]; }
      for (var c = 0u; c < 4u; c++) { b[c] = BS[kk][lid.x + c * 16u]; }
      for (var r = 0u; r < 4u; r++) { for (var c = 0u; c < 4u; c++) { acc[r][c] = acc[r][c] + prod(a[r], b[c]); } }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    for (var c = 0u; c < 4u; c++) { store(bt, row0 + lid.y + r * 16u, col0 + lid.x + c * 16u, acc[r][c]); }
  }
}`;
}

/** Row-wise softmax / logSoftmax / sparse cross-entropy: one 64-thread workgroup per row. params [rows, cols]. */
export function softmaxShader(mode: 'softmax' | 'logSoftmax' | 'ce'): string {
  const decls: Decl[] = [{ name: 'X', elem: 'f32', write: false }];
  if (mode === 'ce') decls.push({ name: 'L', elem: 'i32', write: false });
  decls.push({ name: 'Y', elem: 'f32', write: true });
  const wg = 64;
  const finish =
    mode === 'softmax'
      ? `let scale = 1.0 / total;
  for (var j = lid.x; j < cols; j += ${wg}u) { Y[base + j] = f_exp(X[base + j] - m) * scale; }`
      : mode === 'logSoftmax'
        ? `let lt = f_log(total);
  for (var j = lid.x; j < cols; j += ${wg}u) { Y[base + j] = (X[base + j] - m) - lt; }`
        : `if (lid.x == 0u) {
    let label = L[row];
    if (label < 0 || u32(label) >= cols) { Y[row] = nan(); } else { Y[row] = f_log(total) - (X[base + u32(label)] - m); }
  }`;
  return `${header(2, decls)}
var<workgroup> S: array<f32, ${wg}>;
var<workgroup> SN: array<u32, ${wg}>;
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = wid.x + wid.y * nwg.x;
  let valid = row < P(0u);
  let cols = P(1u);
  let base = row * cols;
  var mx = -inf();
  var sawNan = 0u;
  if (valid) {
    for (var j = lid.x; j < cols; j += ${wg}u) {
      let x = X[base + j];
      if (is_nan(x)) { sawNan = 1u; } else if (x > mx) { mx = x; }
    }
  }
  S[lid.x] = mx;
  SN[lid.x] = sawNan;
  workgroupBarrier();
  for (var h = ${wg / 2}u; h > 0u; h = h >> 1u) {
    if (lid.x < h) { S[lid.x] = max(S[lid.x], S[lid.x + h]); SN[lid.x] = SN[lid.x] | SN[lid.x + h]; }
    workgroupBarrier();
  }
  var m = S[0];
  if (SN[0] != 0u) { m = nan(); }
  if (m == -inf()) { m = 0.0; }
  workgroupBarrier();
  var s = 0.0;
  if (valid) {
    for (var j = lid.x; j < cols; j += ${wg}u) { s = s + f_exp(X[base + j] - m); }
  }
  S[lid.x] = s;
  workgroupBarrier();
  for (var h = ${wg / 2}u; h > 0u; h = h >> 1u) {
    if (lid.x < h) { S[lid.x] = S[lid.x] + S[lid.x + h]; }
    workgroupBarrier();
  }
  let total = S[0];
  if (!valid) { return; }
  ${finish}
}`;
}

/** Optimizer updates in place on read_write buffers. params [n, scalars...]. */
export function optimizerShader(kind: 'sgd' | 'momentum' | 'nesterov' | 'rmsprop' | 'adam'): string {
  const decls: Decl[] = [{ name: 'W', elem: 'f32', write: true }, { name: 'G', elem: 'f32', write: false }];
  let body: string;
  switch (kind) {
    case 'sgd':
      body = 'W[i] = W[i] - Pf(1u) * G[i];';
      break;
    case 'momentum':
    case 'nesterov':
      decls.push({ name: 'V', elem: 'f32', write: true });
      body = `let lr = Pf(1u); let mom = Pf(2u); let g = G[i];
  let v = mom * V[i] - lr * g;
  V[i] = v;
  W[i] = W[i] + ${kind === 'nesterov' ? 'mom * v - lr * g' : 'v'};`;
      break;
    case 'rmsprop':
      decls.push({ name: 'MS', elem: 'f32', write: true });
      body = `let lr = Pf(1u); let rho = Pf(2u); let eps = Pf(3u); let keep = Pf(4u); let g = G[i];
  let s = rho * MS[i] + keep * g * g;
  MS[i] = s;
  W[i] = W[i] - (lr * g) / f_sqrt(s + eps);`;
      break;
    case 'adam':
      decls.push({ name: 'M1', elem: 'f32', write: true }, { name: 'M2', elem: 'f32', write: true });
      body = `let alpha = Pf(1u); let c1 = Pf(2u); let c2 = Pf(3u); let eps = Pf(4u); let g = G[i];
  let m = M1[i] + (g - M1[i]) * c1;
  let v = M2[i] + (g * g - M2[i]) * c2;
  M1[i] = m;
  M2[i] = v;
  W[i] = W[i] - (alpha * m) / (f_sqrt(v) + eps);`;
      break;
  }
  return `${header(5, decls)}
${MAIN_64} {
  ${FLAT_INDEX}
  if (i >= P(0u)) { return; }
  ${body}
}`;
}
