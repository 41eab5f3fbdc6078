import { defineConfig } from 'tsup';
import { library } from '../../tsup.library.js';

export default defineConfig({
  ...library,
  entry: ['src/index.ts', 'src/register.ts', 'src/bench.ts'],
  dts: { entry: ['src/index.ts', 'src/register.ts'] }, // not for the bench script
  external: ['@tensorkit/core', 'webgpu'],
});
