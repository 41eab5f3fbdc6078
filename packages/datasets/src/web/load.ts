/** The browser loader: `fetch` from base URLs, verification with `crypto.subtle`, the shared parser. */
import type { DatasetSplits } from '../arrays.js';
import { DatasetError } from '../errors.js';
import type { IdxArray } from '../idx.js';
import type { DatasetFileInfo, DatasetInfo } from '../specs.js';
import { decodeFile, loadAll, limitsOf, mirrorUrl, parseFile, prefixBytes, type Limit } from '../verify.js';
import { readAll, readPrefix, webPlatform } from './platform.js';

/** Progress of one file's download, for `onProgress`. */
export interface DownloadProgress {
  /** The file's name, e.g. `train-images-idx3-ubyte.gz`. */
  readonly file: string;
  readonly url: string;
  /** Bytes received so far. */
  readonly loaded: number;
  /** The size announced by the server (Content-Length), when it did. */
  readonly total: number | undefined;
}

/** Options of `loadData` in browsers. */
export interface BrowserLoadOptions {
  /**
   * Where the files are: a base URL (absolute, or relative to the page) or several tried in order,
   * each serving `<name>.gz` (or `<name>` with `compressed: false`). Default: the dataset's public
   * mirrors, which may not allow cross-origin requests; serving the files yourself is safer.
   */
  readonly baseUrl?: string | readonly string[];
  /** Fetch `<name>.gz` (default `true`) or the uncompressed `<name>`. */
  readonly compressed?: boolean;
  /** Keep only the first N examples: a number for both splits, or `{ train, test }`. With `verify: false`, downloads stop once they have them. */
  readonly limit?: Limit;
  /** Check each file against the official SHA-256 with `crypto.subtle` (default `true`). */
  readonly verify?: boolean;
  /** Called as bytes arrive. */
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** The `fetch` to use (default `globalThis.fetch`), e.g. to add headers. */
  readonly fetch?: typeof fetch;
  /** Cancels the loading. */
  readonly signal?: AbortSignal;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Loads `spec` over HTTP (the implementation of the browser `loadData`). */
export async function loadDatasetWeb(spec: DatasetInfo, options: BrowserLoadOptions = {}): Promise<DatasetSplits> {
  const limits = limitsOf(options.limit);
  const verify = options.verify ?? true;
  const bases = options.baseUrl === undefined ? spec.mirrors : typeof options.baseUrl === 'string' ? [options.baseUrl] : options.baseUrl;
  const compressed = options.compressed ?? true;
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  // One file failing (or the caller aborting) stops the others.
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort(options.signal.reason);
  const signal = stop.signal;

  const loadFile = async (file: DatasetFileInfo): Promise<IdxArray & { source: string }> => {
    const name = compressed ? `${file.name}.gz` : file.name;
    const limit = limits[file.split];
    const failures: string[] = [];
    for (const base of bases) {
      const url = mirrorUrl(base, name);
      try {
        signal.throwIfAborted();
        const response = await fetchFn(url, { signal });
        if (!response.ok) {
          await response.body?.cancel().catch(() => {});
          throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
        }
        if (!verify && limit !== undefined) {
          const { bytes, complete } = await readPrefix(response, prefixBytes(spec, file, limit), url);
          return parseFile(spec, file, bytes, url, limit, !complete);
        }
        const total = Number(response.headers.get('content-length') ?? NaN);
        const bytes = await readAll(response, (loaded) => options.onProgress?.({ file: name, url, loaded, total: total >= 0 ? total : undefined }));
        const raw = await decodeFile(webPlatform, file, bytes, url, verify);
        signal.throwIfAborted();
        return parseFile(spec, file, raw, url, limit);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const described = describe(error);
        failures.push(`${url}: ${described.startsWith(`${url}: `) ? described.slice(url.length + 2) : described}`);
      }
    }
    throw new DatasetError(`${spec.name}: could not load ${name} from any base URL:\n${failures.map((f) => `  - ${f}`).join('\n')}`, {
      file: name, expected: `SHA-256 ${compressed ? file.gz.sha256 : file.raw.sha256}`, found: failures.join('; ') || 'no base URLs given',
    });
  };

  try {
    return await loadAll(spec, stop, (file, i) => loadFile(file));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
