/**
 * The training worker: owns the backends, the data and the model, so the page stays responsive.
 * Trains the chapter's model (dense 512 relu → dense 10 softmax, rmsprop, sparse categorical
 * cross-entropy, accuracy) and answers predictions for the drawing pad, also between batches.
 */
import { dense, getBackendName, listBackends, loadModel, sequential, setBackend, tensor, tidy, type Sequential, type Tensor } from '@tensorkit/core';
import { flatten, mnist, toFloat32, type DatasetSplits } from '@tensorkit/datasets/browser';
import { defaultBackend, probeBackends, type BackendRow } from './backends.js';
import { BACKEND_CANDIDATES } from './candidates.js';
import { argmaxRows, meanCrossEntropy } from './confusion.js';
import type { FromWorker, ToWorker, TrainSettings } from './protocol.js';

/** Kernels of the first layer shown on the page. */
const SHOWN_KERNELS = 16;

const scope = self as unknown as { postMessage(message: FromWorker, transfer?: Transferable[]): void; onmessage: ((event: MessageEvent<ToWorker>) => void) | null };
const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

let probing: Promise<readonly BackendRow[]> | null = null;
let model: Sequential | null = null;
let training = false;
let data: { key: string; splits: DatasetSplits } | null = null;
let tensors: { key: string; backend: string; trainX: Tensor; trainY: Tensor; testX: Tensor; testY: Uint8Array } | null = null;

/** Lets queued messages (stop, predict) run between batches. */
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function probe(): Promise<readonly BackendRow[]> {
  probing ??= (async () => {
    const env = {
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      isSecureContext: globalThis.isSecureContext === true,
      hasNavigatorGpu: typeof navigator !== 'undefined' && 'gpu' in navigator && (navigator as { gpu?: unknown }).gpu != null,
      hasSharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
    };
    const rows = await probeBackends(BACKEND_CANDIDATES, { setBackend, listBackends }, env);
    const best = defaultBackend(rows);
    if (best) await setBackend(best);
    return rows;
  })();
  return probing;
}

function chapterModel(): Sequential {
  const m = sequential([dense({ units: 512, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })]);
  compile(m);
  return m;
}

