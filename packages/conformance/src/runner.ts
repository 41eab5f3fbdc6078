/** Runs conformance cases on a backend, checking each for leaked tensors. */
import { getBackend, memory, setBackend, type Tensor } from '@tensorkit/core';
import { caseId, type CaseContext, type ConformanceCase } from './case.js';
import { gapFor, type Gap } from './gaps.js';

/** The outcome of one case on one backend. */
export interface CaseResult {
  readonly id: string;
  readonly group: string;
  readonly op: string;
  readonly status: 'passed' | 'failed' | 'gap';
  readonly message?: string;
  readonly ms: number;
}

function contextFor(backend: string, owned: Tensor[]): CaseContext {
  const active = getBackend();
  return {
    backend,
    float64: active.capabilities.dtypes.includes('float64'),
    syncRead: active.capabilities.syncRead,
    own<T extends Tensor | Tensor[]>(tensors: T): T {
      if (Array.isArray(tensors)) owned.push(...tensors);
      else owned.push(tensors);
      return tensors;
    },
  };
}

/**
 * Runs one case on the active backend `backend`: the case, then disposal of what it handed over,
 * then the leak check (the live tensor count must be back where it started).
 */
export async function runCase(c: ConformanceCase, backend: string, gaps: readonly Gap[] = []): Promise<CaseResult> {
  const id = caseId(c);
  const base = { id, group: c.group, op: c.op };
  const gap = gapFor(id, gaps);
  if (gap) return { ...base, status: 'gap', message: gap.reason, ms: 0 };
  const owned: Tensor[] = [];
  const before = memory().numTensors;
  const start = performance.now();
  try {
    await c.run(contextFor(backend, owned));
    for (const t of owned) t.dispose();
    const leaked = memory().numTensors - before;
    if (leaked !== 0) {
      return { ...base, status: 'failed', message: `leaked ${leaked} tensor(s): memory().numTensors went from ${before} to ${before + leaked}`, ms: performance.now() - start };
    }
    return { ...base, status: 'passed', ms: performance.now() - start };
  } catch (error) {
    for (const t of owned) t.dispose();
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ...base, status: 'failed', message, ms: performance.now() - start };
  }
}

/** Makes `backend` active and runs every case on it, in order. */
export async function runSuite(cases: readonly ConformanceCase[], backend: string, gaps: readonly Gap[] = []): Promise<CaseResult[]> {
  await setBackend(backend);
  const results: CaseResult[] = [];
  for (const c of cases) results.push(await runCase(c, backend, gaps));
  return results;
}
