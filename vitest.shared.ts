/**
 * Shared test settings: workspace packages resolve to their TypeScript sources, so tests run
 * without a build and report source lines.
 */
import { fileURLToPath } from 'node:url';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export const workspaceAliases = [
  { find: /^@tensorkit\/core$/, replacement: source('./packages/core/src/index.ts') },
  { find: /^@tensorkit\/backend-cpu\/register$/, replacement: source('./packages/backend-cpu/src/register.ts') },
  { find: /^@tensorkit\/backend-cpu$/, replacement: source('./packages/backend-cpu/src/index.ts') },
  { find: /^@tensorkit\/backend-wasm\/register$/, replacement: source('./packages/backend-wasm/src/register.ts') },
  { find: /^@tensorkit\/backend-wasm$/, replacement: source('./packages/backend-wasm/src/index.ts') },
  { find: /^@tensorkit\/backend-webgpu\/register$/, replacement: source('./packages/backend-webgpu/src/register.ts') },
  { find: /^@tensorkit\/backend-webgpu$/, replacement: source('./packages/backend-webgpu/src/index.ts') },
  { find: /^@tensorkit\/backend-native\/register$/, replacement: source('./packages/backend-native/src/register.ts') },
  { find: /^@tensorkit\/backend-native$/, replacement: source('./packages/backend-native/src/index.ts') },
  { find: /^@tensorkit\/conformance\/vitest$/, replacement: source('./packages/conformance/src/vitest.ts') },
  { find: /^@tensorkit\/conformance$/, replacement: source('./packages/conformance/src/index.ts') },
  { find: /^@tensorkit\/datasets$/, replacement: source('./packages/datasets/src/index.ts') },
];
