/** Element-wise ops with NumPy broadcasting, each with its gradient written in core ops. */
import type { BinaryOp, UnaryOp } from '../backend/contract.js';
import { isFloat, promoteTypes, type DType } from '../dtype.js';
import { disposeTensor, runOp } from '../engine/engine.js';
import type { GradientFunction } from '../engine/tape-types.js';
import { ArgumentError, DTypeError } from '../errors.js';
import { broadcastShapes, broadcastStrides } from '../shape.js';
import { Tensor } from '../tensor.js';
import { withTensors as withConverted, type TensorLike } from './convert.js';
import { sumToShape } from './gradient-helpers.js';

const COMPARISONS = new Set<BinaryOp>(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual']);

/** `withTensors` where plain numbers adopt the dtype of the first real tensor beside them. */
function withTensors<T>(op: string, values: readonly TensorLike[], names: readonly string[], body: (tensors: Tensor[]) => T): T {
  return withConverted(op, values, names, body, values.find((v): v is Tensor => v instanceof Tensor)?.dtype);
}

/** `x` in `dtype`: `x` itself when it already is, else a new tensor the caller disposes. */
function castFor(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : cast(x, dtype);
}

function binary(op: BinaryOp, a: TensorLike, b: TensorLike, gradient?: GradientFunction): Tensor {
  return withTensors(op, [a, b], ['a', 'b'], ([ta, tb]) => {
    let dtype = promoteTypes(ta.dtype, tb.dtype);
    if (op === 'logicalAnd' || op === 'logicalOr') {
      if (ta.dtype !== 'bool' || tb.dtype !== 'bool') {
        throw new DTypeError(`${op}: expects bool tensors, got ${ta.dtype} and ${tb.dtype}; compare first (e.g. x.greater(0)) or cast with x.cast('bool')`);
      }
    } else if (op === 'div') {
      if (!isFloat(dtype)) dtype = 'float32';
    } else if (!COMPARISONS.has(op) && dtype === 'bool') {
      dtype = 'int32';
    }
    const xa = castFor(ta, dtype);
    const xb = castFor(tb, dtype);
    try {
      const outShape = broadcastShapes(op, xa.shape, xb.shape);
      const outDtype = COMPARISONS.has(op) || op === 'logicalAnd' || op === 'logicalOr' ? 'bool' : dtype;
      const aStrides = broadcastStrides(xa.shape, outShape);
      const bStrides = broadcastStrides(xb.shape, outShape);
      return runOp({
        op,
        inputs: [xa, xb],
        inputNames: ['a', 'b'],
        shape: outShape,
        dtype: outDtype,
        kernel: (k, [ia, ib]) => k.binary({ op, a: ia, b: ib, aStrides, bStrides, outShape, outDtype }),
        gradient: isFloat(outDtype) ? gradient : undefined,
      });
    } finally {
      if (xa !== ta) disposeTensor(xa);
      if (xb !== tb) disposeTensor(xb);
    }
  });
}

type UnaryDTypes = 'float' | 'numeric' | 'bool' | 'any';

function unary(op: UnaryOp, x: TensorLike, accepts: UnaryDTypes, gradient?: GradientFunction, outBool = false): Tensor {
  return withTensors(op, [x], ['x'], ([t]) => {
    let input = t;
    if (accepts === 'bool' && t.dtype !== 'bool') {
      throw new DTypeError(`${op}: expects a bool tensor, got ${t.dtype}; compare first or cast with x.cast('bool')`);
    }
    if (accepts === 'numeric' && t.dtype === 'bool') {
      throw new DTypeError(`${op}: expects a numeric tensor (float32, float64, int32), got bool; cast with x.cast('int32')`);
    }
    if (accepts === 'float' && !isFloat(t.dtype)) input = cast(t, 'float32');
    try {
      const outDtype: DType = outBool ? 'bool' : input.dtype;
      return runOp({
        op,
        inputs: [input],
        inputNames: ['x'],
        shape: input.shape,
        dtype: outDtype,
        kernel: (k, [ix]) => k.unary({ op, x: ix, outDtype }),
        gradient: isFloat(outDtype) ? gradient : undefined,
      });
    } finally {
      if (input !== t) disposeTensor(input);
    }
  });
}

const zeroGradient: GradientFunction = (dy) => [() => zerosFor(dy)];

function zerosFor(like: Tensor): Tensor {
  return mul(like, 0);
}

/** `a + b`, broadcast. @example add(tensor([[1, 2]]), tensor([10, 20])) */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binary('add', a, b, (dy, { inputs: [x, y] }) => [() => sumToShape(dy, x.shape), () => sumToShape(dy, y.shape)]);
}

