/**
 * Shape and movement ops: reshape, transpose, expandDims, squeeze, flatten, concat, stack, slice,
 * gather, oneHot, broadcastTo and clone. Values only move, so every comparison is exact; expected
 * values are written by hand or computed here by index arithmetic (the NumPy definitions).
 */
import fc from 'fast-check';
import * as tk from '@tensorkit/core';
import { check, expectError, expectTensor } from '../assert.js';
import { casesFor, type CaseContext, type ConformanceCase } from '../case.js';
import { typed, make, sizeOf } from './build.js';

type DType = tk.DType;
const EXACT = { rtol: 0, atol: 0 };

function iota(n: number, from = 0): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

/** X = arange(24) as [2, 3, 4]: X[i,j,k] = 12i + 4j + k. */
function arange24(c: CaseContext, dtype: DType = 'float32'): tk.Tensor {
  return make(c, iota(24), dtype, [2, 3, 4]);
}

function stridesOf(shape: readonly number[]): number[] {
  const s: number[] = [];
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

function multiIndex(flat: number, shape: readonly number[]): number[] {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}

/** NumPy's transpose: out[i_0..i_n] = x[index with input axis perm[d] = i_d]. */
function refTranspose(values: readonly number[], shape: readonly number[], perm: readonly number[]): { shape: number[]; values: number[] } {
  const outShape = perm.map((p) => shape[p]);
  const strides = stridesOf(shape);
  const values_: number[] = [];
  for (let f = 0; f < sizeOf(outShape); f++) {
    const idx = multiIndex(f, outShape);
    values_.push(values[idx.reduce((s, v, d) => s + v * strides[perm[d]], 0)]);
  }
  return { shape: outShape, values: values_ };
}

function reshapeCases(): ConformanceCase[] {
  return casesFor('shape', 'reshape', {
    'row-major order is kept': async (c) => {
      await expectTensor(c.own(tk.reshape(arange24(c), [4, 6])), { shape: [4, 6], dtype: 'float32', values: iota(24), ...EXACT });
      await expectTensor(c.own(tk.reshape(arange24(c, 'int32'), [24])), { shape: [24], dtype: 'int32', values: iota(24) });
    },
    'one -1 is inferred': async (c) => {
      await expectTensor(c.own(tk.reshape(arange24(c), [-1, 8])), { shape: [3, 8], values: iota(24), ...EXACT });
      await expectTensor(c.own(tk.reshape(arange24(c), [2, -1, 3])), { shape: [2, 4, 3], values: iota(24), ...EXACT });
      await expectTensor(c.own(tk.reshape(arange24(c), [-1])), { shape: [24], values: iota(24), ...EXACT });
      await expectTensor(c.own(tk.reshape(make(c, [], 'float32', [0, 3]), [-1, 3])), { shape: [0, 3], values: [] });
    },
    'scalar to and from [1]': async (c) => {
      await expectTensor(c.own(tk.reshape(make(c, [7], 'float32', [1, 1]), [])), { shape: [], values: [7] });
      await expectTensor(c.own(tk.reshape(make(c, [7], 'float32', []), [1, 1, 1])), { shape: [1, 1, 1], values: [7] });
    },
    'shares values: the view outlives the original': async (c) => {
      // Owned too (dispose is idempotent), so a failure before the early dispose cannot leak it.
      const x = c.own(tk.tensor([[1, 2], [3, 4]]));
      const before = tk.memory().numStorages;
      const y = c.own(tk.reshape(x, [4]));
      // No new storage for the view.
      check(tk.memory().numStorages === before, `reshape made a new storage (${before} → ${tk.memory().numStorages})`);
      x.dispose();
      await expectTensor(y, { shape: [4], values: [1, 2, 3, 4], ...EXACT });
    },
    'bool keeps its dtype': async (c) => {
      await expectTensor(c.own(tk.reshape(make(c, [true, false, false, true], 'bool'), [2, 2])), { shape: [2, 2], dtype: 'bool', values: [1, 0, 0, 1] });
    },
    'bad shapes are ShapeErrors': async (c) => {
      const x = arange24(c);
      await expectError(() => c.own(tk.reshape(x, [5, -1])), tk.ShapeError, 'reshape', '24');
      await expectError(() => c.own(tk.reshape(x, [-1, -1])), tk.ShapeError, 'reshape');
      await expectError(() => c.own(tk.reshape(x, [5, 5])), tk.ShapeError, 'reshape');
      await expectError(() => c.own(tk.reshape(x, [2, -2, -6])), tk.ShapeError, 'reshape');
    },
  });
}

function transposeCases(): ConformanceCase[] {
  return casesFor('shape', 'transpose', {
    'default reverses the axes': async (c) => {
      // Xᵀ[k,j,i] = X[i,j,k] = 12i + 4j + k.
      const expected: number[] = [];
      for (let k = 0; k < 4; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) expected.push(12 * i + 4 * j + k);
      await expectTensor(c.own(tk.transpose(arange24(c))), { shape: [4, 3, 2], values: expected, ...EXACT });
      // A matrix: [[1,2,3],[4,5,6]]ᵀ = [[1,4],[2,5],[3,6]].
      await expectTensor(c.own(tk.transpose(make(c, [1, 2, 3, 4, 5, 6], 'int32', [2, 3]))), { shape: [3, 2], dtype: 'int32', values: [1, 4, 2, 5, 3, 6] });
    },
    'a given permutation': async (c) => {
      // perm [1, 2, 0]: out[j,k,i] = X[i,j,k].
      const expected: number[] = [];
      for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) for (let i = 0; i < 2; i++) expected.push(12 * i + 4 * j + k);
      await expectTensor(c.own(tk.transpose(arange24(c), [1, 2, 0])), { shape: [3, 4, 2], values: expected, ...EXACT });
    },
    'scalar, size-0 and bool': async (c) => {
      await expectTensor(c.own(tk.transpose(make(c, [3], 'float32', []))), { shape: [], values: [3] });
      await expectTensor(c.own(tk.transpose(make(c, [], 'float32', [0, 2]))), { shape: [2, 0], values: [] });
      await expectTensor(c.own(tk.transpose(make(c, [true, false, false, false], 'bool', [2, 2]))), { shape: [2, 2], dtype: 'bool', values: [1, 0, 0, 0] });
    },
    'not a permutation is a ShapeError': async (c) => {
      const x = arange24(c);
      await expectError(() => c.own(tk.transpose(x, [0, 1])), tk.ShapeError, 'transpose');
      await expectError(() => c.own(tk.transpose(x, [0, 0, 1])), tk.ShapeError, 'transpose');
      await expectError(() => c.own(tk.transpose(x, [0, 1, 3])), tk.ShapeError, 'transpose');
    },
    'property: any permutation of any shape': async (c) => {
      const arb = fc
        .array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 })
        .chain((shape) => fc.tuple(fc.constant(shape), fc.shuffledSubarray(iota(shape.length), { minLength: shape.length, maxLength: shape.length }), fc.constantFrom<DType>('float32', 'int32', 'bool')));
      await fc.assert(
        fc.asyncProperty(arb, async ([shape, perm, dtype]) => {
          const values = iota(sizeOf(shape)).map((v) => (dtype === 'bool' ? (v % 3 === 0 ? 1 : 0) : dtype === 'int32' ? v - 7 : v * 1.5 - 7));
          const ref = refTranspose(values, shape, perm);
          const y = c.own(tk.transpose(make(c, values, dtype, shape), perm));
          await expectTensor(y, { shape: ref.shape, dtype, values: ref.values, ...EXACT }, `transpose [${shape}] by [${perm}]`);
        }),
        { numRuns: 50, seed: 31337 },
      );
    },
  });
}

