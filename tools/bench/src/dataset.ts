/**
 * The training data of the epoch rows: MNIST's 60,000 training images as `x` (float32 `[60000, 784]`,
 * pixels / 255, as the chapter prepares them) and `labels` (int32 `[60000]`, 0..9), read from the
 * official IDX .gz files. When they are absent (or unreadable) the rows train on seeded synthetic
 * data of the same shapes instead (uniform in [0, 1), labels uniform in 0..9) and the row says so:
 * the time of a step does not depend on the values, only the accuracy does.
 *
 * Loaded once per process and handed to every library as the same arrays.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { generate, type HostArray } from './rng.js';

/** Where the files are looked for when neither `--mnist` nor `$MNIST_DIR` says otherwise. */
export const DEFAULT_MNIST_DIR = '/work/shared/datasets/mnist';

const IMAGES = 'train-images-idx3-ubyte.gz';
const LABELS = 'train-labels-idx1-ubyte.gz';
const SAMPLES = 60000;
const PIXELS = 784;
const CLASSES = 10;

export interface Dataset {
  readonly x: HostArray;
  readonly labels: HostArray;
  /** `mnist` (the real files) or `synthetic`. */
  readonly source: 'mnist' | 'synthetic';
  /** For the row note: what the data is, and why it is synthetic when it is. */
  readonly description: string;
}

/** Reads a big-endian IDX file (already gunzipped): checks its magic and dimensions, returns the bytes after the header. */
function idx(buffer: Buffer, file: string, magic: number, dims: readonly number[]): Uint8Array {
  const header = 4 + 4 * dims.length;
  if (buffer.length < header) throw new Error(`${file}: ${buffer.length} bytes, shorter than its ${header}-byte header`);
  const found = buffer.readUInt32BE(0);
  if (found !== magic) throw new Error(`${file}: magic number ${found}, expected ${magic}`);
  dims.forEach((d, i) => {
    const n = buffer.readUInt32BE(4 + 4 * i);
    if (n !== d) throw new Error(`${file}: dimension ${i} is ${n}, expected ${d}`);
  });
  const size = dims.reduce((a, b) => a * b, 1);
  if (buffer.length !== header + size) throw new Error(`${file}: ${buffer.length} bytes, expected ${header + size}`);
  return new Uint8Array(buffer.buffer, buffer.byteOffset + header, size);
}

function loadMnist(dir: string): Dataset {
  const images = idx(gunzipSync(readFileSync(path.join(dir, IMAGES))), IMAGES, 2051, [SAMPLES, 28, 28]);
  const labelBytes = idx(gunzipSync(readFileSync(path.join(dir, LABELS))), LABELS, 2049, [SAMPLES]);
  const x = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) x[i] = images[i] / 255;
  const labels = new Int32Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    if (labelBytes[i] >= CLASSES) throw new Error(`${LABELS}: label ${labelBytes[i]} at ${i} is not in 0..9`);
    labels[i] = labelBytes[i];
  }
  return {
    x: { shape: [SAMPLES, PIXELS], dtype: 'float32', values: x },
    labels: { shape: [SAMPLES], dtype: 'int32', values: labels },
    source: 'mnist',
    description: 'MNIST train set',
  };
}

function synthetic(reason: string): Dataset {
  return {
    x: generate('dataset/mnist-train', { name: 'x', shape: [SAMPLES, PIXELS], dtype: 'float32', dist: { kind: 'uniform', min: 0, max: 1 } }),
    labels: generate('dataset/mnist-train', { name: 'labels', shape: [SAMPLES], dtype: 'int32', dist: { kind: 'labels', classes: CLASSES } }),
    source: 'synthetic',
    description: `synthetic data (${reason})`,
  };
}

/** The folder `--mnist`, `$MNIST_DIR` or the default names. */
export function mnistDir(option: string | null): string {
  return option ?? process.env.MNIST_DIR ?? DEFAULT_MNIST_DIR;
}

let cached: { dir: string; data: Dataset } | null = null;

/** MNIST's training set from `dir`, or synthetic data of its shapes when the files are missing or unreadable. */
export function mnistTrain(dir: string): Dataset {
  if (cached?.dir === dir) return cached.data;
  let data: Dataset;
  if (!existsSync(path.join(dir, IMAGES)) || !existsSync(path.join(dir, LABELS))) {
    data = synthetic(`no MNIST files in ${dir}`);
  } else {
    try {
      data = loadMnist(dir);
    } catch (error) {
      data = synthetic(`MNIST in ${dir} unreadable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  cached = { dir, data };
  return data;
}
