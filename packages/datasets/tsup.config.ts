import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/browser.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
  // Keep `node:fs` etc. as written: unambiguous for bundlers and Deno, and Node 20 supports them all.
  removeNodeProtocol: false,
});
