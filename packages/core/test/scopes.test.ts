import { describe, expect, it } from 'vitest';
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
