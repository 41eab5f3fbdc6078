import type { Options } from 'tsup';

/**
 * The build every published package shares (each package's tsup.config.ts adds its entries and
 * externals): ESM only, with declaration files and source maps, for ES2022 runtimes (Node 20,
 * current browsers), tree-shaken, into a freshly cleaned dist/.
 */
export const library = {
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
} satisfies Options;
