/**
 * TensorKit's implementations of the workloads, on the built `@tensorkit/core` and whichever of its
 * backends is active. Every repetition runs inside `tidy` (or `tidyAsync` on a backend that reads
 * asynchronously), so its temporaries are freed, and reads its result inside the timed region.
 */
import * as tk from '@tensorkit/core';
import type { HostArray } from '../rng.js';
import type { Computation, Workload } from '../workloads.js';
import { touch, type Case, type Contender, type EpochCase, type Family, type FitOutcome } from './family.js';

/** Where TensorKit backends come from: each module registers one backend when imported. */
export const TENSORKIT_BACKEND_MODULES: readonly string[] = [
  '@tensorkit/backend-cpu/register',
  '@tensorkit/backend-wasm/register',
  '@tensorkit/backend-webgpu/register',
  '@tensorkit/backend-native/register',
  // Backends plug in here; a module that is not installed is skipped with a note.
];

let sink = 0;

/** Reads `t` back to JavaScript: synchronously where the backend can, else awaited. */
function reader(sync: boolean): (t: tk.Tensor) => void | Promise<void> {
  return sync
    ? (t) => {
        sink += touch(t.dataSync());
      }
    : async (t) => {
        sink += touch(await t.data());
      };
}

/** A host array as a TensorKit tensor on the active backend. */
export function upload(a: HostArray): tk.Tensor {
  return tk.tensor(a.values, { shape: [...a.shape], dtype: a.dtype });
}

/** Runs `compute` once in a memory scope and returns copies of its outputs as float32. */
async function probeOf(compute: () => tk.Tensor[]): Promise<Float32Array[]> {
  return tk.tidyAsync(async () => {
    const out: Float32Array[] = [];
    for (const t of compute()) out.push(Float32Array.from(await t.data()));
    return out;
  });
}

/** Runs `compute` in a memory scope and reads every tensor it returns inside the same scope. */
function repetition(sync: boolean, compute: () => tk.Tensor[]): () => void | Promise<void> {
  const read = reader(sync);
  if (sync) {
    return () => {
      tk.tidy(() => {
        for (const t of compute()) read(t);
      });
    };
  }
  return async () => {
    await tk.tidyAsync(async () => {
      for (const t of compute()) await read(t);
    });
  };
}

function trainStep(sync: boolean, inputs: Readonly<Record<string, HostArray>>, options: { learningRate: number; rho: number; epsilon: number }): Case {
  const x = upload(inputs.x);
  const labels = upload(inputs.labels);
  const initial = ['w1', 'b1', 'w2', 'b2'].map((name) => upload(inputs[name]));
  const weights = initial.map((t, i) => tk.variable(t, { name: ['w1', 'b1', 'w2', 'b2'][i] }));
  const zeros = weights.map((w) => tk.zeros(w.shape));
  const meanSquares = zeros.map((z, i) => tk.variable(z, { trainable: false, name: `${weights[i].name}/rms` }));
  // variable() copies its initial value.
  tk.dispose([initial, zeros]);
  const [w1, b1, w2, b2] = weights;
  const lossAndGrads = (): [tk.Tensor, tk.Tensor[]] => {
    const tape = new tk.GradientTape();
    const loss = tape.record(() => {
      const h = tk.fusedDense(x, w1, b1, 'relu');
      const logits = tk.fusedDense(h, w2, b2, 'linear');
      return tk.sparseSoftmaxCrossEntropy(labels, logits).mean();
    });
    return [loss, tape.gradient(loss, weights)];
  };
  const step = repetition(sync, () => {
    const [loss, grads] = lossAndGrads();
    weights.forEach((w, i) => tk.rmspropUpdate(w, grads[i], meanSquares[i], options));
    // The loss, and the last variable updated: on a backend that queues work, reading it waits for
    // every update before it.
    return [loss, b2];
  });
  return {
    run: step,
    probe: () =>
      probeOf(() => {
        const [loss, grads] = lossAndGrads();
        return [loss, ...grads];
      }),
    dispose: () => tk.dispose([x, labels, ...weights, ...meanSquares]),
  };
}

