import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: { name: 'mnist', include: ['test/**/*.test.ts'], testTimeout: 120_000 },
});
