/** Small IDX files built by hand, temporary directories, a stream that records progress output. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DatasetInfo } from '../src/specs.js';

/** An IDX header + data: `type` and dims as given (for building broken files too). */
export function idx(dims: readonly number[], data: Uint8Array | readonly number[], type = 0x08): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  header[2] = type;
  header[3] = dims.length;
  const view = new DataView(header.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

/** `n` images of rows x cols whose pixel values encode (image index, pixel index). */
export function imagesIdx(n: number, rows = 28, cols = 28, seed = 0): Uint8Array {
  const data = new Uint8Array(n * rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + seed * 13 + Math.floor(i / (rows * cols))) % 256;
  return idx([n, rows, cols], data);
}

export function labelsIdx(labels: readonly number[]): Uint8Array {
  return idx([labels.length], labels);
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes));
}

/** A small made-up dataset shaped like Fashion-MNIST, with the checksums of its own files. */
export interface FakeDataset {
  readonly spec: DatasetInfo;
  /** Files by name: `<name>` (raw) and `<name>.gz`. */
  readonly files: Record<string, Uint8Array>;
  readonly trainLabels: number[];
  readonly testLabels: number[];
}

export function fakeDataset(nTrain = 12, nTest = 5, seed = 1, name: DatasetInfo['name'] = 'fashion-mnist'): FakeDataset {
  const trainLabels = Array.from({ length: nTrain }, (_, i) => (i * 3 + seed) % 10);
  const testLabels = Array.from({ length: nTest }, (_, i) => (i * 7 + seed) % 10);
  const raws: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': imagesIdx(nTrain, 28, 28, seed),
    'train-labels-idx1-ubyte': labelsIdx(trainLabels),
    't10k-images-idx3-ubyte': imagesIdx(nTest, 28, 28, seed + 1),
    't10k-labels-idx1-ubyte': labelsIdx(testLabels),
  };
  const files: Record<string, Uint8Array> = {};
  const infos = Object.entries(raws).map(([file, raw]) => {
    const gz = gzip(raw);
    files[file] = raw;
    files[`${file}.gz`] = gz;
    return {
      split: file.startsWith('train') ? 'train' as const : 'test' as const,
      kind: file.includes('images') ? 'images' as const : 'labels' as const,
      name: file,
      gz: { bytes: gz.length, sha256: sha256(gz) },
      raw: { bytes: raw.length, sha256: sha256(raw) },
    };
  });
  const spec: DatasetInfo = {
    name, title: 'fake', classNames: Array.from({ length: 10 }, (_, i) => `c${i}`), imageShape: [28, 28],
    files: infos, mirrors: [], license: 'test data',
  };
  return { spec, files, trainLabels, testLabels };
}

/** A fresh temporary directory, removed by `cleanup()`. */
const made: string[] = [];
export function tempDir(prefix = 'tk-datasets-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
export function cleanupTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Every file under `dir`, recursively (relative paths). */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

/** A progress stream that records what is written. */
export function recorder(isTTY: boolean, columns = 100): { write(text: string): boolean; isTTY: boolean; columns: number; text: () => string } {
  const parts: string[] = [];
  return { isTTY, columns, write: (text: string) => (parts.push(text), true), text: () => parts.join('') };
}
