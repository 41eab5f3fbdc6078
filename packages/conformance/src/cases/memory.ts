/**
 * Memory: tidy, tidyAsync, keep, dispose, Symbol.dispose, variables, gradient tapes, a whole training
 * step, use-after-dispose, and per-backend memory reports. Counts are read with `tk.memory()`.
 */
import * as tk from '@tensorkit/core';
import type { Tensor } from '@tensorkit/core';
import { check, expectError, expectTensor } from '../assert.js';
import { casesFor, type CaseContext, type ConformanceCase } from '../case.js';
import { uniform } from './gradients.js';

function live(): number {
  return tk.memory().numTensors;
}

function bytes(): number {
  return tk.memory().numBytes;
}

/**
 * Yields a few microtask turns, so that concurrent async scopes interleave. Microtasks (not a timer)
 * keep garbage-collection finalizers, which run as separate tasks, out of the counts taken here.
 */
async function tick(): Promise<void> {
  for (let i = 0; i < 3; i++) await Promise.resolve();
}

function tidyCases(): ConformanceCase[] {
  return casesFor('memory', 'tidy', {
    'frees intermediates and keeps the returned tensor': async (c) => {
      const before = live();
      const inner: Tensor[] = [];
      const result = c.own(
        tk.tidy(() => {
          const a = tk.tensor([1, 2, 3]);
          const b = a.mul(2);
          inner.push(a, b);
          return b.add(1);
        }),
      );
      check(live() === before + 1, `after tidy ${live() - before} tensors are alive; expected only the result`);
      check(inner.every((t) => t.isDisposed), 'intermediates should be disposed');
      check(!result.isDisposed, 'the result should be alive');
      await expectTensor(result, { shape: [3], values: [3, 5, 7] });
    },
    'keeps tensors returned in arrays and objects': async (c) => {
      const before = live();
      const temps: Tensor[] = [];
      const out = tk.tidy(() => {
        const a = tk.tensor([1, 2]);
        const b = a.square();
        const d = a.neg();
        temps.push(a);
        return { sum: a.add(b), list: [b, d], nested: { deep: [d.mul(3)] } };
      });
      c.own([out.sum, ...out.list, ...out.nested.deep]);
      check(temps[0].isDisposed, 'the unreturned input should be disposed');
      check(live() === before + 4, `expected 4 live results, found ${live() - before}`);
      await expectTensor(out.sum, { shape: [2], values: [2, 6] });
      await expectTensor(out.list[0], { shape: [2], values: [1, 4] });
      await expectTensor(out.list[1], { shape: [2], values: [-1, -2] });
      await expectTensor(out.nested.deep[0], { shape: [2], values: [-3, -6] });
    },
    'nested tidy: the inner result lives until the outer tidy ends': async (c) => {
      const before = live();
      let innerResult: Tensor | undefined;
      let innerTemp: Tensor | undefined;
      const outer = c.own(
        tk.tidy(() => {
          innerResult = tk.tidy(() => {
            innerTemp = tk.tensor([1, 2]);
            return innerTemp.mul(10);
          });
          check(innerTemp!.isDisposed, 'the inner tidy should free its intermediate');
          check(!innerResult.isDisposed, 'the inner result should survive the inner tidy');
          return innerResult.add(1);
        }),
      );
      check(innerResult!.isDisposed, 'the outer tidy should free the inner result it did not return');
      check(live() === before + 1, `expected only the outer result alive, found ${live() - before}`);
      await expectTensor(outer, { shape: [2], values: [11, 21] });
    },
    'a tidy that throws frees everything and rethrows': async () => {
      const before = live();
      await expectError(
        () =>
          tk.tidy(() => {
            tk.tensor([1, 2]).mul(3);
            throw new tk.ArgumentError('boom');
          }),
        tk.ArgumentError,
        'boom',
      );
      check(live() === before, `a failed tidy left ${live() - before} tensors`);
    },
    'tidy given an async function throws and frees': async () => {
      const before = live();
      await expectError(() => tk.tidy((async () => tk.tensor([1])) as unknown as () => Tensor), tk.ArgumentError, 'tidyAsync');
      check(live() === before, `left ${live() - before} tensors`);
    },
  });
}