function compile(m: Sequential): void {
  m.compile({ optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
}

async function loadSplits(settings: TrainSettings): Promise<DatasetSplits> {
  const key = JSON.stringify([settings.dataUrl, settings.trainLimit, settings.testLimit]);
  if (data?.key === key) return data.splits;
  post({ type: 'status', text: `loading MNIST from ${settings.dataUrl}` });
  const started = performance.now();
  let lastPost = 0;
  const splits = await mnist.loadData({
    baseUrl: new URL(settings.dataUrl, self.location.href).href,
    limit: { train: settings.trainLimit, test: settings.testLimit },
    onProgress: ({ file, loaded, total }) => {
      const at = performance.now();
      if (at - lastPost > 100 || loaded === total) {
        lastPost = at;
        post({ type: 'download', file, loaded, total });
      }
    },
  });
  data = { key, splits };
  post({ type: 'data', train: splits.train.labels.length, test: splits.test.labels.length, seconds: (performance.now() - started) / 1000 });
  return splits;
}

async function prepareTensors(settings: TrainSettings) {
  const splits = await loadSplits(settings);
  const key = data!.key;
  if (tensors && tensors.key === key && tensors.backend === settings.backend) return tensors;
  if (tensors) [tensors.trainX, tensors.trainY, tensors.testX].forEach((t) => t.dispose());
  tensors = null;
  const trainFlat = toFloat32(flatten(splits.train.images));
  const testFlat = toFloat32(flatten(splits.test.images));
  tensors = {
    key,
    backend: settings.backend,
    trainX: tensor(trainFlat.data, { shape: [...trainFlat.shape] }),
    trainY: tensor(Int32Array.from(splits.train.labels), { dtype: 'int32' }),
    testX: tensor(testFlat.data, { shape: [...testFlat.shape] }),
    testY: splits.test.labels,
  };
  return tensors;
}

/** The first `SHOWN_KERNELS` columns of the first layer's kernel `[784, units]`, each as 784 values. */
async function postWeights(m: Sequential): Promise<void> {
  const kernel = m.weights[0];
  if (!kernel || kernel.shape.length !== 2) return;
  const [inputs, units] = kernel.shape;
  const values = await kernel.data();
  const count = Math.min(SHOWN_KERNELS, units);
  const out = new Float32Array(count * inputs);
  for (let k = 0; k < count; k++) for (let i = 0; i < inputs; i++) out[k * inputs + i] = Number(values[i * units + k]);
  post({ type: 'weights', count, side: Math.round(Math.sqrt(inputs)), data: out }, [out.buffer]);
}

async function train(settings: TrainSettings): Promise<void> {
  if (training) throw new Error('already training; stop first');
  training = true;
  try {
    await probe();
    await setBackend(settings.backend);
    const t = await prepareTensors(settings);
    model?.dispose();
    model = chapterModel();
    const m = model;
    const samples = t.trainX.shape[0];
    const steps = Math.ceil(samples / settings.batchSize);
    post({ type: 'started', backend: settings.backend, epochs: settings.epochs, steps, batchSize: settings.batchSize });
    post({ type: 'status', text: `training on ${samples} examples with ${getBackendName()}` });
    await postWeights(m);
    let epochNow = 0;
    await m.fit(t.trainX, t.trainY, {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      verbose: 0,
      callbacks: [
        {
          onEpochBegin: (epoch) => {
            epochNow = epoch;
          },
          onBatchEnd: async (batch, logs) => {
            post({ type: 'batch', epoch: epochNow, batch, steps, loss: logs.loss, accuracy: logs.accuracy });
            await yieldToEvents();
          },
          onEpochEnd: async (epoch, logs) => {
            post({ type: 'epoch', epoch, loss: logs.loss, accuracy: logs.accuracy, seconds: logs.seconds, backend: settings.backend });
            await postWeights(m);
            await yieldToEvents();
          },
        },
      ],
    });
    const stopped = m.stopTraining;
    await evaluate(m, t.testX, t.testY);
    post({ type: 'done', stopped });
  } finally {
    training = false;
  }
}

async function evaluate(m: Sequential, testX: Tensor, testY: Uint8Array): Promise<void> {
  post({ type: 'status', text: `evaluating on ${testY.length} test images` });
  const started = performance.now();
  const out = m.predict(testX, { batchSize: 500 });
  let probabilities: Float32Array;
  try {
    probabilities = Float32Array.from(await out.data() as ArrayLike<number>);
  } finally {
    out.dispose();
  }
  const predicted = argmaxRows(probabilities, 10);
  let right = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === testY[i]) right++;
  const labels = testY.slice();
  post({
    type: 'evaluated',
    loss: meanCrossEntropy(probabilities, testY),
    accuracy: right / testY.length,
    labels,
    predicted,
    seconds: (performance.now() - started) / 1000,
  }, [labels.buffer, predicted.buffer]);
}

async function predict(id: number, pixels: Float32Array): Promise<void> {
  if (!model) {
    post({ type: 'prediction', id, probabilities: null });
    return;
  }
  const m = model;
  const out = tidy(() => m.predict(tensor(pixels, { shape: [1, 784] })));
  try {
    const probabilities = Float32Array.from(await out.data() as ArrayLike<number>);
    post({ type: 'prediction', id, probabilities }, [probabilities.buffer]);
  } finally {
    out.dispose();
  }
}

async function load(backend: string, bytes: Uint8Array, name: string): Promise<void> {
  if (training) throw new Error('stop training before loading weights');
  await probe();
  await setBackend(backend);
  const loaded = await loadModel(bytes);
  const kernel = loaded.weights[0];
  const last = loaded.weights[loaded.weights.length - 1];
  if (!kernel || kernel.shape[0] !== 784 || last.shape[last.shape.length - 1] !== 10) {
    loaded.dispose();
    throw new Error(`${name}: expected a model on 784 inputs (28x28) with 10 outputs, got weights ${loaded.weights.map((w) => `${w.name} [${w.shape.join(', ')}]`).join(', ')}`);
  }
  compile(loaded);
  model?.dispose();
  model = loaded;
  await postWeights(loaded);
  post({ type: 'loaded', name, backend });
  if (data && tensors?.backend === backend) await evaluate(loaded, tensors.testX, tensors.testY);
}

scope.onmessage = (event) => {
  const message = event.data;
  const run = async () => {
    switch (message.type) {
      case 'probe':
        post({ type: 'backends', rows: await probe() });
        break;
      case 'train':
        await train(message.settings);
        break;
      case 'stop':
        if (model && training) model.stopTraining = true;
        break;
      case 'predict':
        await predict(message.id, message.pixels);
        break;
      case 'save': {
        if (!model) throw new Error('no model yet: train or load one first');
        const bytes = await model.toSafetensors();
        post({ type: 'saved', bytes }, [bytes.buffer as ArrayBuffer]);
        break;
      }
      case 'load':
        await load(message.backend, message.bytes, message.name);
        break;
    }
  };
  run().catch((error: unknown) => {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error), during: message.type });
  });
};
