/** The shapes the loaders return, and the two conversions apps need before making tensors. */

/** A typed array with its shape (row-major), as the loaders return and the helpers take. */
export interface ShapedArray<T extends Uint8Array | Float32Array = Uint8Array, S extends readonly number[] = readonly number[]> {
  readonly data: T;
  readonly shape: S;
}

/** Grayscale images as unsigned bytes 0-255, shape `[n, rows, cols]` (`[n, 28, 28]` for MNIST). */
export type Images = ShapedArray<Uint8Array, readonly [number, number, number]>;

/** One split: `images` `[n, 28, 28]` and `labels` (`n` class indices 0-9). */
export interface Split {
  readonly images: Images;
  readonly labels: Uint8Array;
}

/** What `loadData` returns: the training and the test split. */
export interface DatasetSplits {
  readonly train: Split;
  readonly test: Split;
}

/**
 * `[n, d1, d2, ...]` → `[n, d1 * d2 * ...]` (images `[n, 28, 28]` → `[n, 784]`), sharing `data`
 * (no copy), as dense layers want it.
 */
export function flatten<T extends Uint8Array | Float32Array>(array: ShapedArray<T>): ShapedArray<T, readonly [number, number]> {
  const [n, ...rest] = array.shape;
  if (n === undefined) throw new RangeError('flatten: the array has no dimensions (shape [])');
  const per = rest.reduce((a, b) => a * b, 1);
  if (n * per !== array.data.length) {
    throw new RangeError(`flatten: shape [${array.shape.join(', ')}] needs ${n * per} values, the data has ${array.data.length}`);
  }
  return { data: array.data, shape: [n, per] };
}

/** `SCALED[b]` is `b / 255` rounded once to float32 (a table is faster than dividing 47 million times). */
const SCALED = Float32Array.from({ length: 256 }, (_, b) => b / 255);

/**
 * Bytes 0-255 → `Float32Array` values in [0, 1] (each divided by 255), keeping the shape. Takes a
 * shaped array (images, flattened or not) or a plain `Uint8Array`.
 */
export function toFloat32(bytes: Uint8Array): Float32Array;
export function toFloat32<S extends readonly number[]>(array: ShapedArray<Uint8Array, S>): ShapedArray<Float32Array, S>;
export function toFloat32<S extends readonly number[]>(input: Uint8Array | ShapedArray<Uint8Array, S>): Float32Array | ShapedArray<Float32Array, S> {
  const bytes = input instanceof Uint8Array ? input : input.data;
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = SCALED[bytes[i]];
  return input instanceof Uint8Array ? out : { data: out, shape: input.shape };
}
