/**
 * The gradient tape (cells 33-38): TensorFlow's `tf.GradientTape` as TensorKit's `GradientTape`,
 * each result echoed as TensorFlow's tensor repr.
 */
import { GradientTape, matmul, pow, randomUniform, tensor, variable, zeros, type Tensor, type Variable } from '@tensorkit/core';
import { cell, heading, owner, type Section } from '../notebook.js';
import { ipythonList, tfRepr, valuesOf, type ArrayValues } from '../pyformat.js';

/** What the cells computed, for tests that check the random-dependent ones by their structure. */
export interface GradientResults {
  /** In [35]: the input `x` and the gradients with respect to `[W, b]`. */
  cell35?: { x: ArrayValues; gradW: ArrayValues; gradB: ArrayValues };
  /** In [38]: `x`, `W` and the gradients of `(xW + b)^3` with respect to `[W, b]`. */
  cell38?: { x: ArrayValues; W: ArrayValues; gradW: ArrayValues; gradB: ArrayValues };
}

export function gradientTape(): Section & { readonly results: GradientResults } {
  const { own, dispose } = owner();
  const results: GradientResults = {};
  // In [37]'s globals, used again by In [38].
  let x37: Tensor;
  let W37: Variable;
  let b37: Variable;

  /** Echoes a list of gradients as IPython shows a list of tf.Tensors. */
  const echoList = async (grads: readonly Tensor[]) => ipythonList(await Promise.all(grads.map(async (g) => tfRepr(await valuesOf(g)))));

  return {
    name: 'gradient-tape',
    results,
    items: [
      heading('## The engine of neural networks: gradient-based optimization'),
      heading("### What's a derivative?"),
      heading('### Derivative of a tensor operation: the gradient'),
      heading('### Stochastic gradient descent'),
      heading('### Chaining derivatives: The Backpropagation algorithm'),
      heading('#### The chain rule'),
      heading('#### Automatic differentiation with computation graphs'),
      heading('#### The gradient tape in TensorFlow'),
      cell(33, async (ctx) => {
        const x = own(variable(0));
        const tape = new GradientTape();
        const y = own(tape.record(() => x.mul(2).add(3)));
        const gradOfYWrtX = own(tape.gradient(y, x));
        ctx.print(tfRepr(await valuesOf(gradOfYWrtX)));
      }),
      cell(34, async (ctx) => {
        const x = own(variable(own(randomUniform([2, 2]))));
        const tape = new GradientTape();
        const y = own(tape.record(() => x.mul(2).add(3)));
        const gradOfYWrtX = own(tape.gradient(y, x));
        ctx.print(tfRepr(await valuesOf(gradOfYWrtX)));
      }),
      cell(35, async (ctx) => {
        const W = own(variable(own(randomUniform([2, 2]))));
        const b = own(variable(own(zeros([2]))));
        const x = own(randomUniform([2, 2]));
        const tape = new GradientTape();
        const y = own(tape.record(() => matmul(x, W).add(b)));
        const [gradW, gradB] = tape.gradient(y, [W, b]).map(own);
        results.cell35 = { x: await valuesOf(x), gradW: await valuesOf(gradW), gradB: await valuesOf(gradB) };
        ctx.print(await echoList([gradW, gradB]));
      }),
      cell(36, async (ctx) => {
        // Derivatives of f(x, y) = x^2*y + x*y + 3*y with respect to x and y.
        const x = own(variable(2));
        const y = own(variable(1));
        const tape = new GradientTape();
        const f = own(tape.record(() => pow(x, 2).mul(y).add(x.mul(y)).add(y.mul(3))));
        ctx.print(await echoList(tape.gradient(f, [x, y]).map(own)));
      }),
      cell(37, async (ctx) => {
        x37 = own(tensor([1, 4, 3], { dtype: 'float32' }).reshape([1, 3]));
        W37 = own(variable(own(randomUniform([3, 2])), { dtype: 'float32' }));
        b37 = own(variable(own(zeros([2])), { dtype: 'float32' }));
        const tape = new GradientTape();
        const y = own(tape.record(() => matmul(x37, W37).add(b37)));
        ctx.print(await echoList(tape.gradient(y, [W37, b37]).map(own)));
      }),
      cell(38, async (ctx) => {
        const tape = new GradientTape();
        const y = own(tape.record(() => pow(matmul(x37, W37).add(b37), 3)));
        const [gradW, gradB] = tape.gradient(y, [W37, b37]).map(own);
        results.cell38 = { x: await valuesOf(x37), W: await valuesOf(W37), gradW: await valuesOf(gradW), gradB: await valuesOf(gradB) };
        ctx.print(await echoList([gradW, gradB]));
      }),
    ],
    dispose,
  };
}
