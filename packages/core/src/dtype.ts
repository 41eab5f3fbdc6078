/**
 * Element types and the rules that combine them.
 *
 * Storage per dtype is fixed so that every backend agrees on the bytes:
 * float32 → Float32Array, float64 → Float64Array, int32 → Int32Array, bool → Uint8Array (0 or 1).
 */

/** The element types a tensor can hold. float64 is available where a backend declares it. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The typed array that stores one dtype. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Every dtype, in promotion order (a later one can hold every earlier one). */
export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

const BYTES: Record<DType, number> = { bool: 1, int32: 4, float32: 4, float64: 8 };

/** Bytes per element of `dtype`. */
export function bytesPerElement(dtype: DType): number {
  return BYTES[dtype];
}

/** True for float32 and float64. */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** True when `value` names a dtype. */
export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'float64' || value === 'int32' || value === 'bool';
}

/** A new zero-filled typed array of the storage type of `dtype`. */
export function allocate(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'bool':
      return new Uint8Array(length);
  }
}

/** The dtype whose storage type `array` is, or undefined for other typed arrays. */
export function dtypeOfTypedArray(array: ArrayBufferView): DType | undefined {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Int32Array) return 'int32';
  return undefined;
}

/**
 * The dtype both operands are computed in, following NumPy's order bool < int32 < float32 < float64.
 * Unlike NumPy, int32 with float32 gives float32 (not float64): GPUs and wasm compute in float32,
 * and silently doubling memory would surprise more than it helps.
 */
export function promoteTypes(a: DType, b: DType): DType {
  return DTYPES.indexOf(a) >= DTYPES.indexOf(b) ? a : b;
}

/**
 * The dtype a plain JavaScript number takes next to a tensor of `dtype` ("weak" scalar typing, as in
 * NumPy 2 and JAX): it adopts the tensor's dtype unless it cannot be represented there.
 */
export function dtypeForScalarBeside(dtype: DType, value: number | boolean): DType {
  if (typeof value === 'boolean') return dtype;
  if (isFloat(dtype)) return dtype;
  if (Number.isInteger(value)) return dtype === 'bool' ? 'int32' : dtype;
  return 'float32';
}
