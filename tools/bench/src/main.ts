/**
 * `pnpm bench`: times TensorKit's backends and TensorFlow.js side by side, in one process, on the
 * same seeded inputs, and prints one table (see README.md for how to read it).
 */
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseArgs, USAGE, type Options } from './args.js';
import { mnistDir, mnistTrain, type Dataset } from './dataset.js';
import { describeEnvironment, environmentLine } from './environment.js';
import { measureEpoch, type EpochMeasurement } from './epoch.js';
import { isEpochCase, type Contender } from './families/family.js';
import { discoverTensorKit, tensorkitSink } from './families/tensorkit.js';
import { discoverTfjs, tfjsSink } from './families/tfjs.js';
import { renderEpochReference, runNumpyEpoch, tensorkitReferences, type NumpyEpoch, type ReferenceRow } from './epoch-reference.js';
import { measure, type Measurement } from './measure.js';
import { measureThreadScaling, renderThreadScaling, type ScalingRow } from './thread-scaling.js';
import { generateAll, type HostArray } from './rng.js';
import { formatMs, formatRatio, formatSeconds, renderTable, type Column } from './table.js';
import { GEMM_SIZE, gemmWorkload, SOFTWARE_GEMM_SIZE, STEPS_PER_EPOCH, WORKLOADS, type Workload } from './workloads.js';

/** One row of results, as printed and as written to `--json`. */
export interface Result {
  readonly workload: string;
  readonly title: string;
  readonly group: Workload['group'];
  readonly backend: string;
  readonly library: string;
  readonly ours: boolean;
  readonly measurement: Measurement | null;
  /** Median time of one run in ms (null when the row failed or was skipped). */
  readonly medianMs: number | null;
  readonly gflops: number | null;
  /** tfjs-cpu median / this row's median; > 1 means this row is faster. Only on TensorKit rows. */
  vsTfjs: number | null;
  /**
   * Every peer row of the workload (by label) divided by this row: medians, or for the epoch rows
   * epoch seconds (projected, or measured with --full-epoch). Only on TensorKit rows.
   */
  vsPeers: Record<string, number>;
  /**
   * Seconds of an epoch: projected from the median (train step; epoch rows by default), or measured
   * (epoch rows with --full-epoch).
   */
  readonly epochSeconds: number | null;
  /** The epoch rows' details (steps timed, projections, accuracy). */
  readonly epoch: EpochMeasurement | null;
  /** Said in the row's note: the contender's (e.g. wasm threads) and the data's, when synthetic. */
  readonly note: string | null;
  /**
   * Largest difference between this row's outputs and the reference row's (tfjs-cpu when present),
   * relative to the largest magnitude of each output; null when there was nothing to compare.
   */
  maxRelDiff: number | null;
  /** Tensors still alive after the case was disposed, beyond those alive before it was built. */
  leftAfterDispose: number;
  /** False when the live tensor count moved across the timed samples. */
  readonly memoryStable: boolean;
  /** Net tensors left alive per timed run (0 when the count ended where it started). */
  readonly leakedPerRun: number;
  readonly error: string | null;
}

/** A collector when the process was started without --expose-gc: lets rows start from a clean heap. */
function findGc(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

/** Outputs that differ by more than this (relative to their scale) are reported as a mismatch. */
const TOLERANCE = 1e-3;

/** max over outputs of max|a - b| / max|b|. */
function relativeDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i].length !== b[i].length) return Infinity;
    let scale = 1e-6;
    let diff = 0;
    for (let j = 0; j < b[i].length; j++) {
      scale = Math.max(scale, Math.abs(b[i][j]));
      const d = Math.abs(a[i][j] - b[i][j]);
      diff = d > diff || d !== d ? d : diff;
    }
    worst = Math.max(worst, diff !== diff ? Infinity : diff / scale);
  }
  return worst;
}

type Row = Result & { outputs: Float32Array[] | null };

/** The workload's inputs: its seeded arrays, plus its dataset's `x` and `labels`. */
function inputsOf(workload: Workload, options: Options): { inputs: Record<string, HostArray>; dataset: Dataset | null } {
  const inputs = generateAll(workload.id, workload.inputs);
  if (!workload.dataset) return { inputs, dataset: null };
  const dataset = mnistTrain(mnistDir(options.mnist));
  return { inputs: { ...inputs, x: dataset.x, labels: dataset.labels }, dataset };
}