function tidyAsyncCases(): ConformanceCase[] {
  return casesFor('memory', 'tidyAsync', {
    'frees tensors created after await and keeps the result': async (c) => {
      const before = live();
      const temps: Tensor[] = [];
      const result = c.own(
        await tk.tidyAsync(async () => {
          const a = tk.tensor([1, 2, 3]);
          temps.push(a);
          await tick();
          const b = a.mul(a);
          temps.push(b);
          const values = await b.data();
          const d = tk.tensor(Array.from(values));
          temps.push(d);
          return d.add(b);
        }),
      );
      check(temps.every((t) => t.isDisposed), 'tensors made before and after await should be disposed');
      check(live() === before + 1, `expected only the result alive, found ${live() - before}`);
      await expectTensor(result, { shape: [3], values: [2, 8, 18] });
    },
    'two concurrent tidyAsync calls interleaving across await (where contextFollowsAwait)': async (c) => {
      const before = live();
      const tempsA: Tensor[] = [];
      const tempsB: Tensor[] = [];
      const job = async (temps: Tensor[], base: number) => {
        const x = tk.tensor([base]);
        temps.push(x);
        await tick();
        const y = x.add(1);
        temps.push(y);
        await tick();
        const z = y.mul(2);
        temps.push(z);
        await tick();
        return z.add(0.5);
      };
      if (tk.contextFollowsAwait()) {
        const [a, b] = await Promise.all([tk.tidyAsync(() => job(tempsA, 10)), tk.tidyAsync(() => job(tempsB, 20))]);
        c.own([a, b]);
        check(!a.isDisposed && !b.isDisposed, 'each result should survive the other scope closing');
        check([...tempsA, ...tempsB].every((t) => t.isDisposed), 'each scope should free its own intermediates');
        check(live() === before + 2, `expected the two results alive, found ${live() - before}`);
        await expectTensor(a, { shape: [1], values: [22.5] });
        await expectTensor(b, { shape: [1], values: [42.5] });
      } else {
        // Without async context, one async scope at a time is what is supported.
        const a = c.own(await tk.tidyAsync(() => job(tempsA, 10)));
        const b = c.own(await tk.tidyAsync(() => job(tempsB, 20)));
        check([...tempsA, ...tempsB].every((t) => t.isDisposed), 'each scope should free its intermediates');
        await expectTensor(a, { shape: [1], values: [22.5] });
        await expectTensor(b, { shape: [1], values: [42.5] });
      }
    },
    'a rejected tidyAsync frees what it made': async () => {
      const before = live();
      await expectError(
        () =>
          tk.tidyAsync(async () => {
            tk.tensor([1, 2]);
            await tick();
            tk.tensor([3]).neg();
            throw new tk.ArgumentError('async boom');
          }),
        tk.ArgumentError,
        'async boom',
      );
      check(live() === before, `a failed tidyAsync left ${live() - before} tensors`);
    },
  });
}

