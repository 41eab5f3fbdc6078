/**
 * The browser entry, run in Node (which has fetch, DecompressionStream and crypto.subtle) against
 * a local HTTP server serving the real MNIST files.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DatasetError, fashionMnist, mnist, type DownloadProgress } from '../src/browser.js';
import { mnist as nodeMnist } from '../src/index.js';
import { gzip } from './helpers.js';
import { sharedMnistDir } from './paths.js';
import { startServer, type TestServer } from './server.js';

const NAMES = mnist.files.map((f) => f.name);
const real = (name: string) => new Uint8Array(readFileSync(join(sharedMnistDir(), name)));

let gz: TestServer; // the official .gz files, the test images slowly
let raw: TestServer; // the decompressed files
let missing: TestServer;
let wrong: TestServer; // valid gzip, wrong contents
let gzFiles: Record<string, Uint8Array>;

beforeAll(async () => {
  gzFiles = Object.fromEntries(NAMES.map((n) => [n, real(`${n}.gz`)]));
  gz = await startServer(Object.fromEntries(NAMES.map((n) => [`/${n}.gz`, n === 't10k-images-idx3-ubyte' ? { body: gzFiles[n], chunkDelayMs: 300 } : gzFiles[n]])));
  raw = await startServer(Object.fromEntries(NAMES.map((n) => [`/${n}`, new Uint8Array(gunzipSync(gzFiles[n]))])));
  missing = await startServer();
  wrong = await startServer(Object.fromEntries(NAMES.map((n) => {
    const contents = new Uint8Array(gunzipSync(gzFiles[n]));
    contents[contents.length - 1] = (contents[contents.length - 1] + 1) % 10;
    return [`/${n}.gz`, gzip(contents)];
  })));
});

afterAll(async () => {
  await Promise.all([gz, raw, missing, wrong].map((s) => s?.close()));
});

describe('browser loadData', () => {
  it('fetches, gunzips, verifies and parses the four files, trying base URLs in order', async () => {
    const progress: DownloadProgress[] = [];
    const data = await mnist.loadData({ baseUrl: [missing.url, wrong.url, gz.url], limit: { train: 10, test: 10 }, onProgress: (p) => progress.push(p) });
    expect(data.train.images.shape).toEqual([10, 28, 28]);
    expect(Array.from(data.train.labels)).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(data.test.labels)).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    // Same bytes as the Node entry reads.
    const node = await nodeMnist.loadData({ dir: sharedMnistDir(), limit: 10, verify: false, progress: false });
    expect(data.test.images.data).toEqual(node.test.images.data);
    expect(data.train.images.data).toEqual(node.train.images.data);
    const last = progress.filter((p) => p.file === 't10k-images-idx3-ubyte.gz').at(-1)!;
    expect(last).toEqual({ file: 't10k-images-idx3-ubyte.gz', url: `${gz.url}t10k-images-idx3-ubyte.gz`, loaded: 1_648_877, total: 1_648_877 });
  });

  it('fails with a DatasetError naming every URL tried when none serves the official file', async () => {
    const error = await mnist.loadData({ baseUrl: [missing.url, wrong.url] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    const message = (error as DatasetError).message;
    expect(message).toMatch(/^mnist: could not load .*\.gz from any base URL:/);
    expect(message).toMatch(/: HTTP 404 Not Found/);
    expect(message).toMatch(/: checksum mismatch: not the official file/);
  });

  it('with verify: false and a limit, stops downloading once it has the examples', async () => {
    const data = await mnist.loadData({ baseUrl: gz.url, limit: 5, verify: false });
    expect(data.test.images.shape).toEqual([5, 28, 28]);
    expect(Array.from(data.test.labels)).toEqual([7, 2, 1, 0, 4]);
    const expected = new Uint8Array(gunzipSync(gzFiles['t10k-images-idx3-ubyte'])).subarray(16, 16 + 5 * 784);
    expect(data.test.images.data).toEqual(expected);
    // The slow file was cut off after its first piece.
    await vi.waitFor(() => expect(gz.closedEarly).toContain('/t10k-images-idx3-ubyte.gz'));
  });

  it('loads uncompressed files with compressed: false (verified against the decompressed checksums)', async () => {
    const data = await mnist.loadData({ baseUrl: raw.url, compressed: false, limit: 3 });
    expect(Array.from(data.train.labels)).toEqual([5, 0, 4]);
    expect(Array.from(data.test.labels)).toEqual([7, 2, 1]);
    expect(raw.requests.sort()).toEqual(NAMES.map((n) => `/${n}`).sort());
  });

  it('accepts a server that gunzips on the fly (Content-Encoding: gzip)', async () => {
    const server = await startServer(Object.fromEntries(NAMES.map((n) => [`/${n}.gz`, { body: gzFiles[n], headers: { 'content-encoding': 'gzip' } }])));
    try {
      const data = await mnist.loadData({ baseUrl: server.url, limit: 2 });
      expect(Array.from(data.train.labels)).toEqual([5, 0]);
    } finally {
      await server.close();
    }
  });

  it('says what to do when DecompressionStream is missing', async () => {
    vi.stubGlobal('DecompressionStream', undefined);
    try {
      const error = await mnist.loadData({ baseUrl: gz.url, limit: 1, verify: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatasetError);
      expect((error as DatasetError).message).toMatch(/no DecompressionStream; serve the uncompressed files and pass compressed: false/);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('describes the same datasets as the Node entry', () => {
    expect(mnist.files).toEqual(nodeMnist.files);
    expect(mnist.mirrors[0]).toBe('https://ossci-datasets.s3.amazonaws.com/mnist/');
    expect(fashionMnist.name).toBe('fashion-mnist');
  });
});

describe('browser entry', () => {
  it('imports nothing from Node: every module it reaches uses relative imports only', () => {
    const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
    const seen = new Set<string>();
    const bad: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = match[1] ?? match[2];
        if (!spec.startsWith('.')) bad.push(`${file.slice(src.length + 1)}: ${spec}`);
        else visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      }
      if (/\bprocess\.|\bBuffer\b|require\(/.test(text.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, ''))) bad.push(`${file.slice(src.length + 1)}: uses a Node global`);
    };
    visit(join(src, 'browser.ts'));
    expect(bad).toEqual([]);
    expect([...seen].map((f) => f.slice(src.length + 1)).sort()).toEqual(['arrays.ts', 'browser.ts', 'errors.ts', 'idx.ts', 'specs.ts', 'verify.ts', 'web/load.ts', 'web/platform.ts']);
  });
});
