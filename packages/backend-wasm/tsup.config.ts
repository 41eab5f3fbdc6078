import { defineConfig } from 'tsup';

// `build` runs tsup first (which cleans dist/) and then scripts/build-wasm.mjs, which writes the
// four kernel binaries next to the bundles, where `new URL('./kernels.wasm', import.meta.url)` finds them.
export default defineConfig({
  entry: ['src/index.ts', 'src/register.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
  external: ['@tensorkit/core'],
});
