/** The chapter's data preparation: images flattened to 784 values scaled to [0, 1], labels as int32. */
import { tensor, type Tensor } from '@tensorkit/core';
import { fashionMnist, flatten, mnist, toFloat32, type Split } from '@tensorkit/datasets';

/** One split as tensors. */
export interface TensorSplit {
  readonly images: Tensor;
  readonly labels: Tensor;
}

function toTensors(split: Split): TensorSplit {
  const flat = toFloat32(flatten(split.images));
  return {
    images: tensor(flat.data, { shape: [...flat.shape] }),
    labels: tensor(Int32Array.from(split.labels), { dtype: 'int32' }),
  };
}

/** Loads the dataset (train limited to `limit` samples) and turns it into tensors. */
export async function loadTensors(options: { dataset: 'mnist' | 'fashion-mnist'; dataDir?: string; limit?: number }): Promise<{ train: TensorSplit; test: TensorSplit }> {
  const source = options.dataset === 'mnist' ? mnist : fashionMnist;
  const splits = await source.loadData({ dir: options.dataDir, limit: options.limit ? { train: options.limit } : undefined });
  return { train: toTensors(splits.train), test: toTensors(splits.test) };
}