/** `a - b`, broadcast. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binary('sub', a, b, (dy, { inputs: [x, y] }) => [() => sumToShape(dy, x.shape), () => sumToShape(neg(dy), y.shape)]);
}

/** `a * b`, broadcast. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary('mul', a, b, (dy, { inputs: [x, y] }) => [() => sumToShape(mul(dy, y), x.shape), () => sumToShape(mul(dy, x), y.shape)]);
}

/** `a / b`, broadcast; integers divide as floats (true division, as NumPy's `/`). */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return binary('div', a, b, (dy, { inputs: [x, y] }) => [
    () => sumToShape(div(dy, y), x.shape),
    () => sumToShape(neg(div(mul(dy, x), square(y))), y.shape),
  ]);
}

/** `a ** b`, broadcast. The gradient with respect to `b` uses log(a), taken as 0 where a <= 0. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return binary('pow', a, b, (dy, { inputs: [x, y], output }) => [
    () => sumToShape(mul(dy, mul(y, pow(x, sub(y, 1)))), x.shape),
    () => sumToShape(mul(dy, mul(output, where(greater(x, 0), log(where(greater(x, 0), x, 1)), 0))), y.shape),
  ]);
}

/** The larger of `a` and `b` element-wise (NaN if either is NaN); ties send the gradient to `a`. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binary('maximum', a, b, (dy, { inputs: [x, y] }) => [
    () => sumToShape(where(greaterEqual(x, y), dy, 0), x.shape),
    () => sumToShape(where(less(x, y), dy, 0), y.shape),
  ]);
}

/** The smaller of `a` and `b` element-wise (NaN if either is NaN); ties send the gradient to `a`. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binary('minimum', a, b, (dy, { inputs: [x, y] }) => [
    () => sumToShape(where(lessEqual(x, y), dy, 0), x.shape),
    () => sumToShape(where(greater(x, y), dy, 0), y.shape),
  ]);
}

/** `a == b` as bool. */ export function equal(a: TensorLike, b: TensorLike): Tensor { return binary('equal', a, b); }
/** `a != b` as bool. */ export function notEqual(a: TensorLike, b: TensorLike): Tensor { return binary('notEqual', a, b); }
/** `a < b` as bool. */ export function less(a: TensorLike, b: TensorLike): Tensor { return binary('less', a, b); }
/** `a <= b` as bool. */ export function lessEqual(a: TensorLike, b: TensorLike): Tensor { return binary('lessEqual', a, b); }
/** `a > b` as bool. */ export function greater(a: TensorLike, b: TensorLike): Tensor { return binary('greater', a, b); }
/** `a >= b` as bool. */ export function greaterEqual(a: TensorLike, b: TensorLike): Tensor { return binary('greaterEqual', a, b); }
/** Logical and of two bool tensors. */ export function logicalAnd(a: TensorLike, b: TensorLike): Tensor { return binary('logicalAnd', a, b); }
/** Logical or of two bool tensors. */ export function logicalOr(a: TensorLike, b: TensorLike): Tensor { return binary('logicalOr', a, b); }
/** Logical not of a bool tensor. */ export function logicalNot(x: TensorLike): Tensor { return unary('logicalNot', x, 'bool', undefined, true); }
/** True where `x` is NaN. */ export function isNaN(x: TensorLike): Tensor { return unary('isNaN', x, 'any', undefined, true); }
/** True where `x` is neither infinite nor NaN. */ export function isFinite(x: TensorLike): Tensor { return unary('isFinite', x, 'any', undefined, true); }

/** `-x`. */
export function neg(x: TensorLike): Tensor {
  return unary('neg', x, 'numeric', (dy) => [() => neg(dy)]);
}

/** `|x|`; the gradient at 0 is 0. */
export function abs(x: TensorLike): Tensor {
  return unary('abs', x, 'numeric', (dy, { inputs: [t] }) => [() => mul(dy, sign(t))]);
}

/** -1, 0 or 1 by the sign of `x` (NaN stays NaN). */
export function sign(x: TensorLike): Tensor {
  return unary('sign', x, 'numeric', zeroGradient);
}

/** `e^x`; integers are computed as float32. */
export function exp(x: TensorLike): Tensor {
  return unary('exp', x, 'float', (dy, { output }) => [() => mul(dy, output)]);
}

/** Natural logarithm. */
export function log(x: TensorLike): Tensor {
  return unary('log', x, 'float', (dy, { inputs: [t] }) => [() => div(dy, t)]);
}

