/**
 * The safetensors format (https://github.com/huggingface/safetensors), in memory: no file access, no
 * dependencies, so it runs in browsers as well as Node. `files.ts` adds reading and writing files
 * on Node.
 *
 * Layout of a file:
 *
 * ```text
 * 8 bytes   N, the header length, unsigned 64-bit little-endian
 * N bytes   UTF-8 JSON header, padded with spaces to a multiple of 8:
 *           {"__metadata__": {string: string},
 *            "<name>": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 * rest      the data buffer: every tensor row-major and little-endian at [begin, end) of it;
 *           the tensors are contiguous, do not overlap, and cover the whole buffer
 * ```
 *
 * The writer lays files out exactly as the reference implementation (the Rust crate behind
 * Python's `safetensors.numpy.save`) does, so that files are byte-identical to its output:
 * tensors sorted by dtype, widest alignment first (F64, F32, I32, BOOL, the order of the crate's
 * `Dtype` enum), then by name (Unicode code point order, which is the crate's byte order);
 * `__metadata__` first in the header; compact JSON; header padded with spaces to a multiple of 8
 * bytes, so every tensor starts 8-byte aligned within the file. (The crate writes the metadata map
 * in hash order; this writer sorts its keys, so output does not depend on object key order.)
 */
import { allocate, bytesPerElement, isDType, type DType, type TypedArray } from '../dtype.js';
import { ArgumentError, DTypeError, ShapeError, formatShape } from '../errors.js';
import { utf8Decode, utf8Encode } from '../text.js';
import { WeightsFileError } from './weights-error.js';

/** One tensor as stored in a weights file: its name, dtype, shape and row-major values. */
export interface NamedTensorData {
  /** The tensor's key in the file; unique within a file and not empty. */
  name: string;
  /** Element type: float32 ↔ `F32`, float64 ↔ `F64`, int32 ↔ `I32`, bool ↔ `BOOL` (1 byte, 0 or 1). */
  dtype: DType;
  /** Dimensions; `[]` for a scalar. Any dimension may be 0 (an empty tensor). */
  shape: number[];
  /**
   * Row-major values in the storage type of `dtype` (see `allocate`): Float32Array, Float64Array,
   * Int32Array, or Uint8Array of 0 and 1 for bool. Its length is the product of `shape`.
   */
  data: TypedArray;
}

/** Options of {@link decodeSafetensors}. */
export interface DecodeSafetensorsOptions {
  /**
   * The largest header accepted, in bytes; a larger one is rejected before it is read.
   * Default {@link SAFETENSORS_MAX_HEADER_BYTES} (100 MB), the reference implementation's limit.
   */
  maxHeaderBytes?: number;
}

/** What {@link decodeSafetensors} returns. */
export interface DecodedSafetensors {
  /**
   * The tensors in file order (by data offset; empty tensors sharing an offset in the writer's
   * order, dtype then name), each with freshly allocated data.
   */
  tensors: NamedTensorData[];
  /** The header's `__metadata__` map, or `{}` when the file has none. */
  metadata: Record<string, string>;
}

/** The largest header the reference implementation reads or writes: 100,000,000 bytes. */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';
const LENGTH_PREFIX_BYTES = 8;

const FORMAT_DTYPE: Readonly<Record<DType, string>> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };
const TENSORKIT_DTYPE: Readonly<Record<string, DType>> = { F32: 'float32', F64: 'float64', I32: 'int32', BOOL: 'bool' };

/** Position in the reference implementation's `Dtype` enum, which is its sort key (descending). */
const ENUM_RANK: Readonly<Record<DType, number>> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** Dtypes the format defines that TensorKit has no storage for. */
const OTHER_FORMAT_DTYPES = new Set([
  'F4', 'F6_E2M3', 'F6_E3M2', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'I16', 'U16', 'F16', 'BF16', 'U32',
  'C64', 'I64', 'U64',
]);

const STORAGE_NAME: Readonly<Record<DType, string>> = {
  float32: 'Float32Array', float64: 'Float64Array', int32: 'Int32Array', bool: 'Uint8Array',
};

const SUPPORTED_TEXT = 'F32 (float32), F64 (float64), I32 (int32) and BOOL (bool)';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;


// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/**
 * Serializes tensors and optional string metadata to the bytes of a safetensors file.
 *
 * The layout is the reference implementation's, byte for byte (see the module comment): tensors
 * sorted by dtype (F64, F32, I32, BOOL) then by name, the header padded with spaces to a multiple
 * of 8 bytes. The input order does not matter. Bool values are written as 0 and 1 (any non-zero
 * byte counts as true).
 *
 * @param tensors - The tensors to store. Names must be unique, non-empty, not `__metadata__`, and
 *   valid Unicode; each `data` must be the storage type of its dtype with one value per element.
 * @param metadata - Free-form string pairs stored as the header's `__metadata__` (e.g.
 *   `{ format: 'tensorkit' }`); omitted from the header when not given.
 * @returns The file's bytes.
 * @throws ArgumentError for a bad name or metadata, or a header over 100 MB; DTypeError for an
 *   unknown dtype or data of the wrong typed array; ShapeError for a bad shape or a data length
 *   that does not match it.
 */
export function encodeSafetensors(
  tensors: readonly NamedTensorData[],
  metadata?: Record<string, string>,
): Uint8Array {
  if (!Array.isArray(tensors)) {
    throw new ArgumentError(`encodeSafetensors: tensors must be an array of { name, dtype, shape, data }, got ${describe(tensors)}`);
  }
  const seen = new Set<string>();
  const entries = tensors.map((tensor, index) => checkTensor(tensor, index, seen));
  entries.sort((a, b) => ENUM_RANK[b.dtype] - ENUM_RANK[a.dtype] || compareCodePoints(a.name, b.name));

  const headerParts: string[] = [];
  if (metadata !== undefined) headerParts.push(`${JSON.stringify(METADATA_KEY)}:${metadataJson(metadata)}`);
  let offset = 0;
  for (const entry of entries) {
    const end = offset + entry.byteLength;
    // Written by hand, not with JSON.stringify of one object: a JavaScript object would move
    // integer-like keys ("0", "12") to the front, and the order of entries is part of the layout.
    headerParts.push(
      `${JSON.stringify(entry.name)}:{"dtype":"${FORMAT_DTYPE[entry.dtype]}","shape":[${entry.shape.join(',')}],` +
        `"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const json = utf8Encode(`{${headerParts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > SAFETENSORS_MAX_HEADER_BYTES) {
    throw new ArgumentError(
      `encodeSafetensors: the header would be ${headerLength} bytes, over the ${SAFETENSORS_MAX_HEADER_BYTES}-byte ` +
        'limit every safetensors reader enforces; store fewer tensors or less metadata per file',
    );
  }

  const dataStart = LENGTH_PREFIX_BYTES + headerLength;
  const out = new Uint8Array(dataStart + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true); // headerLength < 2^32, so the high word stays 0.
  out.set(json, LENGTH_PREFIX_BYTES);
  out.fill(0x20, LENGTH_PREFIX_BYTES + json.length, dataStart);
  let at = dataStart;
  for (const entry of entries) {
    writeValues(entry.dtype, entry.data, out, view, at);
    at += entry.byteLength;
  }
  return out;
}

interface CheckedTensor {
  name: string;
  dtype: DType;
  shape: number[];
  data: TypedArray;
  byteLength: number;
}

function checkTensor(tensor: NamedTensorData, index: number, seen: Set<string>): CheckedTensor {
  if (tensor === null || typeof tensor !== 'object') {
    throw new ArgumentError(`encodeSafetensors: tensors[${index}] must be { name, dtype, shape, data }, got ${describe(tensor)}`);
  }
  const { name, dtype, shape, data } = tensor;
  if (typeof name !== 'string' || name.length === 0) {
    throw new ArgumentError(`encodeSafetensors: tensors[${index}] needs a non-empty string name, got ${describe(name)}`);
  }
  const label = `tensor ${JSON.stringify(name)}`;
  if (name === METADATA_KEY) {
    throw new ArgumentError(`encodeSafetensors: ${label}: the name "${METADATA_KEY}" is reserved for the metadata map; rename the tensor`);
  }
  if (!isWellFormed(name)) {
    throw new ArgumentError(`encodeSafetensors: ${label}: the name contains a lone UTF-16 surrogate, which UTF-8 cannot store`);
  }
  if (seen.has(name)) {
    throw new ArgumentError(`encodeSafetensors: ${label} appears more than once; names in a file must be unique`);
  }
  seen.add(name);
  if (!isDType(dtype)) {
    throw new DTypeError(`encodeSafetensors: ${label}: unknown dtype ${describe(dtype)}; expected float32, float64, int32 or bool`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ShapeError(`encodeSafetensors: ${label}: shape must be an array of non-negative integers, got ${describe(shape)}`);
  }
  const expected = STORAGE_NAME[dtype];
  const actual = typedArrayName(data);
  if (actual !== expected) {
    throw new DTypeError(
      `encodeSafetensors: ${label} has dtype ${dtype}, stored as ${expected}, but its data is ${actual ? `a ${actual}` : describe(data)}`,
    );
  }
  const size = shape.reduce((a, d) => a * d, 1);
  if (data.length !== size) {
    throw new ShapeError(
      `encodeSafetensors: ${label} has shape ${formatShape(shape)} (${size} elements) but its data holds ${data.length} values`,
    );
  }
  return { name, dtype, shape: shape.map((d) => d + 0), data, byteLength: size * bytesPerElement(dtype) };
}

function metadataJson(metadata: Record<string, string>): string {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new ArgumentError(`encodeSafetensors: metadata must be an object of string values, got ${describe(metadata)}`);
  }
  const pairs = Object.entries(metadata);
  for (const [key, value] of pairs) {
    if (typeof value !== 'string') {
      throw new ArgumentError(
        `encodeSafetensors: metadata[${JSON.stringify(key)}] is ${describe(value)}; metadata values must be strings ` +
          '(JSON.stringify other values first)',
      );
    }
    if (!isWellFormed(key) || !isWellFormed(value)) {
      throw new ArgumentError(
        `encodeSafetensors: metadata[${JSON.stringify(key)}] contains a lone UTF-16 surrogate, which UTF-8 cannot store`,
      );
    }
  }
  pairs.sort((a, b) => compareCodePoints(a[0], b[0]));
  return `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

function writeValues(dtype: DType, data: TypedArray, out: Uint8Array, view: DataView, at: number): void {
  const n = data.length;
  if (dtype === 'bool') {
    for (let i = 0; i < n; i++) out[at + i] = data[i] !== 0 ? 1 : 0;
  } else if (LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
  } else if (dtype === 'float32') {
    for (let i = 0; i < n; i++) view.setFloat32(at + 4 * i, data[i], true);
  } else if (dtype === 'float64') {
    for (let i = 0; i < n; i++) view.setFloat64(at + 8 * i, data[i], true);
  } else {
    for (let i = 0; i < n; i++) view.setInt32(at + 4 * i, data[i], true);
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

/**
 * Parses the bytes of a safetensors file, checking every rule of the format.
 *
 * Each tensor's values are copied into a fresh typed array of its dtype's storage type, so
 * `bytes` may sit at any offset of its buffer (tensor data need not be aligned) and can be
 * discarded afterwards. Header entries may appear in any order, as in the reference reader.
 * Extra fields in a tensor entry are ignored, and `"__metadata__": null` reads as no metadata,
 * both as in the reference reader. A BOOL byte other than 0 reads as true (1), as in NumPy.
 *
 * @param bytes - The whole file.
 * @param options - `maxHeaderBytes`: the largest header accepted (default 100 MB).
 * @returns The tensors in file order and the `__metadata__` map (`{}` when absent).
 * @throws WeightsFileError naming what was wrong and what was expected: a file under 8 bytes; a
 *   header length over `maxHeaderBytes` (oversized header) or past the end of the file; a header
 *   that is not UTF-8, not JSON, or not an object; an unknown or unsupported dtype; a shape that is
 *   not a list of non-negative integers; data_offsets that are not two integers, that end before
 *   they begin, that do not span shape × dtype size bytes, or that overlap, leave gaps, run past
 *   the end of the file (truncated) or stop short of it (trailing bytes); `__metadata__` that is
 *   not a map of strings.
 */
export function decodeSafetensors(bytes: Uint8Array, options?: DecodeSafetensorsOptions): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array)) {
    throw new ArgumentError(`decodeSafetensors: bytes must be a Uint8Array, got ${describe(bytes)}`);
  }
  const maxHeaderBytes = options?.maxHeaderBytes ?? SAFETENSORS_MAX_HEADER_BYTES;
  if (!Number.isSafeInteger(maxHeaderBytes) || maxHeaderBytes < 0) {
    throw new ArgumentError(`decodeSafetensors: maxHeaderBytes must be a non-negative integer, got ${describe(maxHeaderBytes)}`);
  }
  if (bytes.length < LENGTH_PREFIX_BYTES) {
    fail(
      `the file is ${bytes.length} bytes, shorter than the 8-byte header length that starts every safetensors file ` +
        '(truncated or not a safetensors file)',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The u64 as a double: exact up to 2^53, and larger values only need to compare as too large.
  const headerLength = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (headerLength > maxHeaderBytes) {
    fail(
      `oversized header: the file declares a ${headerLength}-byte header, over the limit of ${maxHeaderBytes} bytes ` +
        '(maxHeaderBytes); the file is corrupt or not a safetensors file, or raise maxHeaderBytes if you trust it',
    );
  }
  const dataStart = LENGTH_PREFIX_BYTES + headerLength;
  if (dataStart > bytes.length) {
    fail(
      `the file declares a ${headerLength}-byte header but only ${bytes.length - LENGTH_PREFIX_BYTES} bytes follow the ` +
        'length prefix (truncated file, or not a safetensors file)',
    );
  }

  let text: string;
  try {
    text = utf8Decode(bytes.subarray(LENGTH_PREFIX_BYTES, dataStart), true);
  } catch {
    return fail(`the ${headerLength}-byte header is not valid UTF-8; it must be UTF-8 JSON text`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    return fail(`the header is not valid JSON (${(error as Error).message}); expected a JSON object, got ${preview(text)}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    fail(`the header must be a JSON object mapping tensor names to {dtype, shape, data_offsets}, got ${describe(header)}`);
  }
  const record = header as Record<string, unknown>;

  let metadata: Record<string, string> = {};
  const entries: DecodedEntry[] = [];
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (key === METADATA_KEY) {
      metadata = readMetadata(value);
    } else {
      entries.push(readEntry(key, value));
    }
  }

  // As the reference reader: order by offsets, then the tensors must tile the buffer exactly. Empty
  // tensors can share an offset; those keep the writer's order (dtype, then name).
  entries.sort(
    (a, b) =>
      a.begin - b.begin ||
      a.end - b.end ||
      ENUM_RANK[b.dtype] - ENUM_RANK[a.dtype] ||
      compareCodePoints(a.name, b.name),
  );
  const bufferLength = bytes.length - dataStart;
  let expectedBegin = 0;
  let previous: DecodedEntry | undefined;
  for (const entry of entries) {
    if (entry.begin < expectedBegin) {
      fail(
        `tensor ${JSON.stringify(entry.name)} has data_offsets [${entry.begin},${entry.end}], which overlap tensor ` +
          `${JSON.stringify(previous!.name)} at [${previous!.begin},${previous!.end}]; tensors must not overlap`,
      );
    }
    if (entry.begin > expectedBegin) {
      fail(
        `bytes [${expectedBegin},${entry.begin}) of the data buffer belong to no tensor (a gap before tensor ` +
          `${JSON.stringify(entry.name)} at [${entry.begin},${entry.end}]); tensors must be contiguous from offset 0`,
      );
    }
    if (entry.end > bufferLength) {
      fail(
        `truncated file: tensor ${JSON.stringify(entry.name)} has data_offsets [${entry.begin},${entry.end}] but the data ` +
          `buffer after the header holds only ${bufferLength} bytes`,
      );
    }
    expectedBegin = entry.end;
    previous = entry;
  }
  if (expectedBegin !== bufferLength) {
    fail(
      `trailing bytes: the tensors cover ${expectedBegin} bytes of data but ${bufferLength} bytes follow the header ` +
        `(${bufferLength - expectedBegin} bytes belong to no tensor); the data must end where the last tensor ends`,
    );
  }

  const tensors = entries.map((entry): NamedTensorData => {
    const data = allocate(entry.dtype, entry.size);
    readValues(entry.dtype, bytes, view, dataStart + entry.begin, data);
    return { name: entry.name, dtype: entry.dtype, shape: entry.shape, data };
  });
  return { tensors, metadata };
}

interface DecodedEntry {
  name: string;
  dtype: DType;
  shape: number[];
  size: number;
  begin: number;
  end: number;
}

function readMetadata(value: unknown): Record<string, string> {
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    fail(`"${METADATA_KEY}" must be an object of string values, got ${describe(value)}`);
  }
  const pairs = Object.entries(value as Record<string, unknown>);
  for (const [key, item] of pairs) {
    if (typeof item !== 'string') {
      fail(`"${METADATA_KEY}" must map strings to strings, but ${JSON.stringify(key)} maps to ${describe(item)}`);
    }
  }
  // fromEntries defines own properties, so even a key like "__proto__" stays an ordinary entry.
  return Object.fromEntries(pairs) as Record<string, string>;
}

