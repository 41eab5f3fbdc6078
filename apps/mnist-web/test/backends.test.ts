import { listBackends, setBackend, type BackendCapabilities, type BackendStatus } from '@tensorkit/core';
import { describe, expect, it } from 'vitest';
import { defaultBackend, hintsFor, NOT_INSTALLED, probeBackends, type BackendCandidate, type PageEnvironment, type Registry } from '../src/backends.js';
import { BACKEND_CANDIDATES } from '../src/candidates.js';

const isolated: PageEnvironment = { crossOriginIsolated: true, isSecureContext: true, hasNavigatorGpu: true, hasSharedArrayBuffer: true };
const caps = (threads: number): BackendCapabilities => ({ dtypes: ['float32', 'int32', 'bool'], precision: 'float32', syncRead: false, threads, notes: [`${threads} threads`] });

/** A registry with backends that register when loaded; `failing` ones reject with a reason. */
function fakeRegistry(failing: Record<string, string>): Registry & { register(name: string): void } {
  const statuses = new Map<string, BackendStatus>();
  return {
    register(name) {
      statuses.set(name, { name, priority: 0, state: 'registered', active: false });
    },
    listBackends: () => [...statuses.values()],
    async setBackend(name) {
      if (failing[name]) {
        statuses.set(name, { name, priority: 0, state: 'failed', reason: failing[name], active: false });
        throw new Error(`backend '${name}' failed to initialise: ${failing[name]}`);
      }
      statuses.set(name, { name, priority: 0, state: 'ready', active: true });
      return { capabilities: caps(name === 'wasm' ? 4 : 1) };
    },
  };
}

function notInstalled(): never {
  throw Object.assign(new Error('package @tensorkit/backend-x is not installed'), { code: NOT_INSTALLED });
}

describe('probeBackends', () => {
  it('reports missing, failed and ready backends with reasons and capabilities, in candidate order', async () => {
    const registry = fakeRegistry({ webgpu: 'navigator.gpu.requestAdapter() returned null' });
    const candidates: BackendCandidate[] = [
      { name: 'native', pkg: '@tensorkit/backend-native', load: async () => notInstalled() },
      { name: 'webgpu', pkg: '@tensorkit/backend-webgpu', load: async () => registry.register('webgpu') },
      { name: 'wasm', pkg: '@tensorkit/backend-wasm', load: async () => registry.register('wasm') },
      { name: 'broken', pkg: '@tensorkit/backend-broken', load: async () => { throw new SyntaxError('Unexpected token'); } },
      { name: 'silent', pkg: '@tensorkit/backend-silent', load: async () => {} },
      { name: 'cpu', pkg: '@tensorkit/backend-cpu', load: async () => registry.register('cpu') },
    ];
    const rows = await probeBackends(candidates, registry, isolated);
    expect(rows.map((r) => [r.name, r.state])).toEqual([
      ['native', 'missing'], ['webgpu', 'failed'], ['wasm', 'ready'], ['broken', 'failed'], ['silent', 'failed'], ['cpu', 'ready'],
    ]);
    expect(rows[0].reason).toMatch(/not installed/);
    expect(rows[1].reason).toBe('navigator.gpu.requestAdapter() returned null');
    expect(rows[1].summary).toBe('webgpu: unavailable: navigator.gpu.requestAdapter() returned null');
    expect(rows[2].capabilities).toMatchObject({ threads: 4, precision: 'float32', notes: ['4 threads'] });
    expect(rows[2].summary).toBe('wasm: ready, 4 threads, float32');
    expect(rows[3].reason).toMatch(/could not load .*Unexpected token/);
    expect(rows[4].reason).toMatch(/registered no backend named 'silent'/);
    expect(rows[5].summary).toBe('cpu: ready, float32');
    expect(defaultBackend(rows)).toBe('wasm');
    expect(defaultBackend(rows, 'cpu')).toBe('cpu');
    expect(defaultBackend(rows, 'webgpu')).toBe('wasm');
    expect(defaultBackend(rows.filter((r) => r.state !== 'ready'))).toBeNull();
  });

  it('says why wasm has no threads and why webgpu is missing', () => {
    expect(hintsFor('wasm', { ...isolated, crossOriginIsolated: false })[0]).toMatch(/cross-origin isolation/);
    expect(hintsFor('wasm', isolated)).toEqual([]);
    expect(hintsFor('webgpu', { ...isolated, isSecureContext: false })[0]).toMatch(/secure contexts/);
    expect(hintsFor('webgpu', { ...isolated, hasNavigatorGpu: false })[0]).toMatch(/no navigator.gpu/);
  });

  it('the real candidate list: best first, and cpu loads and initialises through @tensorkit/core', async () => {
    expect(BACKEND_CANDIDATES.map((c) => c.name)).toEqual(['webgpu', 'wasm', 'cpu']);
    for (const c of BACKEND_CANDIDATES) expect(c.pkg).toBe(`@tensorkit/backend-${c.name}`);
    const cpu = BACKEND_CANDIDATES.filter((c) => c.name === 'cpu');
    const rows = await probeBackends(cpu, { setBackend, listBackends }, isolated);
    expect(rows[0]).toMatchObject({ name: 'cpu', state: 'ready', capabilities: { precision: 'float64', threads: 1 } });
  });
});
