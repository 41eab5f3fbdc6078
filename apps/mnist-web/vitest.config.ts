import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';
import { optionalBackends } from './vite/optional-backends.js';

export default defineProject({
  // Backend packages that may be missing resolve to a module that throws (see src/candidates.ts).
  plugins: [optionalBackends({ names: ['webgpu', 'wasm'], workspaceRoot: fileURLToPath(new URL('../..', import.meta.url)) })],
  resolve: { alias: workspaceAliases },
  test: { name: 'mnist-web', include: ['test/**/*.test.ts'], environment: 'node', testTimeout: 30_000 },
});
