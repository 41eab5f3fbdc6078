/**
 * Checking a file against the official checksums, and decompressing it. Shared by the Node and
 * browser entries, which pass in their own SHA-256 and gunzip (no platform imports here).
 */
import { DatasetError, mismatch } from './errors.js';
import { checkPair, idxPrefixBytes, parseIdx, type IdxArray } from './idx.js';
import type { DatasetFileInfo, DatasetInfo } from './specs.js';
import type { DatasetSplits, Split } from './arrays.js';

/** What each platform provides: SHA-256 as lowercase hex, and gunzip (throwing a DatasetError). */
export interface Platform {
  sha256(bytes: Uint8Array): Promise<string>;
  gunzip(bytes: Uint8Array, source: string): Promise<Uint8Array>;
}

/** True when `bytes` start with the gzip signature 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** `base` + `name`, whether or not `base` ends with a slash (relative bases stay relative). */
export function mirrorUrl(base: string, name: string): string {
  return base.endsWith('/') ? `${base}${name}` : `${base}/${name}`;
}

/** `file.gz` or `file`, by content. */
export function storedName(file: DatasetFileInfo, bytes: Uint8Array): string {
  return isGzip(bytes) ? `${file.name}.gz` : file.name;
}

/** The message of a failed gunzip: `the gzip data is truncated or corrupt (<reason>)`. */
export function gunzipError(source: string, reason: string, cause?: unknown): DatasetError {
  return new DatasetError(`${source}: the gzip data is truncated or corrupt (${reason})`, {
    file: source, expected: 'a complete gzip stream', found: reason, cause,
  });
}

/**
 * The decompressed IDX bytes of a file, after checking it is the official one when `verify`:
 * a gzip file passes when its own SHA-256 is the official .gz's, or when what it decompresses to
 * has the official IDX SHA-256 (files re-compressed by someone, such as Debian's); an uncompressed
 * file passes when its SHA-256 is the official IDX's. Anything else is a DatasetError naming the
 * file, the expected checksums and sizes, and what was found.
 */
export async function decodeFile(platform: Platform, file: DatasetFileInfo, bytes: Uint8Array, source: string, verify: boolean): Promise<Uint8Array> {
  if (!verify) return isGzip(bytes) ? platform.gunzip(bytes, source) : bytes;
  const officialGz = `SHA-256 ${file.gz.sha256} (${file.gz.bytes} bytes, the official ${file.name}.gz)`;
  const officialRaw = `SHA-256 ${file.raw.sha256} (${file.raw.bytes} bytes, the official ${file.name} decompressed)`;
  if (isGzip(bytes)) {
    const gzHash = await platform.sha256(bytes);
    let raw: Uint8Array;
    try {
      raw = await platform.gunzip(bytes, source);
    } catch (error) {
      const reason = error instanceof DatasetError && error.found !== undefined ? error.found : String(error);
      throw mismatch(source, `checksum mismatch, and the gzip data is truncated or corrupt (${reason})`, officialGz, `SHA-256 ${gzHash} (${bytes.length} bytes)`, error);
    }
    if (gzHash === file.gz.sha256) return raw;
    const rawHash = await platform.sha256(raw);
    if (rawHash === file.raw.sha256) return raw;
    throw mismatch(
      source,
      'checksum mismatch: not the official file (corrupt, truncated, or another dataset)',
      `${officialGz}, or contents with ${officialRaw}`,
      `SHA-256 ${gzHash} (${bytes.length} bytes), contents SHA-256 ${rawHash} (${raw.length} bytes)`,
    );
  }
  const rawHash = await platform.sha256(bytes);
  if (rawHash === file.raw.sha256) return bytes;
  throw mismatch(
    source,
    'checksum mismatch: not the official file (corrupt, truncated, or another dataset)',
    officialRaw,
    `SHA-256 ${rawHash} (${bytes.length} bytes${bytes.length >= 4 ? `, starting ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}` : ''})`,
  );
}

/** The item shape and largest value of a file of `spec`: `[28, 28]` and 255, or `[]` and 9. */
export function layoutOf(spec: DatasetInfo, file: DatasetFileInfo): { itemShape: readonly number[]; maxValue: number | undefined } {
  return file.kind === 'images'
    ? { itemShape: spec.imageShape, maxValue: undefined }
    : { itemShape: [], maxValue: spec.classNames.length - 1 };
}

/** How many leading bytes of `file` hold its first `limit` items. */
export function prefixBytes(spec: DatasetInfo, file: DatasetFileInfo, limit: number): number {
  return idxPrefixBytes(layoutOf(spec, file).itemShape, limit);
}

/** Parses a file's decompressed bytes (all of them, or a prefix when `prefix`). */
export function parseFile(spec: DatasetInfo, file: DatasetFileInfo, raw: Uint8Array, source: string, limit: number | undefined, prefix = false): IdxArray & { source: string } {
  const { itemShape, maxValue } = layoutOf(spec, file);
  const parsed = parseIdx(raw, { source, kind: file.kind, itemShape, maxValue, limit, prefix: prefix && limit !== undefined });
  return { ...parsed, source };
}

/** `limit` option → per split. */
export type Limit = number | { readonly train?: number; readonly test?: number };

export function limitsOf(limit: Limit | undefined): { train: number | undefined; test: number | undefined } {
  const check = (value: number | undefined, what: string) => {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new RangeError(`loadData: ${what} must be a non-negative integer, got ${String(value)}`);
    }
    return value;
  };
  if (limit === undefined || typeof limit === 'number') {
    const both = check(limit, 'limit');
    return { train: both, test: both };
  }
  return { train: check(limit.train, 'limit.train'), test: check(limit.test, 'limit.test') };
}

/** The four parsed files (in `spec.files` order) → `{ train, test }`, checking each pair. */
export function assemble(spec: DatasetInfo, parsed: ReadonlyArray<IdxArray & { source: string }>): DatasetSplits {
  const split = (name: 'train' | 'test'): Split => {
    const at = (kind: 'images' | 'labels') => parsed[spec.files.findIndex((f) => f.split === name && f.kind === kind)];
    const images = at('images');
    const labels = at('labels');
    checkPair(images, labels);
    const n = images.shape[0];
    return { images: { data: images.data, shape: [n, images.shape[1], images.shape[2]] }, labels: labels.data };
  };
  return { train: split('train'), test: split('test') };
}

/**
 * Loads every file of `spec` at once and assembles the splits. The first error wins: it aborts
 * `stop` so the other files stop too, and this returns only once they have, so nothing keeps
 * running (or printing) after a failure.
 */
export async function loadAll(
  spec: DatasetInfo,
  stop: AbortController,
  loadFile: (file: DatasetFileInfo, index: number) => Promise<IdxArray & { source: string }>,
): Promise<DatasetSplits> {
  let first: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    spec.files.map((file, i) =>
      loadFile(file, i).catch((error: unknown) => {
        if (!first) {
          first = { error };
          stop.abort(error);
        }
        throw error;
      }),
    ),
  );
  if (first) throw first.error;
  return assemble(spec, settled.map((s) => (s as PromiseFulfilledResult<IdxArray & { source: string }>).value));
}
