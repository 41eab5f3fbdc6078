import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

// Workspace packages resolve to their sources (no build needed). @tensorkit/datasets is added here
// in case the shared list does not name it.
const datasets = { find: /^@tensorkit\/datasets$/, replacement: fileURLToPath(new URL('../../packages/datasets/src/index.ts', import.meta.url)) };
const aliases = workspaceAliases.some((a) => String(a.find) === String(datasets.find)) ? workspaceAliases : [...workspaceAliases, datasets];

export default defineProject({
  resolve: { alias: aliases },
  test: { name: 'chapter2', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
