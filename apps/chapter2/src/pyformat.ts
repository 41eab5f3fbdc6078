/**
 * Printing values the way the notebook shows them: Python floats and tuples, NumPy's `str` (from
 * TensorKit's `format()`, a port of NumPy's arrayprint) and `repr` (`array([...], dtype=...)`),
 * TensorFlow's tensor repr (`<tf.Tensor: shape=..., dtype=..., numpy=...>`) and IPython's pretty
 * printing of a list of them.
 */
import { formatArray, type DType, type Tensor } from '@tensorkit/core';

/** A tensor's values as plain data, so the formatters below can also be used without a tensor. */
export interface ArrayValues {
  readonly values: ArrayLike<number>;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** Reads a tensor's values (on any backend). */
export async function valuesOf(t: Tensor): Promise<ArrayValues> {
  return { values: await t.data(), shape: t.shape, dtype: t.dtype };
}

/** A shape as Python prints a tuple: `(2, 4)`, `(4,)`, `()`. */
export function pyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** A number as Python prints a float (`repr`): `130.0`, `0.1`, `1e-05`, `1e+16`. */
export function pyFloat(x: number): string {
  // NumPy's float64 scalar str is Python's float repr (shortest round-trip digits, scientific
  // below 1e-4 and from 1e16 on); core's formatter ports it.
  return formatArray([x], [], 'float64');
}

/** A number as Python prints an int: `130`, `-4`. */
export function pyInt(x: number): string {
  if (!Number.isInteger(x)) throw new RangeError(`pyInt: ${x} is not an integer`);
  return Object.is(x, -0) ? '0' : String(x);
}

const bits = new DataView(new ArrayBuffer(8));

/**
 * Python's `format(x, '.Nf')` (f-strings' `{x:.2f}`): the exact binary value rounded half to even,
 * which is not what JavaScript's `toFixed` does on ties (`(0.125).toFixed(2)` is `0.13`, Python
 * prints `0.12`).
 */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isInteger(digits) || digits < 0 || digits > 100) throw new RangeError(`pyFixed: digits must be an integer in [0, 100], got ${digits}`);
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  bits.setFloat64(0, x);
  const hi = bits.getUint32(0);
  const lo = bits.getUint32(4);
  const negative = hi >>> 31 === 1;
  const field = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (field === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = field - 1075;
  }
  // |x| = numerator / denominator exactly.
  const numerator = exponent >= 0 ? mantissa << BigInt(exponent) : mantissa;
  const denominator = exponent >= 0 ? 1n : 1n << BigInt(-exponent);
  const scaled = numerator * 10n ** BigInt(digits);
  let q = scaled / denominator;
  const twice = (scaled % denominator) * 2n;
  if (twice > denominator || (twice === denominator && (q & 1n) === 1n)) q += 1n;
  const text = q.toString().padStart(digits + 1, '0');
  const body = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return (negative ? '-' : '') + body;
}

/** NumPy's `str(array)` (what `print(array)` shows); a 0-d array prints as its scalar. */
export function npStr(a: ArrayValues): string {
  return formatArray(a.values, a.shape, a.dtype);
}

// NumPy 2 default print options (the ones core's formatter uses too).
const LINE_WIDTH = 75;
const EDGE_ITEMS = 3;
const THRESHOLD = 1000;

/**
 * The elements as NumPy formats them inside an array (common width, decimal points aligned), in
 * row-major order, only those shown when the array is summarised. Taken from NumPy's `str` as
 * core formats it, so the digits are exactly NumPy's: the padding is stripped by splitting and
 * rebuilt the way NumPy's FloatingFormat / IntegerFormat / BoolFormat pad.
 */
function elementStrings(a: ArrayValues): string[] {
  const text = formatArray(a.values, a.shape.length === 0 ? [1] : a.shape, a.dtype);
  const tokens = text.replace(/[[\]]/g, ' ').split(/\s+/).filter((t) => t !== '' && t !== '...');
  const isFinite = (t: string) => t !== 'nan' && t !== 'inf' && t !== '-inf';
  const finite = tokens.filter(isFinite);
  if (a.dtype === 'float32' || a.dtype === 'float64') {
    // Positional: pad left to align the points, right to the longest fraction. Scientific: all
    // mantissas have the same digits and exponents the same width, so only the sign pads (left).
    const point = (t: string) => (t.includes('.') ? t.indexOf('.') : t.includes('e') ? t.indexOf('e') : t.length);
    let padLeft = Math.max(0, ...finite.map(point));
    const padRight = Math.max(0, ...finite.map((t) => t.length - point(t) - 1));
    if (finite.length !== tokens.length) {
      // NumPy widens the columns so that `nan`, `inf` and `-inf` fit.
      const negInf = tokens.includes('-inf') ? 1 : 0;
      padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + negInf - (padRight + 1));
    }
    return tokens.map((t) =>
      isFinite(t) ? ' '.repeat(padLeft - point(t)) + t + ' '.repeat(padRight - (t.length - point(t) - 1)) : t.padStart(padLeft + padRight + 1),
    );
  }
  const width = Math.max(...tokens.map((t) => t.length));
  return tokens.map((t) => t.padStart(width));
}

/**
 * Lays elements out as NumPy's `_formatArray` does (non-legacy mode), with `separator` between
 * elements and `hangingIndent` before continuation lines.
 */
