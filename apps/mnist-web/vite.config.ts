/**
 * Vite: the page, its training worker, cross-origin isolation headers (wasm threads need
 * SharedArrayBuffer) on the dev and preview servers, the local MNIST files at /data/mnist/, and the
 * backend packages that may not be installed yet.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { dataDirFrom, mnistData } from './vite/mnist-data.js';
import { backendTemplateAssetUrls, optionalBackends } from './vite/optional-backends.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Backends whose packages may be missing (candidates.ts imports them all). */
const OPTIONAL_BACKENDS = ['webgpu', 'wasm'];

const backendPlugins = () => [optionalBackends({ names: OPTIONAL_BACKENDS, workspaceRoot: repoRoot }), backendTemplateAssetUrls()];

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  server: { host: '127.0.0.1', port: 5273, headers: ISOLATION },
  preview: { host: '127.0.0.1', port: 4273, headers: ISOLATION },
  // The worker is bundled on its own, with its own plugins: it imports the backends.
  worker: { format: 'es', plugins: () => backendPlugins() },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 1024 },
  plugins: [
    mnistData({ dir: dataDirFrom(process.argv, process.env, repoRoot) }),
    ...backendPlugins(),
  ],
});
