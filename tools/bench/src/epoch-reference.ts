/**
 * The epoch rows' two references, measured in the same run as the table:
 *
 * 1. **NumPy**: the chapter's model trained by a plain NumPy + its BLAS loop
 *    (`reference/numpy_mnist_epoch.py`: forward, backward and RMSprop written by hand, float32, batch
 *    128, shuffled; best of 2 epochs), run as a child process with as many BLAS threads as this
 *    machine has cores, and with the environment's OpenBLAS pins (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE)
 *    removed so that OpenBLAS picks its own kernels, as on a user's machine.
 * 2. **TensorKit's epoch**: the same model with `model.fit` on each TensorKit backend, best of 2
 *    epochs like the script (so both sides' figures are warm epochs).
 * 3. **The epoch's matmuls alone**: the 5 products of each of the 469 steps (forward x·w1 and h·w2,
 *    backward hᵀ·dz, dz·w2ᵀ, xᵀ·dh) with the same shapes, back to back on each TensorKit backend,
 *    best of 2 passes, the way the NumPy script times its own. An epoch can be no faster than its
 *    matmuls; the ratio says how much the rest of training (batching, element-wise ops, the optimizer,
 *    the tape, JavaScript) adds.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tk from '@tensorkit/core';
import type { Dataset } from './dataset.js';
import type { Contender } from './families/family.js';
import { upload } from './families/tensorkit.js';
import { generate, type InputSpec } from './rng.js';
import { formatRatio, formatSeconds, renderTable } from './table.js';
import { STEPS_PER_EPOCH } from './workloads.js';

/** What the NumPy script reported. */
export interface NumpyEpoch {
  readonly numpy: string;
  readonly blas: string;
  readonly threads: number;
  readonly bestEpochSeconds: number;
  readonly matmulSeconds: number;
  readonly loss: number;
  readonly accuracy: number;
}

const SCRIPT = fileURLToPath(new URL('../reference/numpy_mnist_epoch.py', import.meta.url));

