import { describe, expect, it } from 'vitest';
import { DatasetError, parseIdx } from '@tensorkit/datasets';
import { checkPair, idxPrefixBytes } from '../src/idx.js';
import { gzip, idx, imagesIdx, labelsIdx } from './helpers.js';

/** The DatasetError `fn` throws. */
function failure(fn: () => unknown): DatasetError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetError);
    return error as DatasetError;
  }
  throw new Error('expected a DatasetError');
}

describe('parseIdx', () => {
  it('parses images and labels, with shape, count and a fresh array', () => {
    const bytes = imagesIdx(3, 28, 28);
    const images = parseIdx(bytes, { kind: 'images', itemShape: [28, 28], source: 'x' });
    expect(images.shape).toEqual([3, 28, 28]);
    expect(images.count).toBe(3);
    expect(images.data).toEqual(bytes.subarray(16));
    expect(images.data.byteOffset).toBe(0);
    expect(images.data.buffer).not.toBe(bytes.buffer);
    expect(Object.getPrototypeOf(images.data)).toBe(Uint8Array.prototype);

    const labels = parseIdx(labelsIdx([5, 0, 4]), { kind: 'labels', maxValue: 9 });
    expect(labels.shape).toEqual([3]);
    expect(Array.from(labels.data)).toEqual([5, 0, 4]);
  });

  it('reads the big-endian header: 2051 / 2049 magic numbers, any dimension sizes', () => {
    const bytes = idx([2, 3, 4], Array.from({ length: 24 }, (_, i) => i));
    expect([bytes[0], bytes[1], bytes[2], bytes[3]]).toEqual([0, 0, 8, 3]);
    expect(new DataView(bytes.buffer).getUint32(0)).toBe(2051);
    expect(new DataView(labelsIdx([1]).buffer).getUint32(0)).toBe(2049);
    const parsed = parseIdx(bytes);
    expect(parsed.shape).toEqual([2, 3, 4]);
    expect(parsed.data[23]).toBe(23);
  });

  it('keeps the first `limit` items, or all when there are fewer', () => {
    const bytes = labelsIdx([1, 2, 3, 4, 5]);
    expect(Array.from(parseIdx(bytes, { limit: 2 }).data)).toEqual([1, 2]);
    expect(parseIdx(bytes, { limit: 2 }).count).toBe(5);
    expect(Array.from(parseIdx(bytes, { limit: 0 }).data)).toEqual([]);
    expect(parseIdx(bytes, { limit: 99 }).shape).toEqual([5]);
    const images = parseIdx(imagesIdx(4, 2, 2), { limit: 3 });
    expect(images.shape).toEqual([3, 2, 2]);
    expect(images.data.length).toBe(12);
  });

  it('accepts a prefix of the file with `prefix`, but not less than the items asked for', () => {
    const whole = imagesIdx(10, 28, 28);
    const part = whole.subarray(0, idxPrefixBytes([28, 28], 3));
    expect(parseIdx(part, { kind: 'images', limit: 3, prefix: true }).shape).toEqual([3, 28, 28]);
    const error = failure(() => parseIdx(part.subarray(0, part.length - 1), { kind: 'images', limit: 3, prefix: true, source: 'p' }));
    expect(error.message).toMatch(/^p: truncated images file/);
    expect(() => parseIdx(part, { kind: 'images', limit: 3 })).toThrow(/truncated/);
  });

  it('rejects a bad magic number, naming what was expected and found', () => {
    const bytes = labelsIdx([1, 2]);
    bytes[0] = 0x12;
    const error = failure(() => parseIdx(bytes, { kind: 'labels', source: 'labels.idx' }));
    expect(error.message).toMatch(/^labels\.idx: bad magic number: not an IDX file: expected magic number 2049 \(0x00000801\)/);
    expect(error.file).toBe('labels.idx');
    expect(error.expected).toMatch(/2049/);
    expect(error.found).toMatch(/0x12000801/);
  });

  it('rejects images where labels are expected and the reverse (magic 2051 vs 2049)', () => {
    const labels = failure(() => parseIdx(imagesIdx(1), { kind: 'labels', source: 'f' }));
    expect(labels.message).toMatch(/bad magic number 2051 .*wrong number of dimensions: expected magic number 2049/);
    expect(labels.found).toBe('3 dimensions');
    const images = failure(() => parseIdx(labelsIdx([1]), { kind: 'images' }));
    expect(images.expected).toMatch(/2051.*3 dimensions/);
  });

  it('rejects a type byte other than 0x08', () => {
    const error = failure(() => parseIdx(idx([1], [0, 0, 0, 0], 0x0d), { kind: 'labels' }));
    expect(error.message).toMatch(/unsupported element type/);
    expect(error.expected).toBe('type byte 0x08 (unsigned byte)');
    expect(error.found).toBe('type byte 0x0d (float32)');
    expect(failure(() => parseIdx(idx([1], [0], 0x42))).found).toMatch(/0x42 \(not an IDX type\)/);
  });

  it('says so when the data is still gzip-compressed', () => {
    const error = failure(() => parseIdx(gzip(labelsIdx([1])), { kind: 'labels' }));
    expect(error.message).toMatch(/still gzip-compressed/);
  });

  it('rejects a truncated header', () => {
    expect(failure(() => parseIdx(new Uint8Array([0, 0]))).message).toMatch(/no complete header.*expected at least 4 bytes, found 2 bytes/);
    const error = failure(() => parseIdx(imagesIdx(1).subarray(0, 10), { kind: 'images' }));
    expect(error.message).toMatch(/incomplete header/);
    expect(error.expected).toBe('a 16-byte header');
    expect(error.found).toBe('10 bytes');
  });

  it('rejects truncated data and extra bytes: the sizes must add up', () => {
    const bytes = imagesIdx(2, 28, 28);
    const short = failure(() => parseIdx(bytes.subarray(0, bytes.length - 5), { kind: 'images', source: 's' }));
    expect(short.message).toMatch(/truncated images file \(sizes do not add up\)/);
    expect(short.expected).toBe('2 images of 28x28 = 1568 bytes after the 16-byte header');
    expect(short.found).toBe('1563 bytes');
    const long = new Uint8Array(bytes.length + 3);
    long.set(bytes);
    const extra = failure(() => parseIdx(long, { kind: 'images' }));
    expect(extra.message).toMatch(/sizes do not add up \(3 extra bytes\)/);
    expect(failure(() => parseIdx(idx([5], [1, 2]), { kind: 'labels' })).expected).toBe('5 labels = 5 bytes after the 8-byte header');
  });

  it('rejects item dimensions other than the expected ones', () => {
    const error = failure(() => parseIdx(imagesIdx(2, 27, 28), { kind: 'images', itemShape: [28, 28] }));
    expect(error.message).toMatch(/dimension mismatch/);
    expect(error.expected).toBe('items of shape [28, 28]');
    expect(error.found).toBe('items of shape [27, 28] (header dimensions [2, 27, 28])');
  });

  it('rejects labels out of range', () => {
    const error = failure(() => parseIdx(labelsIdx([1, 2, 10]), { kind: 'labels', maxValue: 9 }));
    expect(error.message).toMatch(/value out of range at item 2/);
    expect(error.found).toBe('10');
  });

  it('rejects bad limits', () => {
    expect(() => parseIdx(labelsIdx([1]), { limit: -1 })).toThrow(RangeError);
    expect(() => parseIdx(labelsIdx([1]), { limit: 1.5 })).toThrow(RangeError);
    expect(() => parseIdx(labelsIdx([1]), { prefix: true })).toThrow(RangeError);
  });
});

describe('checkPair', () => {
  it('rejects images and labels files that disagree on the count', () => {
    expect(() => checkPair({ count: 3, source: 'a' }, { count: 3, source: 'b' })).not.toThrow();
    const error = failure(() => checkPair({ count: 60000, source: 'images.gz' }, { count: 59999, source: 'labels.gz' }));
    expect(error.message).toMatch(/images\.gz and labels\.gz do not pair up: expected as many labels as images \(60000\), found 59999 labels/);
    expect(error.file).toBe('labels.gz');
  });
});
