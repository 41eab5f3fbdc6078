/**
 * Optimizer updates over three steps against Keras' formulas written out here in float64, on the
 * backend's fused kernels and on core's composite path; and in-place safety: an update must never
 * change the values another holder of the same storage sees (a reshape view, a gradient tape, the
 * tensor a variable was assigned from).
 *
 * The formulas, as in both tf.keras 2.x (the chapter's TensorFlow 2.6, whose RMSprop runs
 * TensorFlow's ApplyRMSProp kernel) and Keras 3 (keras/src/optimizers/*.py):
 *   SGD:       w -= lr·g
 *   momentum:  v = μ·v - lr·g;  w += v          (Nesterov: w += μ·v - lr·g)
 *   RMSprop:   s = ρ·s + (1-ρ)·g²;  w -= lr·g / √(s + ε)
 *   Adam:      α = lr·√(1-β2^t) / (1-β1^t);  m += (g-m)(1-β1);  v += (g²-v)(1-β2);  w -= α·m / (√v + ε)
 */
import * as tk from '@tensorkit/core';
import type { Tensor, Variable } from '@tensorkit/core';
import { check, expectError, expectTensor } from '../assert.js';
import { casesFor, type CaseContext, type ConformanceCase } from '../case.js';
import { uniform } from './gradients.js';
import { withoutFusedKernels } from './nn.js';

type Float = 'float32' | 'float64';

const SHAPE = [2, 3];
const W0 = [0.5, -1.25, 2, 0.75, -0.125, 1];
/** Gradients of steps 1..3 (multiples of 1/1024: exact in float32). */
const GRADS = [uniform(301, 6), uniform(302, 6), uniform(303, 6)];

function floats(c: CaseContext): Float[] {
  return c.float64 ? ['float32', 'float64'] : ['float32'];
}

/** Keras' SGD (with optional momentum / Nesterov) in float64: [w, velocity] after each step. */
function refSgd(lr: number, momentum: number, nesterov: boolean): { w: number[]; v: number[] }[] {
  const w = [...W0];
  const v = W0.map(() => 0);
  return GRADS.map((g) => {
    for (let i = 0; i < w.length; i++) {
      if (momentum === 0) {
        w[i] -= lr * g[i];
      } else {
        v[i] = momentum * v[i] - lr * g[i];
        w[i] += nesterov ? momentum * v[i] - lr * g[i] : v[i];
      }
    }
    return { w: [...w], v: [...v] };
  });
}

