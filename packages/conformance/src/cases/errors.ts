/**
 * Typed errors and their messages: each names the op, the shapes or dtypes involved, and what would
 * be valid. Many calls pass plain arrays, so the op makes temporaries before failing: the runner's
 * leak check then verifies that error paths free them.
 */
import * as tk from '@tensorkit/core';
import type { DType } from '@tensorkit/core';
import { check, expectError, expectTensor } from '../assert.js';
import { casesFor, type ConformanceCase } from '../case.js';

const M23 = [[1, 2, 3], [4, 5, 6]];

function shapeCases(): ConformanceCase[] {
  return casesFor('errors', 'ShapeError', {
    'add of shapes that cannot broadcast': async (c) => {
      const a = c.own(tk.ones([2, 3]));
      const b = c.own(tk.ones([4]));
      await expectError(() => tk.add(a, b), tk.ShapeError, 'add: shapes [2,3] and [4] cannot broadcast (dimension 1: 3 vs 4)');
      await expectError(() => tk.add(M23, [1, 2, 3, 4]), tk.ShapeError, 'add: shapes [2,3] and [4] cannot broadcast (dimension 1: 3 vs 4)');
      await expectError(() => tk.mul([[1], [2], [3]], [[1, 2], [3, 4]]), tk.ShapeError, 'mul', '[3,1]', '[2,2]', '3 vs 2');
    },
    'matmul inner dimensions differ': async (c) => {
      const a = c.own(tk.ones([2, 3]));
      const b = c.own(tk.ones([4, 5]));
      await expectError(() => tk.matmul(a, b), tk.ShapeError, 'matmul', '[2,3]', '[4,5]', '3 vs 4');
      await expectError(() => tk.matmul(M23, M23), tk.ShapeError, 'matmul', '3 vs 2');
      await expectError(() => tk.matmul([1, 2, 3], M23), tk.ShapeError, 'matmul', 'rank', 'dot()');
    },
    'dot of misaligned shapes': async () => {
      await expectError(() => tk.dot(M23, [1, 2, 3, 4]), tk.ShapeError, 'dot: shapes [2,3] and [4] not aligned', '3 (dim 1) != 4 (dim 0)');
      await expectError(() => tk.dot([1, 2], [1, 2, 3]), tk.ShapeError, 'dot', '[2]', '[3]');
    },
    'reshape with a size mismatch or two -1': async (c) => {
      const x = c.own(tk.ones([2, 3]));
      await expectError(() => tk.reshape(x, [4, 2]), tk.ShapeError, 'reshape: cannot reshape [2,3] (6 elements) to [4,2] (8 elements)');
      await expectError(() => tk.reshape(x, [-1, -1]), tk.ShapeError, 'reshape', '[-1,-1]', 'more than one -1');
      await expectError(() => tk.reshape(x, [4, -1]), tk.ShapeError, 'reshape', '[2,3]', '[4,-1]');
      await expectError(() => tk.reshape(M23, [5]), tk.ShapeError, 'reshape', '6 elements');
    },
    'transpose with a bad perm': async (c) => {
      const x = c.own(tk.ones([2, 3]));
      await expectError(() => tk.transpose(x, [0, 0]), tk.ShapeError, 'transpose', '[0,0]', '[2,3]', 'permutation');
      await expectError(() => tk.transpose(x, [1, 0, 2]), tk.ShapeError, 'transpose', '[1,0,2]', '0..1');
    },
    'squeeze of an axis whose size is not 1': async () => {
      await expectError(() => tk.squeeze([[[1, 2, 3]], [[4, 5, 6]]], 0), tk.ShapeError, 'squeeze: axis 0 of shape [2,1,3] has size 2', 'size 1');
    },
    'axis out of range': async (c) => {
      const x = c.own(tk.ones([2, 3]));
      await expectError(() => tk.sum(x, 2), tk.ShapeError, 'sum: axis 2 is out of range for a rank-2 tensor', '[-2, 1]');
      await expectError(() => tk.mean(M23, -3), tk.ShapeError, 'mean', 'axis -3', '[-2, 1]');
      await expectError(() => tk.softmax(x, 5), tk.ShapeError, 'softmax', 'axis 5');
      await expectError(() => tk.expandDims(x, 4), tk.ShapeError, 'expandDims', 'axis 4', '[-3, 2]');
      await expectError(() => tk.concat([x, x], 2), tk.ShapeError, 'concat', 'axis 2');
      await expectError(() => tk.sum(x, [0, 0]), tk.ShapeError, 'sum', 'repeat');
    },
    'slice out of bounds': async (c) => {
      const x = c.own(tk.ones([3, 4]));
      await expectError(() => tk.slice(x, [2, 0], [2, -1]), tk.ShapeError, 'slice', 'axis 0', '[3,4]');
      await expectError(() => tk.slice(x, [0, 5]), tk.ShapeError, 'slice', 'axis 1', '[3,4]');
      await expectError(() => tk.slice(x, [0, 0, 0]), tk.ShapeError, 'slice', 'rank 2');
    },
    'concat and stack of mismatched shapes': async (c) => {
      const a = c.own(tk.ones([2, 3]));
      const b = c.own(tk.ones([3, 2]));
      await expectError(() => tk.concat([a, b], 0), tk.ShapeError, 'concat: shapes [2,3], [3,2] do not match outside axis 0');
      await expectError(() => tk.concat([M23, [[1, 2]]], 0), tk.ShapeError, 'concat', '[2,3], [1,2]');
      await expectError(() => tk.stack([M23, [1, 2, 3]]), tk.ShapeError, 'stack', '[2,3], [3]');
    },
    'gather index out of range (checked where reads are synchronous)': async (c) => {
      const x = c.own(tk.tensor([[1, 2], [3, 4], [5, 6]]));
      const indices = c.own(tk.tensor([0, 5], { dtype: 'int32' }));
      if (c.syncRead) {
        await expectError(() => tk.gather(x, indices), tk.ShapeError, 'gather', 'index 5', '0..2');
        await expectError(() => tk.gather(x, c.own(tk.tensor([1, -1], { dtype: 'int32' })), 0), tk.ShapeError, 'gather', 'index -1');
      } else {
        // Unchecked on async backends: it must not crash, and must return a tensor of the right shape.
        const out = c.own(tk.gather(x, indices));
        check(out.shape.length === 2 && out.shape[0] === 2 && out.shape[1] === 2, `gather output shape [${out.shape}]`);
        await out.data();
      }
    },
    'ragged nested arrays and values that do not fill the shape': async () => {
      await expectError(() => tk.tensor([[1, 2], [3]]), tk.ShapeError, 'tensor', 'ragged');
      await expectError(() => tk.tensor([[1, 2], 3] as unknown as number[][]), tk.ShapeError, 'ragged');
      await expectError(() => tk.add([[1, 2], [3]], 1), tk.ShapeError, 'add', 'ragged');
      await expectError(() => tk.tensor([1, 2, 3], { shape: [2, 2] }), tk.ShapeError, 'tensor', '3 values', '[2,2]');
    },
    'broadcastTo a shape that does not contain it': async () => {
      await expectError(() => tk.broadcastTo([1, 2, 3], [2, 2]), tk.ShapeError, 'broadcastTo', '[3]', '[2,2]');
    },
    'dense, cross-entropy and assign with shapes that do not fit': async (c) => {
      await expectError(() => tk.fusedDense(M23, [[1, 2]], null), tk.ShapeError, 'fusedDense', 'x [2,3]', 'w [1,2]', 'expected x [batch, in]');
      const labels = c.own(tk.tensor([0, 1, 2], { dtype: 'int32' }));
      await expectError(() => tk.sparseSoftmaxCrossEntropy(labels, M23), tk.ShapeError, 'sparseSoftmaxCrossEntropy', 'labels [3]', 'logits [2,3]');
      const v = c.own(tk.variable([1, 2], { name: 'conformance_v' }));
      await expectError(() => v.assign([1, 2, 3]), tk.ShapeError, 'assign', '[3]', 'conformance_v', '[2]');
      await expectTensor(v, { shape: [2], values: [1, 2] }, 'variable unchanged after a failed assign');
    },
  });
}

