/**
 * The IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/): a big-endian header
 * `0x00 0x00 <type> <ndim>`, then `ndim` 32-bit big-endian dimension sizes, then the values in
 * row-major order. MNIST-style files hold unsigned bytes (type 0x08): images have 3 dimensions
 * (magic number 2051 = 0x00000803) and labels 1 (magic number 2049 = 0x00000801).
 *
 * No platform imports here: the Node and browser entries share this parser.
 */
import { DatasetError, mismatch } from './errors.js';

/** The type byte of unsigned bytes, the only element type MNIST-style files use. */
export const IDX_UBYTE = 0x08;
/** Magic number of an images file: unsigned bytes, 3 dimensions. */
export const IDX_IMAGES_MAGIC = 2051;
/** Magic number of a labels file: unsigned bytes, 1 dimension. */
export const IDX_LABELS_MAGIC = 2049;

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

/** Options of {@link parseIdx}. */
export interface ParseIdxOptions {
  /** Names the data in error messages (a path or URL). Default `'IDX data'`. */
  readonly source?: string;
  /**
   * What the file must be: `'images'` (magic 2051, 3 dimensions) or `'labels'` (magic 2049,
   * 1 dimension). Without it any number of dimensions is accepted.
   */
  readonly kind?: 'images' | 'labels';
  /** The dimensions each item must have after the first (count) dimension, e.g. `[28, 28]`. */
  readonly itemShape?: readonly number[];
  /** Keep only the first `limit` items (fewer when the file has fewer). */
  readonly limit?: number;
  /**
   * The bytes are only the beginning of the file (read with a limit): accept missing data after
   * the first `limit` items. Needs `limit`.
   */
  readonly prefix?: boolean;
  /** The largest value allowed (e.g. 9 for labels of 10 classes); checked on the kept items. */
  readonly maxValue?: number;
}

/** A parsed IDX file: values in a fresh `Uint8Array` (offset 0, no header) and their shape. */
export interface IdxArray {
  /** The values of the kept items, row-major. */
  readonly data: Uint8Array;
  /** The shape of `data`: `[kept items, ...item dimensions]`. */
  readonly shape: readonly number[];
  /** The number of items the file's header declares (the whole file, whatever `limit` kept). */
  readonly count: number;
}

function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Parses an uncompressed IDX file of unsigned bytes, checking the magic number, the type byte,
 * the number of dimensions (for `kind`), the item dimensions (for `itemShape`), and that the size
 * adds up: the data after the header must be exactly the product of the dimensions. Throws a
 * {@link DatasetError} naming `source`, what was expected and what was found.
 *
 * @example parseIdx(bytes, { kind: 'labels', maxValue: 9 }) // → { data, shape: [60000], count: 60000 }
 */
export function parseIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): IdxArray {
  const source = options.source ?? 'IDX data';
  const { kind, itemShape, limit, prefix = false, maxValue } = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new RangeError(`parseIdx: limit must be a non-negative integer, got ${String(limit)}`);
  }
  if (prefix && limit === undefined) throw new RangeError('parseIdx: prefix needs a limit');
  const wantDims = kind === 'images' ? 3 : kind === 'labels' ? 1 : undefined;
  const wantMagic = kind === 'images' ? IDX_IMAGES_MAGIC : kind === 'labels' ? IDX_LABELS_MAGIC : undefined;
  const what = kind ?? 'IDX';

  if (bytes.length < 4) {
    throw mismatch(source, `truncated ${what} file (no complete header)`, 'at least 4 bytes', `${bytes.length} bytes`);
  }
  const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  const expectedMagic = wantMagic === undefined
    ? `a magic number 0x000008NN (unsigned bytes, NN dimensions)`
    : `magic number ${wantMagic} (${hex32(wantMagic)}) of an ${what} file`;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw mismatch(source, 'bad magic number: the data is still gzip-compressed', expectedMagic, `${hex32(magic)} (the gzip signature 1f 8b)`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw mismatch(source, 'bad magic number: not an IDX file', expectedMagic, `${magic} (${hex32(magic)})`);
  }
  const type = bytes[2];
  if (type !== IDX_UBYTE) {
    const name = TYPE_NAMES[type] ? ` (${TYPE_NAMES[type]})` : ' (not an IDX type)';
    throw mismatch(source, `bad magic number ${magic} (${hex32(magic)}): unsupported element type`, `type byte 0x08 (unsigned byte)`, `type byte 0x${type.toString(16).padStart(2, '0')}${name}`);
  }
  const ndim = bytes[3];
  if (wantDims !== undefined ? ndim !== wantDims : ndim === 0) {
    throw mismatch(source, `bad magic number ${magic} (${hex32(magic)}): wrong number of dimensions`, wantDims !== undefined ? `${expectedMagic}, ${wantDims} dimension${wantDims === 1 ? '' : 's'}` : 'at least 1 dimension', `${ndim} dimensions`);
  }
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw mismatch(source, `truncated ${what} file (incomplete header)`, `a ${headerBytes}-byte header`, `${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < ndim; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const count = dims[0];
  const item = dims.slice(1);
  if (itemShape !== undefined && (item.length !== itemShape.length || item.some((n, i) => n !== itemShape[i]))) {
    throw mismatch(source, `dimension mismatch in the ${what} header`, `items of shape ${formatShape(itemShape)}`, `items of shape ${formatShape(item)} (header dimensions ${formatShape(dims)})`);
  }
  const itemSize = item.reduce((a, b) => a * b, 1);
  const declared = count * itemSize;
  const available = bytes.length - headerBytes;
  const noun = kind === 'images' ? 'images' : kind === 'labels' ? 'labels' : 'items';
  const described = `${count} ${noun}${item.length ? ` of ${item.join('x')}` : ''} = ${declared} bytes after the ${headerBytes}-byte header`;
  const kept = limit === undefined ? count : Math.min(limit, count);
  if (prefix && kept < count) {
    if (available < kept * itemSize) {
      throw mismatch(source, `truncated ${what} file`, `at least ${kept * itemSize} bytes of data for the first ${kept} ${noun} (the header declares ${described})`, `${available} bytes`);
    }
  } else if (available !== declared) {
    const problem = available < declared ? `truncated ${what} file (sizes do not add up)` : `sizes do not add up (${available - declared} extra bytes)`;
    throw mismatch(source, problem, described, `${available} bytes`);
  }
  // A fresh plain Uint8Array (never a view of `bytes`, which may be a Node Buffer or much larger).
  const data = new Uint8Array(kept * itemSize);
  data.set(bytes.subarray(headerBytes, headerBytes + data.length));
  if (maxValue !== undefined) {
    for (let i = 0; i < data.length; i++) {
      if (data[i] > maxValue) {
        throw mismatch(source, `value out of range at item ${Math.floor(i / itemSize)}`, `values 0-${maxValue}`, `${data[i]}`);
      }
    }
  }
  return { data, shape: [kept, ...item], count };
}

/** How many bytes the first `items` items of an IDX file of `itemShape` take, header included. */
export function idxPrefixBytes(itemShape: readonly number[], items: number): number {
  return 4 + 4 * (itemShape.length + 1) + items * itemShape.reduce((a, b) => a * b, 1);
}

/** Throws when an images file and its labels file disagree on the number of examples. */
export function checkPair(images: { count: number; source: string }, labels: { count: number; source: string }): void {
  if (images.count !== labels.count) {
    throw new DatasetError(
      `${images.source} and ${labels.source} do not pair up: expected as many labels as images (${images.count}), found ${labels.count} labels`,
      { file: labels.source, expected: `${images.count} labels`, found: `${labels.count} labels` },
    );
  }
}
