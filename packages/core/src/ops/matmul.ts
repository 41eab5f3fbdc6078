/** Tensor products: matmul (with transposes and batch dimensions), NumPy's dot, and outer. */
import { promoteTypes } from '../dtype.js';
import { disposeTensor, runOp } from '../engine/engine.js';
import type { GradientFunction } from '../engine/tape-types.js';
import { DTypeError, ShapeError, formatShape } from '../errors.js';
import { broadcastShapes, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { withTensors, type TensorLike } from './convert.js';
import { cast, mul } from './elementwise.js';
import { sumToShape } from './gradient-helpers.js';
import { broadcastTo, reshape, transpose } from './reshape.js';

/** Options of `matmul`: transpose the last two axes of an operand before multiplying. */
export interface MatmulOptions {
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

/** Both operands as tensors; a plain `b` takes `a`'s dtype. Temporaries are disposed after `body`. */
function withPair<T>(op: string, a: TensorLike, b: TensorLike, body: (a: Tensor, b: Tensor) => T): T {
  return withTensors(op, [a], ['a'], ([ta]) => withTensors(op, [b], ['b'], ([tb]) => body(ta, tb), ta.dtype));
}

/**
 * Matrix product over the last two axes, with NumPy broadcasting of the leading (batch) axes.
 * Transposed operands are read in place, never copied.
 *
 * @example matmul(x, w); matmul(x, dy, { transposeA: true }) // xᵀ·dy
 */
export function matmul(a: TensorLike, b: TensorLike, options: MatmulOptions = {}): Tensor {
  return withPair('matmul', a, b, (ta, tb) => matmulTensors(ta, tb, options.transposeA ?? false, options.transposeB ?? false));
}

function matmulTensors(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  if (a.rank < 2 || b.rank < 2) {
    throw new ShapeError(`matmul: operands must have rank >= 2, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}; use dot() for vectors`);
  }
  if (a.dtype === 'bool' || b.dtype === 'bool') throw new DTypeError(`matmul: bool operands are not supported (got ${a.dtype} and ${b.dtype}); cast to float32 or int32`);
  const dtype = promoteTypes(a.dtype, b.dtype);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = transposeA ? ac : ar;
  const k = transposeA ? ar : ac;
  const kb = transposeB ? bc : br;
  const n = transposeB ? br : bc;
  if (k !== kb) {
    throw new ShapeError(
      `matmul: inner dimensions differ: ${formatShape(a.shape)}${transposeA ? 'ᵀ' : ''} · ${formatShape(b.shape)}${transposeB ? 'ᵀ' : ''} ` +
        `has ${k} vs ${kb}; the last axis of a (after transposes) must equal the second-to-last of b`,
    );
  }
  const batchShape = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = sizeOf(batchShape);
  const temps: Tensor[] = [];
  const prepare = (t: Tensor): Tensor => {
    let x = t.dtype === dtype ? t : cast(t, dtype);
    if (x !== t) temps.push(x);
    const own = x.shape.slice(0, -2);
    if (sizeOf(own) !== 1 && !shapesEqual(own, batchShape)) {
      x = broadcastTo(x, [...batchShape, ...x.shape.slice(-2)]);
      temps.push(x);
    }
    return x;
  };
  const xa = prepare(a);
  const xb = prepare(b);
  try {
    const batchA = sizeOf(xa.shape.slice(0, -2));
    const batchB = sizeOf(xb.shape.slice(0, -2));
    const outShape = [...batchShape, m, n];
    const gradient: GradientFunction = (dy, { inputs: [x, y] }) => {
      const tA = transposeA, tB = transposeB;
      const dA = !tA
        ? () => matmul(dy, y, { transposeB: !tB })
        : () => matmul(y, dy, { transposeA: tB, transposeB: true });
      const dB = !tB
        ? () => matmul(x, dy, { transposeA: !tA })
        : () => matmul(dy, x, { transposeA: true, transposeB: tA });
      return [() => sumToShape(dA(), x.shape), () => sumToShape(dB(), y.shape)];
    };
    return runOp({
      op: 'matmul',
      inputs: [xa, xb],
      inputNames: ['a', 'b'],
      shape: outShape,
      dtype,
      kernel: (kr, [ia, ib]) => kr.matmul({ a: ia, b: ib, transposeA, transposeB, batch, batchA, batchB, m, n, k, outDtype: dtype }),
      gradient: dtype === 'int32' ? undefined : gradient,
    });
  } finally {
    temps.forEach(disposeTensor);
  }
}

function notAligned(a: Tensor, b: Tensor, axisB: number): ShapeError {
  const ka = a.shape[a.rank - 1];
  const kb = b.shape[axisB];
  return new ShapeError(
    `dot: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} not aligned: ${ka} (dim ${a.rank - 1}) != ${kb} (dim ${axisB}); ` +
      'the last axis of a must match the second-to-last axis of b (the only axis of a vector)',
  );
}

/**
 * NumPy's `dot`: scalar times anything; vector·vector is their inner product (a scalar);
 * matrix·vector and vector·matrix; matrix·matrix; and for N-D, a sum over the last axis of `a`
 * and the second-to-last of `b`.
 *
 * @example dot(tensor([1, 2, 3, 4, 5]), tensor([6, 7, 8, 9, 10])) // 130.
 */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  return withPair('dot', a, b, (ta, tb) => {
    if (ta.rank === 0 || tb.rank === 0) return mul(ta, tb);
    const temps: Tensor[] = [];
    const track = (t: Tensor) => (temps.push(t), t);
    try {
      const k = ta.shape[ta.rank - 1];
      // Rows of a as a matrix, spelled out rather than -1 so that k = 0 works.
      const rows = sizeOf(ta.shape.slice(0, -1));
      if (tb.rank === 1) {
        if (tb.shape[0] !== k) throw notAligned(ta, tb, 0);
        const product = track(matmul(track(reshape(ta, [rows, k])), track(reshape(tb, [k, 1]))));
        return reshape(product, ta.shape.slice(0, -1));
      }
      const kb = tb.shape[tb.rank - 2];
      if (kb !== k) throw notAligned(ta, tb, tb.rank - 2);
      const n = tb.shape[tb.rank - 1];
      const outer = tb.shape.slice(0, -2);
      // Bring b's contracted axis first: [k, ...outer, n] viewed as a matrix [k, outer·n].
      const bMatrix =
        tb.rank === 2
          ? tb
          : track(reshape(track(transpose(tb, [tb.rank - 2, ...outer.map((_, i) => i), tb.rank - 1])), [k, sizeOf(outer) * n]));
      const product = track(matmul(track(reshape(ta, [rows, k])), bMatrix));
      return reshape(product, [...ta.shape.slice(0, -1), ...outer, n]);
    } finally {
      temps.forEach(disposeTensor);
    }
  });
}

/** Outer product of two tensors, flattened first (NumPy's `outer`): shape `[a.size, b.size]`. */
export function outer(a: TensorLike, b: TensorLike): Tensor {
  return withPair('outer', a, b, (ta, tb) => {
    const column = reshape(ta, [ta.size, 1]);
    const row = reshape(tb, [1, tb.size]);
    try {
      return mul(column, row);
    } finally {
      disposeTensor(column);
      disposeTensor(row);
    }
  });
}