/** Runs the NumPy epoch (about 2 s); the reason when python3 or numpy is missing, or the data. */
export function runNumpyEpoch(mnistDir: string): NumpyEpoch | { readonly error: string } {
  const threads = availableParallelism();
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads) };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const run = spawnSync('python3', [SCRIPT, '--json', '--data', mnistDir], { env, encoding: 'utf8', timeout: 300_000 });
  if (run.error) return { error: `python3 could not run (${run.error.message})` };
  if (run.status !== 0) {
    const last = (run.stderr || '').trim().split('\n').pop() ?? '';
    return { error: `the NumPy reference failed (exit ${run.status}): ${last}` };
  }
  try {
    const report = JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as {
      numpy: string;
      blas: string;
      epochs: { seconds: number; loss: number; accuracy: number }[];
      bestEpochSeconds: number;
      matmulSeconds: number;
    };
    const best = report.epochs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    return {
      numpy: report.numpy,
      blas: report.blas,
      threads,
      bestEpochSeconds: report.bestEpochSeconds,
      matmulSeconds: report.matmulSeconds,
      loss: best.loss,
      accuracy: best.accuracy,
    };
  } catch (error) {
    return { error: `the NumPy reference printed no JSON result (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** The operands of a training step's products, seeded like every workload's inputs (uniform in [-1, 1)). */
const STEP_OPERANDS: readonly InputSpec[] = (
  [['x', [128, 784]], ['w1', [784, 512]], ['h', [128, 512]], ['w2', [512, 10]], ['dz', [128, 10]], ['dh', [128, 512]]] as const
).map(([name, shape]) => ({ name, shape, dtype: 'float32', dist: { kind: 'uniform', min: -1, max: 1 } }));

/**
 * Seconds of an epoch's matmuls alone on the active TensorKit backend: 469 steps of the 5 products,
 * best of 2 passes, after a warm-up step. A slow backend (cpu, a software GPU) stops its first pass
 * after `budgetSeconds`; both passes then run that many steps, scaled to 469.
 */
export async function epochMatmulSeconds(budgetSeconds = 3): Promise<number> {
  const [x, w1, h, w2, dz, dh] = STEP_OPERANDS.map((spec) => upload(generate('epoch-matmuls-alone', spec)));
  const sync = tk.getBackend().capabilities.syncRead;
  const step = (): tk.Tensor =>
    tk.tidy(() => {
      tk.matmul(x, w1);
      tk.matmul(h, w2);
      tk.matmul(h, dz, { transposeA: true });
      tk.matmul(dz, w2, { transposeB: true });
      return tk.matmul(x, dh, { transposeA: true });
    });
  // Reading the last product waits for a backend that queues work (webgpu); the others are done.
  const finish = async (t: tk.Tensor) => {
    if (!sync) await t.data();
    t.dispose();
  };
  try {
    await finish(step());
    let best = Infinity;
    let steps = STEPS_PER_EPOCH;
    for (let pass = 0; pass < 2; pass++) {
      const t0 = performance.now();
      let last: tk.Tensor | null = null;
      for (let s = 0; s < steps; s++) {
        last?.dispose();
        last = step();
        if (pass === 0 && s >= 9 && s < steps - 1 && performance.now() - t0 > budgetSeconds * 1000) steps = s + 1;
      }
      await finish(last!);
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    return (best * STEPS_PER_EPOCH) / steps;
  } finally {
    tk.dispose([x, w1, h, w2, dz, dh]);
  }
}

/** One line of the reference table. */
export interface ReferenceRow {
  readonly library: string;
  readonly backend: string;
  /** The best of 2 epochs. */
  readonly epochSeconds: number | null;
  readonly matmulSeconds: number | null;
  readonly note: string;
}

/**
 * The best of 2 epochs of the chapter's model trained with `model.fit` on the active backend, as the
 * NumPy script takes the best of its 2 (the first epoch of a process also pays for compilation and
 * first allocations, in both). Fresh Glorot-uniform weights, shuffled batches of 128, `verbose: 0`.
 */
export async function bestFitEpoch(dataset: Dataset): Promise<{ seconds: number; loss: number; accuracy: number }> {
  const x = upload(dataset.x);
  const y = upload(dataset.labels);
  const model = tk.sequential([tk.dense({ units: 512, activation: 'relu' }), tk.dense({ units: 10, activation: 'softmax' })]);
  try {
    model.compile({ optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const history = await model.fit(x, y, { epochs: 2, batchSize: 128, shuffle: true, verbose: 0 });
    const best = history.epochSeconds.indexOf(Math.min(...history.epochSeconds));
    return { seconds: history.epochSeconds[best], loss: history.history.loss[best], accuracy: history.history.accuracy[best] };
  } finally {
    model.dispose();
    tk.dispose([x, y]);
  }
}

/** What one TensorKit backend measured for the reference table. */
export interface TensorKitReference {
  readonly epoch: { seconds: number; loss: number; accuracy: number } | null;
  readonly matmulSeconds: number | null;
  readonly error: string | null;
}

/**
 * For every TensorKit contender: its best of 2 `model.fit` epochs and its epoch's matmuls alone
 * (the matmuls take at most ~6 s on a slow backend, which is projected; the epochs take 2 epochs'
 * time: ~25 s on cpu).
 */
export async function tensorkitReferences(contenders: readonly Contender[], dataset: Dataset): Promise<Map<string, TensorKitReference>> {
  const out = new Map<string, TensorKitReference>();
  for (const contender of contenders) {
    if (!contender.ours) continue;
    try {
      await contender.activate();
      const epoch = await bestFitEpoch(dataset);
      const matmulSeconds = await epochMatmulSeconds();
      out.set(contender.label, { epoch, matmulSeconds, error: null });
      process.stderr.write(`  ${contender.label}: best of 2 epochs ${formatSeconds(epoch.seconds)}, its matmuls alone ${formatSeconds(matmulSeconds)}\n`);
    } catch (error) {
      out.set(contender.label, { epoch: null, matmulSeconds: null, error: error instanceof Error ? error.message.split('\n')[0] : String(error) });
    }
  }
  return out;
}

/** The reference table: each epoch against its matmuls alone, and against NumPy's epoch. */
export function renderEpochReference(rows: readonly ReferenceRow[], numpySeconds: number | null): string {
  return renderTable(
    [
      { header: 'epoch of the chapter model', align: 'left' },
      { header: 'backend', align: 'left' },
      { header: 'epoch (best of 2)', align: 'right' },
      { header: 'its matmuls alone', align: 'right' },
      { header: 'epoch / matmuls', align: 'right' },
      { header: 'vs NumPy', align: 'right' },
      { header: 'note', align: 'left' },
    ],
    rows.map((r) => [
      r.library,
      r.backend,
      r.epochSeconds === null ? '—' : formatSeconds(r.epochSeconds),
      r.matmulSeconds === null ? '—' : formatSeconds(r.matmulSeconds),
      r.epochSeconds !== null && r.matmulSeconds ? formatRatio(r.epochSeconds / r.matmulSeconds) : '—',
      r.library === 'NumPy' ? 'reference' : r.epochSeconds !== null && numpySeconds !== null ? formatRatio(numpySeconds / r.epochSeconds) : '—',
      r.note,
    ]),
  );
}