function dtypeCases(): ConformanceCase[] {
  return casesFor('errors', 'DTypeError', {
    'logicalAnd of float tensors': async () => {
      await expectError(() => tk.logicalAnd([1, 0], [1, 1]), tk.DTypeError, 'logicalAnd', 'bool', 'float32 and float32');
      await expectError(() => tk.logicalNot([1, 0]), tk.DTypeError, 'logicalNot', 'bool', 'float32');
    },
    'where with a non-bool condition': async () => {
      await expectError(() => tk.where([1, 0], [1, 2], [3, 4]), tk.DTypeError, 'where: condition must be a bool tensor, got float32');
    },
    'matmul of bool tensors': async () => {
      await expectError(() => tk.matmul([[true, false]], [[true], [false]]), tk.DTypeError, 'matmul', 'bool');
    },
    'unknown dtype': async (c) => {
      const bad = 'float16' as DType;
      await expectError(() => tk.zeros([2], bad), tk.DTypeError, 'zeros', "'float16'", 'float32, float64, int32, bool');
      await expectError(() => tk.tensor([1, 2], { dtype: bad }), tk.DTypeError, 'tensor', "'float16'");
      const x = c.own(tk.ones([2]));
      await expectError(() => tk.cast(x, 'int64' as DType), tk.DTypeError, 'cast', "'int64'", 'float32, float64, int32, bool');
    },
    'sparse cross-entropy with float labels': async () => {
      await expectError(() => tk.sparseSoftmaxCrossEntropy([0, 1], [[1, 2], [3, 4]]), tk.DTypeError, 'sparseSoftmaxCrossEntropy', 'labels', 'int32', 'float32');
    },
    'gather with float indices, oneHot with float indices': async (c) => {
      const indices = c.own(tk.tensor([0, 1]));
      await expectError(() => tk.gather(M23, indices), tk.DTypeError, 'gather', 'int32', 'float32');
      await expectError(() => tk.oneHot(indices, 3), tk.DTypeError, 'oneHot', 'int32');
    },
    'gradient of an int32 target, assign of the wrong dtype': async (c) => {
      const x = c.own(tk.variable([1, 2]));
      const tape = new tk.GradientTape();
      const y = c.own(tape.record(() => tk.cast(x, 'int32')));
      await expectError(() => tape.gradient(y, x), tk.DTypeError, 'GradientTape.gradient', 'int32');
      tape.dispose();
      const ints = c.own(tk.tensor([1, 2], { dtype: 'int32' }));
      await expectError(() => x.assign(ints), tk.DTypeError, 'assign', 'int32', 'float32');
    },
  });
}