function expandSqueezeFlattenCases(): ConformanceCase[] {
  return [
    ...casesFor('shape', 'expandDims', {
      'axis 0, middle, -1 and -rank-1': async (c) => {
        const x = () => make(c, [1, 2, 3, 4, 5, 6], 'float32', [2, 3]);
        await expectTensor(c.own(tk.expandDims(x())), { shape: [1, 2, 3], values: [1, 2, 3, 4, 5, 6] });
        await expectTensor(c.own(tk.expandDims(x(), 1)), { shape: [2, 1, 3], values: [1, 2, 3, 4, 5, 6] });
        await expectTensor(c.own(tk.expandDims(x(), 2)), { shape: [2, 3, 1], values: [1, 2, 3, 4, 5, 6] });
        await expectTensor(c.own(tk.expandDims(x(), -1)), { shape: [2, 3, 1], values: [1, 2, 3, 4, 5, 6] });
        await expectTensor(c.own(tk.expandDims(x(), -3)), { shape: [1, 2, 3], values: [1, 2, 3, 4, 5, 6] });
        await expectTensor(c.own(tk.expandDims(make(c, [9], 'int32', []), -1)), { shape: [1], dtype: 'int32', values: [9] });
      },
      'axis out of range is a ShapeError': async (c) => {
        const x = make(c, [1, 2, 3, 4, 5, 6], 'float32', [2, 3]);
        await expectError(() => c.own(tk.expandDims(x, 3)), tk.ShapeError, 'expandDims');
        await expectError(() => c.own(tk.expandDims(x, -4)), tk.ShapeError, 'expandDims');
      },
    }),
    ...casesFor('shape', 'squeeze', {
      'all size-1 axes by default': async (c) => {
        await expectTensor(c.own(tk.squeeze(make(c, iota(6), 'float32', [1, 3, 1, 2]))), { shape: [3, 2], values: iota(6) });
        await expectTensor(c.own(tk.squeeze(make(c, [5], 'float32', [1, 1]))), { shape: [], values: [5] });
        await expectTensor(c.own(tk.squeeze(make(c, iota(6), 'float32', [3, 2]))), { shape: [3, 2], values: iota(6) });
      },
      'given axes, negative too': async (c) => {
        await expectTensor(c.own(tk.squeeze(make(c, iota(6), 'int32', [1, 3, 1, 2]), 2)), { shape: [1, 3, 2], dtype: 'int32', values: iota(6) });
        await expectTensor(c.own(tk.squeeze(make(c, iota(6), 'int32', [1, 3, 1, 2]), [0, -2])), { shape: [3, 2], dtype: 'int32', values: iota(6) });
        await expectTensor(c.own(tk.squeeze(make(c, [], 'float32', [0, 1]), -1)), { shape: [0], values: [] });
      },
      'squeezing an axis that is not 1 is a ShapeError': async (c) => {
        const x = make(c, iota(6), 'float32', [1, 3, 1, 2]);
        await expectError(() => c.own(tk.squeeze(x, 1)), tk.ShapeError, 'squeeze', '3');
        await expectError(() => c.own(tk.squeeze(x, 4)), tk.ShapeError, 'squeeze');
      },
    }),
    ...casesFor('shape', 'flatten', {
      'any rank to 1-D': async (c) => {
        await expectTensor(c.own(tk.flatten(arange24(c))), { shape: [24], values: iota(24), ...EXACT });
        await expectTensor(c.own(tk.flatten(make(c, [4], 'float32', []))), { shape: [1], values: [4] });
        await expectTensor(c.own(tk.flatten(make(c, [], 'bool', [2, 0]))), { shape: [0], dtype: 'bool', values: [] });
      },
    }),
  ];
}

