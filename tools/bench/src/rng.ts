/**
 * Seeded inputs. Every workload's arrays are generated here once, from a seed derived from the
 * workload's id and the input's name, and handed to every library as the same Float32Array or
 * Int32Array: both sides compute on identical values, and `--filter` never changes them.
 */

/** mulberry32: a small, fast 32-bit generator; plenty for benchmark inputs. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string, used to derive one seed per (workload, input). */
export function hashSeed(text: string, base = 0x5eed): number {
  let h = (0x811c9dc5 ^ base) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** How an input's values are drawn. */
export type Distribution =
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly stddev: number }
  | { readonly kind: 'zeros' }
  | { readonly kind: 'labels'; readonly classes: number };

/** One input of a workload. */
export interface InputSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly dist: Distribution;
}

/** The values of one input, ready to be copied into either library's tensors. */
export interface HostArray {
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly values: Float32Array | Int32Array;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Generates the values of `spec` from a seed derived from `workloadId` and the input's name. */
export function generate(workloadId: string, spec: InputSpec): HostArray {
  const size = sizeOf(spec.shape);
  const next = mulberry32(hashSeed(`${workloadId}/${spec.name}`));
  const { dist } = spec;
  if (dist.kind === 'labels') {
    const values = new Int32Array(size);
    for (let i = 0; i < size; i++) values[i] = Math.floor(next() * dist.classes);
    return { shape: spec.shape, dtype: 'int32', values };
  }
  const values = new Float32Array(size);
  if (dist.kind === 'uniform') {
    const span = dist.max - dist.min;
    for (let i = 0; i < size; i++) values[i] = dist.min + next() * span;
  } else if (dist.kind === 'normal') {
    for (let i = 0; i < size; i += 2) {
      // Box-Muller; 1 - u keeps the logarithm finite.
      const r = Math.sqrt(-2 * Math.log(1 - next()));
      const theta = 2 * Math.PI * next();
      values[i] = dist.mean + dist.stddev * r * Math.cos(theta);
      if (i + 1 < size) values[i + 1] = dist.mean + dist.stddev * r * Math.sin(theta);
    }
  }
  return { shape: spec.shape, dtype: spec.dtype, values };
}

/** Generates every input of a workload, by name. */
export function generateAll(workloadId: string, specs: readonly InputSpec[]): Record<string, HostArray> {
  const out: Record<string, HostArray> = {};
  for (const spec of specs) out[spec.name] = generate(workloadId, spec);
  return out;
}