async function runRow(workload: Workload, contender: Contender, options: Options, gc: (() => void) | null): Promise<Row> {
  const data = inputsOf(workload, options);
  const notes = [contender.note, data.dataset?.source === 'synthetic' ? data.dataset.description : undefined].filter((n): n is string => !!n);
  const base = {
    workload: workload.id,
    title: workload.title,
    group: workload.group,
    backend: contender.label,
    library: contender.library,
    ours: contender.ours,
    note: notes.length > 0 ? notes.join('; ') : null,
  };
  const empty = { measurement: null, medianMs: null, gflops: null, vsTfjs: null, vsPeers: {}, epochSeconds: null, epoch: null, memoryStable: true, leakedPerRun: 0, maxRelDiff: null, leftAfterDispose: 0, outputs: null };
  let c;
  try {
    await contender.activate();
    c = contender.family.build(workload, data.inputs);
  } catch (error) {
    return { ...base, ...empty, error: `setup failed: ${message(error)}` };
  }
  if (!c) return { ...base, ...empty, error: 'not expressible in this library' };
  let outputs: Float32Array[] | null = null;
  try {
    outputs = await c.probe();
  } catch (error) {
    c.dispose();
    return { ...base, ...empty, error: `run failed: ${message(error)}` };
  }
  try {
    gc?.();
    let m: Measurement;
    let epoch: EpochMeasurement | null = null;
    if (isEpochCase(c)) {
      const timed = await measureEpoch(c, contender.family.numTensors, {
        warmupSteps: options.warmupSteps,
        steps: options.steps,
        fullEpoch: options.fullEpoch,
        stepsPerEpoch: workload.stepsPerEpoch ?? STEPS_PER_EPOCH,
      });
      m = timed.measurement;
      epoch = timed.epoch;
    } else {
      m = await measure(c, contender.family.numTensors, {
        repeats: options.repeats,
        warmupRuns: 3,
        warmupMs: options.warmupMs,
        minSampleMs: options.minSampleMs,
      });
    }
    const final = m.tensorsAfter[m.tensorsAfter.length - 1];
    const moved = m.tensorsAfter.some((n) => n !== m.tensorsBefore);
    const runs = m.inner * m.tensorsAfter.length;
    return {
      ...base,
      measurement: m,
      medianMs: m.medianMs,
      gflops: workload.flops ? workload.flops / (m.medianMs * 1e6) : null,
      vsTfjs: null,
      vsPeers: {},
      epochSeconds: epoch ? (epoch.measuredSeconds ?? epoch.projectedSeconds) : workload.stepsPerEpoch ? (workload.stepsPerEpoch * m.medianMs) / 1000 : null,
      epoch,
      memoryStable: !moved,
      leakedPerRun: (final - m.tensorsBefore) / runs,
      maxRelDiff: null,
      leftAfterDispose: 0,
      outputs,
      error: null,
    };
  } catch (error) {
    return { ...base, ...empty, error: `run failed: ${message(error)}` };
  } finally {
    try {
      c.dispose();
    } catch {
      // A failed dispose must not hide the row's result.
    }
  }
}

/** Runs one row, then checks that disposing its case freed everything it had made. */
async function runRowChecked(workload: Workload, contender: Contender, options: Options, gc: (() => void) | null): Promise<Row> {
  const before = contender.family.numTensors();
  const row = await runRow(workload, contender, options, gc);
  row.leftAfterDispose = contender.family.numTensors() - before;
  return row;
}

const COLUMNS: readonly Column[] = [
  { header: 'workload', align: 'left' },
  { header: 'backend', align: 'left' },
  { header: 'time (median ms)', align: 'right' },
  { header: 'GFLOP/s', align: 'right' },
  { header: 'vs tfjs', align: 'right' },
  { header: 'note', align: 'left' },
];