function concatStackCases(): ConformanceCase[] {
  return [
    ...casesFor('shape', 'concat', {
      'axis 0, 1 and -1': async (c) => {
        const a = make(c, [1, 2, 3, 4], 'float32', [2, 2]);
        const b = make(c, [5, 6], 'float32', [1, 2]);
        const d = make(c, [7, 8, 9, 10, 11, 12], 'float32', [2, 3]);
        // [[1,2],[3,4]] over [[5,6]]; [[1,2],[3,4]] beside [[7,8,9],[10,11,12]].
        await expectTensor(c.own(tk.concat([a, b], 0)), { shape: [3, 2], values: [1, 2, 3, 4, 5, 6] });
        await expectTensor(c.own(tk.concat([a, d], 1)), { shape: [2, 5], values: [1, 2, 7, 8, 9, 3, 4, 10, 11, 12] });
        await expectTensor(c.own(tk.concat([a, d, a], -1)), { shape: [2, 7], values: [1, 2, 7, 8, 9, 1, 2, 3, 4, 10, 11, 12, 3, 4] });
      },
      'middle axis of rank 3': async (c) => {
        // X [2,3,4] with Y [2,1,4] = 100 + l on axis 1.
        const y = make(c, iota(8, 100), 'float32', [2, 1, 4]);
        const expected = [...iota(12), ...iota(4, 100), ...iota(12, 12), ...iota(4, 104)];
        await expectTensor(c.own(tk.concat([arange24(c), y], 1)), { shape: [2, 4, 4], values: expected });
      },
      'mixed dtypes promote': async (c) => {
        const i = make(c, [1, 2], 'int32');
        const f = make(c, [0.5], 'float32');
        const b = make(c, [true, false], 'bool');
        await expectTensor(c.own(tk.concat([i, f])), { shape: [3], dtype: 'float32', values: [1, 2, 0.5] });
        await expectTensor(c.own(tk.concat([b, i])), { shape: [4], dtype: 'int32', values: [1, 0, 1, 2] });
        await expectTensor(c.own(tk.concat([b, b])), { shape: [4], dtype: 'bool', values: [1, 0, 1, 0] });
        if (c.float64) await expectTensor(c.own(tk.concat([f, make(c, [0.1], 'float64')])), { shape: [2], dtype: 'float64', values: [0.5, 0.1] });
      },
      'size-0 pieces and a single piece': async (c) => {
        const e = make(c, [], 'float32', [0, 2]);
        const a = make(c, [1, 2], 'float32', [1, 2]);
        await expectTensor(c.own(tk.concat([e, a, e])), { shape: [1, 2], values: [1, 2] });
        await expectTensor(c.own(tk.concat([a])), { shape: [1, 2], values: [1, 2] });
      },
      'mismatched shapes, scalars and empty lists are errors': async (c) => {
        const a = make(c, [1, 2, 3, 4], 'float32', [2, 2]);
        const b = make(c, [1, 2, 3], 'float32', [1, 3]);
        await expectError(() => c.own(tk.concat([a, b], 0)), tk.ShapeError, 'concat', '[2,2]', '[1,3]');
        await expectError(() => c.own(tk.concat([a, make(c, [1, 2], 'float32', [2])])), tk.ShapeError, 'concat');
        await expectError(() => c.own(tk.concat([make(c, [1], 'float32', []), make(c, [2], 'float32', [])])), tk.ShapeError, 'concat');
        await expectError(() => c.own(tk.concat([])), tk.ArgumentError, 'concat');
      },
    }),
    ...casesFor('shape', 'stack', {
      'axis 0, 1 and -1': async (c) => {
        const a = () => make(c, [1, 2, 3], 'float32');
        const b = () => make(c, [4, 5, 6], 'float32');
        await expectTensor(c.own(tk.stack([a(), b()])), { shape: [2, 3], values: [1, 2, 3, 4, 5, 6] });
        await expectTensor(c.own(tk.stack([a(), b()], 1)), { shape: [3, 2], values: [1, 4, 2, 5, 3, 6] });
        await expectTensor(c.own(tk.stack([a(), b()], -1)), { shape: [3, 2], values: [1, 4, 2, 5, 3, 6] });
      },
      'scalars stack to a vector; dtypes promote': async (c) => {
        await expectTensor(c.own(tk.stack([make(c, [1], 'int32', []), make(c, [2], 'int32', [])])), { shape: [2], dtype: 'int32', values: [1, 2] });
        await expectTensor(c.own(tk.stack([make(c, [1], 'int32', [1]), make(c, [2.5], 'float32', [1])])), { shape: [2, 1], dtype: 'float32', values: [1, 2.5] });
      },
      'rank 2 along the middle': async (c) => {
        // stack([A, B], 1)[i, s, j] = (s ? B : A)[i, j].
        const A = make(c, [1, 2, 3, 4], 'float32', [2, 2]);
        const B = make(c, [5, 6, 7, 8], 'float32', [2, 2]);
        await expectTensor(c.own(tk.stack([A, B], 1)), { shape: [2, 2, 2], values: [1, 2, 5, 6, 3, 4, 7, 8] });
      },
      'unequal shapes are a ShapeError': async (c) => {
        await expectError(() => c.own(tk.stack([make(c, [1, 2]), make(c, [1, 2, 3])])), tk.ShapeError, 'stack');
      },
    }),
  ];
}

