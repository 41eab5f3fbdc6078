/**
 * Typed errors. Every message names the op, the shapes or dtypes involved, and what would be valid,
 * so that a user can fix the call without reading TensorKit's source.
 */

/** Base class of every error TensorKit throws on purpose. */
export class TensorKitError extends Error {
  override name = 'TensorKitError';
}

/** Shapes that do not fit the op: broadcasting, ranks, axes, sizes. */
export class ShapeError extends TensorKitError {
  override name = 'ShapeError';
}

/** A dtype the op cannot take, or two dtypes that do not go together. */
export class DTypeError extends TensorKitError {
  override name = 'DTypeError';
}

/** A backend that is missing, failed to initialise, lacks a capability, or ran out of memory. */
export class BackendError extends TensorKitError {
  override name = 'BackendError';
}

/** A tensor used after `dispose()`. The message names the op that made it and its shape. */
export class DisposedError extends TensorKitError {
  override name = 'DisposedError';
}

/** An argument that is not a shape or dtype problem: a bad option, a value out of range. */
export class ArgumentError extends TensorKitError {
  override name = 'ArgumentError';
}

/** Formats a shape the way messages print it: `[2,3]`, `[]` for a scalar. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
