/** The one error class of this package: a data file is missing, damaged, or not what was expected. */

/** What a {@link DatasetError} is about, besides its message. */
export interface DatasetErrorDetails {
  /** The file (path or URL) concerned, when there is one. */
  readonly file?: string;
  /** What was expected (a checksum, a size, a magic number, ...). */
  readonly expected?: string;
  /** What was found instead. */
  readonly found?: string;
  /** The underlying error (zlib, fetch, file system), when there is one. */
  readonly cause?: unknown;
}

/**
 * A data file that is missing, corrupt, truncated, not the official one (checksum mismatch), or not
 * a well-formed IDX file; or a download that failed on every mirror. The message names the file,
 * what was expected and what was found; the same three are also properties.
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  /** The file (path or URL) concerned, when there is one. */
  readonly file: string | undefined;
  /** What was expected, when the error is a mismatch. */
  readonly expected: string | undefined;
  /** What was found instead, when the error is a mismatch. */
  readonly found: string | undefined;

  constructor(message: string, details: DatasetErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.file = details.file;
    this.expected = details.expected;
    this.found = details.found;
  }
}

/** `file: problem: expected X, found Y`, with the three parts kept as properties. */
export function mismatch(file: string, problem: string, expected: string, found: string, cause?: unknown): DatasetError {
  return new DatasetError(`${file}: ${problem}: expected ${expected}, found ${found}`, { file, expected, found, cause });
}