function sliceCases(): ConformanceCase[] {
  return casesFor('shape', 'slice', {
    'begin and size on every axis': async (c) => {
      // X[1:2, 0:2, 1:3] = [[[13,14],[17,18]]].
      await expectTensor(c.own(tk.slice(arange24(c), [1, 0, 1], [1, 2, 2])), { shape: [1, 2, 2], values: [13, 14, 17, 18], ...EXACT });
    },
    'size -1 runs to the end': async (c) => {
      // X[0:1, 1:, 2:] = [[[6,7],[10,11]]].
      await expectTensor(c.own(tk.slice(arange24(c), [0, 1, 2], [1, -1, -1])), { shape: [1, 2, 2], values: [6, 7, 10, 11], ...EXACT });
    },
    'partial begin: missing axes are taken whole': async (c) => {
      // X[1:] = the second block 12..23; X[:, 2:] = rows j = 2.
      await expectTensor(c.own(tk.slice(arange24(c), [1])), { shape: [1, 3, 4], values: iota(12, 12), ...EXACT });
      await expectTensor(c.own(tk.slice(arange24(c), 1)), { shape: [1, 3, 4], values: iota(12, 12), ...EXACT });
      await expectTensor(c.own(tk.slice(arange24(c), [0, 2])), { shape: [2, 1, 4], values: [8, 9, 10, 11, 20, 21, 22, 23], ...EXACT });
      await expectTensor(c.own(tk.slice(make(c, iota(5), 'int32'), 3, 2)), { shape: [2], dtype: 'int32', values: [3, 4] });
    },
    'zero-size slices': async (c) => {
      await expectTensor(c.own(tk.slice(arange24(c), [0, 3, 0], [2, 0, 4])), { shape: [2, 0, 4], values: [] });
      await expectTensor(c.own(tk.slice(make(c, iota(5)), 5)), { shape: [0], values: [] });
    },
    'out of bounds is a ShapeError': async (c) => {
      const x = arange24(c);
      await expectError(() => c.own(tk.slice(x, [0, 0, 3], [1, 1, 2])), tk.ShapeError, 'slice');
      await expectError(() => c.own(tk.slice(x, [3])), tk.ShapeError, 'slice');
      await expectError(() => c.own(tk.slice(x, [-1])), tk.ShapeError, 'slice');
      await expectError(() => c.own(tk.slice(x, [0, 0, 0, 0])), tk.ShapeError, 'slice');
    },
  });
}

