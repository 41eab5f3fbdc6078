/**
 * Weight initializers with Keras' formulas and defaults. Each draws from the seeded Philox stream:
 * its own `seed` if given, otherwise the global stream (`setSeed`).
 */
import type { DType } from '../dtype.js';
import { ArgumentError } from '../errors.js';
import { fill, zeros } from '../ops/creation.js';
import { randomNormal, randomUniform, truncatedNormal } from '../ops/random.js';
import type { Tensor } from '../tensor.js';
import { snakeCase } from './names.js';

/** Makes an initial value of `shape`. */
export type Initializer = (shape: readonly number[], dtype: 'float32' | 'float64') => Tensor;

/** Options shared by random initializers. */
export interface RandomInitializerOptions {
  readonly seed?: number;
}

/** Keras' truncated-normal correction: the stddev of a standard normal truncated at ±2. */
const TRUNCATED_STDDEV = 0.87962566103423978;

function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

/** Uniform in ±sqrt(6 / (fanIn + fanOut)) (Keras' default kernel initializer). */
export function glorotUniform(options: RandomInitializerOptions = {}): Initializer {
  return (shape, dtype) => {
    const { fanIn, fanOut } = fans(shape);
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return randomUniform(shape, { minval: -limit, maxval: limit, dtype, seed: options.seed });
  };
}

/** Truncated normal with stddev sqrt(2 / (fanIn + fanOut)). */
export function glorotNormal(options: RandomInitializerOptions = {}): Initializer {
  return (shape, dtype) => {
    const { fanIn, fanOut } = fans(shape);
    return truncatedNormal(shape, { stddev: Math.sqrt(2 / (fanIn + fanOut)) / TRUNCATED_STDDEV, dtype, seed: options.seed });
  };
}

/** Truncated normal with stddev sqrt(2 / fanIn) (He et al., for relu layers). */
export function heNormal(options: RandomInitializerOptions = {}): Initializer {
  return (shape, dtype) => truncatedNormal(shape, { stddev: Math.sqrt(2 / fans(shape).fanIn) / TRUNCATED_STDDEV, dtype, seed: options.seed });
}

/** Uniform in ±sqrt(6 / fanIn). */
export function heUniform(options: RandomInitializerOptions = {}): Initializer {
  return (shape, dtype) => {
    const limit = Math.sqrt(6 / fans(shape).fanIn);
    return randomUniform(shape, { minval: -limit, maxval: limit, dtype, seed: options.seed });
  };
}

/** Normal values (Keras' defaults: mean 0, stddev 0.05). */
export function randomNormalInitializer(options: RandomInitializerOptions & { mean?: number; stddev?: number } = {}): Initializer {
  return (shape, dtype) => randomNormal(shape, { mean: options.mean ?? 0, stddev: options.stddev ?? 0.05, dtype, seed: options.seed });
}

/** Uniform values (Keras' defaults: ±0.05). */
export function randomUniformInitializer(options: RandomInitializerOptions & { minval?: number; maxval?: number } = {}): Initializer {
  return (shape, dtype) => randomUniform(shape, { minval: options.minval ?? -0.05, maxval: options.maxval ?? 0.05, dtype, seed: options.seed });
}

/** Zeros (Keras' default bias initializer). */
export function zerosInitializer(): Initializer {
  return (shape, dtype) => zeros(shape, dtype);
}

/** Ones. */
export function onesInitializer(): Initializer {
  return (shape, dtype) => fill(shape, 1, dtype as DType);
}

const BY_NAME: Record<string, (options: Record<string, number | undefined>) => Initializer> = {
  glorot_uniform: glorotUniform,
  glorot_normal: glorotNormal,
  he_normal: heNormal,
  he_uniform: heUniform,
  random_normal: randomNormalInitializer,
  random_uniform: randomUniformInitializer,
  zeros: zerosInitializer,
  ones: onesInitializer,
};

/** An initializer given by name (camelCase or Keras' snake_case), as `{ name, ...options }`, or as a function. */
export type InitializerIdentifier = string | { readonly name: string; readonly [option: string]: unknown } | Initializer;

/** Resolves an initializer identifier. */
export function getInitializer(identifier: InitializerIdentifier): Initializer {
  if (typeof identifier === 'function') return identifier;
  const { name, ...options } = typeof identifier === 'string' ? { name: identifier } : identifier;
  const make = BY_NAME[snakeCase(String(name))];
  if (!make) {
    throw new ArgumentError(`initializer '${String(name)}' is unknown; valid initializers are ${Object.keys(BY_NAME).join(', ')} (camelCase accepted)`);
  }
  return make(options as Record<string, number | undefined>);
}
