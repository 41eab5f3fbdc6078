import { describe, it, expect, vi, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FileHandle } from 'node:fs/promises';
import {
  decodeSafetensors,
  encodeSafetensors,
  SAFETENSORS_MAX_HEADER_BYTES,
  type NamedTensorData,
} from '../src/io/safetensors.js';
import { readFileBytes, writeFileAtomic } from '../src/io/files.js';
import { WeightsFileError } from '../src/io/weights-error.js';
import { ArgumentError, DTypeError, ShapeError, TensorKitError } from '../src/errors.js';
import type { DType, TypedArray } from '../src/dtype.js';

const REFERENCE_SCRIPT = fileURLToPath(new URL('./fixtures/safetensors_reference.py', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const utf8 = new TextEncoder();

function storage(dtype: DType, values: ArrayLike<number>): TypedArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
      return Uint8Array.from(values);
  }
}

function t(name: string, dtype: DType, shape: number[], values?: ArrayLike<number>): NamedTensorData {
  const size = shape.reduce((a, d) => a * d, 1);
  const data = values ?? Array.from({ length: size }, (_, i) => (dtype === 'bool' ? i % 2 : i - 3));
  return { name, dtype, shape, data: storage(dtype, data) };
}

/** A safetensors file from a raw header text and data bytes (the header is used as given). */
function rawFile(header: string, data: ArrayLike<number> = [], pad = true): Uint8Array {
  let text = utf8.encode(header);
  if (pad && text.length % 8 !== 0) {
    const padded = new Uint8Array(Math.ceil(text.length / 8) * 8).fill(0x20);
    padded.set(text);
    text = padded;
  }
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setUint32(0, text.length, true);
  out.set(text, 8);
  out.set(Array.from(data), 8 + text.length);
  return out;
}

/** The data buffer of a file as the reference would encode it, from tensors given in layout order. */
function bytesOf(...arrays: TypedArray[]): number[] {
  return arrays.flatMap((a) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)));
}

function headerOf(file: Uint8Array): string {
  const n = new DataView(file.buffer, file.byteOffset).getUint32(0, true);
  return new TextDecoder().decode(file.subarray(8, 8 + n));
}

function expectDecodeError(bytes: Uint8Array, ...fragments: (string | RegExp)[]): WeightsFileError {
  let caught: unknown;
  try {
    decodeSafetensors(bytes);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(WeightsFileError);
  expect(caught).toBeInstanceOf(TensorKitError);
  const error = caught as WeightsFileError;
  expect(error.name).toBe('WeightsFileError');
  expect(error.message).toMatch(/^decodeSafetensors: /);
  for (const fragment of fragments) expect(error.message).toMatch(fragment);
  return error;
}

/** A tensor as the reference script prints it. */
interface ReferenceTensor {
  name: string;
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
  hex: string;
  values: (number | string | boolean)[];
}
interface ReferenceDescription {
  header_length: number;
  header_keys: string[];
  metadata: Record<string, string>;
  tensors: ReferenceTensor[];
  canonical: boolean;
}

const FORMAT: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };

function referenceValues(tensor: NamedTensorData): (number | string | boolean)[] {
  return Array.from(tensor.data as ArrayLike<number>, (v) => {
    if (tensor.dtype === 'bool') return v !== 0;
    if (Number.isNaN(v)) return 'nan';
    if (v === Infinity) return 'inf';
    if (v === -Infinity) return '-inf';
    return v;
  });
}

function hexOf(data: TypedArray): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex');
}

function sameTensors(actual: NamedTensorData[], expected: NamedTensorData[]): void {
  expect(actual.map((x) => x.name)).toEqual(expected.map((x) => x.name));
  for (let i = 0; i < expected.length; i++) {
    expect(actual[i].dtype).toBe(expected[i].dtype);
    expect(actual[i].shape).toEqual(expected[i].shape);
    expect(actual[i].data.constructor).toBe(expected[i].data.constructor);
    // Bitwise, so NaN and -0 count.
    expect(hexOf(actual[i].data)).toBe(hexOf(expected[i].data));
  }
}

