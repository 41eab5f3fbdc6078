import { describe, it, expect } from 'vitest';
import { formatArray, type FormatDType } from '../src/format.js';
import fixture from './fixtures/format-cases.json' with { type: 'json' };

/**
 * One NumPy-generated case. JSON cannot hold NaN or Infinity, so the
 * generator writes them as strings; see make_format_fixtures.py.
 */
interface FixtureCase {
  name: string;
  values: (number | boolean | string)[];
  shape: number[];
  dtype: FormatDType;
  expected: string;
}

function decode(value: number | boolean | string): number | boolean {
  if (typeof value !== 'string') return value;
  if (value === 'nan') return Number.NaN;
  if (value === 'inf') return Number.POSITIVE_INFINITY;
  if (value === '-inf') return Number.NEGATIVE_INFINITY;
  throw new Error(`unknown encoded value ${JSON.stringify(value)}`);
}

const cases = fixture.cases as FixtureCase[];

describe('formatArray: book chapter examples', () => {
  it('prints an int matrix', () => {
    expect(formatArray([1, 0, 3, 0, 5, 6, 0, 8], [2, 4], 'int32')).toBe('[[1 0 3 0]\n [5 6 0 8]]');
  });

  it('prints whole floats with a trailing point, right-aligned', () => {
    expect(formatArray(new Float32Array([44, 107]), [2], 'float32')).toBe('[ 44. 107.]');
    expect(formatArray([52, 58, 124, 139], [2, 2], 'float32')).toBe('[[ 52.  58.]\n [124. 139.]]');
  });

  it('separates the 2-d blocks of a 3-d array with a blank line', () => {
    expect(formatArray([3, 9, 13, 4, 9, 13, 7, 9, 13, 10, 11, 13], [2, 2, 3], 'int32')).toBe(
      '[[[ 3  9 13]\n  [ 4  9 13]]\n\n [[ 7  9 13]\n  [10 11 13]]]',
    );
  });
});

describe('formatArray: hand-written NumPy behaviour', () => {
  it('pads fractions on the right with spaces', () => {
    expect(formatArray([0.384385, 0.38438], [2], 'float64')).toBe('[0.384385 0.38438 ]');
  });

  it('switches to scientific notation like NumPy', () => {
    expect(formatArray([1e-5, 1], [2], 'float64')).toBe('[1.e-05 1.e+00]');
    // float32 switches at 1e6, float64 at 1e8.
    expect(formatArray([1e6], [1], 'float32')).toBe('[1.e+06]');
    expect(formatArray([1e6], [1], 'float64')).toBe('[1000000.]');
  });

  it('prints special values', () => {
    expect(formatArray([Number.NaN, Number.NEGATIVE_INFINITY, 1.5], [3], 'float64')).toBe('[ nan -inf  1.5]');
    expect(formatArray([-0, 1], [2], 'float64')).toBe('[-0.  1.]');
  });

  it('prints 0-d arrays as scalars', () => {
    expect(formatArray([2], [], 'float32')).toBe('2.0');
    expect(formatArray([5], [], 'int32')).toBe('5');
    expect(formatArray([true], [], 'bool')).toBe('True');
  });

  it('prints bools and empty arrays', () => {
    expect(formatArray([true, false], [2], 'bool')).toBe('[ True False]');
    expect(formatArray([], [0], 'float64')).toBe('[]');
    expect(formatArray([], [2, 0], 'int32')).toBe('[]');
  });

  it('rejects values that do not match the shape', () => {
    expect(() => formatArray([1, 2, 3], [2, 2], 'int32')).toThrow(RangeError);
    expect(() => formatArray([1], [-1], 'int32')).toThrow(RangeError);
  });
});

describe(`formatArray matches NumPy ${fixture.numpy_version} (${cases.length} generated cases)`, () => {
  it('has fixtures', () => {
    expect(cases.length).toBeGreaterThan(100);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const values = c.values.map(decode) as number[];
    expect(formatArray(values, c.shape, c.dtype)).toBe(c.expected);
  });
});