function argumentCases(): ConformanceCase[] {
  return casesFor('errors', 'ArgumentError', {
    'clip with min > max': async () => {
      await expectError(() => tk.clip([1, 2], 1, 0), tk.ArgumentError, 'clip: min (1) must not exceed max (0)');
    },
    'range with step 0': async () => {
      await expectError(() => tk.range(0, 5, 0), tk.ArgumentError, 'range', 'step', '0');
    },
    'randomUniform with maxval <= minval': async () => {
      await expectError(() => tk.randomUniform([2], { minval: 1, maxval: 1 }), tk.ArgumentError, 'randomUniform: maxval (1) must be greater than minval (1)');
      await expectError(() => tk.randomUniform([2], { minval: 2, maxval: -1 }), tk.ArgumentError, 'randomUniform', 'maxval (-1)');
    },
    'dense with an activation it cannot fuse': async () => {
      await expectError(
        () => tk.fusedDense([[1]], [[1]], null, 'softmax' as 'relu'),
        tk.ArgumentError,
        'fusedDense',
        "'softmax'",
        'linear, relu, sigmoid, tanh',
      );
    },
    'cross-entropy label out of range (checked where reads are synchronous)': async (c) => {
      const labels = c.own(tk.tensor([0, 3], { dtype: 'int32' }));
      const logits = c.own(tk.ones([2, 3]));
      if (c.syncRead) {
        await expectError(() => tk.sparseSoftmaxCrossEntropy(labels, logits), tk.ArgumentError, 'sparseSoftmaxCrossEntropy', 'label 3', '0..2');
      } else {
        const out = c.own(tk.sparseSoftmaxCrossEntropy(labels, logits));
        await out.data();
      }
    },
    'concat of nothing, tidy of a non-function': async () => {
      await expectError(() => tk.concat([]), tk.ArgumentError, 'concat', 'non-empty');
      await expectError(() => tk.tidy(42 as unknown as () => void), tk.ArgumentError, 'tidy', 'function');
    },
  });
}

