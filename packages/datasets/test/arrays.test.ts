import { describe, expect, it } from 'vitest';
import { flatten, toFloat32, type Images } from '@tensorkit/datasets';

describe('flatten and toFloat32', () => {
  const images: Images = { data: Uint8Array.from({ length: 2 * 28 * 28 }, (_, i) => i % 256), shape: [2, 28, 28] };

  it('flatten makes [n, 784] sharing the data', () => {
    const flat = flatten(images);
    expect(flat.shape).toEqual([2, 784]);
    expect(flat.data).toBe(images.data);
    expect(flatten(flat).shape).toEqual([2, 784]);
  });

  it('flatten checks the shape against the data', () => {
    expect(() => flatten({ data: new Uint8Array(5), shape: [2, 3] })).toThrow(/needs 6 values, the data has 5/);
    expect(() => flatten({ data: new Uint8Array(0), shape: [] })).toThrow(RangeError);
  });

  it('toFloat32 scales 0-255 to [0, 1] as a Float32Array, keeping the shape', () => {
    const x = toFloat32(flatten(images));
    expect(x.data).toBeInstanceOf(Float32Array);
    expect(x.shape).toEqual([2, 784]);
    expect(x.data[0]).toBe(0);
    expect(x.data[255]).toBe(1);
    expect(x.data[51]).toBe(Math.fround(51 / 255));
    expect(toFloat32(images).shape).toEqual([2, 28, 28]);
    expect(Array.from(toFloat32(Uint8Array.from([0, 255, 128])))).toEqual([0, 1, Math.fround(128 / 255)]);
  });
});
