/**
 * `sequential([...])`: a stack of layers with Keras' training API: `compile`, `fit`, `evaluate`,
 * `predict`, `summary`, and saving to safetensors.
 */
import { now } from '../clock.js';
import { disposeTensor } from '../engine/engine.js';
import { tidy } from '../engine/scope.js';
import { ArgumentError, ShapeError, formatShape } from '../errors.js';
import { GradientTape } from '../autodiff/gradient-tape.js';
import { tensor } from '../ops/convert.js';
import { softmax, sparseSoftmaxCrossEntropy } from '../ops/nn.js';
import { shuffledIndices } from '../ops/random.js';
import { mean } from '../ops/reduction.js';
import { concat, gather, slice } from '../ops/reshape.js';
import { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import type { Callback, History, Logs } from './callbacks.js';
import { Dense } from './dense.js';
import { Layer } from './layer.js';
import { lossFunction, lossKind, type LossFunction, type LossKind } from './losses.js';
import { getMetric, Mean, type Metric } from './metrics.js';
import { uniqueName } from './names.js';
import { getOptimizer, type Optimizer, type OptimizerIdentifier } from './optimizers/index.js';
import { defaultSink, ProgressBar, type ProgressSink } from './progress.js';
import { formatSummary } from './summary.js';
import { StepTotals } from './step-totals.js';
import { loadWeightsInto, modelToSafetensors, saveModel } from './model-io.js';

/** Options of `compile`, as Keras' `model.compile`. */
export interface CompileOptions {
  /** An optimizer or its name (`'rmsprop'`). */
  readonly optimizer: OptimizerIdentifier;
  /** A loss name (`'sparseCategoricalCrossentropy'` or `'sparse_categorical_crossentropy'`) or function. */
  readonly loss: string | LossFunction;
  /** Metric names (`'accuracy'`) or `{ name, fn }`. */
  readonly metrics?: readonly (string | Metric)[];
}

/** Options of `fit`, as Keras' `model.fit`. */
export interface FitOptions {
  readonly epochs?: number;
  /** Samples per step (default 32, as Keras). */
  readonly batchSize?: number;
  /** Shuffle the training samples before each epoch (default true), from the seeded stream. */
  readonly shuffle?: boolean;
  /** Fraction of the samples, taken from the end before shuffling, to validate on after each epoch. */
  readonly validationSplit?: number;
  /** `[x, y]` to validate on after each epoch. */
  readonly validationData?: readonly [Tensor, Tensor];
  readonly callbacks?: readonly Callback[];
  /** 0 silent; 1 progress bar; 2 one line per epoch; 'auto' (default): 1 in a terminal, else 2. */
  readonly verbose?: 0 | 1 | 2 | 'auto';
  /** Where progress goes (default: standard output). */
  readonly output?: ProgressSink;
}

/** Options of `evaluate` and `predict`. */
export interface BatchOptions {
  readonly batchSize?: number;
}

interface Compiled {
  readonly optimizer: Optimizer;
  readonly loss: LossFunction;
  readonly kind: LossKind | null;
  readonly metrics: Metric[];
}

function checkSamples(op: string, x: Tensor, y: Tensor): number {
  if (!(x instanceof Tensor) || !(y instanceof Tensor)) throw new ArgumentError(`${op}: x and y must be tensors`);
  if (x.rank < 1 || y.rank < 1 || x.shape[0] !== y.shape[0]) {
    throw new ShapeError(`${op}: x ${formatShape(x.shape)} and y ${formatShape(y.shape)} must have the same number of samples (first axis)`);
  }
  return x.shape[0];
}

function checkBatchSize(op: string, batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError(`${op}: batchSize must be a positive integer, got ${batchSize}`);
}

/** A linear stack of layers. */
export class Sequential {
  readonly name: string;
  readonly #layers: Layer[] = [];
  #compiled: Compiled | null = null;
  /** Set to true (e.g. from a callback) to stop `fit` after the current step. */
  stopTraining = false;

  constructor(layers: readonly Layer[] = [], options: { name?: string } = {}) {
    this.name = options.name ?? uniqueName('sequential');
    for (const layer of layers) this.add(layer);
  }

  /** Appends a layer. */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new ArgumentError(`${this.name}.add: expected a layer (e.g. dense({ units: 10 })), got ${String(layer)}`);
    this.#layers.push(layer);
    // With a known input shape (given to the first layer), layers are built as they are added, as
    // Keras builds a model that starts with an Input.
    const input = this.#layers[0].inputShape;
    if (input) this.build([1, ...input]);
  }

  /** The layers, in order. */
  get layers(): Layer[] {
    return [...this.#layers];
  }

  /** Every weight of every layer. */
  get weights(): Variable[] {
    return this.#layers.flatMap((l) => l.weights);
  }

  /** The weights training updates. */
  get trainableWeights(): Variable[] {
    return this.#layers.flatMap((l) => l.trainableWeights);
  }

  /** True once every layer is built. */
  get built(): boolean {
    return this.#layers.length > 0 && this.#layers.every((l) => l.built);
  }

  /** Builds every layer for inputs of `inputShape` (batch axis first; its size does not matter). */
  build(inputShape: readonly number[]): void {
    let shape: readonly (number | null)[] = inputShape;
    for (const layer of this.#layers) {
      const concrete = shape.map((d) => d ?? 1);
      layer.ensureBuilt(concrete);
      shape = layer.computeOutputShape(shape);
    }
  }

  /** Runs the layers on `x` (building them on first use), as calling a Keras model. */
  apply(x: Tensor): Tensor {
    if (this.#layers.length === 0) throw new ArgumentError(`${this.name}: the model has no layers; add some first`);
    return tidy(() => this.#layers.reduce((h, layer) => layer.apply(h), x));
  }

  /** Same as `apply`. */
  call(x: Tensor): Tensor {
    return this.apply(x);
  }

  /** Configures training, as Keras' `compile`. */
  compile(options: CompileOptions): void {
    if (!options || options.optimizer === undefined || options.loss === undefined) {
      throw new ArgumentError(`${this.name}.compile: needs { optimizer, loss }, e.g. { optimizer: 'rmsprop', loss: 'sparseCategoricalCrossentropy' }`);
    }
    const kind = typeof options.loss === 'string' ? lossKind(options.loss) : null;
    const loss = typeof options.loss === 'function' ? options.loss : lossFunction(kind!);
    const metrics = (options.metrics ?? []).map((m) => getMetric(m, kind));
    this.#compiled?.optimizer.dispose();
    this.#compiled = { optimizer: getOptimizer(options.optimizer), loss, kind, metrics };
  }

  /** The optimizer set by `compile`. */
  get optimizer(): Optimizer | null {
    return this.#compiled?.optimizer ?? null;
  }

  #requireCompiled(op: string): Compiled {
    if (!this.#compiled) throw new ArgumentError(`${this.name}.${op}: call compile({ optimizer, loss, metrics }) first`);
    return this.#compiled;
  }

  /**
   * The per-sample loss and the predictions. A final softmax dense layer with sparse categorical
   * cross-entropy uses the logits directly (one stable fused op), as Keras does when it finds the
   * softmax's input.
   */
  #lossAndPredictions(compiled: Compiled, x: Tensor, y: Tensor): { losses: Tensor; predictions: () => Tensor } {
    const last = this.#layers[this.#layers.length - 1];
    if (compiled.kind === 'sparse_categorical_crossentropy' && last instanceof Dense && last.activation === 'softmax') {
      const hidden = this.#layers.slice(0, -1).reduce((h, layer) => layer.apply(h), x);
      last.ensureBuilt(hidden.shape);
      const logits = last.callLogits(hidden);
      const labels = y.rank === 2 ? y.reshape([y.shape[0]]) : y;
      return { losses: sparseSoftmaxCrossEntropy(labels.dtype === 'int32' ? labels : labels.cast('int32'), logits), predictions: () => softmax(logits) };
    }
    const predictions = this.#layers.reduce((h, layer) => layer.apply(h), x);
    return { losses: compiled.loss(y, predictions), predictions: () => predictions };
  }

  /** One step on one batch: loss and metrics as scalars (the caller disposes them). */
  #trainStep(compiled: Compiled, x: Tensor, y: Tensor): Tensor[] {
    return tidy(() => {
      const tape = new GradientTape();
      const { loss, predictions } = tape.record(() => {
        const out = this.#lossAndPredictions(compiled, x, y);
        return { loss: mean(out.losses), predictions: out.predictions };
      });
      const weights = this.trainableWeights;
      compiled.optimizer.applyGradients(tape.gradient(loss, weights), weights);
      const yPred = predictions();
      return [loss, ...compiled.metrics.map((m) => mean(m.fn(y, yPred)))];
    });
  }

  #evaluateStep(compiled: Compiled, x: Tensor, y: Tensor): Tensor[] {
    return tidy(() => {
      const { losses, predictions } = this.#lossAndPredictions(compiled, x, y);
      const yPred = predictions();
      return [mean(losses), ...compiled.metrics.map((m) => mean(m.fn(y, yPred)))];
    });
  }

  async #read(values: Tensor[]): Promise<number[]> {
    try {
      return await Promise.all(values.map(async (t) => (await t.data())[0]));
    } finally {
      values.forEach(disposeTensor);
    }
  }

  /**
   * Trains for `epochs` over `x` and `y` in shuffled batches, printing Keras' progress and calling
   * `callbacks`; resolves to the History. Every step frees what it made.
   *
   * @example await model.fit(trainImages, trainLabels, { epochs: 5, batchSize: 128 })
   */
  async fit(x: Tensor, y: Tensor, options: FitOptions = {}): Promise<History> {
    const compiled = this.#requireCompiled('fit');
    const total = checkSamples('fit', x, y);
    const { epochs = 1, batchSize = 32, shuffle = true, validationSplit = 0, callbacks = [], verbose = 'auto' } = options;
    if (!Number.isInteger(epochs) || epochs < 0) throw new ArgumentError(`fit: epochs must be a non-negative integer, got ${epochs}`);
    checkBatchSize('fit', batchSize);
    if (!(validationSplit >= 0 && validationSplit < 1)) throw new ArgumentError(`fit: validationSplit must be in [0, 1), got ${validationSplit}`);
    const owned: Tensor[] = [];
    let trainX = x;
    let trainY = y;
    let validation = options.validationData;
    if (validation) checkSamples('fit (validationData)', validation[0], validation[1]);
    if (validationSplit > 0) {
      const split = Math.floor(total * (1 - validationSplit));
      if (split === 0 || split === total) throw new ArgumentError(`fit: validationSplit ${validationSplit} of ${total} samples leaves no training or no validation samples`);
      trainX = slice(x, [0], [split]);
      trainY = slice(y, [0], [split]);
      validation = [slice(x, [split]), slice(y, [split])];
      owned.push(trainX, trainY, ...validation);
    }
    const samples = trainX.shape[0];
    const steps = Math.ceil(samples / batchSize);
    const sink = options.output ?? defaultSink();
    const interactive = verbose === 1 || (verbose === 'auto' && sink.isTTY === true);
    const history: History = { epoch: [], history: {}, epochSeconds: [], params: { epochs, steps, batchSize, samples } };
    const names = ['loss', ...compiled.metrics.map((m) => m.name)];
    const wantsBatchLogs = callbacks.some((cb) => typeof cb.onBatchEnd === 'function');
    const barShown = verbose !== 0 && interactive;
    this.stopTraining = false;
    try {
      for (const cb of callbacks) await cb.onTrainBegin?.({});
      for (let epoch = 0; epoch < epochs && !this.stopTraining; epoch++) {
        const started = now();
        for (const cb of callbacks) await cb.onEpochBegin?.(epoch, {});
        if (verbose !== 0 && interactive) sink.write(`Epoch ${epoch + 1}/${epochs}\n`);
        const bar = new ProgressBar(sink, steps, verbose !== 0 && interactive);
        const order = shuffle ? shuffledIndices(samples) : null;
        const totals = new StepTotals();
        let logs: Logs = {};
        let lastRead = now();
        for (let step = 0; step < steps && !this.stopTraining; step++) {
          for (const cb of callbacks) await cb.onBatchBegin?.(step, {});
          const begin = step * batchSize;
          const size = Math.min(batchSize, samples - begin);
          const values = tidy(() => {
            const [bx, by] = order
              ? ((idx) => [gather(trainX, idx), gather(trainY, idx)])(tensor(order.subarray(begin, begin + size), { dtype: 'int32' }))
              : [slice(trainX, [begin], [size]), slice(trainY, [begin], [size])];
            return this.#trainStep(compiled, bx, by);
          });
          totals.add(values, size);
          // Read the running means only when someone looks: a batch callback or a redraw of the
          // bar (the epoch's final means are read after the loop).
          if (wantsBatchLogs || (barShown && now() - lastRead >= 100)) {
            const means = await totals.means();
            logs = Object.fromEntries(names.map((n, i) => [n, means[i]]));
            lastRead = now();
            bar.update(step + 1, logs);
          }
          for (const cb of callbacks) await cb.onBatchEnd?.(step, logs);
        }
        const means = await totals.means();
        if (means.length > 0) logs = Object.fromEntries(names.map((n, i) => [n, means[i]]));
        totals.dispose();
        if (validation) {
          const scores = await this.evaluate(validation[0], validation[1], { batchSize });
          for (const [k, v] of Object.entries(scores)) logs[`val_${k}`] = v;
        }
        const seconds = (now() - started) / 1000;
        if (verbose !== 0) bar.finish(logs, `Epoch ${epoch + 1}/${epochs}`);
        history.epoch.push(epoch);
        history.epochSeconds.push(seconds);
        for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
        for (const cb of callbacks) await cb.onEpochEnd?.(epoch, { ...logs, seconds });
      }
      for (const cb of callbacks) await cb.onTrainEnd?.({});
      return history;
    } finally {
      owned.forEach(disposeTensor);
    }
  }

  /** Loss and metrics over `x` and `y` in batches: `{ loss, accuracy }`, as Keras' `evaluate(return_dict=True)`. */
  async evaluate(x: Tensor, y: Tensor, options: BatchOptions = {}): Promise<Logs> {
    const compiled = this.#requireCompiled('evaluate');
    const total = checkSamples('evaluate', x, y);
    const { batchSize = 32 } = options;
    checkBatchSize('evaluate', batchSize);
    const names = ['loss', ...compiled.metrics.map((m) => m.name)];
    const running = names.map(() => new Mean());
    for (let begin = 0; begin < total; begin += batchSize) {
      const size = Math.min(batchSize, total - begin);
      const values = tidy(() => this.#evaluateStep(compiled, slice(x, [begin], [size]), slice(y, [begin], [size])));
      (await this.#read(values)).forEach((v, i) => running[i].update(v, size));
    }
    return Object.fromEntries(names.map((n, i) => [n, running[i].result()]));
  }

  /** The model's outputs for `x`, computed in batches (default 32) and joined. */
  predict(x: Tensor, options: BatchOptions = {}): Tensor {
    const { batchSize = 32 } = options;
    checkBatchSize('predict', batchSize);
    if (!(x instanceof Tensor) || x.rank < 1) throw new ArgumentError('predict: x must be a tensor with a batch axis');
    const total = x.shape[0];
    if (total <= batchSize) return this.apply(x);
    return tidy(() => {
      const parts: Tensor[] = [];
      for (let begin = 0; begin < total; begin += batchSize) parts.push(this.apply(slice(x, [begin], [Math.min(batchSize, total - begin)])));
      return concat(parts, 0);
    });
  }

  /** Number of weight values. */
  countParams(): number {
    return this.#layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /**
   * Keras' summary table (layers, output shapes, parameter counts); printed unless
   * `{ print: false }`, and returned.
   */
  summary(options: { print?: boolean } = {}): string {
    const text = formatSummary(this.name, this.#layers);
    if (options.print ?? true) (globalThis as { console?: { log(s: string): void } }).console?.log(text);
    return text;
  }

  /** The configuration that recreates the model (without weights). */
  getConfig(): { className: 'Sequential'; name: string; layers: { className: string; config: Record<string, unknown> }[] } {
    return { className: 'Sequential', name: this.name, layers: this.#layers.map((l) => ({ className: l.className, config: { ...l.getConfig() } })) };
  }

  /**
   * Saves the weights to `path` in the safetensors format and the config to the `.json` beside
   * it, each written atomically. Node.js only; in browsers use `toSafetensors()`.
   */
  async save(path: string): Promise<void> {
    await saveModel(this, path);
  }

  /** The weights as safetensors bytes (config and weight order in the metadata): for browsers. */
  async toSafetensors(): Promise<Uint8Array> {
    return modelToSafetensors(this);
  }

  /** Loads weights from a safetensors file or bytes (by name, else in saved order). */
  async loadWeights(source: string | Uint8Array): Promise<void> {
    await loadWeightsInto(this, source);
  }

  /** Frees every weight and the optimizer's slots. */
  dispose(): void {
    for (const layer of this.#layers) layer.dispose();
    this.#compiled?.optimizer.dispose();
  }
}

/**
 * A linear stack of layers, as Keras' `Sequential`.
 *
 * @example
 * const model = sequential([dense({ units: 512, activation: 'relu' }), dense({ units: 10, activation: 'softmax' })]);
 * model.compile({ optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
 */
export function sequential(layers: readonly Layer[] = [], options: { name?: string } = {}): Sequential {
  return new Sequential(layers, options);
}
