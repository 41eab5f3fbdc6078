/**
 * Downloads from a local HTTP server (127.0.0.1, ephemeral port) serving the real MNIST files,
 * damaged copies, 404s and a server that never answers. The single-file tests use the two small
 * real label files; one test downloads all four through `mnist.loadData`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DatasetError, mnist } from '@tensorkit/datasets';
import { download } from '../src/node/download.js';
import { loadDataset } from '../src/node/load.js';
import { MNIST } from '../src/specs.js';
import { fakeDataset, gzip, listFiles, recorder, tempDir } from './helpers.js';
import { sharedMnistDir } from './paths.js';
import { startServer, type TestServer } from './server.js';

const real = (name: string) => new Uint8Array(readFileSync(join(sharedMnistDir(), name)));
const fileInfo = (name: string) => MNIST.files.find((f) => f.name === name)!;
const LABELS = 't10k-labels-idx1-ubyte';
const TRAIN_LABELS = 'train-labels-idx1-ubyte';

let good: TestServer; // the real files
let missing: TestServer; // 404 for everything
let bad: TestServer; // corrupted and truncated copies
let stalled: TestServer; // never answers
let labelsGz: Uint8Array;

beforeAll(async () => {
  labelsGz = real(`${LABELS}.gz`);
  // A valid gzip file with the wrong contents (one label changed): only the checksum can tell.
  const wrongRaw = new Uint8Array(gunzipSync(labelsGz));
  wrongRaw[500] = (wrongRaw[500] + 1) % 10;
  const corrupt = gzip(wrongRaw);
  good = await startServer({
    [`/${LABELS}.gz`]: { body: labelsGz, chunkDelayMs: 5 },
    [`/${TRAIN_LABELS}.gz`]: real(`${TRAIN_LABELS}.gz`),
  });
  missing = await startServer();
  bad = await startServer({
    [`/${LABELS}.gz`]: corrupt,
    [`/${TRAIN_LABELS}.gz`]: real(`${TRAIN_LABELS}.gz`).slice(0, 5000),
  });
  stalled = await startServer({ [`/${LABELS}.gz`]: 'stall' });
});

afterAll(async () => {
  await Promise.all([good, missing, bad, stalled].map((s) => s?.close()));
});

function context(dir: string, mirrors: string[], progress = recorder(false)) {
  return { spec: MNIST, file: fileInfo(LABELS), dir, mirrors, progress, signal: undefined, timeout: 2000 };
}

async function rejection(promise: Promise<unknown>): Promise<DatasetError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

describe('download', () => {
  it('downloads, verifies and caches the file under its official name, leaving no temporary file', async () => {
    const dir = join(tempDir(), 'deep', 'mnist');
    const { raw, path } = await download(context(dir, [good.url]));
    expect(path).toBe(join(dir, `${LABELS}.gz`));
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(labelsGz))).toBe(true);
    expect(Buffer.from(raw).equals(gunzipSync(labelsGz))).toBe(true);
    expect(listFiles(dir)).toEqual([`${LABELS}.gz`]);
  });

  it('writes to a temporary file in the same directory while downloading, renamed only once verified', async () => {
    const server = await startServer({ [`/${LABELS}.gz`]: { body: labelsGz, chunkDelayMs: 150 } });
    try {
      const dir = tempDir();
      const pending = download(context(dir, [server.url]));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const during = listFiles(dir);
      expect(during).toHaveLength(1);
      expect(during[0]).toMatch(new RegExp(`^\\.${LABELS}\\.gz\\.${process.pid}\\.[0-9a-f]{8}\\.part$`));
      await pending;
      expect(listFiles(dir)).toEqual([`${LABELS}.gz`]);
    } finally {
      await server.close();
    }
  });

  it('falls back to the next mirror when the first answers 404', async () => {
    const dir = tempDir();
    const progress = recorder(false);
    await download(context(dir, [missing.url, good.url], progress));
    expect(listFiles(dir)).toEqual([`${LABELS}.gz`]);
    expect(progress.text()).toContain(`${missing.url}${LABELS}.gz failed: HTTP 404 Not Found; trying the next mirror`);
  });

  it('falls back when the first mirror serves a file with the wrong checksum, caching only the good one', async () => {
    const dir = tempDir();
    const progress = recorder(false);
    await download(context(dir, [bad.url, good.url], progress));
    expect(progress.text()).toMatch(/failed: .*checksum mismatch.*; trying the next mirror/);
    expect(Buffer.from(readFileSync(join(dir, `${LABELS}.gz`))).equals(Buffer.from(labelsGz))).toBe(true);
    expect(listFiles(dir)).toEqual([`${LABELS}.gz`]);
  });

  it('falls back when the first mirror serves a corrupted copy (one byte flipped)', async () => {
    const flipped = labelsGz.slice();
    flipped[2000] ^= 0x01;
    const server = await startServer({ [`/${LABELS}.gz`]: flipped });
    try {
      const dir = tempDir();
      const progress = recorder(false);
      await download(context(dir, [server.url, good.url], progress));
      expect(progress.text()).toMatch(/failed: checksum mismatch, and the gzip data is truncated or corrupt \(.*\): expected SHA-256 f7ae60f9/);
      expect(Buffer.from(readFileSync(join(dir, `${LABELS}.gz`))).equals(Buffer.from(labelsGz))).toBe(true);
      expect(listFiles(dir)).toEqual([`${LABELS}.gz`]);
    } finally {
      await server.close();
    }
  });

  it('caches nothing, and leaves no temporary file, when every mirror fails', async () => {
    const dir = tempDir();
    const error = await rejection(download(context(dir, [missing.url, bad.url])));
    expect(error.message).toMatch(/^mnist: could not download t10k-labels-idx1-ubyte\.gz from any mirror \(nothing was cached\)/);
    expect(error.message).toContain(`${missing.url}${LABELS}.gz: HTTP 404 Not Found`);
    expect(error.message).toContain(`${bad.url}${LABELS}.gz: checksum mismatch`);
    expect(error.message).toMatch(/checksum mismatch: not the official file/);
    expect(error.message).toContain('f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6');
    expect(error.expected).toBe('SHA-256 f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6 (4542 bytes)');
    expect(listFiles(dir)).toEqual([]);
  });

  it('rejects a truncated download, saying so, and caches nothing', async () => {
    const dir = tempDir();
    const error = await rejection(download({ ...context(dir, [bad.url]), file: fileInfo(TRAIN_LABELS) }));
    expect(error.message).toMatch(/gzip data is truncated or corrupt \(unexpected end of file/);
    expect(error.message).toMatch(/expected SHA-256 3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c \(28881 bytes/);
    expect(error.message).toMatch(/found SHA-256 [0-9a-f]{64} \(5000 bytes\)/);
    expect(listFiles(dir)).toEqual([]);
  });

  it('gives up on a mirror that sends nothing for `timeout` ms and tries the next', async () => {
    const dir = tempDir();
    const progress = recorder(false);
    await download({ ...context(dir, [stalled.url, good.url], progress), timeout: 300 });
    expect(progress.text()).toContain(`${stalled.url}${LABELS}.gz failed: no data for 0.3 s; trying the next mirror`);
    expect(listFiles(dir)).toEqual([`${LABELS}.gz`]);
  });

  it('falls back when a mirror cannot be reached at all', async () => {
    const dir = tempDir();
    const closed = await startServer();
    const url = closed.url;
    await closed.close();
    const progress = recorder(false);
    await download(context(dir, [url, good.url], progress));
    expect(progress.text()).toMatch(/failed: fetch failed \(ECONNREFUSED\); trying the next mirror/);
  });

  it('accepts a server that decompresses on the fly (Content-Encoding: gzip) and caches the IDX file', async () => {
    const server = await startServer({ [`/${LABELS}.gz`]: { body: labelsGz, headers: { 'content-encoding': 'gzip' } } });
    try {
      const dir = tempDir();
      const { path } = await download(context(dir, [server.url]));
      expect(path).toBe(join(dir, LABELS));
      expect(listFiles(dir)).toEqual([LABELS]);
    } finally {
      await server.close();
    }
  });

  it('stops at once when the signal aborts', async () => {
    const dir = tempDir();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 100);
    const error = await download({ ...context(dir, [stalled.url, good.url]), signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('stop');
    expect(listFiles(dir)).toEqual([]);
  });
});

describe('download progress', () => {
  it('prints plain lines when not on a terminal', async () => {
    const progress = recorder(false);
    const dir = tempDir();
    await download(context(dir, [good.url], progress));
    const lines = progress.text().trimEnd().split('\n');
    expect(lines).toEqual([
      `Downloading mnist/${LABELS}.gz (0.0 MB) from ${good.url}${LABELS}.gz`,
      expect.stringMatching(new RegExp(`^Downloaded mnist/${LABELS}\\.gz: 0\\.0 MB in \\d+\\.\\d s, SHA-256 verified, saved to ${join(dir, `${LABELS}.gz`).replace(/[.]/g, '\\.')}$`)),
    ]);
    expect(progress.text()).not.toContain('\r');
  });

  it('draws a bar in place on a terminal', async () => {
    const progress = recorder(true, 100);
    await download(context(tempDir(), [good.url], progress));
    const text = progress.text();
    expect(text).toContain('\r\x1b[K');
    expect(text).toMatch(/mnist\/t10k-labels-idx1-ubyte\.gz \[#{10,40}\] 100% 0\.0\/0\.0 MB verified, \d+\.\d s\n$/);
    expect(text.split('\n').length).toBe(2); // one finished line
  });
});

describe('loadData downloads', () => {
  it('downloads all four real files into the cache, then uses the cache', async () => {
    const server = await startServer(Object.fromEntries(
      MNIST.files.map((f) => [`/${f.name}.gz`, real(`${f.name}.gz`)]),
    ));
    try {
      const cacheDir = tempDir();
      const progress = recorder(false);
      const data = await mnist.loadData({ cacheDir, mirrors: [missing.url, server.url], progress, limit: 10 });
      expect(Array.from(data.train.labels)).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
      expect(Array.from(data.test.labels)).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
      expect(data.train.images.shape).toEqual([10, 28, 28]);
      expect(listFiles(cacheDir)).toEqual(MNIST.files.map((f) => `datasets/mnist/${f.name}.gz`).sort());
      expect(progress.text().match(/^Downloaded /gm)).toHaveLength(4);
      // Downloads run one at a time: each file's lines are together.
      expect(progress.text()).toMatch(/Downloading mnist\/train-images[^\n]*\n[^\n]*train-images[^\n]*failed[^\n]*\nDownloading mnist\/train-images[^\n]*\nDownloaded mnist\/train-images/);

      const requests = server.requests.length;
      const again = await mnist.loadData({ cacheDir, mirrors: [server.url], progress: false, limit: 3, verify: false });
      expect(Array.from(again.test.labels)).toEqual([7, 2, 1]);
      expect(server.requests.length).toBe(requests);
    } finally {
      await server.close();
    }
  });

  it('uses TENSORKIT_CACHE_DIR for the cache', async () => {
    const fake = fakeDataset(4, 2, 3, 'mnist');
    const server = await startServer(Object.fromEntries(fake.spec.files.map((f) => [`/${f.name}.gz`, fake.files[`${f.name}.gz`]])));
    try {
      const root = tempDir();
      vi.stubEnv('TENSORKIT_CACHE_DIR', root);
      const data = await loadDataset(fake.spec, { mirrors: [server.url], progress: false });
      expect(Array.from(data.train.labels)).toEqual(fake.trainLabels);
      expect(listFiles(root)).toHaveLength(4);
      expect(existsSync(join(root, 'datasets', 'mnist', 'train-images-idx3-ubyte.gz'))).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('with download: false, says where it looked', async () => {
    const cacheDir = tempDir();
    const error = await rejection(mnist.loadData({ cacheDir, download: false, progress: false }));
    expect(error.message).toBe(`mnist: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte not found; looked for <name>[.gz] in the cache (${join(cacheDir, 'datasets', 'mnist')}); downloading is off (download: false)`);
  });

  it('when every mirror fails, fails naming each, and caches nothing', async () => {
    const cacheDir = tempDir();
    const error = await rejection(mnist.loadData({ cacheDir, mirrors: [missing.url], progress: false }));
    expect(error.message).toMatch(/could not download .* from any mirror/);
    expect(listFiles(cacheDir)).toEqual([]);
  });

  it('a re-gzipped copy of the official contents passes (checked after decompressing)', async () => {
    const regzipped = gzip(gunzipSync(labelsGz));
    const server = await startServer({ [`/${LABELS}.gz`]: regzipped });
    try {
      const dir = tempDir();
      await download(context(dir, [server.url]));
      expect(listFiles(dir)).toEqual([`${LABELS}.gz`]);
    } finally {
      await server.close();
    }
  });
});
