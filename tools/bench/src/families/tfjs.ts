/**
 * TensorFlow.js' implementations of the workloads, with its core API (`@tensorflow/tfjs-core`) on
 * one of its backends. Written the way a careful tfjs user would: fused matMul+bias+relu (what
 * tfjs-layers' Dense uses), `tf.tidy` around each repetition, `dataSync()` inside the timing.
 * Production mode is on (`tf.enableProdMode()`), which skips debug checks: the fastest tfjs there is.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs-core';
import type * as TFL from '@tensorflow/tfjs-layers';
import type { HostArray } from '../rng.js';
import type { Workload } from '../workloads.js';
import { touch, type Case, type Contender, type Family } from './family.js';
import type { Discovery } from './tensorkit.js';
import { makeLayersFamily } from './tfjs-layers.js';

export type Tf = typeof TF;
type Tfl = typeof TFL;

/** A TensorFlow.js backend as rows: the module that registers it and its name in tfjs. */
export interface TfjsPeer {
  /** The backend column. */
  readonly label: string;
  /** The npm package that registers the backend when imported. */
  readonly module: string;
  /** The backend's name for `tf.setBackend`. */
  readonly backend: string;
  /** True for the one `vs tfjs` divides by. */
  readonly baseline: boolean;
  /**
   * The tfjs families that run on it: `core` (tfjs-core's ops and autodiff: the matmul, element-wise
   * and train-step rows) and `layers` (tfjs-layers' `model.fit`: the epoch rows).
   */
  readonly families: readonly ('core' | 'layers')[];
  /** Runs after the import and before `tf.setBackend` (e.g. where wasm's binaries are). */
  readonly prepare?: (module: unknown) => void;
  /** Said in the note of its rows, once the backend is ready (e.g. threads). */
  readonly describe?: (module: unknown, tf: Tf) => Promise<string>;
}

interface WasmModule {
  setWasmPaths(prefix: string): void;
  getThreadsCount(): number;
}

/**
 * The peers. One that is not installed or does not initialise is skipped with a note. tfjs-wasm
 * runs the epoch rows only (add `'core'` to its families to time the ops on it too).
 */
export const TFJS_PEERS: readonly TfjsPeer[] = [
  { label: 'tfjs-cpu', module: '@tensorflow/tfjs-backend-cpu', backend: 'cpu', baseline: true, families: ['core', 'layers'] },
  {
    label: 'tfjs-wasm',
    module: '@tensorflow/tfjs-backend-wasm',
    backend: 'wasm',
    baseline: false,
    families: ['layers'],
    // The .wasm binaries ship in the package's dist/ folder. Its Node build would find them next to
    // itself anyway; naming the folder (a file path, with the trailing slash: it is a prefix) keeps
    // that true if the tool is ever bundled.
    prepare: (module) => {
      const require = createRequire(import.meta.url);
      const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
      (module as WasmModule).setWasmPaths(`${dist}${path.sep}`);
    },
    describe: async (module, tf) => {
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      const threads = (module as WasmModule).getThreadsCount();
      const why = threads === 1 && tf.env().get('IS_NODE') ? ': tfjs-backend-wasm turns threads off in Node' : '';
      return `wasm ${simd ? 'SIMD' : 'without SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}${why}`;
    },
  },
];

let sink = 0;

function makeFamily(tf: Tf): Family {
  const upload = (a: HostArray): TF.Tensor => tf.tensor(a.values, [...a.shape], a.dtype);
  const read = (t: TF.Tensor): void => {
    sink += touch(t.dataSync());
  };

  function trainStep(inputs: Readonly<Record<string, HostArray>>, options: { learningRate: number; rho: number; epsilon: number }): Case {
    const x = upload(inputs.x);
    const labels = upload(inputs.labels);
    const names = ['w1', 'b1', 'w2', 'b2'];
    const initial = names.map((n) => upload(inputs[n]));
    // Unique names: tfjs keeps variables in a global registry by name.
    const tag = Math.random().toString(36).slice(2, 8);
    const weights = initial.map((t, i) => tf.variable(t, true, `bench_${tag}_${names[i]}`));
    tf.dispose(initial);
    const [w1, b1, w2, b2] = weights;
    const classes = inputs.w2.shape[1];
    // tf.train.rmsprop(learningRate, decay, momentum, epsilon): decay is Keras' rho.
    const optimizer = tf.train.rmsprop(options.learningRate, options.rho, 0, options.epsilon);
    const lossAndGrads = () =>
      tf.variableGrads(() => {
        const h = tf.fused.matMul({ a: x as TF.Tensor2D, b: w1 as TF.Tensor2D, bias: b1, activation: 'relu' });
        const logits = tf.fused.matMul({ a: h, b: w2 as TF.Tensor2D, bias: b2 });
        // tfjs has no sparse softmax cross-entropy: one-hot labels with the mean over the batch
        // (the default reduction) is the same math as TensorKit's sparse form plus mean().
        const oneHot = tf.cast(tf.oneHot(labels as TF.Tensor1D, classes), 'float32');
        return tf.losses.softmaxCrossEntropy(oneHot, logits) as TF.Scalar;
      }, weights);
    const run = (): void => {
      tf.tidy(() => {
        const { value, grads } = lossAndGrads();
        optimizer.applyGradients(grads);
        read(value);
        read(b2);
      });
    };
    return {
      run,
      probe: async () => {
        const { value, grads } = lossAndGrads();
        const outputs = [value, ...weights.map((w) => grads[w.name])];
        const values = outputs.map((t) => Float32Array.from(t.dataSync()));
        tf.dispose(outputs);
        return values;
      },
      dispose: () => {
        optimizer.dispose();
        tf.dispose([x, labels, ...weights]);
      },
    };
  }

  return {
    library: 'tfjs',
    groups: ['matmul', 'elementwise', 'training'],
    numTensors: () => tf.memory().numTensors,
    build(workload: Workload, inputs: Readonly<Record<string, HostArray>>): Case | null {
      const c = workload.computation;
      if (c.kind === 'trainStep') return trainStep(inputs, c);
      const tensors = workload.inputs.map((s) => upload(inputs[s.name]));
      const [a, b] = tensors;
      let compute: () => TF.Tensor;
      switch (c.kind) {
        case 'matmul':
          compute = () => tf.matMul(a, b, c.transposeA, c.transposeB);
          break;
        case 'binary':
          compute = c.op === 'add' ? () => tf.add(a, b) : () => tf.mul(a, b);
          break;
        case 'unary':
          compute = c.op === 'relu' ? () => tf.relu(a) : () => tf.exp(a);
          break;
        case 'reduce': {
          const axis = c.axis === null ? undefined : c.axis;
          compute = c.op === 'sum' ? () => tf.sum(a, axis) : c.op === 'mean' ? () => tf.mean(a, axis) : () => tf.max(a, axis);
          break;
        }
        case 'softmax':
          compute = () => tf.softmax(a);
          break;
        default:
          tf.dispose(tensors);
          return null;
      }
      return {
        run: () => {
          tf.tidy(() => read(compute()));
        },
        probe: async () => {
          let values = new Float32Array(0);
          tf.tidy(() => {
            values = Float32Array.from(compute().dataSync());
          });
          return [values];
        },
        dispose: () => tf.dispose(tensors),
      };
    },
  };
}

