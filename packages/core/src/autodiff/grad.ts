/** Functional gradients on top of GradientTape, as JAX's `grad` and `value_and_grad`. */
import { disposeTensor } from '../engine/engine.js';
import { ArgumentError } from '../errors.js';
import { withTensors, type TensorLike } from '../ops/convert.js';
import type { Tensor } from '../tensor.js';
import { GradientTape } from './gradient-tape.js';

function evaluate(fn: (...xs: Tensor[]) => Tensor, args: readonly TensorLike[]): { value: Tensor; grads: Tensor[] } {
  if (typeof fn !== 'function') throw new ArgumentError('grad: expected a function of tensors returning a tensor');
  return withTensors('grad', args, args.map((_, i) => `argument ${i}`), (inputs) => {
    const tape = new GradientTape();
    try {
      tape.watch(...inputs);
      const value = tape.record(() => fn(...inputs));
      return { value, grads: tape.gradient(value, inputs) };
    } finally {
      tape.dispose();
    }
  }, 'float32');
}

/**
 * The function's gradient: `grad(f)(x)` is df/dx (for a non-scalar f, of its sum).
 *
 * @example grad((x) => x.square())(tensor(3)) // 6.
 */
export function grad(fn: (x: Tensor) => Tensor): (x: TensorLike) => Tensor {
  return (x) => {
    const { value, grads } = evaluate(fn as (...xs: Tensor[]) => Tensor, [x]);
    disposeTensor(value);
    return grads[0];
  };
}

/** Gradients with respect to every argument: `grads(f)(a, b)` is `[df/da, df/db]`. */
export function grads(fn: (...xs: Tensor[]) => Tensor): (...xs: TensorLike[]) => Tensor[] {
  return (...xs) => {
    const { value, grads: result } = evaluate(fn, xs);
    disposeTensor(value);
    return result;
  };
}

/** The value and the gradient: `valueAndGrad(f)(x)` is `{ value: f(x), grad: df/dx }`. */
export function valueAndGrad(fn: (x: Tensor) => Tensor): (x: TensorLike) => { value: Tensor; grad: Tensor } {
  return (x) => {
    const { value, grads: result } = evaluate(fn as (...xs: Tensor[]) => Tensor, [x]);
    return { value, grad: result[0] };
  };
}

/** The value and the gradients with respect to every argument. */
export function valueAndGrads(fn: (...xs: Tensor[]) => Tensor): (...xs: TensorLike[]) => { value: Tensor; grads: Tensor[] } {
  return (...xs) => evaluate(fn, xs);
}
