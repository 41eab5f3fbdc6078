/** Registers the TensorKit backends installed beside the app and activates the one asked for. */
import { getBackendName, ready, setBackend } from '@tensorkit/core';

/** Backends the app knows, best first. */
export const KNOWN_BACKENDS = ['native', 'webgpu', 'wasm', 'cpu'] as const;

function notInstalled(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
}

/** Imports `@tensorkit/backend-NAME/register`; false when that package is not installed. */
async function register(name: string): Promise<boolean> {
  try {
    await import(`@tensorkit/backend-${name}/register`);
    return true;
  } catch (error) {
    if (notInstalled(error)) return false;
    throw error;
  }
}

/**
 * Makes `requested` active (failing with its reason if it cannot initialise), or the best backend
 * that initialises (`TENSORKIT_BACKEND` honoured). Returns the active backend's name.
 */
export async function activateBackend(requested?: string): Promise<string> {
  if (requested) {
    if (!(await register(requested))) {
      throw new Error(`backend '${requested}' is not installed (package @tensorkit/backend-${requested}); installed: ${(await installed()).join(', ') || 'none'}`);
    }
    await setBackend(requested);
  } else {
    await installed();
    await ready();
  }
  return getBackendName() ?? 'unknown';
}

let registered: string[] | null = null;

async function installed(): Promise<string[]> {
  if (!registered) {
    registered = [];
    for (const name of KNOWN_BACKENDS) if (await register(name)) registered.push(name);
  }
  return registered;
}
