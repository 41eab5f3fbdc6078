/** Assertions for conformance cases: values read asynchronously so every backend can run them. */
import type { DType, Tensor } from '@tensorkit/core';

/** A failed conformance assertion. */
export class ConformanceError extends Error {
  override name = 'ConformanceError';
}

/** What a tensor should be: shape, dtype, and values row-major (booleans as 0/1 or true/false). */
export interface Expected {
  readonly shape: readonly number[];
  readonly dtype?: DType;
  readonly values: ArrayLike<number | boolean> | readonly (number | boolean | null | string)[];
  /** Relative tolerance (default 1e-5 for float32, 1e-12 for float64, 0 for int32 and bool). */
  readonly rtol?: number;
  /** Absolute tolerance (default 1e-6 for float32, 1e-12 for float64, 0 otherwise). */
  readonly atol?: number;
  /** When true, +0 and -0 must match exactly (for ops whose sign of zero is specified). */
  readonly signedZeros?: boolean;
}

function toNumber(v: number | boolean | null | string): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null || v === 'nan' || v === 'NaN') return NaN;
  if (v === 'inf' || v === 'Infinity') return Infinity;
  if (v === '-inf' || v === '-Infinity') return -Infinity;
  return Number(v);
}

/** Default tolerances by dtype: tight, since golden values are computed in float64 and rounded. */
export function defaultTolerance(dtype: DType): { rtol: number; atol: number } {
  if (dtype === 'float32') return { rtol: 1e-5, atol: 1e-6 };
  if (dtype === 'float64') return { rtol: 1e-12, atol: 1e-12 };
  return { rtol: 0, atol: 0 };
}

/** True when `actual` is within tolerance of `expected` (NaN equals NaN; infinities must match). */
export function close(actual: number, expected: number, rtol: number, atol: number, signedZeros = false): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  if (signedZeros && expected === 0 && actual === 0) return Object.is(actual, expected);
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

/** Checks a tensor's shape, dtype and values; throws a `ConformanceError` describing the first mismatches. */
export async function expectTensor(actual: Tensor, expected: Expected, label = 'result'): Promise<void> {
  const shape = [...actual.shape];
  if (shape.length !== expected.shape.length || shape.some((d, i) => d !== expected.shape[i])) {
    throw new ConformanceError(`${label}: shape [${shape}] but expected [${[...expected.shape]}]`);
  }
  if (expected.dtype && actual.dtype !== expected.dtype) {
    throw new ConformanceError(`${label}: dtype ${actual.dtype} but expected ${expected.dtype}`);
  }
  const values = await actual.data();
  const wanted = Array.from(expected.values as ArrayLike<number | boolean | null | string>, toNumber);
  if (values.length !== wanted.length) {
    throw new ConformanceError(`${label}: ${values.length} values but expected ${wanted.length}`);
  }
  const tol = defaultTolerance(actual.dtype);
  const rtol = expected.rtol ?? tol.rtol;
  const atol = expected.atol ?? tol.atol;
  const bad: string[] = [];
  for (let i = 0; i < wanted.length && bad.length < 5; i++) {
    if (!close(values[i], wanted[i], rtol, atol, expected.signedZeros)) bad.push(`[${i}] ${values[i]} vs ${wanted[i]}`);
  }
  if (bad.length > 0) {
    throw new ConformanceError(`${label}: values differ (rtol ${rtol}, atol ${atol}) at ${bad.join(', ')}${bad.length === 5 ? ', ...' : ''}`);
  }
}

/** Checks that `fn` throws an instance of `type` whose message matches every pattern. */
export async function expectError(
  fn: () => unknown,
  type: abstract new (...args: never[]) => Error,
  ...patterns: (RegExp | string)[]
): Promise<void> {
  let thrown: unknown;
  try {
    await fn();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new ConformanceError(`expected ${type.name} but nothing was thrown`);
  if (!(thrown instanceof type)) {
    throw new ConformanceError(`expected ${type.name} but got ${(thrown as Error)?.name ?? typeof thrown}: ${(thrown as Error)?.message ?? String(thrown)}`);
  }
  for (const pattern of patterns) {
    const ok = typeof pattern === 'string' ? thrown.message.includes(pattern) : pattern.test(thrown.message);
    if (!ok) throw new ConformanceError(`${type.name} message "${thrown.message}" does not match ${String(pattern)}`);
  }
}

/** A plain assertion. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceError(message);
}
