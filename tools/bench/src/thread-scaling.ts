/**
 * Thread scaling of the matmul rows: every TensorKit backend that sets its own thread count (native,
 * wasm) runs the model's matmul shapes on one thread and on all of its threads, in the same run
 * (median of samples, as the main table). Unlike the main table, the product is not read back:
 * these backends compute synchronously, so the call's time is the kernel's, and copying a 784x512
 * result out (about 0.3 ms) would hide the kernel's speed-up.
 */
import * as tk from '@tensorkit/core';
import type { Case, Contender } from './families/family.js';
import { upload } from './families/tensorkit.js';
import { measure } from './measure.js';
import { generateAll } from './rng.js';
import { formatMs, formatRatio, renderTable } from './table.js';
import type { Workload } from './workloads.js';

/** A backend whose thread count can be set (the native and wasm backends). */
interface Threaded {
  readonly capabilities: { readonly threads?: number };
  setThreads(n: number): void;
}

function threaded(backend: unknown): Threaded | null {
  const b = backend as Partial<Threaded> | null;
  return b && typeof b.setThreads === 'function' && (b.capabilities?.threads ?? 1) > 1 ? (b as Threaded) : null;
}

/** The workload's product on the active backend, computed and freed, not read back. */
function productCase(workload: Workload): Case {
  const { computation } = workload;
  if (computation.kind !== 'matmul') throw new Error(`${workload.id} is not a matmul workload`);
  const inputs = generateAll(workload.id, workload.inputs);
  const [a, b] = workload.inputs.map((spec) => upload(inputs[spec.name]));
  const options = { transposeA: computation.transposeA, transposeB: computation.transposeB };
  return {
    run: () => tk.tidy(() => void tk.matmul(a, b, options)),
    probe: async () => [],
    dispose: () => tk.dispose([a, b]),
  };
}

/** One matmul shape on one backend, on one thread and on `threads`. */
export interface ScalingRow {
  readonly workload: string;
  readonly title: string;
  readonly backend: string;
  readonly threads: number;
  readonly oneThreadMs: number;
  readonly allThreadsMs: number;
  readonly oneThreadGflops: number;
  readonly allThreadsGflops: number;
}

/** Times `workloads` (the matmul rows) on 1 and on all threads of every threaded TensorKit contender. */
export async function measureThreadScaling(
  workloads: readonly Workload[],
  contenders: readonly Contender[],
  options: { repeats: number; warmupMs: number; minSampleMs: number },
): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  for (const contender of contenders) {
    if (!contender.ours) continue;
    await contender.activate();
    const backend = threaded(tk.getBackend());
    if (!backend) continue;
    const threads = backend.capabilities.threads!;
    for (const workload of workloads) {
      if (workload.group !== 'matmul' || !workload.flops || (workload.backends && !workload.backends.includes(contender.label))) continue;
      const times: number[] = [];
      for (const n of [1, threads]) {
        backend.setThreads(n);
        const c = productCase(workload);
        try {
          times.push((await measure(c, () => tk.memory().numTensors, { ...options, warmupRuns: 3 })).medianMs);
        } finally {
          c.dispose();
        }
      }
      backend.setThreads(threads);
      if (times.length !== 2) continue;
      process.stderr.write(`  ${workload.title} on ${contender.label}: 1 thread ${formatMs(times[0])} ms, ${threads} threads ${formatMs(times[1])} ms\n`);
      rows.push({
        workload: workload.id,
        title: workload.title,
        backend: contender.label,
        threads,
        oneThreadMs: times[0],
        allThreadsMs: times[1],
        oneThreadGflops: workload.flops / (times[0] * 1e6),
        allThreadsGflops: workload.flops / (times[1] * 1e6),
      });
    }
  }
  return rows;
}

/** The scaling table. */
export function renderThreadScaling(rows: readonly ScalingRow[]): string {
  return renderTable(
    [
      { header: 'matmul', align: 'left' },
      { header: 'backend', align: 'left' },
      { header: '1 thread ms', align: 'right' },
      { header: '1 thread GFLOP/s', align: 'right' },
      { header: 'threads', align: 'right' },
      { header: 'all threads ms', align: 'right' },
      { header: 'all threads GFLOP/s', align: 'right' },
      { header: 'speed-up', align: 'right' },
    ],
    rows.map((r) => [
      r.title,
      r.backend,
      formatMs(r.oneThreadMs),
      r.oneThreadGflops.toFixed(1),
      String(r.threads),
      formatMs(r.allThreadsMs),
      r.allThreadsGflops.toFixed(1),
      formatRatio(r.oneThreadMs / r.allThreadsMs),
    ]),
  );
}
