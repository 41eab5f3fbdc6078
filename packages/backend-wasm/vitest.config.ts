import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    alias: [
      ...workspaceAliases,
      { find: /^@tensorkit\/backend-wasm\/register$/, replacement: source('./src/register.ts') },
      { find: /^@tensorkit\/backend-wasm$/, replacement: source('./src/index.ts') },
    ],
  },
  test: {
    name: 'backend-wasm',
    include: ['test/**/*.test.ts'],
    // Builds the kernel binaries (dist/*.wasm) when missing or older than assembly/.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
  },
});
