import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  clean: true,
  sourcemap: true,
  // The workspace packages are used as built (their dist/), exactly as a user of them gets them.
  external: [/^@tensorkit\//],
  banner: { js: '#!/usr/bin/env node' },
});
