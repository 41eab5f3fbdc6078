import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  clean: true,
  sourcemap: true,
  dts: false,
  // Never bundle what is measured: TensorKit must be the built workspace packages (their dist/),
  // and TensorFlow.js must be the published build, exactly as users get them.
  external: [/^@tensorkit\//, /^@tensorflow\//],
  // ...except tfjs' gradient registrations, which it publishes only for bundlers (see
  // src/families/tfjs-gradients.ts).
  noExternal: ['@tensorflow/tfjs-core/dist/register_all_gradients'],
});
