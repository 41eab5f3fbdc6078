/**
 * The real MNIST files from shared/datasets/mnist. Each file is parsed once here (beforeAll) and
 * shared; the other tests use copies of the small files or `verify: false` with a limit.
 */
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DatasetError, flatten, mnist, toFloat32, type DatasetSplits } from '@tensorkit/datasets';
import { listFiles, tempDir } from './helpers.js';
import { sharedMnistDir } from './paths.js';

const FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

function classCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

/** A directory with the four real files, `change` applied to one of them. */
function copyWith(name: string, change: (bytes: Uint8Array) => Uint8Array, target = `${name}.gz`): string {
  const dir = tempDir();
  for (const file of FILES) {
    if (file !== name) symlinkSync(join(sharedMnistDir(), `${file}.gz`), join(dir, `${file}.gz`));
  }
  writeFileSync(join(dir, target), change(new Uint8Array(readFileSync(join(sharedMnistDir(), `${name}.gz`)))));
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<DatasetError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

describe('mnist.loadData with the real files', () => {
  let data: DatasetSplits;
  beforeAll(async () => {
    data = await mnist.loadData({ dir: sharedMnistDir(), progress: false });
  });

  it('has 60000 training and 10000 test examples of 28x28 bytes', () => {
    expect(data.train.images.shape).toEqual([60000, 28, 28]);
    expect(data.train.images.data).toBeInstanceOf(Uint8Array);
    expect(data.train.images.data.length).toBe(60000 * 784);
    expect(data.train.labels).toBeInstanceOf(Uint8Array);
    expect(data.train.labels.length).toBe(60000);
    expect(data.test.images.shape).toEqual([10000, 28, 28]);
    expect(data.test.labels.length).toBe(10000);
  });

  it('has the known first labels', () => {
    expect(Array.from(data.train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(data.test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('has the known class counts', () => {
    expect(classCounts(data.train.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(classCounts(data.test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('has the images of the official file, byte for byte', () => {
    const raw = gunzipSync(readFileSync(join(sharedMnistDir(), 't10k-images-idx3-ubyte.gz')));
    expect(Buffer.from(data.test.images.data).equals(raw.subarray(16))).toBe(true);
  });

  it('flattens to [n, 784] and scales to [0, 1]', () => {
    const x = toFloat32(flatten(data.test.images));
    expect(x.shape).toEqual([10000, 784]);
    expect(x.data.length).toBe(7_840_000);
    let max = 0;
    for (const v of x.data.subarray(0, 784)) max = Math.max(max, v);
    expect(max).toBe(1);
  });

  it('takes the first N examples, verified, with limit', async () => {
    const small = await mnist.loadData({ dir: sharedMnistDir(), limit: { train: 10, test: 3 }, progress: false });
    expect(small.train.images.shape).toEqual([10, 28, 28]);
    expect(Array.from(small.train.labels)).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(small.train.images.data).toEqual(data.train.images.data.subarray(0, 10 * 784));
    expect(Array.from(small.test.labels)).toEqual([7, 2, 1]);
  });

  it('takes the first N examples cheaply with verify: false (reads only the start of the files)', async () => {
    const small = await mnist.loadData({ dir: sharedMnistDir(), limit: 25, verify: false, progress: false });
    expect(small.train.images.shape).toEqual([25, 28, 28]);
    expect(small.train.images.data).toEqual(data.train.images.data.subarray(0, 25 * 784));
    expect(small.test.images.data).toEqual(data.test.images.data.subarray(0, 25 * 784));
    expect(Array.from(small.test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('reads $TENSORKIT_DATA_DIR/mnist', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'mnist'));
    for (const file of FILES) symlinkSync(join(sharedMnistDir(), `${file}.gz`), join(root, 'mnist', `${file}.gz`));
    vi.stubEnv('TENSORKIT_DATA_DIR', root);
    const small = await mnist.loadData({ limit: 3, verify: false, download: false, progress: false });
    expect(Array.from(small.train.labels)).toEqual([5, 0, 4]);
  });
});

describe('mnist.loadData with uncompressed and renamed files', () => {
  it('accepts uncompressed files (verified against the decompressed checksums) and the dotted names', async () => {
    const dir = tempDir();
    const raw = gunzipSync(readFileSync(join(sharedMnistDir(), 't10k-labels-idx1-ubyte.gz')));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), raw);
    writeFileSync(join(dir, 'train-labels.idx1-ubyte'), gunzipSync(readFileSync(join(sharedMnistDir(), 'train-labels-idx1-ubyte.gz'))));
    for (const file of ['train-images-idx3-ubyte', 't10k-images-idx3-ubyte']) copyFileSync(join(sharedMnistDir(), `${file}.gz`), join(dir, `${file}.gz`));
    const small = await mnist.loadData({ dir, limit: 10, progress: false });
    expect(Array.from(small.test.labels)).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(Array.from(small.train.labels)).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  });

  it('accepts a re-compressed .gz whose contents are the official file', async () => {
    const dir = copyWith('t10k-labels-idx1-ubyte', (bytes) => new Uint8Array(gzipSync(gunzipSync(bytes), { level: 1 })));
    const small = await mnist.loadData({ dir, limit: 2, progress: false });
    expect(Array.from(small.test.labels)).toEqual([7, 2]);
  });
});

describe('mnist.loadData with damaged files', () => {
  it('rejects a corrupt .gz, naming the file, the expected and the found checksum', async () => {
    const dir = copyWith('t10k-labels-idx1-ubyte', (bytes) => {
      const copy = bytes.slice();
      copy[2000] ^= 0xff;
      return copy;
    });
    const error = await rejection(mnist.loadData({ dir, progress: false }));
    expect(error.file).toBe(join(dir, 't10k-labels-idx1-ubyte.gz'));
    expect(error.message).toContain(join(dir, 't10k-labels-idx1-ubyte.gz'));
    expect(error.expected).toContain('f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6');
    expect(error.found).toMatch(/^SHA-256 [0-9a-f]{64} \(4542 bytes\)/);
  });

  it('rejects a truncated .gz, saying it is truncated', async () => {
    const dir = copyWith('train-labels-idx1-ubyte', (bytes) => bytes.slice(0, 10000));
    const error = await rejection(mnist.loadData({ dir, progress: false }));
    expect(error.message).toMatch(/train-labels-idx1-ubyte\.gz: checksum mismatch, and the gzip data is truncated or corrupt \(unexpected end of file/);
    expect(error.expected).toMatch(/28881 bytes/);
    expect(error.found).toMatch(/\(10000 bytes\)/);
  });

  it('rejects a truncated .gz with verify: false too (zlib or the parser notices)', async () => {
    const dir = copyWith('train-labels-idx1-ubyte', (bytes) => bytes.slice(0, 10000));
    const error = await rejection(mnist.loadData({ dir, verify: false, progress: false }));
    expect(error.message).toMatch(/train-labels-idx1-ubyte\.gz: the gzip data is truncated or corrupt/);
  });

  it('rejects an uncompressed file that is not the official one', async () => {
    const dir = copyWith('t10k-labels-idx1-ubyte', (bytes) => {
      const raw = gunzipSync(bytes);
      raw[100] = (raw[100] + 1) % 10;
      return new Uint8Array(raw);
    }, 't10k-labels-idx1-ubyte');
    const error = await rejection(mnist.loadData({ dir, progress: false }));
    expect(error.file).toBe(join(dir, 't10k-labels-idx1-ubyte'));
    expect(error.expected).toMatch(/^SHA-256 ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2 \(10008 bytes/);
    expect(error.found).toMatch(/\(10008 bytes, starting 00 00 08 01\)/);
  });

  it('rejects a labels file with fewer labels than images when not verifying (the pair check)', async () => {
    const dir = copyWith('t10k-labels-idx1-ubyte', (bytes) => {
      const raw = new Uint8Array(gunzipSync(bytes));
      const short = raw.slice(0, raw.length - 1);
      new DataView(short.buffer).setUint32(4, 9999);
      return short;
    }, 't10k-labels-idx1-ubyte');
    const error = await rejection(mnist.loadData({ dir, verify: false, progress: false }));
    expect(error.message).toMatch(/do not pair up: expected as many labels as images \(10000\), found 9999 labels/);
  });

  it('says where it looked when a file is missing, and leaves the directory as it was', async () => {
    const dir = tempDir();
    copyFileSync(join(sharedMnistDir(), 't10k-labels-idx1-ubyte.gz'), join(dir, 't10k-labels-idx1-ubyte.gz'));
    const error = await rejection(mnist.loadData({ dir, progress: false }));
    expect(error.message).toBe(`mnist: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte not found; looked for <name>[.gz] in the dir option (${dir}); with the dir option nothing else is searched and nothing is downloaded`);
    expect(error.file).toBe(join(dir, 'train-images-idx3-ubyte.gz'));
    expect(error.message).toMatch(/nothing else is searched and nothing is downloaded/);
    expect(listFiles(dir)).toEqual(['t10k-labels-idx1-ubyte.gz']);
  });
});
