import { afterEach, describe, expect, it, vi } from 'vitest';
import * as tk from '@tensorkit/core';
import { CpuBackend } from '@tensorkit/backend-cpu';

afterEach(async () => {
  for (const b of tk.listBackends()) await tk.removeBackend(b.name);
  delete process.env.TENSORKIT_BACKEND;
  vi.restoreAllMocks();
});

describe('backend registry', () => {
  it('ready() picks the highest-priority backend that initialises and reports the others', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    tk.registerBackend('cpu', () => new CpuBackend(), 1);
    tk.registerBackend('broken', () => Promise.reject(new Error('no device here')), 5);
    const backend = await tk.ready();
    expect(backend.name).toBe('cpu');
    expect(tk.getBackendName()).toBe('cpu');
    const broken = tk.listBackends().find((b) => b.name === 'broken');
    expect(broken).toMatchObject({ state: 'failed', reason: 'no device here', active: false });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("backend 'broken' is unavailable (no device here)"));
  });

  it('setBackend of a backend that fails throws its reason and keeps the active one', async () => {
    tk.registerBackend('cpu', () => new CpuBackend(), 1);
    tk.registerBackend('broken', () => {
      throw new Error('compiler missing');
    });
    await tk.setBackend('cpu');
    await expect(tk.setBackend('broken')).rejects.toThrow(/backend 'broken' failed to initialise: compiler missing/);
    expect(tk.getBackendName()).toBe('cpu');
    await expect(tk.setBackend('nope')).rejects.toBeInstanceOf(tk.BackendError);
    await expect(tk.setBackend('nope')).rejects.toThrow(/not registered; registered backends: cpu, broken/);
  });

  it('TENSORKIT_BACKEND chooses the backend and fails loudly when it cannot initialise', async () => {
    tk.registerBackend('cpu', () => new CpuBackend(), 1);
    tk.registerBackend('other', () => Promise.reject(new Error('unavailable on this machine')), 9);
    process.env.TENSORKIT_BACKEND = 'cpu';
    expect((await tk.ready()).name).toBe('cpu');
    process.env.TENSORKIT_BACKEND = 'other';
    await expect(tk.ready()).rejects.toThrow(/backend 'other' failed to initialise: unavailable on this machine/);
  });

  it('ops activate a synchronous backend on first use, but ask for ready() for an async one', async () => {
    tk.registerBackend('cpu', () => new CpuBackend(), 1);
    const t = tk.tensor([1, 2]);
    expect(tk.getBackendName()).toBe('cpu');
    t.dispose();
    await tk.removeBackend('cpu');
    tk.registerBackend('slow', async () => new CpuBackend(), 1);
    expect(() => tk.tensor([1])).toThrow(/initialises asynchronously; call await ready\(\)/);
    await tk.ready();
    const u = tk.tensor([3]);
    expect(u.backend).toBe('cpu');
    u.dispose();
  });

  it('rejects a backend without the required kernels, naming them', async () => {
    tk.registerBackend('partial', () => ({ ...new CpuBackend(), kernels: { unary: () => ({}) } }) as unknown as tk.Backend);
    await expect(tk.setBackend('partial')).rejects.toThrow(/lacks required kernels: binary, where, cast/);
  });

  it('reports capabilities and kernels', async () => {
    tk.registerBackend('cpu', () => new CpuBackend(), 1);
    const backend = await tk.ready();
    expect(backend.capabilities.dtypes).toContain('float64');
    expect(tk.kernelsOf(backend)).toEqual(expect.arrayContaining(['matmul', 'dense', 'sparseSoftmaxCrossEntropy', 'rmspropUpdate']));
  });
});

describe('factory context', () => {
  it('tells a factory whether the user asked for it by name', async () => {
    const seen: boolean[] = [];
    tk.registerBackend('picky', ({ requested }) => {
      seen.push(requested);
      if (!requested) throw new Error('only when asked by name');
      return new CpuBackend();
    }, 9);
    tk.registerBackend('cpu', () => new CpuBackend(), 1);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect((await tk.ready()).name).toBe('cpu');
    await tk.setBackend('picky');
    expect(tk.getBackendName()).toBe('picky');
    expect(seen).toEqual([false, true]);
  });
});