function keepDisposeCases(): ConformanceCase[] {
  return [
    ...casesFor('memory', 'keep', {
      'a kept tensor survives every enclosing tidy': async (c) => {
        let kept: Tensor | undefined;
        tk.tidy(() => {
          tk.tidy(() => {
            kept = tk.keep(tk.tensor([4, 5]).mul(2));
          });
        });
        c.own(kept!);
        check(kept!.isKept, 'isKept should be true');
        check(!kept!.isDisposed, 'a kept tensor should survive');
        await expectTensor(kept!, { shape: [2], values: [8, 10] });
      },
    }),
    ...casesFor('memory', 'dispose', {
      'dispose() of arrays and objects frees every tensor in them': async () => {
        const before = live();
        const a = tk.tensor([1]);
        const b = tk.tensor([2]);
        const d = tk.tensor([3]);
        check(live() === before + 3, 'three tensors should be alive');
        tk.dispose([a, { inner: [b, d] }]);
        check(a.isDisposed && b.isDisposed && d.isDisposed, 'all should be disposed');
        check(live() === before, `left ${live() - before} tensors`);
        tk.dispose([a, b]);
        check(live() === before, 'disposing twice must not count twice');
      },
      'Symbol.dispose frees the tensor': async () => {
        const before = live();
        const beforeBytes = bytes();
        const t = tk.zeros([4, 4]);
        check(bytes() === beforeBytes + 64, `a float32 [4,4] should add 64 bytes, added ${bytes() - beforeBytes}`);
        t[Symbol.dispose]();
        check(t.isDisposed, 'isDisposed should be true');
        check(live() === before && bytes() === beforeBytes, 'memory should be back where it was');
      },
      'a view keeps the storage until both handles are gone': async () => {
        const before = tk.memory();
        const t = tk.tensor([1, 2, 3, 4, 5, 6]);
        const view = t.reshape([2, 3]);
        check(tk.memory().numStorages === before.numStorages + 1, 'a reshape view should share the storage');
        t.dispose();
        await expectTensor(view, { shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }, 'view after its source was disposed');
        view.dispose();
        const after = tk.memory();
        check(after.numTensors === before.numTensors && after.numBytes === before.numBytes && after.numStorages === before.numStorages, 'memory should be back where it was');
      },
    }),
  ];
}

function variableCases(): ConformanceCase[] {
  return casesFor('memory', 'variable', {
    'variables survive tidy': async (c) => {
      let v: tk.Variable | undefined;
      tk.tidy(() => {
        v = tk.variable(tk.tensor([1, 2]).mul(3));
      });
      c.own(v!);
      check(!v!.isDisposed, 'a variable made inside tidy should survive it');
      await expectTensor(v!, { shape: [2], values: [3, 6] });
    },
    'assign, assignAdd and assignSub leak nothing': async (c) => {
      const v = c.own(tk.variable([1, 2, 3]));
      const before = tk.memory();
      for (let i = 0; i < 3; i++) {
        const value = tk.tensor([10, 20, 30]);
        v.assign(value);
        value.dispose();
        v.assignAdd(1);
        const delta = tk.tensor([0.5, 0.5, 0.5]);
        v.assignSub(delta);
        delta.dispose();
        v.assign([7, 8, 9]);
        v.assignAdd([1, 1, 1]);
      }
      const after = tk.memory();
      check(after.numTensors === before.numTensors, `numTensors went from ${before.numTensors} to ${after.numTensors}`);
      check(after.numBytes === before.numBytes, `numBytes went from ${before.numBytes} to ${after.numBytes}`);
      check(after.numStorages === before.numStorages, `numStorages went from ${before.numStorages} to ${after.numStorages}`);
      await expectTensor(v, { shape: [3], values: [8, 9, 10] });
    },
    'assign from a tensor that is later disposed keeps the value': async (c) => {
      const v = c.own(tk.variable([0, 0]));
      const t = tk.tensor([5, 6]);
      v.assign(t);
      t.dispose();
      await expectTensor(v, { shape: [2], values: [5, 6] });
    },
  });
}