/**
 * The chapter's model with TensorKit's layers API, as a user writes it: `sequential` of two `dense`
 * layers, `compile({ optimizer: 'rmsprop', ... })` (Keras' defaults: learning rate 1e-3, rho 0.9,
 * epsilon 1e-7), `fit(..., { epochs: 1, batchSize, shuffle: true, verbose: 0, callbacks })`.
 */
function fitEpoch(inputs: Readonly<Record<string, HostArray>>, c: Extract<Computation, { kind: 'fitEpoch' }>): EpochCase {
  const x = upload(inputs.x);
  const labels = upload(inputs.labels);
  const model = tk.sequential([tk.dense({ units: c.hidden, activation: 'relu' }), tk.dense({ units: c.classes, activation: 'softmax' })]);
  const dispose = (): void => {
    model.dispose();
    tk.dispose([x, labels]);
  };
  try {
    model.build([1, inputs.x.shape[1]]);
    // The shared initial weights: kernel and bias of each layer, in order. assign() shares the
    // value's storage, so the uploads can be freed at once.
    const initial = ['w1', 'b1', 'w2', 'b2'].map((name) => upload(inputs[name]));
    const weights = model.weights;
    if (weights.length !== initial.length) throw new Error(`the model has ${weights.length} weights, expected 4`);
    weights.forEach((w, i) => w.assign(initial[i]));
    tk.dispose(initial);
    model.compile({ optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const rms = model.optimizer as unknown as { learningRate?: number; rho?: number; epsilon?: number };
    if (rms.learningRate !== c.learningRate || rms.rho !== c.rho || rms.epsilon !== c.epsilon) {
      throw new Error(`'rmsprop' is lr ${rms.learningRate}, rho ${rms.rho}, epsilon ${rms.epsilon}; the workload wants ${c.learningRate}, ${c.rho}, ${c.epsilon}`);
    }
  } catch (error) {
    dispose();
    throw error;
  }
  return {
    kind: 'epoch',
    probe: async () => {
      const xs = tk.slice(x, [0], [c.probeSamples]);
      const ys = tk.slice(labels, [0], [c.probeSamples]);
      const first = tk.slice(x, [0], [c.batchSize]);
      try {
        const scores = await model.evaluate(xs, ys, { batchSize: c.batchSize });
        const probabilities = model.predict(first);
        const values = Float32Array.from(await probabilities.data());
        probabilities.dispose();
        return [Float32Array.of(scores.loss), values];
      } finally {
        tk.dispose([xs, ys, first]);
      }
    },
    fit: async (hooks): Promise<FitOutcome> => {
      const history = await model.fit(x, labels, {
        epochs: 1,
        batchSize: c.batchSize,
        shuffle: true,
        verbose: 0,
        callbacks: [
          {
            onEpochBegin: () => hooks.epochBegin(),
            onBatchEnd: (step) => {
              if (hooks.batchEnd(step)) model.stopTraining = true;
            },
            onEpochEnd: () => hooks.epochEnd(),
          },
        ],
      });
      const h = history.history;
      return { loss: h.loss?.[0] ?? NaN, accuracy: (h.accuracy ?? h.acc)?.[0] ?? NaN, librarySeconds: history.epochSeconds[0] ?? null };
    },
    dispose,
  };
}

/** The TensorKit family. Build cases only while the contender's backend is active. */
export const tensorkitFamily: Family = {
  library: 'tensorkit',
  numTensors: () => tk.memory().numTensors,
  build(workload: Workload, inputs: Readonly<Record<string, HostArray>>): Case | EpochCase | null {
    const sync = tk.getBackend().capabilities.syncRead;
    const c = workload.computation;
    if (c.kind === 'trainStep') return trainStep(sync, inputs, c);
    if (c.kind === 'fitEpoch') return fitEpoch(inputs, c);
    const names = workload.inputs.map((s) => s.name);
    const tensors = names.map((n) => upload(inputs[n]));
    const [a, b] = tensors;
    let compute: () => tk.Tensor[];
    switch (c.kind) {
      case 'matmul':
        compute = () => [tk.matmul(a, b, { transposeA: c.transposeA, transposeB: c.transposeB })];
        break;
      case 'binary':
        compute = c.op === 'add' ? () => [tk.add(a, b)] : () => [tk.mul(a, b)];
        break;
      case 'unary':
        compute = c.op === 'relu' ? () => [tk.relu(a)] : () => [tk.exp(a)];
        break;
      case 'reduce': {
        const axes = c.axis === null ? undefined : c.axis;
        const f = c.op === 'sum' ? tk.sum : c.op === 'mean' ? tk.mean : tk.max;
        compute = () => [f(a, axes)];
        break;
      }
      case 'softmax':
        compute = () => [tk.softmax(a)];
        break;
      case 'gemm': {
        // One element of the product read back (see the workload): waits for all of it, copies 4 bytes.
        const [rows, cols] = [a.shape[0], b.shape[1]];
        compute = () => [tk.slice(tk.matmul(a, b), [rows - 1, cols - 1], [1, 1])];
        break;
      }
      default:
        tk.dispose(tensors);
        return null;
    }
    return { run: repetition(sync, compute), probe: () => probeOf(compute), dispose: () => tk.dispose(tensors) };
  },
};

/** What discovery found: the rows to run, and why requested backends are missing. */
export interface Discovery {
  readonly contenders: Contender[];
  readonly notes: string[];
  /** Library versions for the environment line, by display name. */
  readonly libraries: Record<string, string>;
}

async function coreVersion(): Promise<string> {
  try {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    return (require('@tensorkit/core/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Imports every backend module, then keeps each registered backend that initialises (all of them,
 * or those named in `requested`).
 */
export async function discoverTensorKit(requested: readonly string[] | null): Promise<Discovery> {
  const notes: string[] = [];
  for (const specifier of TENSORKIT_BACKEND_MODULES) {
    try {
      await import(specifier);
    } catch (error) {
      notes.push(`TensorKit: could not import ${specifier} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
  }
  const version = await coreVersion();
  const registered = tk.listBackends().map((b) => b.name);
  for (const name of requested ?? []) {
    if (!registered.includes(name)) notes.push(`TensorKit: backend '${name}' is not registered (registered: ${registered.join(', ') || 'none'})`);
  }
  const contenders: Contender[] = [];
  for (const name of registered) {
    if (requested && !requested.includes(name)) continue;
    let adapter: Contender['adapter'];
    try {
      const backend = await tk.setBackend(name);
      // A software GPU adapter (SwiftShader) measures the CPU emulating a GPU, not the backend:
      // time it only when asked for by --backend.
      const backendNotes = backend.capabilities.notes ?? [];
      const software = backendNotes.some((n) => /software|fallback adapter/i.test(n));
      if (software && !requested) {
        notes.push(`TensorKit: backend '${name}' runs on a software adapter here; skipped (pass --backend ${name} to time it anyway)`);
        continue;
      }
      // GPU backends describe their adapter in a note 'adapter: ...' (the webgpu backend does).
      const described = backendNotes.find((n) => n.startsWith('adapter: '));
      if (described) {
        adapter = { description: described.slice('adapter: '.length).replace(/ \(software\/fallback adapter\)$/, ''), software };
        notes.push(`TensorKit: backend '${name}' runs on ${adapter.description}${software ? ' (a SOFTWARE adapter: its timings are of the CPU emulating a GPU, not GPU figures)' : ''}`);
      }
    } catch (error) {
      notes.push(`TensorKit: backend '${name}' did not initialise: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    contenders.push({
      label: name,
      library: 'tensorkit',
      version,
      ours: true,
      baseline: false,
      family: tensorkitFamily,
      ...(adapter ? { adapter, note: `adapter: ${adapter.description}${adapter.software ? ' (software: not GPU figures)' : ''}` } : {}),
      activate: async () => {
        await tk.setBackend(name);
      },
    });
  }
  return { contenders, notes, libraries: contenders.length > 0 ? { TensorKit: version } : {} };
}

/** Keeps the read results observable, so no engine could drop them as dead code. */
export function tensorkitSink(): number {
  return sink;
}