function readEntry(name: string, value: unknown): DecodedEntry {
  const label = `tensor ${JSON.stringify(name)}`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(`${label} must be an object {dtype, shape, data_offsets}, got ${describe(value)}`);
  }
  const info = value as Record<string, unknown>;
  const formatDtype = info.dtype;
  if (typeof formatDtype !== 'string') {
    fail(`${label} needs a string "dtype" (one of ${SUPPORTED_TEXT}), got ${describe(formatDtype)}`);
  }
  const dtype = Object.hasOwn(TENSORKIT_DTYPE, formatDtype) ? TENSORKIT_DTYPE[formatDtype] : undefined;
  if (dtype === undefined) {
    const kind = OTHER_FORMAT_DTYPES.has(formatDtype)
      ? 'a safetensors dtype TensorKit cannot hold'
      : 'not a safetensors dtype';
    fail(`${label} has unknown dtype ${JSON.stringify(formatDtype)} (${kind}); supported dtypes are ${SUPPORTED_TEXT}`);
  }
  const shape = info.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`${label} has shape ${describe(shape)}; a shape must be a list of non-negative integers, e.g. [2,3] or [] for a scalar`);
  }
  const dims: number[] = shape.map((d: number) => d + 0);
  const offsets = info.data_offsets;
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
  ) {
    fail(`${label} has data_offsets ${describe(offsets)}; expected [begin, end], two non-negative integers`);
  }
  const [begin, end]: number[] = offsets.map((o: number) => o + 0);
  if (end < begin) {
    fail(`${label} has data_offsets [${begin},${end}], which end before they begin (out of order); expected begin <= end`);
  }
  const size = dims.reduce((a, d) => a * d, 1);
  const width = bytesPerElement(dtype);
  const byteLength = size * width;
  if (!Number.isSafeInteger(byteLength) || byteLength !== end - begin) {
    fail(
      `${label} has data_offsets [${begin},${end}] spanning ${end - begin} bytes, but shape ${formatShape(dims)} of ` +
        `${formatDtype} needs ${size} × ${width} = ${byteLength} bytes`,
    );
  }
  return { name, dtype: dtype, shape: dims, size, begin, end };
}

