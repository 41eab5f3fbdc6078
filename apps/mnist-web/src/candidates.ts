/**
 * The backends the app offers, best first. Each entry imports its package's `register` module on
 * demand; a package that is not installed becomes a module that throws (see
 * `vite/optional-backends.ts`), so the app runs with whichever backends exist.
 *
 * Adding a backend is one line here (and its name in `OPTIONAL_BACKENDS` of vite.config.ts when its
 * package may be missing).
 */
import type { BackendCandidate } from './backends.js';

export const BACKEND_CANDIDATES: readonly BackendCandidate[] = [
  { name: 'webgpu', pkg: '@tensorkit/backend-webgpu', load: () => import('@tensorkit/backend-webgpu/register') },
  { name: 'wasm', pkg: '@tensorkit/backend-wasm', load: () => import('@tensorkit/backend-wasm/register') },
  { name: 'cpu', pkg: '@tensorkit/backend-cpu', load: () => import('@tensorkit/backend-cpu/register') },
];
