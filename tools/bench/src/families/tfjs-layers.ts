/**
 * TensorFlow.js' layers API (`@tensorflow/tfjs-layers`, the `tf.sequential` / `tf.layers` of the
 * union package) on whichever tfjs backend is active: the epoch rows, written as the chapter's
 * model reads in tfjs:
 *
 *   const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 512, activation: 'relu' }),
 *                                          tf.layers.dense({ units: 10, activation: 'softmax' })] });
 *   model.compile({ optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
 *   await model.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0, callbacks });
 *
 * It runs on the same tfjs-core instance (and engine, gradients, production mode) as the core
 * family: pnpm links tfjs-layers' peer dependency to the same package.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type * as TFL from '@tensorflow/tfjs-layers';
import type { HostArray } from '../rng.js';
import type { Computation, Workload } from '../workloads.js';
import type { Case, EpochCase, Family, FitOutcome } from './family.js';

type Tf = typeof TF;
type Tfl = typeof TFL;

function scalarsOf(result: TF.Scalar | TF.Scalar[]): TF.Scalar[] {
  return Array.isArray(result) ? result : [result];
}

function fitEpoch(tf: Tf, tfl: Tfl, inputs: Readonly<Record<string, HostArray>>, c: Extract<Computation, { kind: 'fitEpoch' }>): EpochCase {
  const [samples, features] = inputs.x.shape;
  const x = tf.tensor2d(inputs.x.values, [samples, features], 'float32');
  // tfjs-layers' sparse categorical cross-entropy floors its targets, and tf.floor takes float32
  // only: int32 labels fail in fit ("Argument 'x' passed to 'floor' must be float32 tensor"). So
  // the labels go in as float32 values 0..9, as tfjs users pass them.
  const labels = tf.tensor1d(Float32Array.from(inputs.labels.values), 'float32');
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [features], units: c.hidden, activation: 'relu' }),
      tfl.layers.dense({ units: c.classes, activation: 'softmax' }),
    ],
  });
  // tf.train.rmsprop(learningRate, decay, momentum, epsilon): decay is Keras' rho.
  const optimizer = tf.train.rmsprop(c.learningRate, c.rho, 0, c.epsilon);
  const dispose = (): void => {
    model.dispose();
    // The model disposes an optimizer only when it made it from a name.
    optimizer.dispose();
    tf.dispose([x, labels]);
  };
  try {
    // The shared initial weights (setWeights copies them into the model's variables).
    const initial = ['w1', 'b1', 'w2', 'b2'].map((name) => tf.tensor(inputs[name].values, [...inputs[name].shape], 'float32'));
    model.setWeights(initial);
    tf.dispose(initial);
    model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  } catch (error) {
    dispose();
    throw error;
  }
  return {
    kind: 'epoch',
    probe: async () => {
      const xs = tf.slice(x, [0, 0], [c.probeSamples, features]);
      const ys = tf.slice(labels, [0], [c.probeSamples]);
      const first = tf.slice(x, [0, 0], [c.batchSize, features]);
      try {
        const scores = scalarsOf(model.evaluate(xs, ys, { batchSize: c.batchSize }) as TF.Scalar | TF.Scalar[]);
        const loss = Float32Array.from(await scores[0].data());
        tf.dispose(scores);
        const probabilities = model.predict(first) as TF.Tensor;
        const values = Float32Array.from(await probabilities.data());
        probabilities.dispose();
        return [loss, values];
      } finally {
        tf.dispose([xs, ys, first]);
      }
    },
    fit: async (hooks): Promise<FitOutcome> => {
      // A callbacks object: tfjs-layers reads the step's logs (loss, acc) before calling onBatchEnd,
      // as TensorKit's fit reads them after every step. Default yieldEvery ('auto').
      const history = await model.fit(x, labels, {
        epochs: 1,
        batchSize: c.batchSize,
        shuffle: true,
        verbose: 0,
        callbacks: {
          onEpochBegin: async () => hooks.epochBegin(),
          onBatchEnd: async (step) => {
            if (hooks.batchEnd(step)) model.stopTraining = true;
          },
          onEpochEnd: async () => hooks.epochEnd(),
        },
      });
      const h = history.history as Record<string, (number | TF.Tensor)[]>;
      const first = (key: string): number => {
        const v = h[key]?.[0];
        return typeof v === 'number' ? v : v ? v.dataSync()[0] : NaN;
      };
      return { loss: first('loss'), accuracy: h.acc ? first('acc') : first('accuracy'), librarySeconds: null };
    },
    dispose,
  };
}

/** The tfjs-layers family: only the epoch rows (its model API is what they measure). */
export function makeLayersFamily(tf: Tf, tfl: Tfl): Family {
  return {
    library: 'tfjs-layers',
    groups: ['epoch'],
    numTensors: () => tf.memory().numTensors,
    build(workload: Workload, inputs: Readonly<Record<string, HostArray>>): Case | EpochCase | null {
      const c = workload.computation;
      return c.kind === 'fitEpoch' ? fitEpoch(tf, tfl, inputs, c) : null;
    },
  };
}
