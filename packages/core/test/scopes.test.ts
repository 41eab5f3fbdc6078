import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import * as tk from '@tensorkit/core';
import '@tensorkit/backend-cpu/register';

describe('memory scopes', () => {
  it('`using` disposes a tensor at the end of its block', () => {
    const before = tk.memory().numTensors;
    {
      using t = tk.ones([3]);
      expect(t.isDisposed).toBe(false);
      expect(tk.memory().numTensors).toBe(before + 1);
    }
    expect(tk.memory().numTensors).toBe(before);
  });

  it('`using` disposes a persistent tape', () => {
    const x = tk.variable(tk.scalar(3));
    const before = tk.memory().numTensors;
    {
      using tape = new tk.GradientTape({ persistent: true });
      const y = tape.record(() => x.square());
      const g = tape.gradient(y, x);
      expect(g.arraySync()).toBe(6);
      g.dispose();
      y.dispose();
    }
    expect(tk.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('tidyAsync keeps two interleaved scopes apart across await (AsyncLocalStorage on Node)', async () => {
    expect(tk.contextFollowsAwait()).toBe(true);
    const before = tk.memory().numTensors;
    const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
    const work = (value: number) =>
      tk.tidyAsync(async () => {
        const a = tk.scalar(value);
        await tick();
        const b = a.mul(2);
        await tick();
        return b.add(1);
      });
    const [p, q] = await Promise.all([work(1), work(10)]);
    expect(p.arraySync()).toBe(3);
    expect(q.arraySync()).toBe(21);
    expect(tk.memory().numTensors).toBe(before + 2);
    tk.dispose([p, q]);
    expect(tk.memory().numTensors).toBe(before);
  });

  it('tidy refuses an async function and frees what it made', () => {
    const before = tk.memory().numTensors;
    expect(() => tk.tidy((async () => tk.ones([2])) as unknown as () => tk.Tensor)).toThrow(/use await tidyAsync/);
    expect(tk.memory().numTensors).toBe(before);
  });

  it('a disposed tensor names the op that made it', () => {
    const t = tk.tidy(() => tk.ones([2, 3]).mul(2));
    t.dispose();
    expect(() => t.add(1)).toThrow(tk.DisposedError);
    expect(() => t.add(1)).toThrow("add: a is a disposed tensor (float32 [2,3], made by 'mul')");
  });
});

describe('tidy and variables', () => {
  it('a variable returned from a nested tidy is not freed by the outer one', () => {
    const w = tk.variable(tk.tensor([1, 2]));
    tk.tidy(() => {
      tk.tidy(() => w.assignSub(tk.tensor([1, 1])));
    });
    expect(w.isDisposed).toBe(false);
    expect([...w.dataSync()]).toEqual([0, 1]);
    const outer = tk.ones([2]);
    tk.tidy(() => tk.tidy(() => outer));
    expect(outer.isDisposed).toBe(false);
    tk.dispose([w, outer]);
  });
});

describe('the garbage-collection safety net', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  /** Collects until the live tensor count falls to `target` (finalizers run after a collection, asynchronously). */
  async function collectUntil(target: number): Promise<number> {
    for (let i = 0; i < 20 && tk.memory().numTensors > target; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return tk.memory().numTensors;
  }

  /** Lets the collector free what earlier tests forgot, so that counts below move for this test's tensors only. */
  async function settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('frees tensors the caller owns and forgot: made outside any scope, returned from the outermost tidy, or kept', async () => {
    const warnings: string[] = [];
    const spy = vi.spyOn(console, 'warn').mockImplementation((message: string) => void warnings.push(message));
    try {
      await settle();
      const before = tk.memory().numTensors;
      const bytes = tk.memory().numBytes;
      (() => {
        tk.fill([1000], 1);
        tk.tidy(() => tk.ones([10]).add(1));
        tk.tidy(() => {
          tk.keep(tk.zeros([7]));
        });
      })();
      expect(tk.memory().numTensors).toBe(before + 3);
      expect(await collectUntil(before)).toBe(before);
      expect(tk.memory().numBytes).toBe(bytes);
      expect(warnings.some((w) => /a tensor made by 'fill' \(shape \[1000\]\) was garbage-collected without dispose\(\)/.test(w))).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it('frees what a forgotten gradient tape holds when the tape is collected', async () => {
    const warnings: string[] = [];
    const spy = vi.spyOn(console, 'warn').mockImplementation((message: string) => void warnings.push(message));
    const x = tk.variable(tk.ones([4]));
    try {
      await settle();
      const before = tk.memory().numTensors;
      (() => {
        const tape = new tk.GradientTape({ persistent: true });
        tk.tidy(() => tape.record(() => x.mul(3).sum()));
      })();
      expect(tk.memory().numTensors).toBeGreaterThan(before); // the tape's handles
      expect(await collectUntil(before)).toBe(before);
      expect(warnings.some((w) => /a GradientTape was garbage-collected without dispose\(\)/.test(w))).toBe(true);
    } finally {
      spy.mockRestore();
      x.dispose();
    }
  });

  it('leaves tensors a scope owns to the scope: a tidy frees them when it closes, not the collector', async () => {
    await settle();
    const before = tk.memory().numTensors;
    let survivor: tk.Tensor | undefined;
    await tk.tidyAsync(async () => {
      (() => tk.ones([100]).mul(2))(); // unreferenced, but owned by the open scope
      survivor = tk.ones([3]);
      await collectUntil(before); // the collector must not free what the scope owns
      expect(tk.memory().numTensors).toBe(before + 3);
      expect(survivor.isDisposed).toBe(false);
    });
    expect(tk.memory().numTensors).toBe(before);
    expect(survivor!.isDisposed).toBe(true);
  });
});
