/**
 * Golden cases: a table of inputs and expected outputs computed by NumPy in float64 (and rounded to
 * float32 where the case is float32) by `scripts/make_numpy_fixtures.py`, which wrote
 * `fixtures/numpy-golden.json` (it records the NumPy version). Each row runs one public op.
 *
 * Tolerances: a row may carry its own `rtol`/`atol` (the script documents why: element-wise
 * float32 rows use rtol 1e-6 with atol 0, shape rows are exact); otherwise the dtype's default.
 */
import * as tk from '@tensorkit/core';
import golden from '../../fixtures/numpy-golden.json' with { type: 'json' };
import { expectError, expectTensor } from '../assert.js';
import type { CaseContext, ConformanceCase } from '../case.js';

/** A tensor as the fixture stores it. */
interface GoldenTensor {
  readonly shape: number[];
  readonly dtype: tk.DType;
  readonly values: (number | string)[];
}

/** One golden row. */
interface GoldenCase {
  readonly op: string;
  readonly name: string;
  readonly inputs: GoldenTensor[];
  readonly params: Record<string, unknown>;
  readonly expected: GoldenTensor;
  readonly rtol?: number;
  readonly atol?: number;
}

interface GoldenFile {
  readonly generator: string;
  readonly numpy: string;
  readonly cases: GoldenCase[];
}

const file = golden as unknown as GoldenFile;

function decode(v: number | string): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

/** A tensor with the fixture's exact stored values. */
function make(c: CaseContext, t: GoldenTensor): tk.Tensor {
  const values = t.values.map(decode);
  const typed =
    t.dtype === 'float32' ? Float32Array.from(values)
    : t.dtype === 'float64' ? Float64Array.from(values)
    : t.dtype === 'int32' ? Int32Array.from(values)
    : Uint8Array.from(values);
  return c.own(tk.tensor(typed, { shape: t.shape, dtype: t.dtype }));
}

type Params = Record<string, unknown>;
type Run = (inputs: tk.Tensor[], p: Params) => tk.Tensor;

const axesOf = (p: Params): number | number[] | undefined => (p.axes === null || p.axes === undefined ? undefined : (p.axes as number | number[]));
const axisOf = (p: Params): number | undefined => (p.axis === null || p.axis === undefined ? undefined : (p.axis as number));

/** How each op of the table is called. */
const OPS: Record<string, Run> = {
  neg: ([x]) => tk.neg(x),
  abs: ([x]) => tk.abs(x),
  exp: ([x]) => tk.exp(x),
  log: ([x]) => tk.log(x),
  sqrt: ([x]) => tk.sqrt(x),
  square: ([x]) => tk.square(x),
  relu: ([x]) => tk.relu(x),
  sigmoid: ([x]) => tk.sigmoid(x),
  tanh: ([x]) => tk.tanh(x),
  sign: ([x]) => tk.sign(x),
  floor: ([x]) => tk.floor(x),
  ceil: ([x]) => tk.ceil(x),
  round: ([x]) => tk.round(x),
  isNaN: ([x]) => tk.isNaN(x),
  isFinite: ([x]) => tk.isFinite(x),
  add: ([a, b]) => tk.add(a, b),
  sub: ([a, b]) => tk.sub(a, b),
  mul: ([a, b]) => tk.mul(a, b),
  div: ([a, b]) => tk.div(a, b),
  pow: ([a, b]) => tk.pow(a, b),
  maximum: ([a, b]) => tk.maximum(a, b),
  minimum: ([a, b]) => tk.minimum(a, b),
  equal: ([a, b]) => tk.equal(a, b),
  notEqual: ([a, b]) => tk.notEqual(a, b),
  less: ([a, b]) => tk.less(a, b),
  lessEqual: ([a, b]) => tk.lessEqual(a, b),
  greater: ([a, b]) => tk.greater(a, b),
  greaterEqual: ([a, b]) => tk.greaterEqual(a, b),
  where: ([c, a, b]) => tk.where(c, a, b),
  clip: ([x], p) => tk.clip(x, p.min as number, p.max as number),
  cast: ([x], p) => tk.cast(x, p.dtype as tk.DType),
  sum: ([x], p) => tk.sum(x, axesOf(p), p.keepDims as boolean),
  mean: ([x], p) => tk.mean(x, axesOf(p), p.keepDims as boolean),
  max: ([x], p) => tk.max(x, axesOf(p), p.keepDims as boolean),
  min: ([x], p) => tk.min(x, axesOf(p), p.keepDims as boolean),
  prod: ([x], p) => tk.prod(x, axesOf(p), p.keepDims as boolean),
  logSumExp: ([x], p) => tk.logSumExp(x, axesOf(p), p.keepDims as boolean),
  argmax: ([x], p) => tk.argmax(x, axisOf(p)),
  argmin: ([x], p) => tk.argmin(x, axisOf(p)),
  dot: ([a, b]) => tk.dot(a, b),
  matmul: ([a, b], p) => tk.matmul(a, b, { transposeA: p.transposeA === true, transposeB: p.transposeB === true }),
  outer: ([a, b]) => tk.outer(a, b),
  reshape: ([x], p) => tk.reshape(x, p.shape as number[]),
  transpose: ([x], p) => tk.transpose(x, (p.perm ?? undefined) as number[] | undefined),
  expandDims: ([x], p) => tk.expandDims(x, p.axis as number),
  squeeze: ([x], p) => tk.squeeze(x, axesOf(p)),
  concat: (xs, p) => tk.concat(xs, p.axis as number),
  stack: (xs, p) => tk.stack(xs, p.axis as number),
  slice: ([x], p) => tk.slice(x, p.begin as number[], p.size as number[]),
  gather: ([x, i], p) => tk.gather(x, i, p.axis as number),
  oneHot: ([i], p) => tk.oneHot(i, p.depth as number),
  broadcastTo: ([x], p) => tk.broadcastTo(x, p.shape as number[]),
  softmax: ([x], p) => tk.softmax(x, p.axis as number),
  logSoftmax: ([x], p) => tk.logSoftmax(x, p.axis as number),
};

function usesFloat64(g: GoldenCase): boolean {
  return g.expected.dtype === 'float64' || g.inputs.some((t) => t.dtype === 'float64');
}

/** One case per fixture row: group `golden`, the op's public name, the row's name. */
export function goldenCases(): ConformanceCase[] {
  if (!file.generator.endsWith('make_numpy_fixtures.py') || file.cases.length === 0) {
    throw new Error('fixtures/numpy-golden.json is not the output of scripts/make_numpy_fixtures.py');
  }
  return file.cases.map((g): ConformanceCase => ({
    group: 'golden',
    op: g.op,
    name: g.name,
    async run(c) {
      const run = OPS[g.op];
      if (!run) throw new Error(`golden: no runner for op '${g.op}'`);
      if (usesFloat64(g) && !c.float64) {
        // A backend without float64 must refuse float64 tensors with a BackendError.
        await expectError(() => tk.tensor([1], { dtype: 'float64' }), tk.BackendError, 'float64');
        return;
      }
      const inputs = g.inputs.map((t) => make(c, t));
      const out = c.own(run(inputs, g.params));
      await expectTensor(out, { shape: g.expected.shape, dtype: g.expected.dtype, values: g.expected.values, rtol: g.rtol, atol: g.atol });
    },
  }));
}