/** Tensors as the reference writer orders them: F64, F32, I32, BOOL, then by code point. */
function layoutOrder(tensors: NamedTensorData[]): NamedTensorData[] {
  const rank: Record<DType, number> = { float64: 0, float32: 1, int32: 2, bool: 3 };
  const cp = (s: string) => Array.from(s, (c) => c.codePointAt(0)!);
  const cmp = (a: string, b: string) => {
    const x = cp(a);
    const y = cp(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  };
  return [...tensors].sort((a, b) => rank[a.dtype] - rank[b.dtype] || cmp(a.name, b.name));
}

const SHAPES: number[][] = [[], [1], [5], [2, 3], [3, 1, 2], [1, 1, 1, 1], [0], [2, 0, 4], [0, 0]];

const SPECIALS: Record<DType, number[]> = {
  float32: [0, -0, 1.5, -2.25, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38, 0.1],
  float64: [0, -0, Math.PI, 5e-324, Number.MAX_VALUE, NaN, -Infinity, 0.1, -1e300, 1 / 3],
  int32: [0, 1, -1, 2147483647, -2147483648, 42, -42, 65536, 7, -7],
  bool: [0, 1, 1, 0, 1, 0, 0, 1, 1, 1],
};

// ---------------------------------------------------------------------------------------------
// Round trips and layout
// ---------------------------------------------------------------------------------------------

describe('safetensors: round trips', () => {
  it.each(['float32', 'float64', 'int32', 'bool'] as DType[])('round-trips %s in every shape (scalars, empty)', (dtype) => {
    const tensors = SHAPES.map((shape, i) => {
      const size = shape.reduce((a, d) => a * d, 1);
      return t(`${dtype}.${i}`, dtype, shape, Array.from({ length: size }, (_, k) => SPECIALS[dtype][k % 10]));
    });
    tensors.push(t(`${dtype}.specials`, dtype, [10], SPECIALS[dtype]));
    const decoded = decodeSafetensors(encodeSafetensors(tensors));
    expect(decoded.metadata).toEqual({});
    sameTensors(decoded.tensors, layoutOrder(tensors));
  });

  it('round-trips a mixed file with metadata and returns tensors in file order', () => {
    const tensors = [
      t('layer1.bias', 'float32', [4]),
      t('steps', 'int32', []),
      t('layer1.kernel', 'float32', [3, 4]),
      t('mask', 'bool', [2, 2]),
      t('stats', 'float64', [2]),
    ];
    const metadata = { format: 'tensorkit', epoch: '3', note: 'ünïcødé ✓ "quoted"\n\t', '': 'empty key', __proto__x: 'y' };
    const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata));
    expect(decoded.metadata).toEqual(metadata);
    expect(decoded.tensors.map((x) => x.name)).toEqual(['stats', 'layer1.bias', 'layer1.kernel', 'steps', 'mask']);
    sameTensors(decoded.tensors, layoutOrder(tensors));
  });

  it('round-trips a file with no tensors, with and without metadata', () => {
    expect(decodeSafetensors(encodeSafetensors([]))).toEqual({ tensors: [], metadata: {} });
    expect(decodeSafetensors(encodeSafetensors([], {}))).toEqual({ tensors: [], metadata: {} });
    expect(decodeSafetensors(encodeSafetensors([], { a: 'b' }))).toEqual({ tensors: [], metadata: { a: 'b' } });
  });

  it('keeps a metadata key named __proto__ as an ordinary entry', () => {
    const file = rawFile('{"__metadata__":{"__proto__":"x","constructor":"y"}}');
    const { metadata } = decodeSafetensors(file);
    expect(Object.keys(metadata)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(metadata['__proto__']).toBe('x');
  });

  it('round-trips random tensor sets (property)', () => {
    const dtypeArb = fc.constantFrom<DType>('float32', 'float64', 'int32', 'bool');
    const tensorArb = fc
      .record({ dtype: dtypeArb, shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }), seed: fc.integer() })
      .map(({ dtype, shape, seed }) => {
        const size = shape.reduce((a, d) => a * d, 1);
        const values = Array.from({ length: size }, (_, i) =>
          dtype === 'bool' ? (seed >> i) & 1 : dtype === 'int32' ? (seed * (i + 1)) | 0 : seed / (i + 7),
        );
        return { dtype, shape, values };
      });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 6, unit: 'grapheme' }), tensorArb), {
          selector: ([name]) => name,
          maxLength: 6,
        }),
        fc.dictionary(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), { maxKeys: 3 }),
        (entries, metadata) => {
          const tensors = entries
            .filter(([name]) => name !== '__metadata__')
            .map(([name, { dtype, shape, values }]) => t(name, dtype, shape, values));
          const file = encodeSafetensors(tensors, metadata);
          expect((8 + new DataView(file.buffer).getUint32(0, true)) % 8).toBe(0);
          const decoded = decodeSafetensors(file);
          sameTensors(decoded.tensors, layoutOrder(tensors));
          expect(decoded.metadata).toEqual({ ...metadata });
          // Re-encoding what was read gives the same bytes.
          expect(encodeSafetensors(decoded.tensors, decoded.metadata)).toEqual(file);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('returns fresh, aligned arrays that do not share the input buffer', () => {
    const file = encodeSafetensors([t('a', 'float64', [3], [1, 2, 3])]);
    const { tensors } = decodeSafetensors(file);
    expect(tensors[0].data).toBeInstanceOf(Float64Array);
    expect(tensors[0].data.byteOffset).toBe(0);
    expect(tensors[0].data.buffer).not.toBe(file.buffer);
    file.fill(0, file.length - 24);
    expect(Array.from(tensors[0].data)).toEqual([1, 2, 3]);
  });

  it.each([1, 2, 3, 5, 7])('decodes a file that starts at byte offset %i of its buffer (unaligned data)', (shift) => {
    const tensors = [t('d', 'float64', [2, 2], [1.5, -0, NaN, 1e-300]), t('f', 'float32', [3]), t('i', 'int32', [2]), t('b', 'bool', [3])];
    const file = encodeSafetensors(tensors);
    const big = new Uint8Array(file.length + 16);
    big.set(file, shift);
    const view = big.subarray(shift, shift + file.length);
    expect(view.byteOffset % 4).not.toBe(0);
    sameTensors(decodeSafetensors(view).tensors, layoutOrder(tensors));
  });

  it('encodes from typed arrays that are views at odd offsets of larger buffers', () => {
    const backing = new ArrayBuffer(64);
    const f64 = new Float64Array(backing, 8, 2).fill(2.5);
    const bools = new Uint8Array(backing, 3, 3);
    bools.set([1, 0, 1]);
    const decoded = decodeSafetensors(
      encodeSafetensors([
        { name: 'x', dtype: 'float64', shape: [2], data: f64 },
        { name: 'b', dtype: 'bool', shape: [3], data: bools },
      ]),
    );
    expect(Array.from(decoded.tensors[0].data)).toEqual([2.5, 2.5]);
    expect(Array.from(decoded.tensors[1].data)).toEqual([1, 0, 1]);
  });

  it('writes bools as 0/1 and reads any non-zero BOOL byte as 1 (as NumPy does)', () => {
    const file = encodeSafetensors([{ name: 'b', dtype: 'bool', shape: [4], data: Uint8Array.from([0, 2, 255, 1]) }]);
    expect(Array.from(file.subarray(file.length - 4))).toEqual([0, 1, 1, 1]);
    const raw = rawFile('{"b":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}}', [7, 0, 128]);
    expect(Array.from(decodeSafetensors(raw).tensors[0].data)).toEqual([1, 0, 1]);
  });

  it('accepts a Node Buffer as input', () => {
    const file = encodeSafetensors([t('x', 'int32', [2], [5, 6])]);
    const buffer = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(file)]).subarray(3);
    expect(Array.from(decodeSafetensors(buffer).tensors[0].data)).toEqual([5, 6]);
  });
});