function gatherCases(): ConformanceCase[] {
  const idx = (c: CaseContext, values: number[], shape: number[] = [values.length]) => make(c, values, 'int32', shape);
  return casesFor('shape', 'gather', {
    'axis 0 picks rows, repeats allowed': async (c) => {
      const x = make(c, [1, 2, 3, 4, 5, 6], 'float32', [3, 2]);
      await expectTensor(c.own(tk.gather(x, idx(c, [2, 0, 2]))), { shape: [3, 2], values: [5, 6, 1, 2, 5, 6], ...EXACT });
    },
    'axis 1 and -1': async (c) => {
      // X[:, [3, 0], :] and X[..., [1]].
      const expected1: number[] = [];
      for (let i = 0; i < 2; i++) for (const j of [2, 0]) for (let k = 0; k < 4; k++) expected1.push(12 * i + 4 * j + k);
      await expectTensor(c.own(tk.gather(arange24(c), idx(c, [2, 0]), 1)), { shape: [2, 2, 4], values: expected1, ...EXACT });
      await expectTensor(c.own(tk.gather(arange24(c), idx(c, [1]), -1)), { shape: [2, 3, 1], values: [1, 5, 9, 13, 17, 21], ...EXACT });
    },
    'multi-dimensional indices: shape x[:axis] + indices + x[axis+1:]': async (c) => {
      // take(X, [[0, 3], [2, 2]], axis=2)[i, j, a, b] = X[i, j, I[a, b]].
      const I = [0, 3, 2, 2];
      const expected: number[] = [];
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (const k of I) expected.push(12 * i + 4 * j + k);
      await expectTensor(c.own(tk.gather(arange24(c), idx(c, I, [2, 2]), 2)), { shape: [2, 3, 2, 2], values: expected, ...EXACT });
      // A scalar index removes the axis.
      await expectTensor(c.own(tk.gather(arange24(c), idx(c, [1], []), 0)), { shape: [3, 4], values: iota(12, 12), ...EXACT });
    },
    'int32 and bool values; empty indices': async (c) => {
      await expectTensor(c.own(tk.gather(make(c, [7, 8, 9], 'int32'), idx(c, [2, 1]))), { shape: [2], dtype: 'int32', values: [9, 8] });
      await expectTensor(c.own(tk.gather(make(c, [true, false], 'bool'), idx(c, [1, 1, 0]))), { shape: [3], dtype: 'bool', values: [0, 0, 1] });
      await expectTensor(c.own(tk.gather(make(c, [1, 2, 3, 4], 'float32', [2, 2]), idx(c, [], [0]))), { shape: [0, 2], values: [] });
    },
    'plain numbers and arrays are indices': async (c) => {
      const x = make(c, [1, 2, 3, 4, 5, 6], 'float32', [3, 2]);
      await expectTensor(c.own(tk.gather(x, 1)), { shape: [2], values: [3, 4] });
      await expectTensor(c.own(tk.gather(x, [2, 0])), { shape: [2, 2], values: [5, 6, 1, 2] });
    },
    'out-of-range and float indices are errors': async (c) => {
      const x = make(c, [1, 2, 3, 4, 5, 6], 'float32', [3, 2]);
      if (c.syncRead) {
        await expectError(() => c.own(tk.gather(x, idx(c, [3]))), tk.ShapeError, 'gather', '3');
        await expectError(() => c.own(tk.gather(x, idx(c, [-1]))), tk.ShapeError, 'gather');
      } else {
        // Core checks indices only where it can read them synchronously; elsewhere the contract
        // (GatherArgs) makes an out-of-range index give zeros, never a read out of bounds.
        await expectTensor(c.own(tk.gather(x, idx(c, [3, 0, -1]))), { shape: [3, 2], values: [0, 0, 1, 2, 0, 0] });
      }
      await expectError(() => c.own(tk.gather(x, make(c, [0, 1], 'float32'))), tk.DTypeError, 'gather', 'int32');
      await expectError(() => c.own(tk.gather(x, idx(c, [0]), 2)), tk.ShapeError, 'gather');
    },
  });
}

