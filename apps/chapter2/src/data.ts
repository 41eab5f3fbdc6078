/**
 * MNIST through `@tensorkit/datasets` (as `mnist.load_data()`), and the notebook's preparation:
 * images reshaped to `(n, 28 * 28)` and scaled with `astype("float32") / 255`, labels as int32.
 */
import { tensor, tidy, type Tensor } from '@tensorkit/core';
import { mnist, type DatasetSplits, type LoadOptions, type Split } from '@tensorkit/datasets';

/** How much of MNIST to load. */
export interface DataOptions {
  /** A directory holding the four MNIST files (`--data-dir`); otherwise the cache or a download. */
  readonly dir?: string;
  /** Keep only the first N training samples (`--quick`). */
  readonly trainLimit?: number;
  /** Keep only the first N test samples. */
  readonly testLimit?: number;
}

/** Loads MNIST once, however many cells ask (the notebook loads it in cells 28, 39 and 52). */
export function mnistLoader(options: DataOptions = {}): () => Promise<DatasetSplits> {
  let pending: Promise<DatasetSplits> | null = null;
  const load: LoadOptions = {
    ...(options.dir !== undefined ? { dir: options.dir } : {}),
    ...(options.trainLimit !== undefined || options.testLimit !== undefined ? { limit: { train: options.trainLimit, test: options.testLimit } } : {}),
  };
  return () => (pending ??= mnist.loadData(load));
}

/** One split as the notebook prepares it: images `[n, 784]` float32 in [0, 1], labels `[n]` int32. */
export interface TensorSplit {
  readonly images: Tensor;
  readonly labels: Tensor;
}

/**
 * `images.reshape((n, 28 * 28)).astype("float32") / 255`, in TensorKit ops, and the labels as
 * int32 (TensorKit's integer type).
 */
export function prepare(split: Split): TensorSplit {
  const [n, rows, cols] = split.images.shape;
  const images = tidy(() => tensor(split.images.data, { shape: [n, rows, cols], dtype: 'int32' }).reshape([n, rows * cols]).cast('float32').div(255));
  const labels = tensor(split.labels, { dtype: 'int32' });
  return { images, labels };
}
