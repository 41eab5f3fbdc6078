/** `mnist` and `fashionMnist` for Node. */
import type { DatasetSplits } from '../arrays.js';
import { FASHION_MNIST, MNIST, type DatasetInfo } from '../specs.js';
import { loadDataset, type LoadOptions } from './load.js';

/** A dataset in Node: its description and `loadData`. */
export interface NodeDataset extends DatasetInfo {
  /**
   * Loads both splits: images `[n, 28, 28]` (bytes 0-255) and labels `[n]` (0-9). Files come from
   * the `dir` option; else `$TENSORKIT_DATA_DIR/<name>`; else the cache
   * (`~/.cache/tensorkit/datasets/<name>`); else, for Fashion-MNIST, Debian's
   * `/usr/share/datasets/fashion-mnist`; else they are downloaded into the cache, checked first.
   */
  loadData(options?: LoadOptions): Promise<DatasetSplits>;
}

function dataset(info: DatasetInfo): NodeDataset {
  return Object.freeze({ ...info, loadData: (options?: LoadOptions) => loadDataset(info, options) });
}

/** MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28, labels 0-9. */
export const mnist: NodeDataset = dataset(MNIST);

/** Fashion-MNIST (Zalando): 60,000 training and 10,000 test images of clothes, 28x28, 10 classes. */
export const fashionMnist: NodeDataset = dataset(FASHION_MNIST);
