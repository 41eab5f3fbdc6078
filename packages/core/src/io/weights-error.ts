/**
 * The error raised for weights files: a safetensors file that is malformed, truncated or uses
 * something TensorKit cannot hold, and a file that cannot be read or written.
 */
import { TensorKitError } from '../errors.js';

/**
 * A weights file that is malformed, truncated or unsupported, or a file operation on one that failed.
 * The message says what was found and what was expected; for a failed file operation `cause` holds
 * the runtime's own error (with its `code`, such as `ENOENT`).
 */
export class WeightsFileError extends TensorKitError {
  override name = 'WeightsFileError';
}
