import { describe, expect, it } from 'vitest';
import * as tk from '@tensorkit/core';
import '@tensorkit/backend-cpu/register';

describe('smoke', () => {
  it('runs ops', () => {
    const x = tk.tensor([[1, -2, 3, -4], [5, 6, -7, 8]], { dtype: 'int32' });
    expect(x.relu().toString()).toBe('[[1 0 3 0]\n [5 6 0 8]]');
    const a = tk.tensor([[1, 2, 3], [4, 5, 6]]);
    const b = tk.tensor([[6, 7], [8, 9], [10, 11]]);
    expect(tk.dot(a, b).toString()).toBe('[[ 52.  58.]\n [124. 139.]]');
    const w = tk.variable(tk.tensor([[1, 2], [3, 4]]));
    const tape = new tk.GradientTape();
    const y = tape.record(() => tk.matmul(tk.tensor([[1, 4]]), w).pow(3).sum());
    const g = tape.gradient(y, w);
    console.log(g.toString(), y.toString(), tk.memory());
  });
});
