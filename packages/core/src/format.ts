/**
 * NumPy-compatible tensor printing.
 *
 * The output is meant to be byte-for-byte what `str(np.array(...))` prints
 * under NumPy 2 default print options, so that examples, docs and error
 * messages can be compared directly against NumPy. That rules out
 * `Number.prototype.toString`/`toFixed` for floats: JavaScript has no
 * float32 shortest repr, `toFixed` rounds ties away from zero where NumPy
 * rounds the exact binary value ties-to-even at the precision cutoff, and in
 * scientific mode NumPy pads mantissas with the value's further digits. The
 * digit generator below is therefore a port of NumPy's `dragon4.c` on
 * `bigint`s, and the layout code a port of `numpy/_core/arrayprint.py`.
 *
 * @packageDocumentation
 */

/** Element types that {@link formatArray} knows how to print. */
export type FormatDType = 'float32' | 'float64' | 'int32' | 'bool';

// NumPy 2 default print options. They are constants rather than parameters
// because the point of this module is to agree with a stock NumPy session.
const PRECISION = 8;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 75;

/**
 * Formats a tensor exactly as NumPy 2's `str(array)` / `print(array)` does
 * with default print options (precision 8, threshold 1000, edgeitems 3,
 * linewidth 75, floatmode `'maxprec'`, no small-number suppression).
 *
 * @param values - Elements in row-major (C) order; `values.length` must equal
 *   the product of `shape` (1 for a scalar). `float32` values are rounded with
 *   `Math.fround` first, so callers may pass either a `Float32Array` or plain
 *   doubles. `int32` values are coerced the way an `Int32Array` store would.
 * @param shape - Dimensions; `[]` denotes a 0-d (scalar) array, which prints
 *   like the NumPy scalar it holds (`2.0`, `5`, `True`), as NumPy does.
 * @param dtype - How to interpret and print the elements.
 * @returns The formatted text, without a trailing newline.
 * @throws RangeError if `shape` holds a negative or non-integer extent, or if
 *   `values.length` does not match the number of elements.
 *
 * @example
 * ```ts
 * formatArray([1, 0, 3, 0, 5, 6, 0, 8], [2, 4], 'int32');
 * // '[[1 0 3 0]\n [5 6 0 8]]'
 * formatArray([44, 107], [2], 'float32'); // '[ 44. 107.]'
 * ```
 */
export function formatArray(
  values: ArrayLike<number> | ArrayLike<boolean>,
  shape: readonly number[],
  dtype: FormatDType,
): string {
  let size = 1;
  for (const extent of shape) {
    if (!Number.isInteger(extent) || extent < 0) {
      throw new RangeError(`formatArray: invalid shape [${shape.join(', ')}]`);
    }
    size *= extent;
  }
  if (values.length !== size) {
    throw new RangeError(
      `formatArray: ${values.length} values do not fill shape [${shape.join(', ')}] (${size} elements)`,
    );
  }
  const read = reader(values, dtype);

  // NumPy prints a 0-d array as the scalar it holds, and scalars follow
  // different rules (no precision cap, `2.0` rather than `2.`).
  if (shape.length === 0) return formatScalar(read(0), dtype);
  if (size === 0) return '[]';

  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }

  const summarise = size > THRESHOLD;
  // NumPy sizes columns from only the elements it will show, so a huge value
  // hidden behind `...` must not widen (or switch the notation of) the rest.
  const shown: number[] = [];
  collectShown(shape, strides, 0, 0, summarise, (offset) => shown.push(read(offset)));
  const formatElement = makeElementFormatter(shown, dtype);

  return formatNested(shape, strides, summarise, (offset) => formatElement(read(offset)));
}

/* ------------------------------------------------------------------------ */
/* Element access                                                            */
/* ------------------------------------------------------------------------ */