function readValues(dtype: DType, bytes: Uint8Array, view: DataView, at: number, out: TypedArray): void {
  const n = out.length;
  if (dtype === 'bool') {
    for (let i = 0; i < n; i++) out[i] = bytes[at + i] !== 0 ? 1 : 0;
  } else if (LITTLE_ENDIAN_HOST) {
    // A byte copy: works whatever the alignment of `at` within the source buffer.
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes.subarray(at, at + out.byteLength));
  } else if (dtype === 'float32') {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, true);
  } else if (dtype === 'float64') {
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(at + 8 * i, true);
  } else {
    for (let i = 0; i < n; i++) out[i] = view.getInt32(at + 4 * i, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function fail(message: string): never {
  throw new WeightsFileError(`decodeSafetensors: ${message}`);
}

/** Orders strings by Unicode code point, which is the order of their UTF-8 bytes (Rust's `str` order). */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** True when `text` has no lone surrogate (String.prototype.isWellFormed, which ES2023 lacks). */
function isWellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

function typedArrayName(value: unknown): string | undefined {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return undefined;
  // The tag, not instanceof, so typed arrays from another realm (worker, iframe, vm) pass.
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  return tag;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) {
    const text = JSON.stringify(value);
    return text === undefined ? 'an array' : text.length > 60 ? `${text.slice(0, 57)}...` : text;
  }
  if (ArrayBuffer.isView(value)) return `a ${typedArrayName(value) ?? 'DataView'}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return preview(value);
  return `${typeof value} ${String(value)}`;
}

function preview(text: string): string {
  return text.length > 60 ? `${JSON.stringify(text.slice(0, 57))}...` : JSON.stringify(text);
}
