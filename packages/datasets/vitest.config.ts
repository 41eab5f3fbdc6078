import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: { name: 'datasets', include: ['test/**/*.test.ts'], setupFiles: ['test/setup.ts'] },
});