function oneHotCases(): ConformanceCase[] {
  return casesFor('shape', 'oneHot', {
    'indices to rows, out-of-range index gives a zero row': async (c) => {
      // depth 3: 0 → [1,0,0], 2 → [0,0,1], -1 and 3 → [0,0,0].
      const y = c.own(tk.oneHot(make(c, [0, 2, -1, 3], 'int32'), 3));
      await expectTensor(y, { shape: [4, 3], dtype: 'float32', values: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], ...EXACT });
    },
    'multi-dimensional indices, on/off values, dtypes': async (c) => {
      const y = c.own(tk.oneHot(make(c, [1, 0, 0, 1], 'int32', [2, 2]), 2, { onValue: 5, offValue: -1, dtype: 'int32' }));
      await expectTensor(y, { shape: [2, 2, 2], dtype: 'int32', values: [-1, 5, 5, -1, 5, -1, -1, 5] });
      if (c.float64) {
        await expectTensor(c.own(tk.oneHot(make(c, [1], 'int32'), 2, { dtype: 'float64', onValue: 0.1 })), { shape: [1, 2], dtype: 'float64', values: [0, 0.1] });
      }
      await expectTensor(c.own(tk.oneHot(make(c, [2], 'int32', []), 4)), { shape: [4], values: [0, 0, 1, 0] });
    },
    'non-int32 indices and bad depth are errors': async (c) => {
      await expectError(() => c.own(tk.oneHot(make(c, [0, 1], 'float32'), 2)), tk.DTypeError, 'oneHot');
      const i = make(c, [0], 'int32');
      await expectError(() => c.own(tk.oneHot(i, -1)), tk.ArgumentError, 'oneHot');
      await expectError(() => c.own(tk.oneHot(i, 1.5)), tk.ArgumentError, 'oneHot');
    },
  });
}