function firstLine(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

/**
 * Loads TensorFlow.js and keeps each peer backend that imports and initialises (all, or those
 * named in `requested`), with a contender per family it runs (tfjs-core's API, tfjs-layers' model
 * API). Without `@tensorflow/tfjs-core` installed there are simply no peers.
 */
export async function discoverTfjs(requested: readonly string[] | null): Promise<Discovery> {
  const notes: string[] = [];
  const wanted = TFJS_PEERS.filter((p) => !requested || requested.includes(p.label));
  for (const name of requested ?? []) {
    if (!TFJS_PEERS.some((p) => p.label === name)) notes.push(`peer '${name}' is unknown (known: ${TFJS_PEERS.map((p) => p.label).join(', ')})`);
  }
  if (wanted.length === 0) return { contenders: [], notes, libraries: {} };
  let tf: Tf;
  try {
    const loaded = (await import('@tensorflow/tfjs-core')) as Tf & { default?: Tf };
    tf = typeof loaded.matMul === 'function' ? loaded : (loaded.default as Tf);
  } catch (error) {
    return { contenders: [], notes: [...notes, `TensorFlow.js: could not import @tensorflow/tfjs-core (${firstLine(error)}); no 'vs tfjs' column`], libraries: {} };
  }
  tf.enableProdMode();
  try {
    await import('./tfjs-gradients.js');
  } catch (error) {
    notes.push(`TensorFlow.js: could not register its gradients (${firstLine(error)}); its training step will fail`);
  }
  const libraries: Record<string, string> = { 'tfjs-core': tf.version_core };
  const family = makeFamily(tf);
  let layers: { family: Family; version: string } | null = null;
  if (wanted.some((p) => p.families.includes('layers'))) {
    try {
      const loaded = (await import('@tensorflow/tfjs-layers')) as Tfl & { default?: Tfl };
      const tfl = typeof loaded.sequential === 'function' ? loaded : (loaded.default as Tfl);
      layers = { family: makeLayersFamily(tf, tfl), version: tfl.version_layers };
      libraries['tfjs-layers'] = tfl.version_layers;
    } catch (error) {
      notes.push(`TensorFlow.js: could not import @tensorflow/tfjs-layers (${firstLine(error)}); no tfjs rows for the epoch`);
    }
  }
  const contenders: Contender[] = [];
  for (const peer of wanted) {
    let module: unknown;
    try {
      module = await import(peer.module);
      peer.prepare?.(module);
      if (!(await tf.setBackend(peer.backend))) throw new Error(`tf.setBackend('${peer.backend}') returned false`);
      await tf.ready();
    } catch (error) {
      notes.push(`TensorFlow.js: peer ${peer.label} unavailable (${firstLine(error)})`);
      continue;
    }
    const version = (module as { [k: string]: unknown })[`version_${peer.backend}`];
    if (typeof version === 'string' && peer.backend !== 'cpu') libraries[`tfjs-backend-${peer.backend}`] = version;
    let note: string | undefined;
    try {
      note = await peer.describe?.(module, tf);
    } catch (error) {
      note = `(could not describe the backend: ${firstLine(error)})`;
    }
    const activate = async (): Promise<void> => {
      await tf.setBackend(peer.backend);
      await tf.ready();
    };
    const common = { label: peer.label, ours: false, baseline: peer.baseline, note, activate };
    if (peer.families.includes('core')) contenders.push({ ...common, library: 'tfjs', version: tf.version_core, family });
    if (peer.families.includes('layers') && layers) contenders.push({ ...common, library: 'tfjs-layers', version: layers.version, family: layers.family });
  }
  return { contenders, notes, libraries };
}

/** Keeps the read results observable, so no engine could drop them as dead code. */
export function tfjsSink(): number {
  return sink;
}
