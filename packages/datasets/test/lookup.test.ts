/**
 * Where files are looked for, in order: the dir option (alone); $TENSORKIT_DATA_DIR/<name>; the
 * cache; the system directory (Debian's /usr/share/datasets/fashion-mnist for Fashion-MNIST); a
 * download. Temporary directories hold small generated IDX files named like the official ones, and
 * a made-up spec carries their checksums, so verification runs as it does for the real files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DatasetError, fashionMnist } from '@tensorkit/datasets';
import { cacheRoot, loadDataset, namesOnDisk, searchPath } from '../src/node/load.js';
import { FASHION_MNIST, MNIST } from '../src/specs.js';
import { fakeDataset, listFiles, tempDir, type FakeDataset } from './helpers.js';
import { DEBIAN_FASHION_DIR, hasDebianFashion } from './paths.js';
import { startServer } from './server.js';

/** Writes the dataset's files into `dir` (gz by default), all four or those named. */
function put(fake: FakeDataset, dir: string, options: { raw?: boolean; only?: string[] } = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const file of fake.spec.files) {
    if (options.only && !options.only.includes(file.name)) continue;
    const name = options.raw ? file.name : `${file.name}.gz`;
    writeFileSync(join(dir, name), fake.files[name]);
  }
  return dir;
}

/** Three fake datasets with different labels, to tell which directory a file came from. */
const A = fakeDataset(6, 3, 1);
const B = fakeDataset(6, 3, 2);
const C = fakeDataset(6, 3, 3);
/** One spec whose checksums are A's: B and C's files fail verification, so these tests use verify: false. */
const quiet = { progress: false as const, download: false, verify: false };

