import { defineConfig } from 'tsup';
import { library } from '../../tsup.library.js';

// `build` runs tsup first (which cleans dist/) and then scripts/build-wasm.mjs, which writes the
// four kernel binaries next to the bundles, where `new URL('./kernels.wasm', import.meta.url)` finds them.
export default defineConfig({
  ...library,
  entry: ['src/index.ts', 'src/register.ts'],
  external: ['@tensorkit/core'],
});
