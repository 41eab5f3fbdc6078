/**
 * Finding and loading the compiled addon, node-gyp-build style: the one built from source
 * (`build/Release/tensorkit_native.node`, made at install time only when no prebuilt binary loads,
 * or by a developer), then the prebuilt binary for this platform and architecture that the published
 * package carries (`prebuilds/<platform>-<arch>/tensorkit_native.node`). A local build wins, so a
 * stale prebuild never shadows fresh code. Nothing is ever downloaded; when no binary loads, the
 * result says why (and the install step's own report).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type Arr = Float32Array | Float64Array | Int32Array | Uint8Array;

/** The functions the addon exports (see native/addon.cc). Arrays are typed arrays over native buffers. */
export interface NativeAddon {
  readonly abi: number;
  readonly params: Float64Array;
  alloc(dtype: number, length: number): Arr;
  fromArray(values: Arr): Arr;
  free(values: Arr): void;
  memory(): [bytes: number, buffers: number, reservedBytes: number];
  releaseCache(): void;
  noop(values: Arr): void;
  unary(op: number, x: Arr, outDtype: number): Arr;
  binary(op: number, a: Arr, b: Arr, outDtype: number, ndim: number): Arr;
  where(condition: Arr, a: Arr, b: Arr, outDtype: number, ndim: number): Arr;
  cast(x: Arr, dtype: number): Arr;
  reduce(op: number, x: Arr, outer: number, reduceSize: number, inner: number, outDtype: number): Arr;
  matmul(a: Arr, b: Arr, transposeA: boolean, transposeB: boolean, batch: number, batchA: number, batchB: number, m: number, n: number, k: number, outDtype: number): Arr;
  dense(x: Arr, w: Arr, bias: Arr | null, activation: number, m: number, n: number, k: number): Arr;
  stridedCopy(x: Arr, ndim: number, offset: number): Arr;
  concat(inputs: Arr[], outer: number, outDtype: number): Arr;
  gather(x: Arr, indices: Arr, outer: number, axisSize: number, inner: number, indexCount: number): Arr;
  softmax(logits: Arr, rows: number, cols: number, log: boolean): Arr;
  sparseSoftmaxCrossEntropy(logits: Arr, labels: Arr, rows: number, cols: number): Arr;
  sgd(w: Arr, g: Arr, velocity: Arr | null, lr: number, momentum: number, nesterov: boolean): void;
  rmsprop(w: Arr, g: Arr, meanSquare: Arr, lr: number, rho: number, epsilon: number): void;
  adam(w: Arr, g: Arr, m: Arr, v: Arr, alpha: number, beta1: number, beta2: number, epsilon: number): void;
  setThreads(n: number): void;
  getThreads(): number;
  /** Forces a GEMM micro-kernel; false when this CPU (or architecture) does not have it. */
  setGemmKernel(name: 'auto' | 'avx512' | 'avx2' | 'neon' | 'portable'): boolean;
  gemmKernel(): string;
}

/** The outcome of loading: the addon and where it came from, or why it is unavailable. */
export type AddonLoad = { readonly addon: NativeAddon; readonly path: string } | { readonly unavailable: string };

/** Options of `loadAddon`. */
export interface LoadAddonOptions {
  /** Directories to look in for `tensorkit_native.node`, instead of the package's prebuilds and build. */
  readonly dirs?: readonly string[];
}

const BINARY = 'tensorkit_native.node';
const ABI = 1;

/** The package's root directory (this file lives in `dist/` when built and `src/` in the workspace). */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/** Directories searched by default: `TENSORKIT_NATIVE_BINARY_DIR` alone when set, else build then prebuilds. */
export function defaultSearchDirs(root = packageRoot()): string[] {
  const override = process.env.TENSORKIT_NATIVE_BINARY_DIR;
  if (override) return [override];
  return [join(root, 'build', 'Release'), join(root, 'prebuilds', `${process.platform}-${process.arch}`)];
}

function installReport(root: string): string | undefined {
  try {
    const status = JSON.parse(readFileSync(join(root, 'build', 'install-status.json'), 'utf8')) as { ok?: boolean; message?: string };
    return status.ok ? undefined : status.message;
  } catch {
    return undefined;
  }
}

/** Loads the addon (never throws): the first binary found that loads and speaks this ABI. */
export function loadAddon(options: LoadAddonOptions = {}): AddonLoad {
  const root = packageRoot();
  const dirs = options.dirs ?? defaultSearchDirs(root);
  const require = createRequire(import.meta.url);
  const problems: string[] = [];
  for (const dir of dirs) {
    const path = join(dir, BINARY);
    if (!existsSync(path)) continue;
    try {
      const addon = require(path) as NativeAddon;
      if (addon.abi !== ABI) {
        problems.push(`${path} speaks ABI ${String(addon.abi)}, expected ${ABI} (rebuild it)`);
        continue;
      }
      return { addon, path };
    } catch (error) {
      problems.push(`${path} failed to load: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (problems.length === 0) problems.push(`no ${BINARY} for ${process.platform}-${process.arch} in ${dirs.join(', ')}`);
  const report = options.dirs ? undefined : installReport(root);
  if (report) problems.push(`install step: ${report}`);
  return { unavailable: `native backend unavailable: ${problems.join('; ')}` };
}

let cached: AddonLoad | undefined;

/** The addon loaded once per process with the default search (cached, including failure). */
export function defaultAddon(): AddonLoad {
  cached ??= loadAddon();
  return cached;
}