function tapeCases(): ConformanceCase[] {
  return casesFor('memory', 'GradientTape', {
    'a non-persistent tape frees what it held after gradient()': async (c) => {
      const x = c.own(tk.variable([1, 2, 3]));
      const before = live();
      const tape = new tk.GradientTape();
      const y = tape.record(() => {
        const sq = tk.square(x);
        const s = tk.sum(sq);
        sq.dispose();
        return s;
      });
      check(live() > before + 1, 'the tape should hold handles while recording');
      const g = tape.gradient(y, x);
      check(live() === before + 2, `after gradient() only y and the gradient should be alive; found ${live() - before}`);
      await expectTensor(g, { shape: [3], values: [2, 4, 6] });
      tk.dispose([y, g]);
      check(live() === before, `left ${live() - before} tensors`);
    },
    'a persistent tape frees what it held on dispose()': async (c) => {
      const x = c.own(tk.variable([1, 2]));
      const before = live();
      const tape = new tk.GradientTape({ persistent: true });
      const y = tape.record(() => tk.tidy(() => tk.sum(tk.exp(x))));
      const g1 = tape.gradient(y, x);
      const g2 = tape.gradient(y, x);
      tk.dispose([y, g1, g2]);
      check(live() > before, 'a persistent tape should still hold its handles before dispose()');
      tape.dispose();
      check(live() === before, `after dispose() the tape left ${live() - before} tensors`);
    },
    'intermediates freed by tidy inside record stay usable for the gradient': async (c) => {
      const x = c.own(tk.variable([0.5, -1]));
      const tape = new tk.GradientTape();
      const y = c.own(tape.record(() => tk.tidy(() => tk.sum(tk.tanh(tk.mul(x, 2))))));
      // d/dx sum(tanh(2x)) = 2·(1 - tanh²(2x)).
      await expectTensor(c.own(tape.gradient(y, x)), { shape: [2], values: [0.5, -1].map((v) => 2 * (1 - Math.tanh(2 * v) ** 2)) });
    },
  });
}

function trainingCases(): ConformanceCase[] {
  return casesFor('memory', 'training step', {
    '2-layer model with tape + rmspropUpdate: memory unchanged across 5 steps': async (c) => {
      const x = c.own(tk.tensor(uniform(400, 32, -1, 1), { shape: [8, 4] }));
      const labels = c.own(tk.tensor([0, 1, 2, 1, 0, 2, 2, 1], { dtype: 'int32' }));
      const make = (values: number[], shape: number[]) => {
        const t = tk.tensor(values, { shape });
        const v = c.own(tk.variable(t));
        t.dispose();
        return v;
      };
      const weights = [
        make(uniform(401, 20, -0.5, 0.5), [4, 5]),
        make(uniform(402, 5, -0.1, 0.1), [5]),
        make(uniform(403, 15, -0.5, 0.5), [5, 3]),
        make(uniform(404, 3, -0.1, 0.1), [3]),
      ];
      const slots = weights.map((w) => {
        const z = tk.zerosLike(w);
        const s = c.own(tk.variable(z, { trainable: false }));
        z.dispose();
        return s;
      });
      const step = () => {
        const tape = new tk.GradientTape();
        const made: Tensor[] = [];
        const loss = tape.record(() => {
          const hidden = tk.fusedDense(x, weights[0], weights[1], 'relu');
          const logits = tk.fusedDense(hidden, weights[2], weights[3]);
          const perExample = tk.sparseSoftmaxCrossEntropy(labels, logits);
          made.push(hidden, logits, perExample);
          return tk.mean(perExample);
        });
        const grads = tape.gradient(loss, weights);
        weights.forEach((w, i) => tk.rmspropUpdate(w, grads[i], slots[i], { learningRate: 0.01 }));
        tk.dispose([made, grads, loss]);
      };
      step(); // the first step may allocate what later steps reuse
      const before = tk.memory();
      for (let i = 0; i < 5; i++) {
        step();
        const now = tk.memory();
        check(now.numTensors === before.numTensors, `step ${i + 2}: numTensors went from ${before.numTensors} to ${now.numTensors}`);
        check(now.numBytes === before.numBytes, `step ${i + 2}: numBytes went from ${before.numBytes} to ${now.numBytes}`);
      }
      // And the steps really trained: the second-layer bias moved away from its initial value.
      const b2 = Array.from(await weights[3].data());
      const initial = uniform(404, 3, -0.1, 0.1).map(Math.fround);
      check(b2.some((v, i) => v !== initial[i]), 'the bias did not change over 6 training steps');
    },
    'the same step under tidy: memory unchanged across 5 steps': async (c) => {
      const x = c.own(tk.tensor(uniform(410, 12, -1, 1), { shape: [4, 3] }));
      const labels = c.own(tk.tensor([1, 0, 1, 1], { dtype: 'int32' }));
      const init = tk.tensor(uniform(411, 6, -0.5, 0.5), { shape: [3, 2] });
      const w = c.own(tk.variable(init));
      init.dispose();
      const zeros = tk.zeros([3, 2]);
      const ms = c.own(tk.variable(zeros, { trainable: false }));
      zeros.dispose();
      const step = () =>
        tk.tidy(() => {
          const tape = new tk.GradientTape();
          const loss = tape.record(() => tk.mean(tk.sparseSoftmaxCrossEntropy(labels, tk.matmul(x, w))));
          tk.rmspropUpdate(w, tape.gradient(loss, w), ms, { learningRate: 0.01 });
        });
      step();
      const before = tk.memory();
      for (let i = 0; i < 5; i++) step();
      const after = tk.memory();
      check(after.numTensors === before.numTensors, `numTensors went from ${before.numTensors} to ${after.numTensors}`);
      check(after.numBytes === before.numBytes, `numBytes went from ${before.numBytes} to ${after.numBytes}`);
    },
  });
}

