import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    alias: [
      ...workspaceAliases,
      { find: /^@tensorkit\/backend-webgpu\/register$/, replacement: source('./src/register.ts') },
      { find: /^@tensorkit\/backend-webgpu$/, replacement: source('./src/index.ts') },
    ],
  },
  test: {
    name: 'backend-webgpu',
    include: ['test/**/*.test.ts'],
    // Software WebGPU (SwiftShader) compiles each pipeline on the CPU: allow slow first runs.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
