/**
 * Neural-network functions that backends may fuse: dense (matmul + bias + activation), softmax,
 * logSoftmax and sparse softmax cross-entropy. Each has a composite in core ops and one gradient.
 */
import type { FusedActivation } from '../backend/contract.js';
import { isFloat } from '../dtype.js';
import { canReadSync, disposeTensor, readValuesSync, runFused, withoutTapes } from '../engine/engine.js';
import { tidy } from '../engine/scope.js';
import type { GradientFunction } from '../engine/tape-types.js';
import { ArgumentError, DTypeError, ShapeError, formatShape } from '../errors.js';
import { normalizeAxis, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { withTensors, type TensorLike } from './convert.js';
import { add, div, exp, greater, log, mul, relu, sigmoid, square, sub, tanh, where } from './elementwise.js';
import { matmul } from './matmul.js';
import { logSumExp, max, sum } from './reduction.js';
import { expandDims, oneHot } from './reshape.js';


function requireFloat(op: string, name: string, t: Tensor): void {
  if (!isFloat(t.dtype)) throw new DTypeError(`${op}: ${name} must be float32 or float64, got ${t.dtype}; cast with x.cast('float32')`);
}

function softmaxComposite(x: Tensor, axis: number): Tensor {
  const shifted = sub(x, max(x, axis, true));
  const e = exp(shifted);
  return div(e, sum(e, axis, true));
}

/**
 * Softmax along `axis` (last by default), computed stably.
 *
 * @example softmax(tensor([[1, 2, 3]])) // rows sum to 1
 */
export function softmax(logits: TensorLike, axis = -1): Tensor {
  return withTensors('softmax', [logits], ['logits'], ([x]) => {
    requireFloat('softmax', 'logits', x);
    const at = normalizeAxis('softmax', axis, x.rank);
    const cols = x.shape[at];
    const gradient: GradientFunction = (dy, { output }) => [() => mul(output, sub(dy, sum(mul(dy, output), at, true)))];
    if (at !== x.rank - 1) return tidy(() => softmaxComposite(x, at));
    return runFused({
      op: 'softmax',
      fused: 'softmax',
      inputs: [x],
      inputNames: ['logits'],
      shape: x.shape,
      dtype: x.dtype,
      kernel: (k, [logitsInfo]) => k.softmax!({ logits: logitsInfo, rows: sizeOf(x.shape) / Math.max(cols, 1), cols }),
      composite: () => softmaxComposite(x, at),
      gradient,
    });
  });
}

/** `log(softmax(x))` along `axis`, computed without taking the log of a rounded-to-zero value. */
export function logSoftmax(logits: TensorLike, axis = -1): Tensor {
  return withTensors('logSoftmax', [logits], ['logits'], ([x]) => {
    requireFloat('logSoftmax', 'logits', x);
    const at = normalizeAxis('logSoftmax', axis, x.rank);
    const cols = x.shape[at];
    // (x - max) - log(sum(exp(x - max))): subtracting the max first keeps float32 exact where
    // x - logSumExp(x) would cancel catastrophically for large logits.
    const composite = () => {
      const shifted = sub(x, withoutTapes(() => max(x, at, true)));
      return sub(shifted, log(sum(exp(shifted), at, true)));
    };
    const gradient: GradientFunction = (dy, { output }) => [() => sub(dy, mul(exp(output), sum(dy, at, true)))];
    if (at !== x.rank - 1) return tidy(composite);
    return runFused({
      op: 'logSoftmax',
      fused: 'logSoftmax',
      inputs: [x],
      inputNames: ['logits'],
      shape: x.shape,
      dtype: x.dtype,
      kernel: (k, [logitsInfo]) => k.logSoftmax!({ logits: logitsInfo, rows: sizeOf(x.shape) / Math.max(cols, 1), cols }),
      composite,
      gradient,
    });
  });
}

/**
 * Per-example cross-entropy between int32 class `labels` (shape S) and unnormalised `logits`
 * (shape `[...S, classes]`): `logSumExp(logits) - logits[label]`, stable for any logits.
 * Labels out of `[0, classes)` are an error on backends that read synchronously.
 *
 * @example sparseSoftmaxCrossEntropy(tensor([3, 1], { dtype: 'int32' }), logits).mean()
 */
export function sparseSoftmaxCrossEntropy(labels: TensorLike, logits: TensorLike): Tensor {
  return withTensors('sparseSoftmaxCrossEntropy', [labels, logits], ['labels', 'logits'], ([y, x]) => {
    const op = 'sparseSoftmaxCrossEntropy';
    requireFloat(op, 'logits', x);
    if (y.dtype !== 'int32') throw new DTypeError(`${op}: labels must be int32 class indices, got ${y.dtype}; cast with labels.cast('int32')`);
    if (x.rank < 1 || !shapesEqual(y.shape, x.shape.slice(0, -1))) {
      throw new ShapeError(`${op}: labels ${formatShape(y.shape)} must have the shape of logits ${formatShape(x.shape)} without its last axis`);
    }
    const classes = x.shape[x.rank - 1];
    if (canReadSync(y)) {
      const values = readValuesSync(y);
      for (let i = 0; i < values.length; i++) {
        if (values[i] < 0 || values[i] >= classes) {
          throw new ArgumentError(`${op}: label ${values[i]} at position ${i} is out of range; valid labels are 0..${classes - 1}`);
        }
      }
    }
    const rows = y.size;
    const composite = () => {
      // Select with where, not a product with the one-hot matrix: -Inf · 0 would be NaN.
      const isLabel = oneHot(y, classes, { dtype: 'int32' }).greater(0);
      const picked = sum(where(isLabel, x, 0), -1);
      return sub(logSumExp(x, -1), picked);
    };
    const gradient: GradientFunction = (dy, { inputs: [savedLabels, savedLogits] }) => [
      null,
      () => {
        const probabilities = softmax(savedLogits);
        const target = oneHot(savedLabels, classes, { dtype: savedLogits.dtype as 'float32' | 'float64' });
        return mul(sub(probabilities, target), expandDims(dy, -1));
      },
    ];
    return runFused({
      op,
      fused: 'sparseSoftmaxCrossEntropy',
      inputs: [y, x],
      inputNames: ['labels', 'logits'],
      shape: y.shape,
      dtype: x.dtype,
      kernel: (k, [labelsInfo, logitsInfo]) => k.sparseSoftmaxCrossEntropy!({ logits: logitsInfo, labels: labelsInfo, rows, cols: classes }),
      composite,
      gradient,
    });
  });
}

const ACTIVATIONS: readonly FusedActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];

