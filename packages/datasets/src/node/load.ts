/** The Node loader: where files are looked for, in which order, and reading them. */
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DatasetSplits } from '../arrays.js';
import { DatasetError } from '../errors.js';
import type { IdxArray } from '../idx.js';
import type { DatasetFileInfo, DatasetInfo } from '../specs.js';
import { decodeFile, loadAll, limitsOf, parseFile, prefixBytes, type Limit } from '../verify.js';
import { download } from './download.js';
import { nodePlatform, readPrefix } from './platform.js';
import type { ProgressStream } from './progress.js';

/** Options of `loadData` in Node. */
export interface LoadOptions {
  /**
   * A directory holding the four files (`.gz` or uncompressed). When given, only it is searched
   * and nothing is downloaded.
   */
  readonly dir?: string;
  /**
   * The TensorKit cache directory; downloads go to `<cacheDir>/datasets/<name>`. Default: the
   * environment variable `TENSORKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/tensorkit`, else
   * `~/.cache/tensorkit`.
   */
  readonly cacheDir?: string;
  /**
   * A system-wide directory searched after the cache: by default Debian's
   * `/usr/share/datasets/fashion-mnist` (package `dataset-fashion-mnist`) for Fashion-MNIST, none
   * for MNIST. `null` searches none.
   */
  readonly systemDir?: string | null;
  /** Download missing files from the mirrors into the cache (default `true`). */
  readonly download?: boolean;
  /** Base URLs to download from, in order (default: the dataset's public `mirrors`). */
  readonly mirrors?: readonly string[];
  /**
   * Keep only the first N examples: a number for both splits, or `{ train, test }`. With
   * `verify: false`, files are also read and decompressed no further than needed.
   */
  readonly limit?: Limit;
  /**
   * Check files on disk against the official SHA-256 (default `true`). Downloads are always
   * checked before they are cached, whatever this says.
   */
  readonly verify?: boolean;
  /** Download progress: `true` (default) writes to `process.stderr`, `false` nothing, or a stream of yours. */
  readonly progress?: boolean | ProgressStream;
  /** Milliseconds without data before a mirror is given up for the next one (default 30000). */
  readonly timeout?: number;
  /** Cancels the loading (and any download). */
  readonly signal?: AbortSignal;
}

/** System-wide directories by dataset (Debian's packages). */
export const SYSTEM_DIRS: Readonly<Partial<Record<DatasetInfo['name'], string>>> = {
  'fashion-mnist': '/usr/share/datasets/fashion-mnist',
};

/** The TensorKit cache root: option, `TENSORKIT_CACHE_DIR`, `$XDG_CACHE_HOME/tensorkit`, `~/.cache/tensorkit`. */
export function cacheRoot(options: LoadOptions = {}, env: NodeJS.ProcessEnv = process.env): string {
  if (options.cacheDir) return resolve(options.cacheDir);
  if (env.TENSORKIT_CACHE_DIR) return resolve(env.TENSORKIT_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return join(resolve(env.XDG_CACHE_HOME), 'tensorkit');
  return join(homedir(), '.cache', 'tensorkit');
}

/** Where a dataset's files are looked for, in order, each with what it is (for messages). */
export function searchPath(spec: DatasetInfo, options: LoadOptions = {}, env: NodeJS.ProcessEnv = process.env): Array<{ what: string; dir: string }> {
  if (options.dir !== undefined) return [{ what: 'the dir option', dir: resolve(options.dir) }];
  const dirs: Array<{ what: string; dir: string }> = [];
  if (env.TENSORKIT_DATA_DIR) dirs.push({ what: 'TENSORKIT_DATA_DIR', dir: join(resolve(env.TENSORKIT_DATA_DIR), spec.name) });
  dirs.push({ what: 'the cache', dir: join(cacheRoot(options, env), 'datasets', spec.name) });
  const system = options.systemDir === undefined ? SYSTEM_DIRS[spec.name] : options.systemDir;
  if (system) dirs.push({ what: 'the system directory', dir: resolve(system) });
  return dirs;
}

/** The names a file may have on disk, preferred first (uncompressed reads fastest). */
export function namesOnDisk(file: DatasetFileInfo): string[] {
  // gunzip -N names the official MNIST files train-images.idx3-ubyte (the name in their gzip header).
  const dotted = file.name.replace(/-(idx\d-ubyte)$/, '.$1');
  return [file.name, `${file.name}.gz`, dotted, `${dotted}.gz`];
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw error;
  }
}

