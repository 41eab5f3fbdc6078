/**
 * Finding, fetching and instantiating the kernel binaries: from the package's files in Node, through
 * `new URL('./kernels.wasm', import.meta.url)` in bundlers and browsers, or from a custom location.
 */
import { BackendError } from '@tensorkit/core';

/** The four shipped binaries: single-threaded or shared-memory, with or without relaxed SIMD. */
export type KernelFile = 'kernels.wasm' | 'kernels-relaxed.wasm' | 'kernels-mt.wasm' | 'kernels-mt-relaxed.wasm';

/** Where to load a binary from: a URL or path, or the bytes / compiled module themselves. */
export type WasmSource = string | URL | ArrayBuffer | Uint8Array | WebAssembly.Module;

/**
 * Each file's URL written out literally, so that bundlers (Vite, webpack 5, Rollup, esbuild with
 * the file loader) see `new URL('./x.wasm', import.meta.url)` and emit the asset.
 */
export function defaultUrl(file: KernelFile): URL {
  switch (file) {
    case 'kernels.wasm': return new URL('./kernels.wasm', import.meta.url);
    case 'kernels-relaxed.wasm': return new URL('./kernels-relaxed.wasm', import.meta.url);
    case 'kernels-mt.wasm': return new URL('./kernels-mt.wasm', import.meta.url);
    default: return new URL('./kernels-mt-relaxed.wasm', import.meta.url);
  }
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof (globalThis as { window?: unknown }).window === 'undefined';

/** Dynamic import that bundlers leave alone (the Node-only modules never reach a browser bundle). */
const nodeImport = (specifier: string): Promise<any> => import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);

async function readNodeFile(url: URL): Promise<Uint8Array | null> {
  const fs = await nodeImport('node:fs/promises');
  const { fileURLToPath } = await nodeImport('node:url');
  try {
    return new Uint8Array(await fs.readFile(fileURLToPath(url)));
  } catch {
    return null;
  }
}

/** Bytes or a module from a source; relative strings resolve against the page (or cwd in Node). */
export async function loadModule(file: KernelFile, source: WasmSource | undefined): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) return WebAssembly.compile(source as BufferSource);
  const candidates: URL[] = [];
  if (source !== undefined) {
    if (source instanceof URL) candidates.push(source);
    else if (isNode && !/^[a-z][a-z0-9+.-]*:/i.test(source)) {
      const { pathToFileURL } = await nodeImport('node:url');
      candidates.push(pathToFileURL(source) as URL);
    } else candidates.push(new URL(source, (globalThis as { location?: { href: string } }).location?.href));
  } else {
    candidates.push(defaultUrl(file));
    // Running from the TypeScript sources (tests): the binaries are in ../dist.
    candidates.push(new URL(/* @vite-ignore */ `../dist/${file}`, import.meta.url));
  }
  const tried: string[] = [];
  for (const url of candidates) {
    tried.push(url.href);
    if (url.protocol === 'file:' && isNode) {
      const bytes = await readNodeFile(url);
      if (bytes) return WebAssembly.compile(bytes as BufferSource);
      continue;
    }
    try {
      const response = await fetch(url);
      if (!response.ok) continue;
      return WebAssembly.compile(await response.arrayBuffer());
    } catch {
      continue;
    }
  }
  throw new BackendError(`wasm: could not load ${file} (tried ${tried.join(', ')}); build the package or pass the binary's location with the wasmPaths option`);
}

// (module (func (result v128) (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0))))
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00,
  0x0a, 0x3d, 0x01, 0x3b, 0x00,
  0xfd, 0x0c, ...new Array(16).fill(0), 0xfd, 0x0c, ...new Array(16).fill(0), 0xfd, 0x0c, ...new Array(16).fill(0),
  0xfd, 0x85, 0x02, 0x0b,
]);
// (module (func (result v128) (v128.const 0)))
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00,
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, ...new Array(16).fill(0), 0x0b,
]);

/** True when the engine validates relaxed SIMD (Chrome 114+, Node 20 only with --experimental-wasm-relaxed-simd). */
export function relaxedSimdSupported(): boolean {
  try { return WebAssembly.validate(RELAXED_PROBE); } catch { return false; }
}

/** True when the engine has fixed-width SIMD (required). */
export function simdSupported(): boolean {
  try { return WebAssembly.validate(SIMD_PROBE); } catch { return false; }
}

export { isNode, nodeImport };
