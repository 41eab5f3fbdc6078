/**
 * Saving and loading models: weights in the safetensors format (readable by Python's `safetensors`)
 * with the model's config as JSON, both in the file's metadata and in a `.json` file beside it.
 * Writes are atomic (temporary file, then rename).
 */
import { ArgumentError } from '../errors.js';
import { decodeSafetensors, encodeSafetensors, type NamedTensorData } from '../io/safetensors.js';
import { readFileBytes, writeFileAtomic } from '../io/files.js';
import { WeightsFileError } from '../io/weights-error.js';
import { tensor } from '../ops/convert.js';
import { shapesEqual } from '../shape.js';
import { utf8Decode, utf8Encode } from '../text.js';
import { formatShape } from '../errors.js';
import { Dense, type DenseOptions } from './dense.js';
import type { Layer } from './layer.js';
import { Sequential } from './sequential.js';

const FORMAT = 'tensorkit-sequential/1';

/** The safetensors bytes of a model's weights, with its config and weight order in the metadata. */
export async function modelToSafetensors(model: Sequential): Promise<Uint8Array> {
  const weights = model.weights;
  if (weights.length === 0) throw new ArgumentError(`${model.name}: the model has no weights yet; build it (call it on data or give the first layer an inputShape) before saving`);
  const tensors: NamedTensorData[] = [];
  for (const w of weights) tensors.push({ name: w.name, dtype: w.dtype, shape: [...w.shape], data: await w.data() });
  return encodeSafetensors(tensors, {
    format: FORMAT,
    config: JSON.stringify(model.getConfig()),
    weights: JSON.stringify(weights.map((w) => w.name)),
  });
}

/** `model.safetensors` → `model.json`; any other name gets `.json` appended. */
export function configPathFor(path: string): string {
  return path.endsWith('.safetensors') ? `${path.slice(0, -'.safetensors'.length)}.json` : `${path}.json`;
}

/** Writes the weights to `path` and the config to the `.json` beside it, each atomically. */
export async function saveModel(model: Sequential, path: string): Promise<void> {
  const bytes = await modelToSafetensors(model);
  await writeFileAtomic(path, bytes);
  await writeFileAtomic(configPathFor(path), utf8Encode(`${JSON.stringify(model.getConfig(), null, 2)}\n`));
}

function decode(source: Uint8Array, label: string): { tensors: NamedTensorData[]; metadata: Record<string, string> } {
  try {
    return decodeSafetensors(source);
  } catch (error) {
    if (error instanceof WeightsFileError) throw new WeightsFileError(`${label}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Loads weights into `model` from safetensors bytes or a file: by name when the names match,
 * otherwise in the saved order; shapes and dtypes must match. An unbuilt model is built from the
 * first layer's saved kernel.
 */
export async function loadWeightsInto(model: Sequential, source: string | Uint8Array): Promise<void> {
  const label = typeof source === 'string' ? source : 'weights';
  const { tensors, metadata } = decode(typeof source === 'string' ? await readFileBytes(source) : source, label);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const savedOrder: string[] = metadata.weights ? (JSON.parse(metadata.weights) as string[]) : tensors.map((t) => t.name);
  if (!model.built) {
    const firstKernel = byName.get(`${model.layers[0]?.name}/kernel`) ?? byName.get(savedOrder[0]);
    if (!firstKernel || firstKernel.shape.length !== 2) throw new WeightsFileError(`${label}: cannot tell the model's input size; build the model first`);
    model.build([1, firstKernel.shape[0]]);
  }
  const weights = model.weights;
  const matchByName = weights.every((w) => byName.has(w.name));
  if (!matchByName && savedOrder.length !== weights.length) {
    throw new WeightsFileError(`${label}: holds ${savedOrder.length} weights (${savedOrder.join(', ')}) but the model has ${weights.length} (${weights.map((w) => w.name).join(', ')})`);
  }
  const sources = weights.map((w, i) => (matchByName ? byName.get(w.name) : byName.get(savedOrder[i]))!);
  weights.forEach((w, i) => {
    const saved = sources[i];
    if (!saved || !shapesEqual(saved.shape, w.shape) || saved.dtype !== w.dtype) {
      throw new WeightsFileError(
        `${label}: weight '${saved?.name ?? savedOrder[i]}' (${saved?.dtype} ${formatShape(saved?.shape ?? [])}) does not fit '${w.name}' (${w.dtype} ${formatShape(w.shape)})`,
      );
    }
  });
  weights.forEach((w, i) => {
    const value = tensor(sources[i].data, { shape: sources[i].shape, dtype: sources[i].dtype });
    try {
      w.assign(value);
    } finally {
      value.dispose();
    }
  });
}

const LAYERS: Record<string, (config: Record<string, unknown>) => Layer> = {
  Dense: (config) => new Dense(config as unknown as DenseOptions),
};

/** Recreates a model from `getConfig()` output (without weights). */
export function modelFromConfig(config: unknown): Sequential {
  const c = config as { className?: string; name?: string; layers?: { className: string; config: Record<string, unknown> }[] };
  if (!c || c.className !== 'Sequential' || !Array.isArray(c.layers)) {
    throw new WeightsFileError(`model config must be { className: 'Sequential', layers: [...] }, got ${JSON.stringify(config)?.slice(0, 80)}`);
  }
  const layers = c.layers.map((l) => {
    const make = LAYERS[l.className];
    if (!make) throw new WeightsFileError(`model config: layer class '${l.className}' is unknown; known: ${Object.keys(LAYERS).join(', ')}`);
    return make(l.config);
  });
  return new Sequential(layers, { name: c.name });
}

/**
 * Loads a model saved by `model.save(path)`: the config from the `.json` beside it (or the file's
 * metadata), then the weights.
 *
 * @example const model = await loadModel('mnist.safetensors');
 */
export async function loadModel(source: string | Uint8Array): Promise<Sequential> {
  const label = typeof source === 'string' ? source : 'model bytes';
  const bytes = typeof source === 'string' ? await readFileBytes(source) : source;
  const { metadata } = decode(bytes, label);
  let configText = metadata.config;
  if (typeof source === 'string') {
    try {
      configText = utf8Decode(await readFileBytes(configPathFor(source)));
    } catch (error) {
      if (!configText) throw error;
    }
  }
  if (!configText) throw new WeightsFileError(`${label}: no model config (neither a .json beside it nor config in the metadata)`);
  let config: unknown;
  try {
    config = JSON.parse(configText);
  } catch (error) {
    throw new WeightsFileError(`${label}: the model config is not valid JSON (${(error as Error).message})`);
  }
  const model = modelFromConfig(config);
  try {
    await loadWeightsInto(model, bytes);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
