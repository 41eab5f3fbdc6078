/** Layers, models, losses, metrics, optimizers and training (Keras' API in TypeScript). */
export { Layer, type LayerConfig, type LayerOptions } from './layer.js';
export { Dense, dense, type DenseOptions } from './dense.js';
export { Sequential, sequential, type CompileOptions, type FitOptions, type BatchOptions } from './sequential.js';
export { activationName, applyActivation, type ActivationName, type ActivationIdentifier } from './activations.js';
export {
  getInitializer, glorotUniform, glorotNormal, heNormal, heUniform, randomNormalInitializer, randomUniformInitializer,
  zerosInitializer, onesInitializer, type Initializer, type InitializerIdentifier, type RandomInitializerOptions,
} from './initializers.js';
export {
  sparseCategoricalCrossentropy, categoricalCrossentropy, binaryCrossentropy, meanSquaredError, lossKind, lossFunction,
  type CrossentropyOptions, type LossFunction, type LossKind,
} from './losses.js';
export { sparseCategoricalAccuracy, categoricalAccuracy, binaryAccuracy, getMetric, Mean, type Metric } from './metrics.js';
export * from './optimizers/index.js';
export type { Callback, History, Logs } from './callbacks.js';
export { ProgressBar, formatLogs, formatTiming, type ProgressSink } from './progress.js';
export { loadModel, modelFromConfig, configPathFor } from './model-io.js';