function tableRows(results: readonly Result[]): string[][] {
  const rows: string[][] = [];
  for (const r of results) {
    const afterDispose = (): void => {
      if (r.leftAfterDispose !== 0) {
        rows.push([`⚠ WARNING ${r.title}`, r.backend, '', '', '', `memory: ${r.leftAfterDispose} tensor(s) still alive after the case was disposed`]);
      }
    };
    if (r.error !== null || r.medianMs === null) {
      rows.push([r.title, r.backend, '—', '—', '—', [r.error ?? 'no result', ...(r.note ? [r.note] : [])].join('; ')]);
      afterDispose();
      continue;
    }
    const notes: string[] = [];
    const steps = WORKLOADS.find((w) => w.id === r.workload)?.stepsPerEpoch;
    if (r.gflops !== null && r.gflops >= 1000) notes.push(`${(r.gflops / 1000).toFixed(2)} TFLOP/s`);
    if (r.epoch) {
      const e = r.epoch;
      if (e.measuredSeconds !== null) {
        notes.push(`epoch ${formatSeconds(e.measuredSeconds)} measured, ${e.stepsRun} steps (${steps} × median step: ${formatSeconds(e.projectedSeconds)})`);
        notes.push(`accuracy ${e.accuracy.toFixed(4)}, loss ${e.loss.toFixed(4)}`);
      } else {
        notes.push(`epoch ≈ ${formatSeconds(e.projectedSeconds)} (${steps} × median of steps ${e.firstTimedStep}–${e.lastTimedStep}; × mean: ${formatSeconds(e.projectedMeanSeconds)})`);
      }
    } else if (r.epochSeconds !== null) {
      notes.push(`epoch (${steps} steps) ≈ ${formatSeconds(r.epochSeconds)}`);
    }
    for (const [peer, ratio] of Object.entries(r.vsPeers)) if (peer !== 'tfjs-cpu') notes.push(`vs ${peer} ${formatRatio(ratio)}`);
    if (r.group === 'training' && r.gflops !== null) notes.push('GFLOP/s counts matmul FLOPs only');
    if (r.note) notes.push(r.note);
    const vs = r.ours ? (r.vsTfjs === null ? '—' : formatRatio(r.vsTfjs)) : r.backend === 'tfjs-cpu' ? 'baseline' : '';
    rows.push([r.title, r.backend, formatMs(r.medianMs), r.gflops === null ? '—' : r.gflops.toFixed(2), vs, notes.join('; ')]);
    if (r.maxRelDiff !== null && !(r.maxRelDiff <= TOLERANCE)) {
      rows.push([`⚠ WARNING ${r.title}`, r.backend, '', '', '', `outputs differ from the reference row by ${r.maxRelDiff.toExponential(2)} (relative; tolerance ${TOLERANCE})`]);
    }
    if (!r.memoryStable) {
      const m = r.measurement!;
      rows.push([
        `⚠ WARNING ${r.title}`,
        r.backend,
        '',
        '',
        '',
        `memory: numTensors went ${m.tensorsBefore} → ${m.tensorsAfter.join(', ')} across samples (${r.leakedPerRun > 0 ? '+' : ''}${r.leakedPerRun.toFixed(2)} per run)`,
      ]);
    }
    afterDispose();
  }
  return rows;
}

/**
 * The GPU throughput workload: 4096³, or --gemm-size; on a software adapter (SwiftShader) 512³
 * unless --gemm-size says otherwise, with the reason in its title.
 */