describe('search path', () => {
  it('is: TENSORKIT_DATA_DIR/<name>, the cache, then the system directory', () => {
    const env = { TENSORKIT_DATA_DIR: '/data', TENSORKIT_CACHE_DIR: '/cache' };
    expect(searchPath(FASHION_MNIST, {}, env)).toEqual([
      { what: 'TENSORKIT_DATA_DIR', dir: '/data/fashion-mnist' },
      { what: 'the cache', dir: '/cache/datasets/fashion-mnist' },
      { what: 'the system directory', dir: DEBIAN_FASHION_DIR },
    ]);
    expect(searchPath(MNIST, {}, env).map((d) => d.dir)).toEqual(['/data/mnist', '/cache/datasets/mnist']);
    expect(searchPath(FASHION_MNIST, { systemDir: null }, env).map((d) => d.dir)).toEqual(['/data/fashion-mnist', '/cache/datasets/fashion-mnist']);
    expect(searchPath(FASHION_MNIST, { dir: '/mine' }, env)).toEqual([{ what: 'the dir option', dir: '/mine' }]);
  });

  it('puts the cache in the cacheDir option, else TENSORKIT_CACHE_DIR, else XDG_CACHE_HOME/tensorkit, else ~/.cache/tensorkit', () => {
    expect(cacheRoot({ cacheDir: '/opt' }, { TENSORKIT_CACHE_DIR: '/env', XDG_CACHE_HOME: '/xdg' })).toBe('/opt');
    expect(cacheRoot({}, { TENSORKIT_CACHE_DIR: '/env', XDG_CACHE_HOME: '/xdg' })).toBe('/env');
    expect(cacheRoot({}, { XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/tensorkit');
    expect(cacheRoot({}, {})).toBe(join(homedir(), '.cache', 'tensorkit'));
  });

  it('looks for the uncompressed file first, then .gz, then the dotted names gunzip -N gives', () => {
    expect(namesOnDisk(FASHION_MNIST.files[0])).toEqual([
      'train-images-idx3-ubyte', 'train-images-idx3-ubyte.gz', 'train-images.idx3-ubyte', 'train-images.idx3-ubyte.gz',
    ]);
  });
});

describe('lookup order', () => {
  it('uses the system directory (Debian) when nothing comes before it', async () => {
    const system = put(A, join(tempDir(), 'system'));
    const data = await loadDataset(A.spec, { ...quiet, verify: true, cacheDir: tempDir(), systemDir: system });
    expect(Array.from(data.train.labels)).toEqual(A.trainLabels);
    expect(Array.from(data.test.labels)).toEqual(A.testLabels);
    expect(data.train.images.shape).toEqual([6, 28, 28]);
  });

  it('prefers the cache to the system directory', async () => {
    const cacheDir = tempDir();
    put(B, join(cacheDir, 'datasets', 'fashion-mnist'));
    const data = await loadDataset(A.spec, { ...quiet, cacheDir, systemDir: put(A, join(tempDir(), 'system')) });
    expect(Array.from(data.train.labels)).toEqual(B.trainLabels);
  });

  it('prefers TENSORKIT_DATA_DIR/<name> to the cache', async () => {
    const cacheDir = tempDir();
    put(B, join(cacheDir, 'datasets', 'fashion-mnist'));
    const data = tempDir();
    put(C, join(data, 'fashion-mnist'));
    vi.stubEnv('TENSORKIT_DATA_DIR', data);
    const loaded = await loadDataset(A.spec, { ...quiet, cacheDir, systemDir: put(A, join(tempDir(), 'system')) });
    expect(Array.from(loaded.train.labels)).toEqual(C.trainLabels);
  });

  it('with the dir option uses that directory only', async () => {
    const data = tempDir();
    put(C, join(data, 'fashion-mnist'));
    vi.stubEnv('TENSORKIT_DATA_DIR', data);
    const mine = put(B, tempDir());
    const loaded = await loadDataset(A.spec, { ...quiet, dir: mine, systemDir: put(A, join(tempDir(), 'system')) });
    expect(Array.from(loaded.train.labels)).toEqual(B.trainLabels);

    const empty = tempDir();
    const error = await loadDataset(A.spec, { ...quiet, dir: empty }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).message).toMatch(/not found; looked for .* in the dir option .*nothing else is searched/);
  });

  it('resolves each file on its own: some from the cache, others from the system directory', async () => {
    const cacheDir = tempDir();
    put(A, join(cacheDir, 'datasets', 'fashion-mnist'), { only: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] });
    const system = put(A, join(tempDir(), 'system'), { only: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'], raw: true });
    const data = await loadDataset(A.spec, { ...quiet, verify: true, cacheDir, systemDir: system });
    expect(Array.from(data.train.labels)).toEqual(A.trainLabels);
    expect(Array.from(data.test.labels)).toEqual(A.testLabels);
  });

  it('with systemDir: null skips the system directory', async () => {
    const error = await loadDataset(A.spec, { ...quiet, cacheDir: tempDir(), systemDir: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).message).not.toMatch(/system directory/);
  });

  it('downloads into the cache only what is found nowhere', async () => {
    const server = await startServer(Object.fromEntries(A.spec.files.map((f) => [`/${f.name}.gz`, A.files[`${f.name}.gz`]])));
    try {
      const cacheDir = tempDir();
      const system = put(A, join(tempDir(), 'system'), { only: ['train-images-idx3-ubyte'] });
      const data = await loadDataset(A.spec, { cacheDir, systemDir: system, mirrors: [server.url], progress: false });
      expect(Array.from(data.train.labels)).toEqual(A.trainLabels);
      expect(server.requests.sort()).toEqual(['/t10k-images-idx3-ubyte.gz', '/t10k-labels-idx1-ubyte.gz', '/train-labels-idx1-ubyte.gz']);
      expect(listFiles(cacheDir)).toEqual([
        'datasets/fashion-mnist/t10k-images-idx3-ubyte.gz', 'datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz', 'datasets/fashion-mnist/train-labels-idx1-ubyte.gz',
      ]);
    } finally {
      await server.close();
    }
  });

  it('rejects a file that fails verification instead of looking further', async () => {
    const cacheDir = tempDir();
    put(B, join(cacheDir, 'datasets', 'fashion-mnist'));
    const error = await loadDataset(A.spec, { ...quiet, verify: true, cacheDir, systemDir: put(A, join(tempDir(), 'system')) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).file).toContain(join(cacheDir, 'datasets', 'fashion-mnist'));
    expect((error as DatasetError).message).toMatch(/checksum mismatch/);
  });
});

describe('fashionMnist.loadData', () => {
  it('reads a system directory given by the systemDir option, and checks files against the official checksums', async () => {
    const system = put(A, join(tempDir(), 'fashion-mnist'));
    const loaded = await fashionMnist.loadData({ ...quiet, cacheDir: tempDir(), systemDir: system, limit: { train: 4 } });
    expect(loaded.train.images.shape).toEqual([4, 28, 28]);
    expect(Array.from(loaded.train.labels)).toEqual(A.trainLabels.slice(0, 4));
    expect(loaded.test.images.shape).toEqual([3, 28, 28]);

    // Generated files are not the official ones: with verification on, they are refused.
    const error = await fashionMnist.loadData({ progress: false, download: false, cacheDir: tempDir(), systemDir: system }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).expected).toMatch(/3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84|a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845|346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073|67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5/);
  });

  it('has the ten class names', () => {
    expect(fashionMnist.classNames).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    expect(fashionMnist.mirrors[0]).toBe('http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/');
  });

  it.skipIf(!hasDebianFashion)('loads the real files of Debian\'s dataset-fashion-mnist (verified: their .gz headers differ, their contents are official)', async () => {
    const data = await fashionMnist.loadData({ progress: false, download: false, cacheDir: tempDir() });
    expect(data.train.images.shape).toEqual([60000, 28, 28]);
    expect(data.test.images.shape).toEqual([10000, 28, 28]);
    expect(Array.from(data.train.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(Array.from(data.test.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    const counts = new Array<number>(10).fill(0);
    for (const label of data.train.labels) counts[label]++;
    expect(counts).toEqual(new Array(10).fill(6000));
  });
});