/** Applies a fusable activation (`linear` returns `x` itself). */
export function applyFusedActivation(x: Tensor, activation: FusedActivation): Tensor {
  switch (activation) {
    case 'relu':
      return relu(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'tanh':
      return tanh(x);
    default:
      return x;
  }
}

/** `dy` times the activation's derivative, written with its output `y` (which is what is saved). */
function throughActivation(dy: Tensor, y: Tensor, activation: FusedActivation): Tensor {
  switch (activation) {
    case 'relu':
      return where(greater(y, 0), dy, 0);
    case 'sigmoid':
      return mul(dy, mul(y, sub(1, y)));
    case 'tanh':
      return mul(dy, sub(1, square(y)));
    default:
      return dy;
  }
}

/**
 * A dense layer's math in one op: `activation(x · w + bias)`, x `[batch, in]`, w `[in, out]`, bias
 * `[out]` (optional). Backends may run it as one fused kernel. (The layer is `dense({ units })`.)
 *
 * @example fusedDense(images, w1, b1, 'relu')
 */
export function fusedDense(x: TensorLike, w: TensorLike, bias?: TensorLike | null, activation: FusedActivation = 'linear'): Tensor {
  if (!ACTIVATIONS.includes(activation)) {
    throw new ArgumentError(`fusedDense: activation '${String(activation)}' is not fusable; valid: ${ACTIVATIONS.join(', ')} (apply others after dense)`);
  }
  const values: TensorLike[] = bias === undefined || bias === null ? [x, w] : [x, w, bias];
  return withTensors('fusedDense', values, ['x', 'w', 'bias'], (inputs) => {
    const [tx, tw, tb] = inputs;
    for (const [name, t] of [['x', tx], ['w', tw], ['bias', tb]] as const) if (t) requireFloat('fusedDense', name, t);
    if (tx.rank !== 2 || tw.rank !== 2 || tx.shape[1] !== tw.shape[0] || (tb && (tb.rank !== 1 || tb.shape[0] !== tw.shape[1]))) {
      throw new ShapeError(
        `fusedDense: x ${formatShape(tx.shape)}, w ${formatShape(tw.shape)}${tb ? `, bias ${formatShape(tb.shape)}` : ''} do not fit; ` +
          'expected x [batch, in], w [in, out], bias [out]',
      );
    }
    if (tx.dtype !== tw.dtype || (tb && tb.dtype !== tx.dtype)) {
      throw new DTypeError(`fusedDense: x, w and bias must share a dtype, got ${[tx, tw, tb].filter(Boolean).map((t) => t!.dtype).join(', ')}`);
    }
    const [m, k] = tx.shape;
    const n = tw.shape[1];
    const gradient: GradientFunction = (dy, { inputs: saved, output }) => {
      let dz: Tensor | undefined;
      const through = () => (dz ??= throughActivation(dy, output, activation));
      return [
        () => matmul(through(), saved[1], { transposeB: true }),
        () => matmul(saved[0], through(), { transposeA: true }),
        ...(saved.length > 2 ? [() => sum(through(), 0)] : []),
      ];
    };
    return runFused({
      op: 'fusedDense',
      fused: 'dense',
      inputs,
      inputNames: ['x', 'w', 'bias'],
      shape: [m, n],
      dtype: tx.dtype,
      kernel: (kr, infos) => kr.dense!({ x: infos[0], w: infos[1], bias: infos[2] ?? null, activation, m, n, k }),
      composite: () => applyFusedActivation(tb ? add(matmul(tx, tw), tb) : matmul(tx, tw), activation),
      gradient,
    });
  });
}