function gemmFor(contenders: readonly Contender[], options: Options): Workload {
  const software = contenders.some((c) => c.adapter?.software === true);
  const size = options.gemmSize ?? (software ? SOFTWARE_GEMM_SIZE : GEMM_SIZE);
  const reasons = [
    ...(size === GEMM_SIZE ? [] : [`${options.gemmSize !== null ? `--gemm-size ${size}` : `${size}³`}, not ${GEMM_SIZE}³`]),
    ...(software ? ['software adapter, not GPU figures'] : []),
  ];
  return gemmWorkload(size, reasons.length > 0 ? reasons.join(': ') : null);
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`bench: ${message(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const ours = await discoverTensorKit(options.backends);
  // 'numpy' is a peer of the epoch rows only (a child process, see epoch-reference.ts); the rest are TensorFlow.js.
  const wantsNumpy = options.peers === null || options.peers.includes('numpy');
  const peers = await discoverTfjs(options.peers?.filter((p) => p !== 'numpy') ?? null);
  const notes = [...ours.notes, ...peers.notes];
  const contenders = [...ours.contenders, ...peers.contenders];
  const needle = options.filter?.toLowerCase() ?? null;
  const all = [...WORKLOADS, gemmFor(ours.contenders, options)];
  const workloads = all.filter((w) => !needle || w.title.toLowerCase().includes(needle) || w.id.toLowerCase().includes(needle));

  const libraries: Record<string, string> = { ...ours.libraries, ...peers.libraries };
  const env = describeEnvironment(libraries);
  console.log(environmentLine(env));
  for (const note of notes) console.log(`note: ${note}`);
  if (ours.contenders.length === 0) {
    console.error('bench: no TensorKit backend to run');
    return 1;
  }
  if (workloads.length === 0) {
    console.error(`bench: no workload matches --filter '${options.filter}'; workloads: ${all.map((w) => w.id).join(', ')}`);
    return 1;
  }

  // The epoch references (NumPy, TensorKit's best of 2 epochs, the matmuls alone) run right after
  // TensorKit's epoch rows, before any peer's: tfjs-backend-wasm growing its memory detaches an
  // ArrayBuffer, which switches off V8's typed-array fast path for the whole process, and the cpu
  // backend then runs ~1.5x slower (seen here: 10.6 s epochs became 17.2 s).
  // (Filled in by a closure, so an object: TypeScript's narrowing would not see the assignments.)
  const epochReference: { rows: ReferenceRow[]; numpy: NumpyEpoch | { error: string } | null } = { rows: [], numpy: null };
  const runEpochReferences = async (epochRows: readonly Row[]): Promise<void> => {
    const measured = await tensorkitReferences(
      ours.contenders.filter((c) => epochRows.some((r) => r.ours && r.epochSeconds !== null && r.backend === c.label)),
      mnistTrain(mnistDir(options.mnist)),
    );
    if (wantsNumpy) {
      process.stderr.write('  the NumPy reference epoch ... ');
      const numpy = runNumpyEpoch(mnistDir(options.mnist));
      epochReference.numpy = numpy;
      process.stderr.write('error' in numpy ? `${numpy.error}\n` : `${formatSeconds(numpy.bestEpochSeconds)}\n`);
    }
    const numpy = epochReference.numpy;
    epochReference.rows = [...measured].map(([backend, m]) => ({
      library: 'TensorKit model.fit',
      backend,
      epochSeconds: m.epoch?.seconds ?? null,
      matmulSeconds: m.matmulSeconds,
      note: m.error ? `failed: ${m.error}` : `accuracy ${m.epoch!.accuracy.toFixed(4)}, loss ${m.epoch!.loss.toFixed(4)} (that epoch's running means)`,
    }));
    if (numpy && !('error' in numpy)) {
      epochReference.rows.push({
        library: 'NumPy',
        backend: `${numpy.blas}, ${numpy.threads} threads`,
        epochSeconds: numpy.bestEpochSeconds,
        matmulSeconds: numpy.matmulSeconds,
        note: `numpy ${numpy.numpy}; best of 2 epochs; accuracy ${numpy.accuracy.toFixed(4)}, loss ${numpy.loss.toFixed(4)}`,
      });
    }
  };

  const gc = findGc();
  const results: Result[] = [];
  for (const workload of workloads) {
    const rows: Row[] = [];
    const rowContenders: Contender[] = [];
    if (workload.dataset) {
      process.stderr.write(`  loading the ${workload.dataset} data ... `);
      const dataset = mnistTrain(mnistDir(options.mnist));
      process.stderr.write(`${dataset.description}\n`);
    }
    let referencesRun = workload.group !== 'epoch';
    for (const contender of contenders) {
      if (!referencesRun && !contender.ours) {
        referencesRun = true;
        await runEpochReferences(rows);
      }
      // A family that does not write this group of workloads gets no row (not a "not expressible" one).
      if (contender.family.groups && !contender.family.groups.includes(workload.group)) continue;
      // Nor does a contender outside the workload's backends (the GPU throughput row).
      if (workload.backends && !(contender.ours && workload.backends.includes(contender.label))) continue;
      process.stderr.write(`  ${workload.title} on ${contender.label} ... `);
      const result = await runRowChecked(workload, contender, options, gc);
      process.stderr.write(
        result.medianMs === null
          ? `${result.error}\n`
          : `${formatMs(result.medianMs)} ms${result.epoch ? `/step, epoch ${result.epoch.measuredSeconds !== null ? '' : '≈ '}${formatSeconds(result.epochSeconds!)}` : ''}\n`,
      );
      rows.push(result);
      rowContenders.push(contender);
    }
    if (!referencesRun) await runEpochReferences(rows);
    // Ratios: each TensorKit row against each peer row (epoch rows by epoch seconds, others by median).
    const value = (r: Row): number | null => (r.epoch ? r.epochSeconds : r.medianMs);
    for (const r of rows) {
      const ours = value(r);
      if (!r.ours || !ours) continue;
      for (const p of rows) {
        const theirs = value(p);
        if (!p.ours && theirs) r.vsPeers[p.backend] = theirs / ours;
      }
    }
    const baseline = rows.find((r, i) => !r.ours && rowContenders[i].baseline && value(r) !== null);
    for (const r of rows) if (r.ours && baseline) r.vsTfjs = r.vsPeers[baseline.backend] ?? null;
    // Cross-check: every row against the baseline peer (or, without one, the first row that ran).
    const reference = baseline ?? rows.find((r) => r.outputs !== null);
    for (const r of rows) {
      if (r !== reference && r.outputs && reference?.outputs) r.maxRelDiff = relativeDifference(r.outputs, reference.outputs);
    }
    results.push(...rows.map(({ outputs: _outputs, ...result }) => result));
  }

  // Thread scaling of the matmul rows, and the epoch against its matmuls alone and NumPy's epoch.
  const scaling: ScalingRow[] = workloads.some((w) => w.group === 'matmul') ? await measureThreadScaling(workloads, ours.contenders, options) : [];
  console.log('');
  console.log(renderTable(COLUMNS, tableRows(results)));
  console.log('');
  if (scaling.length > 0) {
    console.log('Thread scaling of the matmul rows (the same cases timed on 1 thread, then on all threads):');
    console.log(renderThreadScaling(scaling));
    console.log('');
  }
  const { rows: references, numpy } = epochReference;
  if (references.length > 0) {
    console.log("The chapter's model: best of 2 model.fit epochs, against its matmuls alone (5 products x 469 steps, back to back) and against NumPy's best of 2, in this run:");
    console.log(renderEpochReference(references, numpy && !('error' in numpy) ? numpy.bestEpochSeconds : null));
    if (numpy && 'error' in numpy) console.log(`note: no NumPy row: ${numpy.error}`);
    console.log('');
  }
  if (results.some((r) => r.group !== 'epoch')) {
    console.log(
      `time: median of ${options.repeats} samples after warm-up, results read back inside the timing; ` +
        'vs tfjs = tfjs-cpu time / TensorKit time (> 1: TensorKit is faster).',
    );
  }
  if (results.some((r) => r.group === 'epoch')) {
    const dataset = mnistTrain(mnistDir(options.mnist));
    const data = dataset.source === 'mnist' ? `${dataset.description} from ${mnistDir(options.mnist)}` : dataset.description;
    console.log(
      options.fullEpoch
        ? `epoch rows: one whole epoch of model.fit per row, timed onEpochBegin → onEpochEnd; time = median step (from fit's onBatchEnd) after ${options.warmupSteps} warm-up steps; ` +
            `vs tfjs = tfjs-cpu epoch / TensorKit epoch (measured); accuracy and loss: the epoch's running means, as fit logs them; GFLOP/s counts matmul FLOPs only; data: ${data}.`
        : `epoch rows: model.fit stopped after ${options.warmupSteps} warm-up + ${options.steps} timed steps; time = median step (from fit's onBatchEnd); ` +
            `epoch projected as ${STEPS_PER_EPOCH} × median step; vs tfjs = tfjs-cpu epoch / TensorKit epoch (projected); GFLOP/s counts matmul FLOPs only; data: ${data}. ` +
            '--full-epoch runs whole epochs.',
    );
  }
  const compared = results.filter((r) => r.maxRelDiff !== null);
  const mismatched = compared.filter((r) => !(r.maxRelDiff! <= TOLERANCE));
  if (compared.length > 0) {
    const worst = Math.max(...compared.map((r) => r.maxRelDiff!));
    console.log(
      mismatched.length === 0
        ? `outputs cross-checked: ${compared.length} row(s) agree with the reference row (largest relative difference ${worst.toExponential(2)}, tolerance ${TOLERANCE}).`
        : `WARNING: ${mismatched.length} row(s) compute different outputs from the reference row (see ⚠ rows).`,
    );
  }
  const leaks = results.filter((r) => !r.memoryStable || r.leftAfterDispose !== 0);
  if (leaks.length > 0) console.log(`WARNING: ${leaks.length} row(s) did not free every tensor (see ⚠ rows).`);

  if (options.json) {
    const report = {
      environment: env,
      options,
      notes,
      results,
      threadScaling: scaling,
      epochReference,
      checksum: tensorkitSink() + tfjsSink(),
    };
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${options.json}`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
