import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boundingBox, centerOfMass, inkFromRgba, resampleArea, toMnistInput, type GrayImage } from '../src/preprocess.js';

function blank(width: number, height: number): GrayImage {
  return { width, height, data: new Float32Array(width * height) };
}

function fillRect(image: GrayImage, x: number, y: number, w: number, h: number, value = 1): GrayImage {
  for (let r = y; r < y + h; r++) for (let c = x; c < x + w; c++) image.data[r * image.width + c] = value;
  return image;
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

/** Bounding box of a 28x28 result. */
function box28(pixels: Float32Array) {
  return boundingBox({ width: 28, height: 28, data: pixels }, 0.01)!;
}

describe('inkFromRgba', () => {
  it('reads the alpha channel', () => {
    const rgba = new Uint8ClampedArray([0, 0, 0, 0, 255, 255, 255, 255, 10, 20, 30, 51]);
    expect(Array.from(inkFromRgba(rgba, 3, 1).data)).toEqual([0, 1, 0.2].map((v) => Math.fround(v)));
  });
  it('checks the length', () => {
    expect(() => inkFromRgba(new Uint8ClampedArray(8), 3, 1)).toThrow(/expected 12/);
  });
});

describe('boundingBox and centerOfMass', () => {
  it('finds the ink', () => {
    const image = fillRect(blank(50, 40), 10, 5, 7, 3);
    expect(boundingBox(image)).toEqual({ x: 10, y: 5, width: 7, height: 3 });
    expect(centerOfMass(image)).toEqual([13.5, 6.5]);
  });
  it('returns null for a blank image', () => {
    expect(boundingBox(blank(10, 10))).toBeNull();
    expect(toMnistInput(blank(10, 10))).toBeNull();
  });
});

describe('resampleArea', () => {
  it('averages areas: shrinking keeps the mean ink', () => {
    const image = fillRect(blank(280, 280), 37, 91, 101, 53);
    const small = resampleArea(image, { x: 0, y: 0, width: 280, height: 280 }, 28, 28);
    expect(sum(small.data) / 784).toBeCloseTo(sum(image.data) / (280 * 280), 5);
    expect(Math.max(...small.data)).toBeLessThanOrEqual(1 + 1e-6);
  });
  it('handles non-integer ratios and enlarging', () => {
    const image = fillRect(blank(7, 3), 0, 0, 7, 3, 0.5);
    const out = resampleArea(image, { x: 0, y: 0, width: 7, height: 3 }, 5, 11);
    for (const v of out.data) expect(v).toBeCloseTo(0.5, 6);
  });
});

describe('toMnistInput', () => {
  it('fits the bounding box in 20x20 keeping the aspect ratio, centered by mass', () => {
    // A tall bar in the corner of a 280x280 pad.
    const image = fillRect(blank(280, 280), 10, 20, 40, 200);
    const pixels = toMnistInput(image)!;
    expect(pixels).toHaveLength(784);
    const box = box28(pixels);
    expect(box.height).toBe(20);
    expect(box.width).toBe(4);
    const [cx, cy] = centerOfMass({ width: 28, height: 28, data: pixels });
    expect(Math.abs(cx - 14.5)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy - 14.5)).toBeLessThanOrEqual(0.5);
  });
  it('does not depend on where or how large the digit was drawn', () => {
    const a = toMnistInput(fillRect(fillRect(blank(280, 280), 20, 20, 100, 20), 20, 20, 20, 150))!; // an "L"-ish shape
    const b = toMnistInput(fillRect(fillRect(blank(280, 280), 150, 100, 50, 10), 150, 100, 10, 75))!; // same shape, half size, elsewhere
    let diff = 0;
    for (let i = 0; i < 784; i++) diff += Math.abs(a[i] - b[i]);
    expect(diff / sum(a)).toBeLessThan(0.15);
  });
  it('keeps values in [0, 1]', () => {
    const pixels = toMnistInput(fillRect(blank(100, 100), 0, 0, 100, 100))!;
    for (const v of pixels) expect(v >= 0 && v <= 1).toBe(true);
    expect(box28(pixels)).toEqual({ x: 5, y: 5, width: 20, height: 20 }); // center of mass 15, 15: 14.5 rounded up
  });
  it("with method 'resize' shrinks the whole image", () => {
    const pixels = toMnistInput(fillRect(blank(280, 280), 0, 0, 140, 280), { method: 'resize' })!;
    expect(box28(pixels)).toEqual({ x: 0, y: 0, width: 14, height: 28 });
  });

  const dataDir = process.env.TENSORKIT_DATA_DIR ?? new URL('../../../../shared/datasets/mnist', import.meta.url).pathname;
  it.skipIf(!existsSync(`${dataDir}/t10k-images-idx3-ubyte.gz`))('maps real MNIST digits drawn 10x larger back close to themselves', async () => {
    const { mnist } = await import('@tensorkit/datasets');
    const { test } = await mnist.loadData({ dir: dataDir, limit: { train: 1, test: 50 } });
    let total = 0;
    for (let n = 0; n < 50; n++) {
      const digit = test.images.data.subarray(n * 784, (n + 1) * 784);
      // Draw it on a 280x280 pad (each pixel a 10x10 block), then preprocess back to 28x28.
      const pad = blank(280, 280);
      for (let y = 0; y < 280; y++) for (let x = 0; x < 280; x++) pad.data[y * 280 + x] = digit[Math.floor(y / 10) * 28 + Math.floor(x / 10)] / 255;
      const back = toMnistInput(pad)!;
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let i = 0; i < 784; i++) {
        const a = digit[i] / 255;
        dot += a * back[i];
        na += a * a;
        nb += back[i] * back[i];
      }
      total += dot / Math.sqrt(na * nb);
    }
    expect(total / 50).toBeGreaterThan(0.99); // cosine similarity (seen: 1.0, the round trip is exact)
  });
});