function backendCases(): ConformanceCase[] {
  return casesFor('errors', 'BackendError', {
    'setBackend of an unregistered name keeps the previous backend': async (c) => {
      await expectError(() => tk.setBackend('no-such-backend'), tk.BackendError, "backend 'no-such-backend' is not registered", c.backend);
      check(tk.getBackendName() === c.backend, `active backend is '${tk.getBackendName()}' after a failed setBackend; expected '${c.backend}'`);
      await expectTensor(c.own(tk.add([1, 2], 1)), { shape: [2], values: [2, 3] }, 'ops still run on the previous backend');
    },
    'dataSync on a backend that reads asynchronously': async (c) => {
      const x = c.own(tk.tensor([1, 2, 3]));
      if (c.syncRead) {
        const values = x.dataSync();
        check(values.length === 3 && values[0] === 1 && values[2] === 3, 'dataSync should return the values on a synchronous backend');
      } else {
        await expectError(() => x.dataSync(), tk.BackendError, 'dataSync', c.backend, 'await');
      }
    },
    'registerBackend with an empty name': async () => {
      await expectError(() => tk.registerBackend('', () => tk.getBackend()), tk.BackendError, 'registerBackend', 'name');
    },
  });
}

function disposedCases(): ConformanceCase[] {
  return casesFor('errors', 'DisposedError', {
    'an op on a disposed tensor names the op, the maker and the shape': async () => {
      const x = tk.ones([4, 1]);
      const y = x.relu();
      tk.dispose([x, y]);
      await expectError(() => tk.add(y, 1), tk.DisposedError, 'add', "'relu'", '[4,1]');
      await expectError(() => y.reshape([4]), tk.DisposedError, 'reshape', "'relu'");
    },
  });
}

function hierarchyCases(): ConformanceCase[] {
  return casesFor('errors', 'TensorKitError', {
    'every typed error is a TensorKitError with its own name': async () => {
      const all = [
        [tk.ShapeError, 'ShapeError'],
        [tk.DTypeError, 'DTypeError'],
        [tk.ArgumentError, 'ArgumentError'],
        [tk.BackendError, 'BackendError'],
        [tk.DisposedError, 'DisposedError'],
      ] as const;
      for (const [Type, name] of all) {
        const error = new Type('x');
        check(error instanceof tk.TensorKitError && error instanceof Error, `${name} should extend TensorKitError`);
        check(error.name === name, `${name}.name is '${error.name}'`);
      }
      await expectError(() => tk.add([1, 2], [1, 2, 3]), tk.TensorKitError, 'add');
    },
  });
}

/** Cases for typed errors and their messages. */
export function errorsCases(): ConformanceCase[] {
  return [...shapeCases(), ...dtypeCases(), ...argumentCases(), ...backendCases(), ...disposedCases(), ...hierarchyCases()];
}
