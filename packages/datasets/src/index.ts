/**
 * @tensorkit/datasets for Node: MNIST and Fashion-MNIST as plain typed arrays with shapes.
 * The browser entry is `@tensorkit/datasets/browser` (picked automatically by bundlers).
 */
export { DatasetError, type DatasetErrorDetails } from './errors.js';
export { parseIdx, type IdxArray, type ParseIdxOptions } from './idx.js';
export { flatten, toFloat32, type DatasetSplits, type Images, type ShapedArray, type Split } from './arrays.js';
export type { DatasetFileInfo, DatasetInfo } from './specs.js';
export type { Limit } from './verify.js';
export { mnist, fashionMnist, type NodeDataset } from './node/datasets.js';
export type { LoadOptions } from './node/load.js';
export type { ProgressStream } from './node/progress.js';
