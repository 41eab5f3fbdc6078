import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/register.ts', 'src/bench.ts'],
  format: ['esm'],
  dts: { entry: ['src/index.ts', 'src/register.ts'] },
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
  external: ['@tensorkit/core', 'webgpu'],
});
