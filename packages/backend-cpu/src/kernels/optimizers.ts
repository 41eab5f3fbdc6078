/** Fused optimizer updates: one pass over the variable and its slots, in place when core allows. */
import type { AdamUpdateArgs, RmspropUpdateArgs, SgdUpdateArgs, TensorInfo } from '@tensorkit/core';
import { CpuStorage, valuesOf } from '../storage.js';

type FloatArray = Float32Array | Float64Array;

/** The storage to write: the original when updating in place, a copy otherwise. */
function target(info: TensorInfo, inPlace: boolean): { storage: CpuStorage; values: FloatArray } {
  const original = info.dataId as CpuStorage;
  if (inPlace) return { storage: original, values: original.values as FloatArray };
  const values = (original.values as FloatArray).slice();
  return { storage: new CpuStorage(values), values };
}

/** SGD, optionally with (Nesterov) momentum. */
export function sgdUpdate(args: SgdUpdateArgs): { variable: CpuStorage; velocity: CpuStorage | null } {
  const { learningRate: lr, momentum, nesterov, inPlace } = args;
  const g = valuesOf(args.gradient.dataId);
  const w = target(args.variable, inPlace);
  if (!args.velocity || momentum === 0) {
    for (let i = 0; i < g.length; i++) w.values[i] -= lr * g[i];
    return { variable: w.storage, velocity: args.velocity ? (args.velocity.dataId as CpuStorage) : null };
  }
  const v = target(args.velocity, inPlace);
  for (let i = 0; i < g.length; i++) {
    const velocity = momentum * v.values[i] - lr * g[i];
    v.values[i] = velocity;
    w.values[i] += nesterov ? momentum * velocity - lr * g[i] : velocity;
  }
  return { variable: w.storage, velocity: v.storage };
}

/** RMSprop with Keras' formula. */
export function rmspropUpdate(args: RmspropUpdateArgs): { variable: CpuStorage; meanSquare: CpuStorage } {
  const { learningRate: lr, rho, epsilon, inPlace } = args;
  const g = valuesOf(args.gradient.dataId);
  const w = target(args.variable, inPlace);
  const ms = target(args.meanSquare, inPlace);
  const wv = w.values, msv = ms.values;
  const keep = 1 - rho;
  for (let i = 0; i < g.length; i++) {
    const gi = g[i];
    const s = rho * msv[i] + keep * gi * gi;
    msv[i] = s;
    wv[i] -= (lr * gi) / Math.sqrt(s + epsilon);
  }
  return { variable: w.storage, meanSquare: ms.storage };
}

/** Adam with Keras' formula (bias correction folded into the step size). */
export function adamUpdate(args: AdamUpdateArgs): { variable: CpuStorage; m: CpuStorage; v: CpuStorage } {
  const { learningRate, beta1, beta2, epsilon, step, inPlace } = args;
  const g = valuesOf(args.gradient.dataId);
  const w = target(args.variable, inPlace);
  const m = target(args.m, inPlace);
  const v = target(args.v, inPlace);
  const alpha = (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
  for (let i = 0; i < g.length; i++) {
    const gi = g[i];
    const mi = m.values[i] + (gi - m.values[i]) * (1 - beta1);
    const vi = v.values[i] + (gi * gi - v.values[i]) * (1 - beta2);
    m.values[i] = mi;
    v.values[i] = vi;
    w.values[i] -= (alpha * mi) / (Math.sqrt(vi) + epsilon);
  }
  return { variable: w.storage, m: m.storage, v: v.storage };
}
