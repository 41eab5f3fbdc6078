/** Runs a subset of the conformance suite in the page, on navigator.gpu; results go to window.__tensorkit. */
import { registerBackend, setBackend } from '@tensorkit/core';
import { caseId } from '../../../conformance/src/case.js';
import { runCase } from '../../../conformance/src/runner.js';
import { allCases } from '../../../conformance/src/suite.js';
import { WebGpuBackend, createWebGpuBackend } from '../../src/index.js';

const GROUPS = (new URLSearchParams((globalThis as unknown as { location: { search: string } }).location.search).get('groups') ?? 'elementwise,reduction,products,nn').split(',');
const state: { done: boolean; adapter?: string; results: { id: string; status: string; message?: string }[]; error?: string } = { done: false, results: [] };
(globalThis as unknown as { __tensorkit: typeof state }).__tensorkit = state;

async function main(): Promise<void> {
  registerBackend('webgpu', createWebGpuBackend, 4);
  const backend = (await setBackend('webgpu')) as WebGpuBackend;
  state.adapter = `${backend.info.description} via ${backend.info.source}${backend.info.isFallback ? ' (fallback)' : ''}`;
  for (const c of allCases()) {
    if (!GROUPS.includes(c.group) || c.name.startsWith('property')) continue;
    const r = await runCase(c, 'webgpu');
    state.results.push({ id: caseId(c), status: r.status, message: r.message });
  }
}

main()
  .catch((error: unknown) => { state.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error); })
  .finally(() => { state.done = true; });