function reader(values: ArrayLike<number> | ArrayLike<boolean>, dtype: FormatDType): (i: number) => number {
  switch (dtype) {
    case 'float32':
      return (i) => Math.fround(Number(values[i]));
    case 'int32':
      return (i) => Number(values[i]) | 0;
    case 'bool':
      return (i) => (values[i] ? 1 : 0);
    default:
      return (i) => Number(values[i]);
  }
}

/** Visits the offsets NumPy's `_leading_trailing` keeps, in row-major order. */
function collectShown(
  shape: readonly number[],
  strides: readonly number[],
  axis: number,
  base: number,
  summarise: boolean,
  visit: (offset: number) => void,
): void {
  if (axis === shape.length) {
    visit(base);
    return;
  }
  const n = shape[axis];
  const step = strides[axis];
  const cut = summarise && n > 2 * EDGE_ITEMS;
  for (let i = 0; i < n; i++) {
    if (cut && i === EDGE_ITEMS) i = n - EDGE_ITEMS;
    collectShown(shape, strides, axis + 1, base + i * step, summarise, visit);
  }
}

/* ------------------------------------------------------------------------ */
/* Layout (port of arrayprint._formatArray, non-legacy branch)               */
/* ------------------------------------------------------------------------ */

function formatNested(
  shape: readonly number[],
  strides: readonly number[],
  summarise: boolean,
  formatAt: (offset: number) => string,
): string {
  const ndim = shape.length;

  const recurse = (axis: number, base: number, hangingIndent: string, currWidth: number): string => {
    const axesLeft = ndim - axis;
    if (axesLeft === 0) return formatAt(base);

    // Each nesting level adds a `[`, so children are indented by one more
    // column and must leave room for one more closing `]`.
    const nextHangingIndent = hangingIndent + ' ';
    const nextWidth = currWidth - 1;
    const n = shape[axis];
    const step = strides[axis];
    const child = (i: number): string => recurse(axis + 1, base + i * step, nextHangingIndent, nextWidth);

    const showSummary = summarise && 2 * EDGE_ITEMS < n;
    const leading = showSummary ? EDGE_ITEMS : 0;
    const trailing = showSummary ? EDGE_ITEMS : n;

    let s = '';
    if (axesLeft === 1) {
      // Room for the element plus the separator or `]` that follows it.
      const elemWidth = currWidth - 1;
      let line = hangingIndent;
      const extend = (word: string): void => {
        // Wrapping a line that holds only the indent would not gain space.
        if (line.length + word.length > elemWidth && line.length > hangingIndent.length) {
          s += line.trimEnd() + '\n';
          line = hangingIndent;
        }
        line += word;
      };
      for (let i = 0; i < leading; i++) {
        extend(child(i));
        line += ' ';
      }
      if (showSummary) {
        extend('...');
        line += ' ';
      }
      for (let i = trailing; i > 1; i--) {
        extend(child(n - i));
        line += ' ';
      }
      extend(child(n - 1));
      s += line;
    } else {
      // NumPy separates k-dimensional blocks by k-1 blank lines.
      const lineSep = '\n'.repeat(axesLeft - 1);
      for (let i = 0; i < leading; i++) s += hangingIndent + child(i) + lineSep;
      if (showSummary) s += hangingIndent + '...' + lineSep;
      for (let i = trailing; i > 1; i--) s += hangingIndent + child(n - i) + lineSep;
      s += hangingIndent + child(n - 1);
    }
    return '[' + s.slice(hangingIndent.length) + ']';
  };

  return recurse(0, 0, ' ', LINE_WIDTH);
}

/* ------------------------------------------------------------------------ */
/* Element formatters (port of IntegerFormat / BoolFormat / FloatingFormat)  */
/* ------------------------------------------------------------------------ */

function makeElementFormatter(shown: readonly number[], dtype: FormatDType): (x: number) => string {
  if (dtype === 'bool') {
    // The leading space lines `True` up with `False` in columns.
    return (x) => (x ? ' True' : 'False');
  }
  if (dtype === 'int32') {
    let max = shown[0];
    let min = shown[0];
    for (const x of shown) {
      if (x > max) max = x;
      if (x < min) min = x;
    }
    const width = Math.max(String(max).length, String(min).length);
    return (x) => String(x).padStart(width, ' ');
  }
  return makeFloatFormatter(shown, dtype);
}