function disposedCases(): ConformanceCase[] {
  return casesFor('memory', 'disposed', {
    'using a disposed tensor throws DisposedError naming the op that made it and its shape': async () => {
      const a = tk.zeros([2, 3]);
      const b = a.add(1);
      a.dispose();
      b.dispose();
      await expectError(() => b.mul(2), tk.DisposedError, 'mul', "'add'", '[2,3]');
      await expectError(() => b.data(), tk.DisposedError, "'add'", '[2,3]');
      const identity = tk.eye(3);
      const square = identity.mul(2);
      tk.dispose([identity, square]);
      await expectError(() => tk.matmul(square, square), tk.DisposedError, 'matmul', "'mul'", '[3,3]');
      check(b.toString().includes('disposed'), 'toString() of a disposed tensor should say so');
    },
    'a tensor freed by tidy throws DisposedError when used later': async () => {
      let inner: Tensor | undefined;
      tk.tidy(() => {
        inner = tk.ones([3]).neg();
      });
      await expectError(() => inner!.sum(), tk.DisposedError, "'neg'", '[3]', 'keep');
    },
    'assign to a disposed variable throws DisposedError': async () => {
      const v = tk.variable([1, 2]);
      v.dispose();
      await expectError(() => v.assign([3, 4]), tk.DisposedError, 'assign');
    },
  });
}

function reportCases(): ConformanceCase[] {
  return casesFor('memory', 'memory()', {
    'reports the active backend, and counts tensors and bytes per backend': async (c) => {
      const before = tk.memory();
      const mine = before.backends[c.backend];
      check(mine !== undefined, `memory().backends has no entry '${c.backend}' (has ${Object.keys(before.backends).join(', ')})`);
      for (const key of ['numTensors', 'numStorages', 'numBytes', 'bytesInUse', 'bytesReserved'] as const) {
        check(typeof mine[key] === 'number' && mine[key] >= 0, `memory().backends.${c.backend}.${key} should be a number >= 0, got ${mine[key]}`);
      }
      const t = tk.zeros([10, 10], 'int32');
      const f = tk.ones([5], 'float32');
      const during = tk.memory();
      const now = during.backends[c.backend];
      check(now.numTensors === mine.numTensors + 2, `backend numTensors went from ${mine.numTensors} to ${now.numTensors}; expected +2`);
      check(now.numBytes === mine.numBytes + 420, `backend numBytes went from ${mine.numBytes} to ${now.numBytes}; expected +420`);
      check(during.numTensors === before.numTensors + 2 && during.numBytes === before.numBytes + 420, 'totals should move with the backend');
      tk.dispose([t, f]);
      const after = tk.memory().backends[c.backend];
      check(after.numTensors === mine.numTensors && after.numBytes === mine.numBytes, 'counts should return after dispose');
    },
  });
}

/** Cases for memory management. */
export function memoryCases(): ConformanceCase[] {
  return [
    ...tidyCases(),
    ...tidyAsyncCases(),
    ...keepDisposeCases(),
    ...variableCases(),
    ...tapeCases(),
    ...trainingCases(),
    ...disposedCases(),
    ...reportCases(),
  ];
}
