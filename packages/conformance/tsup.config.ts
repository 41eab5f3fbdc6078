import { defineConfig } from 'tsup';
import { library } from '../../tsup.library.js';

export default defineConfig({
  ...library,
  entry: ['src/index.ts', 'src/vitest.ts', 'src/cli.ts'],
  dts: { entry: ['src/index.ts', 'src/vitest.ts'] }, // not for the command line
  external: ['@tensorkit/core', 'vitest', 'fast-check'],
});