function makeFloatFormatter(shown: readonly number[], dtype: 'float32' | 'float64'): (x: number) => string {
  const finite = shown.filter((x) => Number.isFinite(x));
  // NumPy evaluates the notation test in the array's own dtype, so for
  // float32 both the `1e-4` literal and the max/min quotient are rounded to
  // float32 (NEP 50 makes the Python float operand adopt the array dtype).
  const round = dtype === 'float32' ? Math.fround : (x: number) => x;
  // `10 ** min(8, finfo(dtype).precision)`: float32 switches to scientific
  // at 1e6, float64 at 1e8.
  const expCutoffMax = dtype === 'float32' ? 1e6 : 1e8;

  let expFormat = false;
  let maxVal = -Infinity;
  let minVal = Infinity;
  for (const x of finite) {
    if (x === 0) continue;
    const a = Math.abs(x);
    if (a > maxVal) maxVal = a;
    if (a < minVal) minVal = a;
  }
  if (maxVal !== -Infinity) {
    expFormat = maxVal >= expCutoffMax || minVal < round(1e-4) || round(maxVal / minVal) > 1000;
  }

  let padLeft: number;
  let padRight: number;
  let expPrecision = 0;
  let expSize = -1;
  if (finite.length === 0) {
    padLeft = 0;
    padRight = 0;
  } else if (expFormat) {
    padLeft = 0;
    let fracLen = 0;
    for (const x of finite) {
      const str = formatScientific(x, dtype, PRECISION, -1, Trim.Zeros, -1, -1);
      const e = str.indexOf('e');
      const dot = str.indexOf('.');
      padLeft = Math.max(padLeft, dot);
      fracLen = Math.max(fracLen, e - dot - 1);
      expSize = Math.max(expSize, str.length - e - 2);
    }
    expPrecision = fracLen;
    // Only used below to size `nan`/`inf` to the common column width.
    padRight = expSize + 2 + expPrecision;
  } else {
    padLeft = 0;
    padRight = 0;
    for (const x of finite) {
      const str = formatPositional(x, dtype, PRECISION, -1, Trim.Zeros, -1, -1);
      const dot = str.indexOf('.');
      padLeft = Math.max(padLeft, dot);
      padRight = Math.max(padRight, str.length - dot - 1);
    }
  }

  if (finite.length !== shown.length) {
    const negInf = shown.some((x) => x === -Infinity) ? 1 : 0;
    const offset = padRight + 1;
    padLeft = Math.max(padLeft, 3 - offset, 3 + negInf - offset);
  }
  const nonFiniteWidth = padLeft + padRight + 1;

  return (x) => {
    if (!Number.isFinite(x)) {
      const text = Number.isNaN(x) ? 'nan' : x < 0 ? '-inf' : 'inf';
      return text.padStart(nonFiniteWidth, ' ');
    }
    // In scientific mode every element carries the same number of mantissa
    // digits (real digits of the value, not zero padding), so min = max.
    return expFormat
      ? formatScientific(x, dtype, expPrecision, expPrecision, Trim.None, padLeft, expSize)
      : formatPositional(x, dtype, PRECISION, 0, Trim.Zeros, padLeft, padRight);
  };
}

function formatScalar(x: number, dtype: FormatDType): string {
  if (dtype === 'bool') return x ? 'True' : 'False';
  if (dtype === 'int32') return String(x);
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  // NumPy's scalar str: shortest round-trip digits with no precision cap,
  // positional from 1e-4 up to 1e6 (float32) or 1e16 (float64). The 1e-4
  // bound is a long double in C, so float32's nearest value (just below
  // 1e-4) already prints in scientific notation.
  const a = Math.abs(x);
  const maxPositional = dtype === 'float32' ? 1e6 : 1e16;
  if (a === 0 || (a >= 1e-4 && a < maxPositional)) {
    return formatPositional(x, dtype, -1, -1, Trim.LeaveOneZero, -1, -1);
  }
  return formatScientific(x, dtype, -1, -1, Trim.DptZeros, -1, -1);
}