/** The first path holding `file` along the search path, or undefined. */
export async function locate(file: DatasetFileInfo, dirs: ReadonlyArray<{ dir: string }>): Promise<string | undefined> {
  for (const { dir } of dirs) {
    for (const name of namesOnDisk(file)) {
      const path = join(dir, name);
      if (await isFile(path)) return path;
    }
  }
  return undefined;
}

/** Runs downloads one after another (so progress lines do not interleave). */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => {});
    return result;
  }
}

/** Loads `spec` as the options say (the implementation of `mnist.loadData` and `fashionMnist.loadData`). */
export async function loadDataset(spec: DatasetInfo, options: LoadOptions = {}): Promise<DatasetSplits> {
  const limits = limitsOf(options.limit);
  const verify = options.verify ?? true;
  const dirs = searchPath(spec, options);
  const cacheDir = join(cacheRoot(options), 'datasets', spec.name);
  const progress = options.progress === false ? undefined : options.progress === true || options.progress === undefined ? process.stderr : options.progress;
  const downloads = new Serial();
  const timeout = options.timeout ?? 30_000;
  if (!(timeout > 0)) throw new RangeError(`loadData: timeout must be a positive number of milliseconds, got ${String(options.timeout)}`);

  // Look for every file first, so that a missing one is reported with all the others.
  const found = await Promise.all(spec.files.map((file) => locate(file, dirs)));
  const missing = spec.files.filter((_, i) => found[i] === undefined);
  if (missing.length > 0 && (options.dir !== undefined || options.download === false)) {
    const names = missing.map((f) => f.name);
    const looked = `looked for <name>[.gz] in ${dirs.map((d) => `${d.what} (${d.dir})`).join(', ')}`;
    const why = options.dir !== undefined
      ? 'with the dir option nothing else is searched and nothing is downloaded'
      : 'downloading is off (download: false)';
    throw new DatasetError(`${spec.name}: ${names.join(', ')} not found; ${looked}; ${why}`, {
      file: join(dirs[0].dir, `${names[0]}.gz`), expected: names.map((n) => `${n}[.gz]`).join(', '), found: 'no such files',
    });
  }

  // One file failing (or the caller aborting) stops the others at their next step.
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort(options.signal.reason);
  const signal = stop.signal;

  const loadFile = async (file: DatasetFileInfo, path: string | undefined): Promise<IdxArray & { source: string }> => {
    signal.throwIfAborted();
    const limit = limits[file.split];
    if (path !== undefined) {
      if (!verify && limit !== undefined) {
        const { bytes, complete } = await readPrefix(path, prefixBytes(spec, file, limit));
        signal.throwIfAborted();
        return parseFile(spec, file, bytes, path, limit, !complete);
      }
      const bytes = await readFile(path, { signal });
      const raw = await decodeFile(nodePlatform, file, bytes, path, verify);
      signal.throwIfAborted();
      return parseFile(spec, file, raw, path, limit);
    }
    const { raw, path: saved } = await downloads.run(() => {
      signal.throwIfAborted();
      return download({ spec, file, dir: cacheDir, mirrors: options.mirrors ?? spec.mirrors, progress, signal, timeout });
    });
    return parseFile(spec, file, raw, saved, limit);
  };

  try {
    return await loadAll(spec, stop, (file, i) => loadFile(file, found[i]));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
