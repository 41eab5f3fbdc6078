/**
 * @tensorkit/backend-native: TensorKit's native backend, a Node addon (node-addon-api) with packed
 * AVX-512 / AVX2 GEMM micro-kernels chosen at run time, a persistent thread pool and vectorised
 * element-wise, reduction, softmax and optimizer kernels. Import `@tensorkit/backend-native/register`
 * to register it under `native`, or register `createNativeBackend` yourself.
 *
 * @packageDocumentation
 */
import type { BackendFactory } from '@tensorkit/core';
import { defaultAddon, loadAddon, type LoadAddonOptions } from './addon.js';
import { NativeBackend } from './native-backend.js';

export { NativeBackend, NativeStorage } from './native-backend.js';
export { loadAddon, defaultSearchDirs, packageRoot, type AddonLoad, type LoadAddonOptions, type NativeAddon } from './addon.js';

/** The name the backend registers under. */
export const NATIVE_BACKEND_NAME = 'native';

/** Its default priority in `ready()`: above cpu (1), wasm and webgpu, since it is the fastest on a server. */
export const NATIVE_BACKEND_PRIORITY = 3;

/**
 * Makes a native backend. Throws (with the reason: no binary for this platform, the install-time
 * build failed, the binary failed to load) when the addon is unavailable, so `setBackend('native')`
 * fails clearly and `ready()` moves on to the next backend.
 */
export const createNativeBackend: BackendFactory = () => {
  const loaded = defaultAddon();
  if ('unavailable' in loaded) throw new Error(loaded.unavailable);
  return new NativeBackend(loaded.addon, loaded.path);
};

/** A factory for a backend loaded from specific directories (tests, custom binary locations). */
export function nativeBackendFactory(options: LoadAddonOptions): BackendFactory {
  return () => {
    const loaded = loadAddon(options);
    if ('unavailable' in loaded) throw new Error(loaded.unavailable);
    return new NativeBackend(loaded.addon, loaded.path);
  };
}

/** Whether the addon loads here, and if not, why. */
export function nativeAvailability(): { available: true; path: string } | { available: false; reason: string } {
  const loaded = defaultAddon();
  return 'unavailable' in loaded ? { available: false, reason: loaded.unavailable } : { available: true, path: loaded.path };
}