/* ------------------------------------------------------------------------ */
/* Dragon4 (port of numpy/_core/src/multiarray/dragon4.c, unique mode)       */
/* ------------------------------------------------------------------------ */

/** NumPy's TrimMode: what to do with trailing zeros and the decimal point. */
const Trim = {
  /** `'k'`: keep trailing zeros. */
  None: 0,
  /** `'.'`: drop trailing zeros, keep the point (`1.`). */
  Zeros: 1,
  /** `'0'`: drop trailing zeros but keep one after the point (`1.0`). */
  LeaveOneZero: 2,
  /** `'-'`: drop trailing zeros and the point (`1`). */
  DptZeros: 3,
} as const;
type Trim = (typeof Trim)[keyof typeof Trim];

/** Whether a digit cutoff counts all significant digits or only fractional ones. */
const Cutoff = { TotalLength: 0, FractionLength: 1 } as const;
type Cutoff = (typeof Cutoff)[keyof typeof Cutoff];

interface Decomposed {
  negative: boolean;
  mantissa: bigint;
  exponent: number;
  mantissaBit: number;
  unequalMargins: boolean;
}

const scratch = new DataView(new ArrayBuffer(8));

/** Splits a finite value into NumPy's `mantissa * 2^exponent` form. */
function decompose(x: number, dtype: 'float32' | 'float64'): Decomposed {
  let negative: boolean;
  let fieldMantissa: bigint;
  let fieldExponent: number;
  let mantissaBits: number;
  let bias: number;
  if (dtype === 'float32') {
    scratch.setFloat32(0, x);
    const bits = scratch.getUint32(0);
    negative = bits >>> 31 === 1;
    fieldExponent = (bits >>> 23) & 0xff;
    fieldMantissa = BigInt(bits & 0x7fffff);
    mantissaBits = 23;
    bias = 127;
  } else {
    scratch.setFloat64(0, x);
    const hi = scratch.getUint32(0);
    const lo = scratch.getUint32(4);
    negative = hi >>> 31 === 1;
    fieldExponent = (hi >>> 20) & 0x7ff;
    fieldMantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    mantissaBits = 52;
    bias = 1023;
  }
  if (fieldExponent !== 0) {
    return {
      negative,
      mantissa: (1n << BigInt(mantissaBits)) | fieldMantissa,
      exponent: fieldExponent - bias - mantissaBits,
      mantissaBit: mantissaBits,
      // NumPy's exact condition (it excludes the smallest normal exponent);
      // copied verbatim so the power-of-two cases round identically.
      unequalMargins: fieldExponent !== 1 && fieldMantissa === 0n,
    };
  }
  return {
    negative,
    mantissa: fieldMantissa,
    exponent: 1 - bias - mantissaBits,
    mantissaBit: fieldMantissa === 0n ? 0 : fieldMantissa.toString(2).length - 1,
    unequalMargins: false,
  };
}

interface DigitString {
  /** Significant digits, first one non-zero unless the value rounds to 0. */
  digits: string;
  /** Power of ten of the first digit. */
  exponent: number;
}

const LOG10_2 = 0.30102999566398119521373889472449;

/**
 * Shortest digits that identify the value among its neighbours (stopping at
 * the `cutoffMax` digit, and continuing to at least `cutoffMin`). A negative
 * cutoff means none. Arithmetic is exact, so rounding is exactly NumPy's.
 */
