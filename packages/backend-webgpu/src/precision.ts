/**
 * Matmul precision: float32 tensors keep float32 semantics unless the user opts in to f16 products,
 * the way PyTorch's `torch.set_float32_matmul_precision('medium')` and JAX's matmul precision work.
 */
import { ArgumentError } from '@tensorkit/core';

/**
 * How float32 matmuls (`matmul` and the fused `dense` kernel) compute.
 *
 * - `'highest'` (the default): float32 products and float32 sums, as the conformance suite demands.
 * - `'f16'`: operands are staged in workgroup memory as f16, multiplied in f16 and summed in f32
 *   (about 3 decimal digits per product; values beyond ±65504 overflow). Used only when the
 *   adapter offers `shader-f16`; otherwise the backend computes in float32 and says so in
 *   `capabilities.notes` and `matmulPrecisionInEffect`.
 * - `'f16-emulated'`: the rounding of `'f16'` reproduced in f32 arithmetic (WGSL's
 *   `pack2x16float` / `unpack2x16float`), on any adapter. Slower than `'highest'`: it exists to see
 *   what `'f16'` would do to a model's numerics on a device without `shader-f16`, and to test it.
 *
 * Int32 matmuls are exact whatever is asked.
 */
export type MatmulPrecision = 'highest' | 'f16' | 'f16-emulated';

/** Every valid `MatmulPrecision`, in the order error messages list them. */
export const MATMUL_PRECISIONS: readonly MatmulPrecision[] = ['highest', 'f16', 'f16-emulated'];

/** The environment variable read when `WebGpuBackend.create()` is given no `matmulPrecision`. */
export const MATMUL_PRECISION_ENV = 'TENSORKIT_WEBGPU_MATMUL_PRECISION';

/** True when `value` is a valid `MatmulPrecision`. */
export function isMatmulPrecision(value: unknown): value is MatmulPrecision {
  return typeof value === 'string' && (MATMUL_PRECISIONS as readonly string[]).includes(value);
}

/**
 * Checks a matmul precision given by a caller; `source` names where it came from in the message.
 * Throws an `ArgumentError` naming the valid values.
 */
export function checkMatmulPrecision(value: unknown, source = 'matmulPrecision'): MatmulPrecision {
  if (isMatmulPrecision(value)) return value;
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  throw new ArgumentError(`webgpu: ${source} must be one of ${MATMUL_PRECISIONS.map((p) => `'${p}'`).join(', ')}; got ${shown}`);
}

/**
 * The precision asked for: the option when given, else `TENSORKIT_WEBGPU_MATMUL_PRECISION` when set
 * and not empty, else `'highest'`. A bad value from either throws an `ArgumentError`.
 */
export function requestedMatmulPrecision(option: unknown, env: Record<string, string | undefined>): MatmulPrecision {
  if (option !== undefined) return checkMatmulPrecision(option);
  const fromEnv = env[MATMUL_PRECISION_ENV]?.trim();
  if (fromEnv) return checkMatmulPrecision(fromEnv, MATMUL_PRECISION_ENV);
  return 'highest';
}

/** What runs for a requested precision: `'f16'` needs `shader-f16`, else float32 (`'highest'`). */
export function effectiveMatmulPrecision(requested: MatmulPrecision, hasF16: boolean): MatmulPrecision {
  return requested === 'f16' && !hasF16 ? 'highest' : requested;
}

/** The `capabilities.notes` line describing the matmul precision. */
export function matmulPrecisionNote(requested: MatmulPrecision, hasF16: boolean): string {
  switch (effectiveMatmulPrecision(requested, hasF16)) {
    case 'f16':
      return "matmul precision 'f16' (opted in): matmul/dense stage tiles and multiply in f16, sum in f32";
    case 'f16-emulated':
      return "matmul precision 'f16-emulated' (opted in): f16 rounding emulated in f32, for checking numerics (slower than 'highest')";
    default:
      return requested === 'f16'
        ? "matmul precision 'f16' was requested but the adapter lacks shader-f16: matmuls compute in float32 ('highest')"
        : "matmul precision 'highest': float32 products and sums";
  }
}
