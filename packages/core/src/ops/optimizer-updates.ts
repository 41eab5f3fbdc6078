/**
 * Optimizer update rules as single ops on variables (Keras' formulas). A backend may run each as
 * one fused kernel, in place when no other tensor shares the storages; otherwise core composes it.
 * Updates are never recorded on gradient tapes.
 */
import type { DataId } from '../backend/contract.js';
import { adoptStorage, backendForInputs, infoOf, replaceStorage, withoutTapes } from '../engine/engine.js';
import { ArgumentError, DTypeError, ShapeError, formatShape } from '../errors.js';
import { isFloat } from '../dtype.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import { tidy } from '../engine/scope.js';
import { add, div, mul, sqrt, square, sub } from './elementwise.js';

function check(op: string, variable: Variable, gradient: Tensor, slots: readonly (Variable | null)[]): void {
  backendForInputs(op, [variable, gradient, ...slots.filter((s): s is Variable => s !== null)]);
  if (!isFloat(variable.dtype)) throw new DTypeError(`${op}: variable '${variable.name}' must be float32 or float64, got ${variable.dtype}`);
  for (const t of [gradient, ...slots]) {
    if (!t) continue;
    if (!shapesEqual(t.shape, variable.shape)) {
      throw new ShapeError(`${op}: shape ${formatShape(t.shape)} does not match variable '${variable.name}' of shape ${formatShape(variable.shape)}`);
    }
    if (t.dtype !== variable.dtype) throw new DTypeError(`${op}: dtype ${t.dtype} does not match variable '${variable.name}' of dtype ${variable.dtype}`);
  }
}

function exclusive(tensors: readonly (Tensor | null)[]): boolean {
  return tensors.every((t) => t === null || t.storage.refs === 1);
}

/** Puts a kernel's result into `target`, unless the kernel updated it in place. */
function adopt(target: Tensor, dataId: DataId): void {
  if (dataId === target.storage.dataId) return;
  replaceStorage(target, adoptStorage(target.storage.backend, dataId, target.dtype, target.size));
}

function positive(op: string, name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) throw new ArgumentError(`${op}: ${name} must be a finite number >= 0, got ${value}`);
}

/** Options of `sgdUpdate`. */
export interface SgdUpdateOptions {
  readonly learningRate: number;
  readonly momentum?: number;
  readonly nesterov?: boolean;
}

/**
 * One SGD step: `w -= lr·g`, or with momentum `v = momentum·v - lr·g; w += v` (Nesterov:
 * `w += momentum·v - lr·g`). `velocity` is required when momentum > 0.
 */
export function sgdUpdate(variable: Variable, gradient: Tensor, velocity: Variable | null, options: SgdUpdateOptions): void {
  const { learningRate, momentum = 0, nesterov = false } = options;
  positive('sgdUpdate', 'learningRate', learningRate);
  positive('sgdUpdate', 'momentum', momentum);
  if (momentum > 0 && !velocity) throw new ArgumentError('sgdUpdate: momentum > 0 needs a velocity variable');
  check('sgdUpdate', variable, gradient, [velocity]);
  const backend = variable.storage.backend;
  const fused = backend.kernels.sgdUpdate;
  if (fused) {
    const result = fused({
      variable: infoOf(variable), gradient: infoOf(gradient), velocity: velocity ? infoOf(velocity) : null,
      learningRate, momentum, nesterov, inPlace: exclusive([variable, velocity]),
    });
    adopt(variable, result.variable);
    if (velocity && result.velocity) adopt(velocity, result.velocity);
    return;
  }
  withoutTapes(() =>
    tidy(() => {
      if (momentum > 0 && velocity) {
        const v = sub(mul(velocity, momentum), mul(gradient, learningRate));
        const step = nesterov ? sub(mul(v, momentum), mul(gradient, learningRate)) : v;
        variable.assign(add(variable, step));
        velocity.assign(v);
      } else {
        variable.assign(sub(variable, mul(gradient, learningRate)));
      }
    }),
  );
}

/** Options of `rmspropUpdate` (Keras' defaults: rho 0.9, epsilon 1e-7). */
export interface RmspropUpdateOptions {
  readonly learningRate: number;
  readonly rho?: number;
  readonly epsilon?: number;
}

/**
 * One RMSprop step: `ms = rho·ms + (1-rho)·g²; w -= lr·g / sqrt(ms + epsilon)`, the rule of
 * tf.keras 2 (the chapter's TensorFlow 2.6) and of Keras 3 alike.
 */
export function rmspropUpdate(variable: Variable, gradient: Tensor, meanSquare: Variable, options: RmspropUpdateOptions): void {
  const { learningRate, rho = 0.9, epsilon = 1e-7 } = options;
  positive('rmspropUpdate', 'learningRate', learningRate);
  positive('rmspropUpdate', 'rho', rho);
  positive('rmspropUpdate', 'epsilon', epsilon);
  check('rmspropUpdate', variable, gradient, [meanSquare]);
  const fused = variable.storage.backend.kernels.rmspropUpdate;
  if (fused) {
    const result = fused({
      variable: infoOf(variable), gradient: infoOf(gradient), meanSquare: infoOf(meanSquare),
      learningRate, rho, epsilon, inPlace: exclusive([variable, meanSquare]),
    });
    adopt(variable, result.variable);
    adopt(meanSquare, result.meanSquare);
    return;
  }
  withoutTapes(() =>
    tidy(() => {
      const ms = add(mul(meanSquare, rho), mul(square(gradient), 1 - rho));
      variable.assign(sub(variable, div(mul(gradient, learningRate), sqrt(add(ms, epsilon)))));
      meanSquare.assign(ms);
    }),
  );
}

/** Options of `adamUpdate` (Keras' defaults: beta1 0.9, beta2 0.999, epsilon 1e-7); `step` counts from 1. */
export interface AdamUpdateOptions {
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  readonly step: number;
}

/** One Adam step with bias correction folded into the learning rate, as Keras does. */
export function adamUpdate(variable: Variable, gradient: Tensor, m: Variable, v: Variable, options: AdamUpdateOptions): void {
  const { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, step } = options;
  positive('adamUpdate', 'learningRate', learningRate);
  if (!Number.isInteger(step) || step < 1) throw new ArgumentError(`adamUpdate: step must be an integer >= 1, got ${step}`);
  check('adamUpdate', variable, gradient, [m, v]);
  const fused = variable.storage.backend.kernels.adamUpdate;
  if (fused) {
    const result = fused({
      variable: infoOf(variable), gradient: infoOf(gradient), m: infoOf(m), v: infoOf(v),
      learningRate, beta1, beta2, epsilon, step, inPlace: exclusive([variable, m, v]),
    });
    adopt(variable, result.variable);
    adopt(m, result.m);
    adopt(v, result.v);
    return;
  }
  const alpha = (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
  withoutTapes(() =>
    tidy(() => {
      const mNext = add(m, mul(sub(gradient, m), 1 - beta1));
      const vNext = add(v, mul(sub(square(gradient), v), 1 - beta2));
      variable.assign(sub(variable, div(mul(mNext, alpha), add(sqrt(vNext), epsilon))));
      m.assign(mNext);
      v.assign(vNext);
    }),
  );
}