/** Keras' RMSprop in float64: [w, meanSquare] after each step. */
function refRmsprop(lr: number, rho: number, epsilon: number): { w: number[]; s: number[] }[] {
  const w = [...W0];
  const s = W0.map(() => 0);
  return GRADS.map((g) => {
    for (let i = 0; i < w.length; i++) {
      s[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
      w[i] -= (lr * g[i]) / Math.sqrt(s[i] + epsilon);
    }
    return { w: [...w], s: [...s] };
  });
}

/** Keras' Adam in float64: [w, m, v] after each step t = 1..3. */
function refAdam(lr: number, beta1: number, beta2: number, epsilon: number): { w: number[]; m: number[]; v: number[] }[] {
  const w = [...W0];
  const m = W0.map(() => 0);
  const v = W0.map(() => 0);
  return GRADS.map((g, k) => {
    const t = k + 1;
    const alpha = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
    for (let i = 0; i < w.length; i++) {
      m[i] += (g[i] - m[i]) * (1 - beta1);
      v[i] += (g[i] * g[i] - v[i]) * (1 - beta2);
      w[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + epsilon);
    }
    return { w: [...w], m: [...m], v: [...v] };
  });
}

function vars(c: CaseContext, dtype: Float, count: number): Variable[] {
  // variable() copies its initial value, so the temporaries can go at once.
  const initial = tk.tensor(W0, { shape: SHAPE, dtype });
  const w = c.own(tk.variable(initial));
  initial.dispose();
  const made: Variable[] = [w];
  for (let i = 1; i < count; i++) {
    const zeros = tk.zeros(SHAPE, dtype);
    made.push(c.own(tk.variable(zeros, { trainable: false })));
    zeros.dispose();
  }
  return made;
}

function gradient(c: CaseContext, step: number, dtype: Float): Tensor {
  return c.own(tk.tensor(GRADS[step], { shape: SHAPE, dtype }));
}

async function expectValues(t: Tensor, values: number[], label: string): Promise<void> {
  await expectTensor(t, { shape: SHAPE, dtype: t.dtype, values }, label);
}

async function checkSgd(c: CaseContext, dtype: Float, momentum: number, nesterov: boolean): Promise<void> {
  const lr = 0.1;
  const [w, velocity] = vars(c, dtype, 2);
  const expected = refSgd(lr, momentum, nesterov);
  for (let step = 0; step < 3; step++) {
    tk.sgdUpdate(w, gradient(c, step, dtype), momentum > 0 ? velocity : null, { learningRate: lr, momentum, nesterov });
    await expectValues(w, expected[step].w, `w after step ${step + 1} (${dtype})`);
    await expectValues(velocity, expected[step].v, `velocity after step ${step + 1} (${dtype})`);
  }
}

async function checkRmsprop(c: CaseContext, dtype: Float, options: { rho?: number; epsilon?: number }): Promise<void> {
  const lr = 0.01;
  const [w, meanSquare] = vars(c, dtype, 2);
  const expected = refRmsprop(lr, options.rho ?? 0.9, options.epsilon ?? 1e-7);
  for (let step = 0; step < 3; step++) {
    tk.rmspropUpdate(w, gradient(c, step, dtype), meanSquare, { learningRate: lr, ...options });
    await expectValues(w, expected[step].w, `w after step ${step + 1} (${dtype})`);
    await expectValues(meanSquare, expected[step].s, `meanSquare after step ${step + 1} (${dtype})`);
  }
}

async function checkAdam(c: CaseContext, dtype: Float, options: { beta1?: number; beta2?: number; epsilon?: number }): Promise<void> {
  const lr = 0.01;
  const [w, m, v] = vars(c, dtype, 3);
  const expected = refAdam(lr, options.beta1 ?? 0.9, options.beta2 ?? 0.999, options.epsilon ?? 1e-7);
  for (let step = 0; step < 3; step++) {
    tk.adamUpdate(w, gradient(c, step, dtype), m, v, { learningRate: lr, step: step + 1, ...options });
    await expectValues(w, expected[step].w, `w after step ${step + 1} (${dtype})`);
    await expectValues(m, expected[step].m, `m after step ${step + 1} (${dtype})`);
    await expectValues(v, expected[step].v, `v after step ${step + 1} (${dtype})`);
  }
}

/** What the first step of each optimizer does to W0 (for the in-place cases). */
type Update = (c: CaseContext, w: Variable, slots: Variable[], g: Tensor) => void;
const UPDATES: Record<string, { slots: number; run: Update; first: () => number[] }> = {
  sgdUpdate: {
    slots: 1,
    run: (_c, w, [velocity], g) => tk.sgdUpdate(w, g, velocity, { learningRate: 0.1, momentum: 0.9 }),
    first: () => refSgd(0.1, 0.9, false)[0].w,
  },
  rmspropUpdate: {
    slots: 1,
    run: (_c, w, [ms], g) => tk.rmspropUpdate(w, g, ms, { learningRate: 0.01 }),
    first: () => refRmsprop(0.01, 0.9, 1e-7)[0].w,
  },
  adamUpdate: {
    slots: 2,
    run: (_c, w, [m, v], g) => tk.adamUpdate(w, g, m, v, { learningRate: 0.01, step: 1 }),
    first: () => refAdam(0.01, 0.9, 0.999, 1e-7)[0].w,
  },
};

function inPlaceCases(op: keyof typeof UPDATES): Record<string, ConformanceCase['run']> {
  const u = UPDATES[op];
  const dtypeOf = (c: CaseContext): Float => (c.float64 ? 'float64' : 'float32');
  return {
    'in-place safety: a reshape view of the variable keeps the old values': async (c) => {
      const dtype = dtypeOf(c);
      const [w, ...slots] = vars(c, dtype, 1 + u.slots);
      const view = c.own(w.reshape([6]));
      u.run(c, w, slots, gradient(c, 0, dtype));
      await expectTensor(view, { shape: [6], values: W0 }, 'view taken before the update');
      await expectValues(w, u.first(), 'variable after the update');
    },
    'in-place safety: views of the slots keep the old values': async (c) => {
      const dtype = dtypeOf(c);
      const [w, ...slots] = vars(c, dtype, 1 + u.slots);
      const views = slots.map((s) => c.own(s.reshape([6])));
      u.run(c, w, slots, gradient(c, 0, dtype));
      for (const view of views) await expectTensor(view, { shape: [6], values: [0, 0, 0, 0, 0, 0] }, 'slot view taken before the update');
      const changed = await Promise.all(slots.map(async (s) => Array.from(await s.data()).some((x) => x !== 0)));
      check(changed.every(Boolean), 'every slot should have been updated');
    },
    'in-place safety: the tensor the variable was assigned from is unchanged': async (c) => {
      const dtype = dtypeOf(c);
      const [w, ...slots] = vars(c, dtype, 1 + u.slots);
      const source = c.own(tk.tensor(W0, { shape: SHAPE, dtype }));
      w.assign(source);
      u.run(c, w, slots, gradient(c, 0, dtype));
      await expectValues(source, W0, 'assigned-from tensor');
      await expectValues(w, u.first(), 'variable after the update');
    },
    'in-place safety: a tape recorded before the update differentiates at the old value': async (c) => {
      const dtype = dtypeOf(c);
      const [w, ...slots] = vars(c, dtype, 1 + u.slots);
      const tape = new tk.GradientTape();
      const loss = tape.record(() => c.own(c.own(w.square()).sum()));
      u.run(c, w, slots, gradient(c, 0, dtype));
      // d/dw sum(w²) = 2·w at the recorded (old) value.
      await expectValues(c.own(tape.gradient(loss, w)), W0.map((x) => 2 * x), 'gradient after the update');
      await expectValues(w, u.first(), 'variable after the update');
    },
  };
}

function sgdCases(): ConformanceCase[] {
  return casesFor('optimizers', 'sgdUpdate', {
    'plain, 3 steps': async (c) => {
      for (const dtype of floats(c)) await checkSgd(c, dtype, 0, false);
    },
    'momentum 0.9, 3 steps': async (c) => {
      for (const dtype of floats(c)) await checkSgd(c, dtype, 0.9, false);
    },
    'nesterov momentum 0.9, 3 steps': async (c) => {
      for (const dtype of floats(c)) await checkSgd(c, dtype, 0.9, true);
    },
    'composite path (fused kernels hidden): plain, momentum, nesterov': (c) =>
      withoutFusedKernels(c, async () => {
        await checkSgd(c, 'float32', 0, false);
        await checkSgd(c, 'float32', 0.9, false);
        await checkSgd(c, 'float32', 0.9, true);
      }),
    'gradient aliasing the variable: w -= lr·w': async (c) => {
      const dtype: Float = c.float64 ? 'float64' : 'float32';
      const [w] = vars(c, dtype, 1);
      tk.sgdUpdate(w, w, null, { learningRate: 0.25 });
      await expectValues(w, W0.map((x) => 0.75 * x), 'w');
    },
    'momentum without a velocity throws ArgumentError': async (c) => {
      const [w] = vars(c, 'float32', 1);
      await expectError(() => tk.sgdUpdate(w, gradient(c, 0, 'float32'), null, { learningRate: 0.1, momentum: 0.9 }), tk.ArgumentError, 'sgdUpdate', 'velocity');
      await expectValues(w, W0, 'w unchanged after the error');
    },
    'gradient of the wrong shape throws ShapeError naming the variable': async (c) => {
      const [w] = vars(c, 'float32', 1);
      const g = c.own(tk.ones([3, 2]));
      await expectError(() => tk.sgdUpdate(w, g, null, { learningRate: 0.1 }), tk.ShapeError, 'sgdUpdate', '[3,2]', '[2,3]', w.name);
    },
    ...inPlaceCases('sgdUpdate'),
  });
}

function rmspropCases(): ConformanceCase[] {
  return casesFor('optimizers', 'rmspropUpdate', {
    'defaults (rho 0.9, epsilon 1e-7), 3 steps': async (c) => {
      for (const dtype of floats(c)) await checkRmsprop(c, dtype, {});
    },
    'rho 0.8, epsilon 0.1 (added after the square root), 3 steps': async (c) => {
      for (const dtype of floats(c)) await checkRmsprop(c, dtype, { rho: 0.8, epsilon: 0.1 });
    },
    'composite path (fused kernels hidden)': (c) =>
      withoutFusedKernels(c, async () => {
        await checkRmsprop(c, 'float32', {});
        await checkRmsprop(c, 'float32', { rho: 0.8, epsilon: 0.1 });
      }),
    ...inPlaceCases('rmspropUpdate'),
  });
}

function adamCases(): ConformanceCase[] {
  return casesFor('optimizers', 'adamUpdate', {
    'defaults (0.9, 0.999, 1e-7), steps 1..3': async (c) => {
      for (const dtype of floats(c)) await checkAdam(c, dtype, {});
    },
    'beta1 0.5, beta2 0.9, epsilon 1e-3, steps 1..3': async (c) => {
      for (const dtype of floats(c)) await checkAdam(c, dtype, { beta1: 0.5, beta2: 0.9, epsilon: 1e-3 });
    },
    'composite path (fused kernels hidden)': (c) =>
      withoutFusedKernels(c, async () => {
        await checkAdam(c, 'float32', {});
        await checkAdam(c, 'float32', { beta1: 0.5, beta2: 0.9, epsilon: 1e-3 });
      }),
    'step 0 throws ArgumentError': async (c) => {
      const [w, m, v] = vars(c, 'float32', 3);
      await expectError(() => tk.adamUpdate(w, gradient(c, 0, 'float32'), m, v, { learningRate: 0.01, step: 0 }), tk.ArgumentError, 'adamUpdate', 'step');
    },
    ...inPlaceCases('adamUpdate'),
  });
}

function variableCases(): ConformanceCase[] {
  return casesFor('optimizers', 'variable', {
    // Optimizer state in float64 is only useful if the variable holds float64 values.
    'float64 variable from plain numbers keeps float64 precision (float32 without float64)': async (c) => {
      const dtype: Float = c.float64 ? 'float64' : 'float32';
      const values = [0.1, 1 / 3, -2.2];
      const v = c.own(tk.variable(values, { dtype }));
      await expectTensor(v, { shape: [3], dtype, values: dtype === 'float32' ? values.map(Math.fround) : values });
    },
  });
}

/** Cases for sgdUpdate, rmspropUpdate and adamUpdate. */
export function optimizersCases(): ConformanceCase[] {
  return [...sgdCases(), ...rmspropCases(), ...adamCases(), ...variableCases()];
}
