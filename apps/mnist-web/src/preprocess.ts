/**
 * Digit preprocessing: a drawing (any size, ink in [0, 1]) → 784 values in [0, 1] laid out as the
 * MNIST images are. MNIST's own recipe (LeCun et al.): fit the digit's bounding box into 20x20
 * keeping its aspect ratio, with anti-aliasing (area averaging here), then place it in 28x28 so that
 * its center of mass sits at the center. Pure functions on typed arrays: no DOM.
 */

export const MNIST_SIDE = 28;
export const MNIST_BOX = 20;
/** MNIST's digits have their center of mass at pixel (14, 14): 14.5 with pixel centers at +0.5. */
export const MNIST_CENTER = 14.5;

/** A grayscale image, row-major, ink in [0, 1] (1 = full ink, as MNIST's 255). */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** A rectangle in pixels: columns `[x, x + width)`, rows `[y, y + height)`. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Ink from RGBA pixels (a canvas' `ImageData`): the alpha channel, so any stroke color works on a transparent pad. */
export function inkFromRgba(rgba: ArrayLike<number>, width: number, height: number): GrayImage {
  if (rgba.length !== width * height * 4) throw new RangeError(`inkFromRgba: expected ${width * height * 4} values for ${width}x${height} RGBA, got ${rgba.length}`);
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = rgba[i * 4 + 3] / 255;
  return { width, height, data };
}

/** The smallest rectangle holding every pixel with ink above `threshold`; null for a blank image. */
export function boundingBox(image: GrayImage, threshold = 0.01): Rect | null {
  const { width, height, data } = image;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Resamples one axis by area averaging: `out[i]` is the mean of `src` over `[start + i*step, start + (i+1)*step)`. */
function areaWeights(start: number, length: number, outLength: number): { first: number; weights: number[] }[] {
  const step = length / outLength;
  const result: { first: number; weights: number[] }[] = [];
  for (let i = 0; i < outLength; i++) {
    const a = start + i * step;
    const b = a + step;
    const first = Math.floor(a);
    const weights: number[] = [];
    for (let c = first; c < b; c++) weights.push((Math.min(b, c + 1) - Math.max(a, c)) / step);
    result.push({ first, weights });
  }
  return result;
}

/**
 * The region `rect` of `image` resampled to `outWidth` x `outHeight` by area averaging (each output
 * pixel is the mean of the source area it covers: anti-aliased when shrinking).
 */
export function resampleArea(image: GrayImage, rect: Rect, outWidth: number, outHeight: number): GrayImage {
  const { width, data } = image;
  const cols = areaWeights(rect.x, rect.width, outWidth);
  const rows = areaWeights(rect.y, rect.height, outHeight);
  // Horizontal pass over the rect's rows, then the vertical pass.
  const tmp = new Float32Array(rect.height * outWidth);
  for (let r = 0; r < rect.height; r++) {
    const base = (rect.y + r) * width;
    for (let o = 0; o < outWidth; o++) {
      const { first, weights } = cols[o];
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k] * (data[base + first + k] ?? 0);
      tmp[r * outWidth + o] = sum;
    }
  }
  const out = new Float32Array(outWidth * outHeight);
  for (let o = 0; o < outHeight; o++) {
    const { first, weights } = rows[o];
    for (let c = 0; c < outWidth; c++) {
      let sum = 0;
      for (let k = 0; k < weights.length; k++) {
        const r = first + k - rect.y;
        if (r >= 0 && r < rect.height) sum += weights[k] * tmp[r * outWidth + c];
      }
      out[o * outWidth + c] = sum;
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

/** The ink-weighted mean position `[x, y]` (pixel centers at +0.5); the image center for a blank image. */
export function centerOfMass(image: GrayImage): [number, number] {
  const { width, height, data } = image;
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = data[y * width + x];
      mass += v;
      sx += v * (x + 0.5);
      sy += v * (y + 0.5);
    }
  }
  return mass > 0 ? [sx / mass, sy / mass] : [width / 2, height / 2];
}

/** Options of `toMnistInput`. */
export interface ToMnistOptions {
  /**
   * `mnist` (default): bounding box → 20x20 keeping the aspect ratio → centered by center of mass
   * in 28x28. `resize`: the whole image shrunk to 28x28 (faster, worse for small or off-center digits).
   */
  readonly method?: 'mnist' | 'resize';
}

/** 784 values in [0, 1], row-major 28x28, as the model's inputs; null when the image has no ink. */
export function toMnistInput(image: GrayImage, options: ToMnistOptions = {}): Float32Array | null {
  const box = boundingBox(image);
  if (!box) return null;
  if (options.method === 'resize') {
    return clamp01(resampleArea(image, { x: 0, y: 0, width: image.width, height: image.height }, MNIST_SIDE, MNIST_SIDE).data);
  }
  const scale = MNIST_BOX / Math.max(box.width, box.height);
  const w = Math.max(1, Math.round(box.width * scale));
  const h = Math.max(1, Math.round(box.height * scale));
  const digit = resampleArea(image, box, w, h);
  const [cx, cy] = centerOfMass(digit);
  // Put the center of mass where MNIST has it: pixel (14, 14), whose center is at 14.5 in these
  // coordinates (the test set's mean is 14.5, 14.5), keeping the digit inside the 28x28 frame.
  const left = clampInt(Math.round(MNIST_CENTER - cx), 0, MNIST_SIDE - w);
  const top = clampInt(Math.round(MNIST_CENTER - cy), 0, MNIST_SIDE - h);
  const out = new Float32Array(MNIST_SIDE * MNIST_SIDE);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) out[(top + y) * MNIST_SIDE + left + x] = digit.data[y * w + x];
  }
  return clamp01(out);
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function clamp01(a: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = a[i] < 0 ? 0 : a[i] > 1 ? 1 : a[i];
  return a;
}