describe('safetensors: layout matches the reference implementation', () => {
  // Known answers from the Rust crate's own tests (safetensors/src/tensor.rs: test_serialization,
  // test_serialization_forced_alignement, test_empty).
  it('serializes attn.0 F32 [1,2,3] exactly as the crate (header exactly 64 bytes, no padding)', () => {
    const values = Float32Array.from([0, 1, 2, 3, 4, 5]);
    const file = encodeSafetensors([{ name: 'attn.0', dtype: 'float32', shape: [1, 2, 3], data: values }]);
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(Array.from(file)).toEqual([64, 0, 0, 0, 0, 0, 0, 0, ...utf8.encode(header), ...bytesOf(values)]);
  });

  it('pads the header with spaces to a multiple of 8 (attn0 [1,1,2,3]: 65 → 72 bytes)', () => {
    const values = Float32Array.from([0, 1, 2, 3, 4, 5]);
    const file = encodeSafetensors([{ name: 'attn0', dtype: 'float32', shape: [1, 1, 2, 3], data: values }]);
    const header = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ';
    expect(Array.from(file)).toEqual([72, 0, 0, 0, 0, 0, 0, 0, ...utf8.encode(header), ...bytesOf(values)]);
  });

  it('serializes empty files exactly as the crate', () => {
    expect(Array.from(encodeSafetensors([]))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, ...utf8.encode('{}      ')]);
    expect(Array.from(encodeSafetensors([], { framework: 'pt' }))).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, ...utf8.encode('{"__metadata__":{"framework":"pt"}}     '),
    ]);
  });

  it('orders tensors by dtype (F64, F32, I32, BOOL), then by name in code point order, whatever the input order', () => {
    const tensors = [
      t('b', 'bool', [1]),
      t('aa', 'int32', [1]),
      t('z', 'float64', [1]),
      t('a', 'float32', [1]),
      t('Z', 'float32', [1]),
      t('\u{1F600}', 'float32', [1]), // astral: after U+FFFF in code point (and UTF-8) order, before it in UTF-16
      t('\uFFFF', 'float32', [1]),
      t('10', 'float32', [1]),
      t('2', 'float32', [1]),
      t('a.b', 'float32', [1]),
      t('a_b', 'float32', [1]),
    ];
    const file = encodeSafetensors(tensors);
    const expected = ['z', '10', '2', 'Z', 'a', 'a.b', 'a_b', '\uFFFF', '\u{1F600}', 'aa', 'b'];
    expect(decodeSafetensors(file).tensors.map((x) => x.name)).toEqual(expected);
    // Header keys appear in the same order (integer-like names included), offsets contiguous.
    const header = JSON.parse(headerOf(file)) as Record<string, { data_offsets: number[] }>;
    const inText = expected.map((name) => headerOf(file).indexOf(JSON.stringify(name) + ':'));
    expect(inText).toEqual([...inText].sort((a, b) => a - b));
    expect(expected.map((name) => header[name].data_offsets)).toEqual([
      [0, 8], [8, 12], [12, 16], [16, 20], [20, 24], [24, 28], [28, 32], [32, 36], [36, 40], [40, 44], [44, 45],
    ]);
    // Input order does not matter.
    expect(encodeSafetensors([...tensors].reverse())).toEqual(file);
  });

  it('puts __metadata__ first, with keys sorted, in compact JSON', () => {
    const file = encodeSafetensors([t('w', 'float32', [1], [1])], { zeta: '1', alpha: '2', '\u00e9': '3' });
    expect(headerOf(file).trimEnd()).toBe(
      '{"__metadata__":{"alpha":"2","zeta":"1","\u00e9":"3"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
    );
  });

  it('starts the data 8-byte aligned for every header length', () => {
    for (let length = 1; length <= 16; length++) {
      const file = encodeSafetensors([t('n'.repeat(length), 'float64', [1], [1])]);
      const n = new DataView(file.buffer).getUint32(0, true);
      expect(n % 8).toBe(0);
      expect(new DataView(file.buffer).getUint32(4, true)).toBe(0);
      const text = headerOf(file);
      expect(text.trimEnd().length).toBeGreaterThan(n - 8);
      expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
      expect(file.length).toBe(8 + n + 8);
    }
  });

  it('reads files whose header lists tensors in any order, unpadded, with extra fields or null metadata', () => {
    const data = bytesOf(Int32Array.from([1, 2]), Float32Array.from([0.5]));
    const file = rawFile(
      '{"y":{"data_offsets":[8,12],"shape":[],"dtype":"F32","extra":true},"__metadata__":null,' +
        '"x":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}',
      data,
      false,
    );
    const { tensors, metadata } = decodeSafetensors(file);
    expect(metadata).toEqual({});
    expect(tensors.map((x) => [x.name, x.dtype, x.shape, Array.from(x.data)])).toEqual([
      ['x', 'int32', [2], [1, 2]],
      ['y', 'float32', [], [0.5]],
    ]);
  });

  it('reads several empty tensors sharing one offset', () => {
    const file = rawFile(
      '{"e1":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"a":{"dtype":"I32","shape":[1],"data_offsets":[0,4]},' +
        '"e2":{"dtype":"F64","shape":[3,0],"data_offsets":[4,4]}}',
      [1, 0, 0, 0],
    );
    expect(decodeSafetensors(file).tensors.map((x) => [x.name, x.shape, x.data.length])).toEqual([
      ['a', [1], 1],
      ['e2', [3, 0], 0], // empty tensors at one offset: the writer's order, F64 before F32
      ['e1', [0], 0],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Encoder validation
// ---------------------------------------------------------------------------------------------

describe('encodeSafetensors: rejects bad input', () => {
  const expectEncodeError = (
    run: () => unknown,
    type: typeof ArgumentError | typeof ShapeError | typeof DTypeError,
    ...fragments: (string | RegExp)[]
  ) => {
    let caught: unknown;
    try {
      run();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(type);
    const message = (caught as Error).message;
    expect(message).toMatch(/^encodeSafetensors: /);
    for (const fragment of fragments) expect(message).toMatch(fragment);
  };

  it('rejects duplicate, empty, reserved and ill-formed names', () => {
    expectEncodeError(() => encodeSafetensors([t('w', 'float32', [1]), t('w', 'int32', [1])]), ArgumentError, '"w"', 'more than once', 'unique');
    expectEncodeError(() => encodeSafetensors([t('', 'float32', [1])]), ArgumentError, 'tensors[0]', 'non-empty string name');
    expectEncodeError(
      () => encodeSafetensors([{ dtype: 'float32', shape: [1], data: new Float32Array(1) } as unknown as NamedTensorData]),
      ArgumentError,
      'non-empty string name',
      'undefined',
    );
    expectEncodeError(() => encodeSafetensors([t('__metadata__', 'float32', [1])]), ArgumentError, 'reserved');
    expectEncodeError(() => encodeSafetensors([t('bad\uD800', 'float32', [1])]), ArgumentError, 'lone UTF-16 surrogate');
    expectEncodeError(() => encodeSafetensors(null as unknown as NamedTensorData[]), ArgumentError, 'must be an array');
    expectEncodeError(() => encodeSafetensors([null as unknown as NamedTensorData]), ArgumentError, 'tensors[0]');
  });

  it('rejects unknown dtypes and data of the wrong typed array', () => {
    expectEncodeError(
      () => encodeSafetensors([{ name: 'h', dtype: 'float16' as DType, shape: [1], data: new Float32Array(1) }]),
      DTypeError,
      '"float16"',
      'float32, float64, int32 or bool',
    );
    expectEncodeError(
      () => encodeSafetensors([{ name: 'w', dtype: 'float32', shape: [2], data: new Float64Array(2) }]),
      DTypeError,
      'dtype float32',
      'Float32Array',
      'a Float64Array',
    );
    expectEncodeError(
      () => encodeSafetensors([{ name: 'm', dtype: 'bool', shape: [2], data: [1, 0] as unknown as Uint8Array }]),
      DTypeError,
      'Uint8Array',
    );
  });

  it('rejects bad shapes and data lengths that do not match them', () => {
    expectEncodeError(() => encodeSafetensors([t('w', 'float32', [2, -1], [1, 2])]), ShapeError, 'non-negative integers', '[2,-1]');
    expectEncodeError(() => encodeSafetensors([t('w', 'float32', [1.5], [1])]), ShapeError, 'non-negative integers');
    expectEncodeError(
      () => encodeSafetensors([{ name: 'w', dtype: 'float32', shape: 3 as unknown as number[], data: new Float32Array(3) }]),
      ShapeError,
      'shape must be an array',
    );
    expectEncodeError(
      () => encodeSafetensors([{ name: 'w', dtype: 'float32', shape: [2, 3], data: new Float32Array(5) }]),
      ShapeError,
      '[2,3] (6 elements)',
      'holds 5 values',
    );
  });

  it('rejects metadata that is not a map of strings', () => {
    expectEncodeError(() => encodeSafetensors([], { epoch: 3 as unknown as string }), ArgumentError, 'metadata["epoch"]', 'number 3', 'must be strings');
    expectEncodeError(() => encodeSafetensors([], { nested: {} as unknown as string }), ArgumentError, 'must be strings');
    expectEncodeError(() => encodeSafetensors([], ['a'] as unknown as Record<string, string>), ArgumentError, 'object of string values');
    expectEncodeError(() => encodeSafetensors([], null as unknown as Record<string, string>), ArgumentError, 'object of string values');
    expectEncodeError(() => encodeSafetensors([], { k: '\uDC00' }), ArgumentError, 'lone UTF-16 surrogate');
  });
});

// ---------------------------------------------------------------------------------------------
// Decoder validation
// ---------------------------------------------------------------------------------------------

describe('decodeSafetensors: rejects malformed files', () => {
  const F32_2 = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const EIGHT = [0, 0, 128, 63, 0, 0, 0, 64];

  it('accepts the well-formed file the cases below corrupt', () => {
    expect(Array.from(decodeSafetensors(rawFile(F32_2, EIGHT)).tensors[0].data)).toEqual([1, 2]);
  });

  it('rejects a file shorter than 8 bytes', () => {
    expectDecodeError(new Uint8Array(0), 'the file is 0 bytes', 'shorter than the 8-byte header length');
    expectDecodeError(new Uint8Array(7), 'the file is 7 bytes');
  });

  it('rejects a header length past the end of the file', () => {
    const file = rawFile(F32_2, EIGHT);
    expectDecodeError(file.subarray(0, 20), /declares a 56-byte header but only 12 bytes follow/, 'truncated');
    const bogus = new Uint8Array(16);
    bogus[0] = 100;
    expectDecodeError(bogus, /100-byte header but only 8 bytes/);
  });

  it('rejects an oversized header before reading it', () => {
    const file = rawFile(F32_2, EIGHT);
    expect(() => decodeSafetensors(file, { maxHeaderBytes: 56 })).not.toThrow();
    let error: unknown;
    try {
      decodeSafetensors(file, { maxHeaderBytes: 48 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeightsFileError);
    expect((error as Error).message).toMatch(/oversized header: the file declares a 56-byte header, over the limit of 48 bytes \(maxHeaderBytes\)/);

    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setUint32(0, SAFETENSORS_MAX_HEADER_BYTES + 1, true);
    expectDecodeError(huge, 'oversized header', `${SAFETENSORS_MAX_HEADER_BYTES + 1}-byte header`, `limit of ${SAFETENSORS_MAX_HEADER_BYTES} bytes`);
    const u64 = new Uint8Array(16);
    u64.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expectDecodeError(u64, 'oversized header');
  });

  it('rejects invalid maxHeaderBytes and non-Uint8Array input with ArgumentError', () => {
    expect(() => decodeSafetensors(new Uint8Array(8), { maxHeaderBytes: -1 })).toThrow(ArgumentError);
    expect(() => decodeSafetensors(new Uint8Array(8), { maxHeaderBytes: 1.5 })).toThrow(/maxHeaderBytes must be a non-negative integer/);
    expect(() => decodeSafetensors([1, 2, 3] as unknown as Uint8Array)).toThrow(ArgumentError);
    expect(() => decodeSafetensors(new ArrayBuffer(16) as unknown as Uint8Array)).toThrow(/must be a Uint8Array/);
  });

  it('rejects a header that is not UTF-8', () => {
    const file = rawFile('{"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}');
    file[11] = 0xff;
    expectDecodeError(file, 'not valid UTF-8');
    const overlong = rawFile('{"\u00e9":1}');
    overlong.set([0xc0, 0x80], 10); // an overlong encoding of NUL
    expectDecodeError(overlong, 'not valid UTF-8');
  });

  it('rejects a header that is not JSON', () => {
    expectDecodeError(rawFile('{"w":{"dtype":"F32",'), 'not valid JSON', 'expected a JSON object', '{\\"w\\"');
    expectDecodeError(rawFile('\uFEFF{}'), 'not valid JSON'); // a byte order mark is not JSON
    const nuls = rawFile('{}');
    nuls.fill(0, 10, 16);
    expectDecodeError(nuls, 'not valid JSON');
  });

  it('rejects a header that is not a JSON object', () => {
    expectDecodeError(rawFile('[]'), 'must be a JSON object', 'got []');
    expectDecodeError(rawFile('42'), 'must be a JSON object', 'number 42');
    expectDecodeError(rawFile('null'), 'must be a JSON object', 'got null');
    expectDecodeError(rawFile('"text"'), 'must be a JSON object', 'got "text"');
  });

  it('rejects a tensor entry that is not an object', () => {
    expectDecodeError(rawFile('{"w":[0,8]}', EIGHT), 'tensor "w" must be an object {dtype, shape, data_offsets}', 'got [0,8]');
    expectDecodeError(rawFile('{"w":"F32"}', EIGHT), 'tensor "w" must be an object');
  });

  it('rejects unknown dtypes, naming the supported ones', () => {
    const supported = 'supported dtypes are F32 (float32), F64 (float64), I32 (int32) and BOOL (bool)';
    expectDecodeError(rawFile('{"w":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}', EIGHT), 'tensor "w" has unknown dtype "F16"', 'a safetensors dtype TensorKit cannot hold', supported);
    expectDecodeError(rawFile('{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', EIGHT), '"I64"', supported);
    expectDecodeError(rawFile('{"w":{"dtype":"float32","shape":[2],"data_offsets":[0,8]}}', EIGHT), '"float32"', 'not a safetensors dtype', supported);
    expectDecodeError(rawFile('{"w":{"dtype":"f32","shape":[2],"data_offsets":[0,8]}}', EIGHT), '"f32"', supported);
    expectDecodeError(rawFile('{"w":{"dtype":"toString","shape":[2],"data_offsets":[0,8]}}', EIGHT), '"toString"', supported);
    expectDecodeError(rawFile('{"w":{"shape":[2],"data_offsets":[0,8]}}', EIGHT), 'needs a string "dtype"', 'got undefined');
    expectDecodeError(rawFile('{"w":{"dtype":4,"shape":[2],"data_offsets":[0,8]}}', EIGHT), 'needs a string "dtype"', 'number 4');
  });

  it('rejects shapes that are not lists of non-negative integers', () => {
    const shaped = (shape: string) => rawFile(`{"w":{"dtype":"F32","shape":${shape},"data_offsets":[0,8]}}`, EIGHT);
    expectDecodeError(shaped('[-2]'), 'tensor "w" has shape [-2]', 'list of non-negative integers');
    expectDecodeError(shaped('[2.5]'), 'shape [2.5]', 'non-negative integers');
    expectDecodeError(shaped('["2"]'), 'shape ["2"]');
    expectDecodeError(shaped('2'), 'shape number 2');
    expectDecodeError(shaped('{"0":2}'), 'shape an object');
    expectDecodeError(shaped('[1e400]'), 'non-negative integers');
    expectDecodeError(rawFile('{"w":{"dtype":"F32","data_offsets":[0,8]}}', EIGHT), 'shape undefined');
  });

  it('rejects data_offsets that are not two non-negative integers', () => {
    const offsets = (o: string) => rawFile(`{"w":{"dtype":"F32","shape":[2],"data_offsets":${o}}}`, EIGHT);
    expectDecodeError(offsets('[0]'), 'data_offsets [0]', 'expected [begin, end], two non-negative integers');
    expectDecodeError(offsets('[0,8,9]'), 'data_offsets [0,8,9]');
    expectDecodeError(offsets('[-8,0]'), 'two non-negative integers');
    expectDecodeError(offsets('[0,8.5]'), 'two non-negative integers');
    expectDecodeError(offsets('{"begin":0}'), 'two non-negative integers');
  });

  it('rejects data_offsets that do not match shape × dtype size', () => {
    expectDecodeError(
      rawFile('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', EIGHT),
      'tensor "w" has data_offsets [0,8] spanning 8 bytes',
      'shape [3] of F32 needs 3 × 4 = 12 bytes',
    );
    expectDecodeError(rawFile('{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}', EIGHT), 'needs 2 × 8 = 16 bytes');
    expectDecodeError(rawFile('{"w":{"dtype":"BOOL","shape":[],"data_offsets":[0,8]}}', EIGHT), 'shape [] of BOOL needs 1 × 1 = 1 bytes');
    expectDecodeError(rawFile('{"w":{"dtype":"I32","shape":[9007199254740991,2],"data_offsets":[0,8]}}', EIGHT), 'spanning 8 bytes');
  });

  it('rejects data_offsets that end before they begin (out of order)', () => {
    expectDecodeError(rawFile('{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}', EIGHT), '[8,0]', 'end before they begin', 'out of order', 'begin <= end');
  });

  it('rejects overlapping tensors', () => {
    const file = rawFile(
      '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
      EIGHT,
    );
    expectDecodeError(file, 'tensor "b" has data_offsets [4,8], which overlap tensor "a" at [0,8]', 'must not overlap');
    const same = rawFile(
      '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}',
      EIGHT,
    );
    expectDecodeError(same, 'overlap');
    const emptyInside = rawFile(
      '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}',
      EIGHT,
    );
    expectDecodeError(emptyInside, 'tensor "e"', 'overlap tensor "a"');
  });

  it('rejects gaps between tensors and at the start of the buffer', () => {
    const gap = rawFile(
      '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"BOOL","shape":[2],"data_offsets":[6,8]}}',
      EIGHT,
    );
    expectDecodeError(gap, 'bytes [4,6) of the data buffer belong to no tensor', 'gap before tensor "b" at [6,8]', 'contiguous');
    const start = rawFile('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', EIGHT);
    expectDecodeError(start, 'bytes [0,4)', 'gap before tensor "a"');
  });

  it('rejects offsets past the end of the file (truncated file)', () => {
    const full = encodeSafetensors([t('a', 'float32', [4]), t('b', 'int32', [2])]);
    expectDecodeError(full.subarray(0, full.length - 3), 'truncated file: tensor "b" has data_offsets [16,24]', 'holds only 21 bytes');
    expectDecodeError(full.subarray(0, full.length - 24), 'truncated file: tensor "a"', 'holds only 0 bytes');
  });

  it('rejects trailing bytes after the last tensor', () => {
    const full = encodeSafetensors([t('a', 'float32', [2])]);
    const longer = new Uint8Array(full.length + 5);
    longer.set(full);
    expectDecodeError(longer, 'trailing bytes', 'cover 8 bytes of data but 13 bytes follow the header', '5 bytes belong to no tensor');
    expectDecodeError(rawFile('{}', [1]), 'trailing bytes', 'cover 0 bytes');
  });

  it('rejects __metadata__ that is not a map of strings', () => {
    expectDecodeError(rawFile('{"__metadata__":["a"]}'), '"__metadata__" must be an object of string values', 'got ["a"]');
    expectDecodeError(rawFile('{"__metadata__":"text"}'), '"__metadata__" must be an object');
    expectDecodeError(rawFile('{"__metadata__":{"epoch":3}}'), '"__metadata__" must map strings to strings', '"epoch" maps to number 3');
    expectDecodeError(rawFile('{"__metadata__":{"a":"b","n":{"x":"y"}}}'), '"n" maps to an object');
    expectDecodeError(rawFile('{"__metadata__":{"a":null}}'), '"a" maps to null');
  });
});

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

describe('files: writeFileAtomic and readFileBytes', () => {
  let root = '';
  beforeAll(() => {
    root = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'tensorkit-files-'));
  });
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });
  const freshDir = () => fs.mkdtempSync(nodePath.join(root, 'case-'));
  const expectFileError = async (promise: Promise<unknown>, ...fragments: (string | RegExp)[]) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WeightsFileError);
    for (const fragment of fragments) expect((error as Error).message).toMatch(fragment);
    return error as WeightsFileError;
  };
  const systemError = (code: string) => Object.assign(new Error(`${code}: simulated failure`), { code });

  it('writes a new file and reads it back as a plain Uint8Array', async () => {
    const dir = freshDir();
    const target = nodePath.join(dir, 'model.safetensors');
    const bytes = encodeSafetensors([t('w', 'float32', [2, 2])], { format: 'tensorkit' });
    await writeFileAtomic(target, bytes);
    expect(fs.readdirSync(dir)).toEqual(['model.safetensors']);
    const read = await readFileBytes(target);
    expect(Object.getPrototypeOf(read)).toBe(Uint8Array.prototype);
    expect(read).toEqual(bytes);
    expect(decodeSafetensors(read).metadata).toEqual({ format: 'tensorkit' });
  });

  it('replaces an existing file, keeping its permission bits, and leaves no temporary file', async () => {
    const dir = freshDir();
    const target = nodePath.join(dir, 'w.bin');
    fs.writeFileSync(target, 'old contents that are longer than the new ones');
    fs.chmodSync(target, 0o640);
    await writeFileAtomic(target, Uint8Array.from([1, 2, 3]));
    expect(Array.from(fs.readFileSync(target))).toEqual([1, 2, 3]);
    expect(fs.statSync(target).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(dir)).toEqual(['w.bin']);
    await writeFileAtomic(target, new Uint8Array(0));
    expect(fs.readFileSync(target).length).toBe(0);
  });

  it('fails with ENOENT when the directory is missing, creating nothing', async () => {
    const dir = freshDir();
    const target = nodePath.join(dir, 'missing', 'w.bin');
    const error = await expectFileError(writeFileAtomic(target, Uint8Array.from([1])), 'writeFileAtomic: could not write', JSON.stringify(target), 'ENOENT');
    expect((error.cause as { code?: string }).code).toBe('ENOENT');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('fails when the target is a directory, leaving it and its contents alone and no temporary file', async () => {
    const dir = freshDir();
    const target = nodePath.join(dir, 'weights');
    fs.mkdirSync(target);
    fs.writeFileSync(nodePath.join(target, 'inner.txt'), 'keep');
    await expectFileError(writeFileAtomic(target, Uint8Array.from([1, 2])), JSON.stringify(target), /EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    expect(fs.readdirSync(dir)).toEqual(['weights']);
    expect(fs.statSync(target).isDirectory()).toBe(true);
    expect(fs.readFileSync(nodePath.join(target, 'inner.txt'), 'utf8')).toBe('keep');
  });

  it('leaves the existing target untouched and removes the temporary file when the rename fails', async () => {
    const dir = freshDir();
    const target = nodePath.join(dir, 'w.bin');
    fs.writeFileSync(target, 'original');
    const rename = vi.spyOn(fs.promises, 'rename').mockRejectedValueOnce(systemError('EXDEV'));
    try {
      const error = await expectFileError(writeFileAtomic(target, Uint8Array.from([9, 9, 9])), 'EXDEV');
      expect((error.cause as { code?: string }).code).toBe('EXDEV');
      expect(rename).toHaveBeenCalledTimes(1);
      const [temp] = rename.mock.calls[0];
      expect(nodePath.dirname(String(temp))).toBe(fs.realpathSync(dir));
      expect(fs.existsSync(String(temp))).toBe(false);
    } finally {
      rename.mockRestore();
    }
    expect(fs.readFileSync(target, 'utf8')).toBe('original');
    expect(fs.readdirSync(dir)).toEqual(['w.bin']);
  });

  it('leaves the existing target untouched and removes the half-written temporary file when a write fails', async () => {
    const dir = freshDir();
    const target = nodePath.join(dir, 'w.bin');
    fs.writeFileSync(target, 'original');
    const realOpen = fs.promises.open.bind(fs.promises);
    let tempPath = '';
    let tempSizeAtFailure = -1;
    const open = vi.spyOn(fs.promises, 'open').mockImplementationOnce(async (path, flags, mode) => {
      tempPath = String(path);
      const handle = await realOpen(path, flags, mode);
      let calls = 0;
      return {
        write: async (buffer: Uint8Array, offset: number, length: number, position: number) => {
          if (calls++ === 0) return handle.write(buffer, offset, Math.floor(length / 2), position);
          tempSizeAtFailure = fs.statSync(tempPath).size;
          throw systemError('ENOSPC');
        },
        sync: () => handle.sync(),
        close: () => handle.close(),
      } as unknown as FileHandle;
    });
    try {
      await expectFileError(writeFileAtomic(target, new Uint8Array(1000).fill(7)), 'no space left on the device (ENOSPC)');
    } finally {
      open.mockRestore();
    }
    expect(tempSizeAtFailure).toBe(500);
    expect(nodePath.basename(tempPath)).toMatch(/^\.w\.bin\..*\.tmp$/);
    expect(fs.existsSync(tempPath)).toBe(false);
    expect(fs.readFileSync(target, 'utf8')).toBe('original');
    expect(fs.readdirSync(dir)).toEqual(['w.bin']);
  });

  it('replaces the file a symbolic link points to, keeping the link', async () => {
    const dir = freshDir();
    const real = nodePath.join(dir, 'real.bin');
    const link = nodePath.join(dir, 'link.bin');
    fs.writeFileSync(real, 'old');
    fs.symlinkSync('real.bin', link);
    await writeFileAtomic(link, Uint8Array.from([65, 66]));
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, 'utf8')).toBe('AB');
    expect(fs.readdirSync(dir).sort()).toEqual(['link.bin', 'real.bin']);
  });

  it('keeps concurrent writes to one path whole: the result is exactly one of them', async () => {
    const dir = freshDir();
    const target = nodePath.join(dir, 'w.bin');
    const contents = Array.from({ length: 16 }, (_, i) => new Uint8Array(4096 + i).fill(i));
    await Promise.all(contents.map((bytes) => writeFileAtomic(target, bytes)));
    const final = fs.readFileSync(target);
    const which = final.length - 4096;
    expect(final).toEqual(Buffer.from(contents[which]));
    expect(fs.readdirSync(dir)).toEqual(['w.bin']);
  });

  it('readFileBytes names the path and the reason', async () => {
    const dir = freshDir();
    const missing = nodePath.join(dir, 'nope.safetensors');
    const error = await expectFileError(readFileBytes(missing), 'readFileBytes: could not read', JSON.stringify(missing), 'no such file or directory (ENOENT)');
    expect((error.cause as { code?: string }).code).toBe('ENOENT');
    await expectFileError(readFileBytes(dir), JSON.stringify(dir), 'it is a directory (EISDIR)');
  });

  it('rejects bad arguments with ArgumentError', async () => {
    await expect(writeFileAtomic('', new Uint8Array(1))).rejects.toThrow(ArgumentError);
    await expect(writeFileAtomic(nodePath.join(root, 'x'), [1] as unknown as Uint8Array)).rejects.toThrow(/bytes must be a Uint8Array/);
    await expect(readFileBytes(42 as unknown as string)).rejects.toThrow(/path must be a non-empty string/);
  });

  it('explains how to do without file access where node:fs is unavailable', async () => {
    const proc = process as { getBuiltinModule?: unknown };
    const original = proc.getBuiltinModule;
    proc.getBuiltinModule = undefined;
    try {
      await expectFileError(
        writeFileAtomic(nodePath.join(root, 'x.bin'), new Uint8Array(1)),
        'writeFileAtomic needs Node.js file access',
        'use encodeSafetensors / decodeSafetensors with your own storage in browsers',
      );
      await expectFileError(readFileBytes(nodePath.join(root, 'x.bin')), 'readFileBytes needs Node.js file access');
    } finally {
      proc.getBuiltinModule = original;
    }
    expect(fs.existsSync(nodePath.join(root, 'x.bin'))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Interop with an independent Python implementation
// ---------------------------------------------------------------------------------------------

const havePython = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
// The real `safetensors` package is usually absent (it cannot be installed from PyPI here); when the
// python3 on PATH has it, the files are also checked against it.
const haveRealSafetensors =
  havePython && spawnSync('python3', ['-c', 'import safetensors.numpy'], { encoding: 'utf8' }).status === 0;

const REAL_LIBRARY_CHECK = `
import json, sys
sys.path.insert(0, sys.argv[1])
import safetensors_reference as ref
from safetensors.numpy import load_file, save, save_file
from safetensors import safe_open
ts_file, real_file = sys.argv[2], sys.argv[3]
loaded = load_file(ts_file)
with safe_open(ts_file, "np") as f:
    metadata = f.metadata()
tensors, _ = ref.sample()
save_file(tensors, real_file, metadata={"format": "np"})
print(json.dumps({
    "metadata": metadata,
    "loaded": {k: {"dtype": str(v.dtype), "shape": list(v.shape), "hex": v.tobytes().hex()} for k, v in loaded.items()},
    "script_matches_library": save(tensors, metadata={"format": "np"}) == ref.serialize(tensors, {"format": "np"}),
}))
`;

describe.skipIf(!havePython)('safetensors: interop with the independent Python reference (python3 + numpy)', () => {
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'tensorkit-safetensors-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const runReference = (...args: string[]): ReferenceDescription =>
    JSON.parse(execFileSync('python3', [REFERENCE_SCRIPT, ...args], { encoding: 'utf8' })) as ReferenceDescription;

  it('Python reads what encodeSafetensors writes, and would have written the same bytes', async () => {
    const tensors: NamedTensorData[] = [
      t('dense.kernel', 'float32', [3, 4], Array.from({ length: 12 }, (_, i) => i * 0.5 - 1)),
      t('specials.f32', 'float32', [10], SPECIALS.float32),
      t('specials.f64', 'float64', [5, 2], SPECIALS.float64),
      t('counts', 'int32', [2, 5], SPECIALS.int32),
      t('mask', 'bool', [10], SPECIALS.bool),
      t('scalar', 'float32', [], [42.5]),
      t('scalar_i32', 'int32', [], [-7]),
      t('scalar_bool', 'bool', [], [1]),
      t('scalar_f64', 'float64', [], [-0]),
      t('empty', 'float32', [0, 3]),
      t('empty_f64', 'float64', [2, 0, 4]),
      t('empty_bool', 'bool', [0]),
      t('10', 'int32', [1], [10]),
      t('2', 'int32', [1], [2]),
      t('poids.\u00e9t\u00e9', 'float32', [2], [1, 2]),
      t('\u5c42/\u{1F600}', 'float32', [1], [3]),
      t('\uFFFF', 'float32', [1], [5]),
      t('Z.upper', 'float32', [1], [4]),
    ];
    const metadata = { format: 'tensorkit', note: 'unicode \u2713 "quoted"\n', __proto__x: 'plain' };
    const file = nodePath.join(dir, 'from-ts.safetensors');
    await writeFileAtomic(file, encodeSafetensors(tensors, metadata));

    const described = runReference('read', file);
    const expected = layoutOrder(tensors);
    expect(described.header_keys).toEqual(['__metadata__', ...expected.map((x) => x.name)]);
    expect(described.metadata).toEqual(metadata);
    expect(described.header_length % 8).toBe(0);
    let offset = 0;
    expect(described.tensors.length).toBe(expected.length);
    described.tensors.forEach((actual, i) => {
      const want = expected[i];
      expect(actual.name).toBe(want.name);
      expect(actual.dtype).toBe(FORMAT[want.dtype]);
      expect(actual.shape).toEqual(want.shape);
      expect(actual.data_offsets).toEqual([offset, offset + want.data.byteLength]);
      offset += want.data.byteLength;
      expect(actual.hex).toBe(hexOf(want.data));
      expect(actual.values).toEqual(referenceValues(want));
    });
    expect(described.canonical).toBe(true);
  });

  it('decodeSafetensors reads exactly what the Python writer wrote', async () => {
    const file = nodePath.join(dir, 'from-python.safetensors');
    const described = runReference('write', file);
    const bytes = await readFileBytes(file);
    const { tensors, metadata } = decodeSafetensors(bytes);

    expect(metadata).toEqual(described.metadata);
    expect(Object.keys(metadata).sort()).toEqual(['__proto__', 'format', 'note']);
    expect(tensors.map((x) => x.name)).toEqual(described.tensors.map((x) => x.name));
    tensors.forEach((tensor, i) => {
      const want = described.tensors[i];
      expect(FORMAT[tensor.dtype]).toBe(want.dtype);
      expect(tensor.shape).toEqual(want.shape);
      expect(hexOf(tensor.data)).toBe(want.hex);
      expect(referenceValues(tensor)).toEqual(want.values);
    });

    // A few values checked by hand, independently of the script's own description.
    const byName = new Map(tensors.map((x) => [x.name, x]));
    expect(Array.from(byName.get('counts')!.data)).toEqual([0, 1, -1, 2147483647, -2147483648, 7, 42, -42]);
    expect(byName.get('counts')!.shape).toEqual([2, 2, 2]);
    expect(byName.get('scalar')!.shape).toEqual([]);
    expect(Array.from(byName.get('scalar')!.data)).toEqual([42.5]);
    expect(Array.from(byName.get('mask')!.data)).toEqual([1, 0, 1, 1, 0]);
    expect(byName.get('empty_f64')!.shape).toEqual([2, 0, 4]);
    expect(byName.get('empty_f64')!.data).toBeInstanceOf(Float64Array);
    const f32 = Array.from(byName.get('specials.f32')!.data);
    expect(f32.slice(0, 4)).toEqual([0, -0, 1.5, -2.25]);
    expect(Object.is(f32[1], -0)).toBe(true);
    expect(Number.isNaN(f32[4])).toBe(true);
    expect(f32.slice(5, 7)).toEqual([Infinity, -Infinity]);
    expect(Array.from(byName.get('specials.f64')!.data).slice(0, 4)).toEqual([Math.PI, -0, 5e-324, Number.MAX_VALUE]);
    expect(tensors[0].name).toBe('2'); // F64 first, then by name: "2" < "empty_f64" < "specials.f64"

    // Writing what was read back gives the Python writer's exact bytes.
    expect(encodeSafetensors(tensors, metadata)).toEqual(bytes);
  });

  it.skipIf(!haveRealSafetensors)('the real safetensors package reads our files and writes the bytes we write', async () => {
    const tensors = [
      t('w', 'float32', [2, 3], SPECIALS.float32.slice(0, 6)),
      t('d', 'float64', [], [Math.PI]),
      t('i', 'int32', [5], SPECIALS.int32.slice(0, 5)),
      t('m', 'bool', [2, 2], [1, 0, 0, 1]),
      t('e', 'float32', [0, 2]),
    ];
    const tsFile = nodePath.join(dir, 'for-real.safetensors');
    const realFile = nodePath.join(dir, 'by-real.safetensors');
    await writeFileAtomic(tsFile, encodeSafetensors(tensors, { by: 'tensorkit' }));
    const out = execFileSync('python3', ['-c', REAL_LIBRARY_CHECK, nodePath.dirname(REFERENCE_SCRIPT), tsFile, realFile], {
      encoding: 'utf8',
    });
    const result = JSON.parse(out) as {
      metadata: Record<string, string>;
      loaded: Record<string, { dtype: string; shape: number[]; hex: string }>;
      script_matches_library: boolean;
    };
    expect(result.metadata).toEqual({ by: 'tensorkit' });
    const numpyDtype: Record<DType, string> = { float32: 'float32', float64: 'float64', int32: 'int32', bool: 'bool' };
    for (const tensor of tensors) {
      expect(result.loaded[tensor.name]).toEqual({ dtype: numpyDtype[tensor.dtype], shape: tensor.shape, hex: hexOf(tensor.data) });
    }
    expect(result.script_matches_library).toBe(true);
    const real = await readFileBytes(realFile);
    const decoded = decodeSafetensors(real);
    expect(encodeSafetensors(decoded.tensors, decoded.metadata)).toEqual(real);
  });

  it('Python rejects the same malformed layouts decodeSafetensors rejects', async () => {
    const gap = rawFile(
      '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"BOOL","shape":[2],"data_offsets":[6,8]}}',
      [0, 0, 0, 0, 0, 0, 1, 0],
    );
    const full = encodeSafetensors([t('a', 'float32', [4])]);
    const cases: [string, Uint8Array][] = [
      ['gap', gap],
      ['truncated', full.subarray(0, full.length - 1)],
      ['trailing', Uint8Array.from([...full, 0])],
    ];
    for (const [name, bytes] of cases) {
      const file = nodePath.join(dir, `${name}.safetensors`);
      await writeFileAtomic(file, bytes);
      const run = spawnSync('python3', [REFERENCE_SCRIPT, 'read', file], { encoding: 'utf8' });
      expect(run.status, name).toBe(1);
      expect(run.stderr).toMatch(/^error: /);
      expect(() => decodeSafetensors(bytes)).toThrow(WeightsFileError);
    }
  });
});