function dragon4(d: Decomposed, mode: Cutoff, cutoffMax: number, cutoffMin: number): DigitString {
  const { mantissa, exponent, mantissaBit, unequalMargins } = d;
  if (mantissa === 0n) return { digits: '0', exponent: 0 };
  const isEven = (mantissa & 1n) === 0n;

  // value = scaledValue / scale; the margins are half the gaps to the
  // neighbouring floats, on the same scale.
  let scaledValue: bigint;
  let scale: bigint;
  let marginLow: bigint;
  if (exponent > 0) {
    scaledValue = mantissa << BigInt(exponent + (unequalMargins ? 2 : 1));
    scale = unequalMargins ? 4n : 2n;
    marginLow = 1n << BigInt(exponent);
  } else {
    scaledValue = mantissa << (unequalMargins ? 2n : 1n);
    scale = 1n << BigInt(-exponent + (unequalMargins ? 2 : 1));
    marginLow = 1n;
  }
  const highOf = (low: bigint): bigint => (unequalMargins ? low * 2n : low);

  // Estimate that is either right or one too low (Burger & Dybvig).
  let digitExponent = Math.ceil((mantissaBit + exponent) * LOG10_2 - 0.69);
  if (cutoffMax >= 0 && mode === Cutoff.FractionLength && digitExponent <= -cutoffMax) {
    digitExponent = -cutoffMax + 1;
  }
  if (digitExponent > 0) {
    scale *= 10n ** BigInt(digitExponent);
  } else if (digitExponent < 0) {
    const pow10 = 10n ** BigInt(-digitExponent);
    scaledValue *= pow10;
    marginLow *= pow10;
  }
  if (scaledValue >= scale) {
    digitExponent += 1;
  } else {
    scaledValue *= 10n;
    marginLow *= 10n;
  }
  let marginHigh = highOf(marginLow);

  // NumPy's repr buffer; only bounds output when no cutoff applies.
  const bufferSize = 16384;
  let cutoffMaxExponent = digitExponent - bufferSize;
  if (cutoffMax >= 0) {
    const desired = mode === Cutoff.TotalLength ? digitExponent - cutoffMax : -cutoffMax;
    if (desired > cutoffMaxExponent) cutoffMaxExponent = desired;
  }
  let cutoffMinExponent = digitExponent;
  if (cutoffMin >= 0) {
    const desired = mode === Cutoff.TotalLength ? digitExponent - cutoffMin : -cutoffMin;
    if (desired < cutoffMinExponent) cutoffMinExponent = desired;
  }
  let outExponent = digitExponent - 1;

  const digits: number[] = [];
  let low: boolean;
  let high: boolean;
  let outputDigit: number;
  for (;;) {
    digitExponent -= 1;
    outputDigit = Number(scaledValue / scale);
    scaledValue %= scale;
    // Round-half-even parsing makes the interval closed for even mantissas.
    low = isEven ? scaledValue <= marginLow : scaledValue < marginLow;
    const valueHigh = scaledValue + marginHigh;
    high = isEven ? valueHigh >= scale : valueHigh > scale;
    if (((low || high) && digitExponent <= cutoffMinExponent) || digitExponent === cutoffMaxExponent) break;
    digits.push(outputDigit);
    scaledValue *= 10n;
    marginLow *= 10n;
    marginHigh = highOf(marginLow);
  }

  let roundDown = low;
  if (low === high) {
    // Both neighbours (or neither) are acceptable: pick the nearer digit,
    // ties to even as IEEE does.
    const twice = scaledValue * 2n;
    roundDown = twice < scale || (twice === scale && (outputDigit & 1) === 0);
  }
  if (roundDown) {
    digits.push(outputDigit);
  } else if (outputDigit !== 9) {
    digits.push(outputDigit + 1);
  } else {
    for (;;) {
      if (digits.length === 0) {
        digits.push(1);
        outExponent += 1;
        break;
      }
      const last = digits.pop() as number;
      if (last !== 9) {
        digits.push(last + 1);
        break;
      }
    }
  }
  return { digits: digits.join(''), exponent: outExponent };
}

