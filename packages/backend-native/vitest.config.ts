import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    alias: [
      ...workspaceAliases,
      { find: /^@tensorkit\/backend-native\/register$/, replacement: source('./src/register.ts') },
      { find: /^@tensorkit\/backend-native$/, replacement: source('./src/index.ts') },
    ],
  },
  test: { name: 'backend-native', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