function broadcastCloneCases(): ConformanceCase[] {
  return [
    ...casesFor('shape', 'broadcastTo', {
      'NumPy rules: new leading axes and size-1 axes repeat': async (c) => {
        await expectTensor(c.own(tk.broadcastTo(make(c, [1, 2, 3]), [2, 3])), { shape: [2, 3], values: [1, 2, 3, 1, 2, 3] });
        await expectTensor(c.own(tk.broadcastTo(make(c, [1, 2], 'int32', [2, 1]), [2, 4])), { shape: [2, 4], dtype: 'int32', values: [1, 1, 1, 1, 2, 2, 2, 2] });
        await expectTensor(c.own(tk.broadcastTo(make(c, [7], 'float32', []), [2, 2])), { shape: [2, 2], values: [7, 7, 7, 7] });
        // [3,1] → [2,3,4]: out[a,j,k] = x[j].
        await expectTensor(c.own(tk.broadcastTo(make(c, [1, 2, 3], 'float32', [3, 1]), [2, 3, 4])), { shape: [2, 3, 4], values: [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3] });
        await expectTensor(c.own(tk.broadcastTo(make(c, [5], 'float32', [1]), [0])), { shape: [0], values: [] });
        await expectTensor(c.own(tk.broadcastTo(make(c, [true], 'bool', [1]), [3])), { shape: [3], dtype: 'bool', values: [1, 1, 1] });
      },
      'shapes that do not contain the input are a ShapeError': async (c) => {
        const x = make(c, iota(6), 'float32', [2, 3]);
        await expectError(() => c.own(tk.broadcastTo(x, [3])), tk.ShapeError, 'broadcastTo');
        await expectError(() => c.own(tk.broadcastTo(x, [2, 1])), tk.ShapeError, 'broadcastTo');
        await expectError(() => c.own(tk.broadcastTo(x, [4, 3])), tk.ShapeError, 'broadcastTo');
      },
    }),
    ...casesFor('shape', 'clone', {
      'same values, shape and dtype, independent lifetime': async (c) => {
        for (const dtype of ['float32', 'int32', 'bool'] as DType[]) {
          const x = c.own(tk.tensor(typed([1, 0, 1, 1, 0, 1], dtype), { shape: [2, 3], dtype }));
          const y = c.own(tk.clone(x));
          check(y !== x, 'clone returned its input');
          x.dispose();
          await expectTensor(y, { shape: [2, 3], dtype, values: [1, 0, 1, 1, 0, 1] }, dtype);
        }
        await expectTensor(c.own(tk.clone(make(c, [NaN, -0, Infinity], 'float32'))), { shape: [3], values: [NaN, -0, Infinity], signedZeros: true });
        await expectTensor(c.own(tk.clone(make(c, [], 'float32', [0, 5]))), { shape: [0, 5], values: [] });
      },
    }),
  ];
}

/** Every shape case. */
export function shapeCases(): ConformanceCase[] {
  return [
    ...reshapeCases(),
    ...transposeCases(),
    ...expandSqueezeFlattenCases(),
    ...concatStackCases(),
    ...sliceCases(),
    ...gatherCases(),
    ...oneHotCases(),
    ...broadcastCloneCases(),
  ];
}