/** Port of NumPy's `FormatPositional` in unique digit mode. */
function formatPositional(
  x: number,
  dtype: 'float32' | 'float64',
  precision: number,
  minDigits: number,
  trim: Trim,
  padLeft: number,
  padRight: number,
): string {
  const d = decompose(x, dtype);
  const sign = d.negative ? '-' : '';
  const { digits, exponent } = dragon4(d, Cutoff.FractionLength, precision, minDigits);
  const numDigits = digits.length;

  let body: string;
  let wholeDigits: number;
  let fracDigits: number;
  if (exponent >= 0) {
    wholeDigits = exponent + 1;
    if (numDigits <= wholeDigits) {
      body = digits + '0'.repeat(wholeDigits - numDigits);
      fracDigits = 0;
    } else {
      body = digits.slice(0, wholeDigits) + '.' + digits.slice(wholeDigits);
      fracDigits = numDigits - wholeDigits;
    }
  } else {
    const zeros = -(exponent + 1);
    body = '0.' + '0'.repeat(zeros) + digits;
    wholeDigits = 1;
    fracDigits = zeros + numDigits;
  }

  if (trim !== Trim.DptZeros && fracDigits === 0) body += '.';
  const desiredFrac = minDigits < 0 ? 0 : minDigits;
  if (trim === Trim.LeaveOneZero) {
    if (fracDigits === 0) {
      body += '0';
      fracDigits++;
    }
  } else if (trim === Trim.None && desiredFrac > fracDigits) {
    body += '0'.repeat(desiredFrac - fracDigits);
    fracDigits = desiredFrac;
  }

  // Rounding at the cutoff can leave trailing zeros even in unique mode.
  if (trim !== Trim.None && fracDigits > 0) {
    while (body.endsWith('0')) {
      body = body.slice(0, -1);
      fracDigits--;
    }
    if (body.endsWith('.')) {
      if (trim === Trim.LeaveOneZero) {
        body += '0';
        fracDigits++;
      } else if (trim === Trim.DptZeros) {
        body = body.slice(0, -1);
      }
    }
  }

  // NumPy aligns fractions by padding on the right with spaces, not zeros.
  if (padRight >= fracDigits) {
    if (trim === Trim.DptZeros && fracDigits === 0) body += ' ';
    body += ' '.repeat(padRight - fracDigits);
  }
  const out = sign + body;
  const leftChars = wholeDigits + sign.length;
  return padLeft > leftChars ? ' '.repeat(padLeft - leftChars) + out : out;
}

/** Port of NumPy's `FormatScientific` in unique digit mode. */
function formatScientific(
  x: number,
  dtype: 'float32' | 'float64',
  precision: number,
  minDigits: number,
  trim: Trim,
  padLeft: number,
  expDigits: number,
): string {
  const d = decompose(x, dtype);
  const sign = d.negative ? '-' : '';
  const leftChars = 1 + sign.length;
  const lead = padLeft > leftChars ? ' '.repeat(padLeft - leftChars) : '';
  const { digits, exponent } = dragon4(
    d,
    Cutoff.TotalLength,
    precision < 0 ? -1 : precision + 1,
    minDigits < 0 ? -1 : minDigits + 1,
  );

  let body = digits[0];
  let fracDigits = digits.length - 1;
  if (fracDigits > 0) body += '.' + digits.slice(1);
  if (trim !== Trim.DptZeros && fracDigits === 0) body += '.';

  const addDigits = minDigits < 0 ? 0 : minDigits;
  if (trim === Trim.LeaveOneZero) {
    if (fracDigits === 0) {
      body += '0';
      fracDigits++;
    }
  } else if (trim === Trim.None && addDigits > fracDigits) {
    body += '0'.repeat(addDigits - fracDigits);
    fracDigits = addDigits;
  }
  if (trim !== Trim.None && fracDigits > 0) {
    while (body.endsWith('0')) body = body.slice(0, -1);
    if (trim === Trim.LeaveOneZero && body.endsWith('.')) body += '0';
  }

  const width = Math.min(expDigits < 0 ? 2 : expDigits, 5);
  const expText = String(Math.abs(exponent)).padStart(width, '0');
  return lead + sign + body + 'e' + (exponent >= 0 ? '+' : '-') + expText;
}
