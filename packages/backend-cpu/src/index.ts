/**
 * @tensorkit/backend-cpu: the reference backend, in TypeScript on typed arrays.
 * Import `@tensorkit/backend-cpu/register` to register it, or register `cpuBackend` yourself.
 *
 * @packageDocumentation
 */
import type { BackendFactory } from '@tensorkit/core';
import { CpuBackend } from './cpu-backend.js';

export { CpuBackend } from './cpu-backend.js';

/** The name the backend registers under. */
export const CPU_BACKEND_NAME = 'cpu';

/** Its default priority in `ready()`: the lowest of the bundled backends, since it is the fallback. */
export const CPU_BACKEND_PRIORITY = 1;

/** Makes a cpu backend (synchronously, so ops can run without `await ready()`). */
export const createCpuBackend: BackendFactory = () => new CpuBackend();
