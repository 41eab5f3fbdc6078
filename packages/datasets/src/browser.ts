/**
 * @tensorkit/datasets for browsers (and workers): the same datasets and arrays as the Node entry,
 * loaded with `fetch` from base URLs, gunzipped with `DecompressionStream` and verified with
 * `crypto.subtle`. No Node imports.
 */
import type { DatasetSplits } from './arrays.js';
import { FASHION_MNIST, MNIST, type DatasetInfo } from './specs.js';
import { loadDatasetWeb, type BrowserLoadOptions } from './web/load.js';

export { DatasetError, type DatasetErrorDetails } from './errors.js';
export { parseIdx, type IdxArray, type ParseIdxOptions } from './idx.js';
export { flatten, toFloat32, type DatasetSplits, type Images, type ShapedArray, type Split } from './arrays.js';
export type { DatasetFileInfo, DatasetInfo } from './specs.js';
export type { Limit } from './verify.js';
export type { BrowserLoadOptions, DownloadProgress } from './web/load.js';

/** A dataset in browsers: its description and `loadData`. */
export interface BrowserDataset extends DatasetInfo {
  /** Loads both splits over HTTP: images `[n, 28, 28]` (bytes 0-255) and labels `[n]` (0-9). */
  loadData(options?: BrowserLoadOptions): Promise<DatasetSplits>;
}

function dataset(info: DatasetInfo): BrowserDataset {
  return Object.freeze({ ...info, loadData: (options?: BrowserLoadOptions) => loadDatasetWeb(info, options) });
}

/** MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28, labels 0-9. */
export const mnist: BrowserDataset = dataset(MNIST);

/** Fashion-MNIST (Zalando): 60,000 training and 10,000 test images of clothes, 28x28, 10 classes. */
export const fashionMnist: BrowserDataset = dataset(FASHION_MNIST);