function layout(shape: readonly number[], words: readonly string[], separator: string, hangingIndent: string, lineWidth: number): string {
  const summarise = shape.reduce((n, d) => n * d, 1) > THRESHOLD;
  let next = 0;
  const word = () => words[next++];
  const recurse = (axis: number, indent: string, width: number): string => {
    const axesLeft = shape.length - axis;
    if (axesLeft === 0) return word();
    const nextIndent = indent + ' ';
    const nextWidth = width - 1;
    const n = shape[axis];
    const showSummary = summarise && 2 * EDGE_ITEMS < n;
    const leading = showSummary ? EDGE_ITEMS : 0;
    const trailing = showSummary ? EDGE_ITEMS : n;
    let s = '';
    if (axesLeft === 1) {
      const elemWidth = width - Math.max(separator.trimEnd().length, 1);
      let line = indent;
      const extend = (w: string) => {
        if (line.length + w.length > elemWidth && line.length > indent.length) {
          s += line.trimEnd() + '\n';
          line = indent;
        }
        line += w;
      };
      for (let i = 0; i < leading; i++) {
        extend(recurse(axis + 1, nextIndent, nextWidth));
        line += separator;
      }
      if (showSummary) {
        extend('...');
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        extend(recurse(axis + 1, nextIndent, nextWidth));
        line += separator;
      }
      extend(recurse(axis + 1, nextIndent, nextWidth));
      s += line;
    } else {
      const lineSep = separator.trimEnd() + '\n'.repeat(axesLeft - 1);
      for (let i = 0; i < leading; i++) s += indent + recurse(axis + 1, nextIndent, nextWidth) + lineSep;
      if (showSummary) s += indent + '...' + lineSep;
      for (let i = trailing; i > 1; i--) s += indent + recurse(axis + 1, nextIndent, nextWidth) + lineSep;
      s += indent + recurse(axis + 1, nextIndent, nextWidth);
    }
    return '[' + s.slice(indent.length) + ']';
  };
  return recurse(0, hangingIndent, lineWidth);
}

/**
 * Whether NumPy's repr leaves the dtype out. NumPy omits it for float64, its default int and bool;
 * TensorKit has no int64, and its int32 stands for NumPy's default int (`np.array([1, 2])`), so
 * int32 is treated as implied too.
 */
function dtypeImplied(dtype: DType): boolean {
  return dtype === 'float64' || dtype === 'int32' || dtype === 'bool';
}

/** The NumPy dtype a TensorKit dtype stands for (int32 for NumPy's default int, as above). */
function numpyDTypeName(dtype: DType): string {
  return dtype === 'int32' ? 'int64' : dtype;
}

/**
 * NumPy's `repr(array)` (NumPy 2.2 and later), as a notebook echoes an array:
 * `array([[0.],\n       [1.]])`, followed by `shape=...` (for summarised arrays) and
 * `dtype=...` where NumPy shows them, on a new line when they would not fit.
 */
export function npRepr(a: ArrayValues): string {
  const prefix = 'array(';
  const size = a.shape.reduce((n, d) => n * d, 1);
  let list: string;
  if (a.shape.length === 0) list = elementStrings(a)[0].trim();
  else if (size === 0) list = '[]';
  // array2string(..., prefix='array(', suffix=')'): continuation lines align under the first
  // element, and every line leaves room for the closing parenthesis.
  else list = layout(a.shape, elementStrings(a), ', ', ' '.repeat(prefix.length + 1), LINE_WIDTH - 1);
  const extras: string[] = [];
  if ((size === 0 && !(a.shape.length === 1 && a.shape[0] === 0)) || size > THRESHOLD) extras.push(`shape=${pyShape(a.shape)}`);
  if (!dtypeImplied(a.dtype) || size === 0) extras.push(`dtype=${numpyDTypeName(a.dtype)}`);
  if (extras.length === 0) return `${prefix}${list})`;
  const text = `${prefix}${list},`;
  const extra = `${extras.join(', ')})`;
  const lastLine = text.length - (text.lastIndexOf('\n') + 1);
  const spacer = lastLine + extra.length + 1 > LINE_WIDTH ? '\n' + ' '.repeat(prefix.length) : ' ';
  return text + spacer + extra;
}

/**
 * TensorFlow's repr of an eager tensor, as the notebook echoes `grad_of_y_wrt_x`:
 * `<tf.Tensor: shape=(), dtype=float32, numpy=2.0>`; a multi-line value starts on its own line.
 */
export function tfRepr(a: ArrayValues): string {
  let numpy = a.shape.length === 0 ? npStr(a) : npRepr(a);
  if (numpy.includes('\n')) numpy = '\n' + numpy;
  return `<tf.Tensor: shape=${pyShape(a.shape)}, dtype=${a.dtype}, numpy=${numpy}>`;
}

/**
 * IPython's pretty printing of a list whose items print as `reprs`: on one line when that fits in
 * 79 columns and no item spans lines; else one item per line, continuation lines indented by one.
 */
export function ipythonList(reprs: readonly string[]): string {
  const oneLine = `[${reprs.join(', ')}]`;
  if (!oneLine.includes('\n') && oneLine.length <= 79) return oneLine;
  return `[${reprs.map((r) => r.replace(/\n/g, '\n ')).join(',\n ')}]`;
}

/** `print(a, b, ...)`: the arguments' str joined by spaces. */
export function pyPrint(...parts: readonly string[]): string {
  return parts.join(' ');
}