/** Square root. */
export function sqrt(x: TensorLike): Tensor {
  return unary('sqrt', x, 'float', (dy, { output }) => [() => div(dy, mul(output, 2))]);
}

/** `x * x`. */
export function square(x: TensorLike): Tensor {
  return unary('square', x, 'numeric', (dy, { inputs: [t] }) => [() => mul(dy, mul(t, 2))]);
}

/** `max(x, 0)`; the gradient at 0 is 0. */
export function relu(x: TensorLike): Tensor {
  return unary('relu', x, 'numeric', (dy, { output }) => [() => where(greater(output, 0), dy, 0)]);
}

/** `1 / (1 + e^-x)`, computed without overflow. */
export function sigmoid(x: TensorLike): Tensor {
  return unary('sigmoid', x, 'float', (dy, { output }) => [() => mul(dy, mul(output, sub(1, output)))]);
}

/** Hyperbolic tangent. */
export function tanh(x: TensorLike): Tensor {
  return unary('tanh', x, 'float', (dy, { output }) => [() => mul(dy, sub(1, square(output)))]);
}

/** Rounds down. */ export function floor(x: TensorLike): Tensor { return unary('floor', x, 'numeric', zeroGradient); }
/** Rounds up. */ export function ceil(x: TensorLike): Tensor { return unary('ceil', x, 'numeric', zeroGradient); }
/** Rounds to the nearest integer, halves to even (as NumPy). */ export function round(x: TensorLike): Tensor { return unary('round', x, 'numeric', zeroGradient); }

/**
 * `condition ? a : b` element-wise, all three broadcast together. `a` and `b` are promoted to a
 * common dtype; `condition` must be bool.
 */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  return withTensors('where', [a, b], ['a', 'b'], ([ta, tb]) =>
    withTensors('where', [condition], ['condition'], ([tc]) => {
      if (tc.dtype !== 'bool') {
        throw new DTypeError(`where: condition must be a bool tensor, got ${tc.dtype}; compare first (e.g. x.greater(0))`);
      }
      const dtype = promoteTypes(ta.dtype, tb.dtype);
      const xa = castFor(ta, dtype);
      const xb = castFor(tb, dtype);
      try {
        const outShape = broadcastShapes('where', broadcastShapes('where', tc.shape, xa.shape), xb.shape);
        const conditionStrides = broadcastStrides(tc.shape, outShape);
        const aStrides = broadcastStrides(xa.shape, outShape);
        const bStrides = broadcastStrides(xb.shape, outShape);
        return runOp({
          op: 'where',
          inputs: [tc, xa, xb],
          inputNames: ['condition', 'a', 'b'],
          shape: outShape,
          dtype,
          kernel: (k, [ic, ia, ib]) => k.where({ condition: ic, a: ia, b: ib, conditionStrides, aStrides, bStrides, outShape, outDtype: dtype }),
          gradient: isFloat(dtype)
            ? (dy, { inputs: [c, x, y] }) => [
                null,
                () => sumToShape(where(c, dy, 0), x.shape),
                () => sumToShape(where(c, 0, dy), y.shape),
              ]
            : undefined,
        });
      } finally {
        if (xa !== ta) disposeTensor(xa);
        if (xb !== tb) disposeTensor(xb);
      }
    }),
  );
}

/** Limits `x` to `[min, max]`; the gradient passes where `x` is inside the range. */
export function clip(x: TensorLike, min: number, max: number): Tensor {
  if (!(min <= max)) throw new ArgumentError(`clip: min (${min}) must not exceed max (${max})`);
  return withTensors('clip', [x], ['x'], ([t]) => {
    const low = maximum(t, min);
    try {
      return minimum(low, max);
    } finally {
      disposeTensor(low);
    }
  });
}

/**
 * Converts to `dtype`: floats to int32 truncate toward zero, anything to bool is `x != 0`. The
 * gradient flows back between float dtypes only.
 */
export function cast(x: TensorLike, dtype: DType): Tensor {
  return withTensors('cast', [x], ['x'], ([t]) => {
    if (!['float32', 'float64', 'int32', 'bool'].includes(dtype)) {
      throw new DTypeError(`cast: unknown dtype '${String(dtype)}'; valid dtypes are float32, float64, int32, bool`);
    }
    return runOp({
      op: 'cast',
      inputs: [t],
      inputNames: ['x'],
      shape: t.shape,
      dtype,
      kernel: (k, [ix]) => k.cast({ x: ix, dtype }),
      gradient: isFloat(dtype) && isFloat(t.dtype) ? (dy, { inputs: [input] }) => [() => cast(dy, input.dtype)] : undefined,
    });
  });
}
