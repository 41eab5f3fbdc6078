/**
 * @tensorkit/backend-wasm: every kernel of the contract in WebAssembly (AssemblyScript, SIMD,
 * relaxed SIMD when available, a worker pool over shared memory when available).
 * Import `@tensorkit/backend-wasm/register` to register it, or register `createWasmBackend` yourself.
 *
 * @packageDocumentation
 */
import type { BackendFactory } from '@tensorkit/core';
import { createWasmBackend, type WasmBackendOptions } from './backend.js';

export { createWasmBackend, WasmBackend, WasmStorage, type WasmBackendOptions } from './backend.js';
export { defaultUrl, relaxedSimdSupported, type KernelFile, type WasmSource } from './loader.js';
export { sizeClass } from './allocator.js';

/** The name the backend registers under. */
export const WASM_BACKEND_NAME = 'wasm';

/** Its default priority in `ready()`: above cpu (1). */
export const WASM_BACKEND_PRIORITY = 2;

let defaults: WasmBackendOptions = {};

/** Options used by the registered factory (call before the backend is first made), e.g. a custom `wasmPaths`. */
export function setWasmBackendOptions(options: WasmBackendOptions): void {
  defaults = { ...options };
}

/** The factory `register` uses: `createWasmBackend` with the options set by `setWasmBackendOptions`. */
export const wasmBackendFactory: BackendFactory = () => createWasmBackend(defaults);
