import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/vitest.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: { entry: ['src/index.ts', 'src/vitest.ts'] },
  clean: true,
  sourcemap: true,
  target: 'es2022',
  external: ['@tensorkit/core', 'vitest', 'fast-check'],
});
