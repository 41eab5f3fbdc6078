import { defineConfig } from 'tsup';
import { library } from '../../tsup.library.js';

export default defineConfig({
  ...library,
  entry: ['src/index.ts', 'src/browser.ts'],
  // Keep `node:fs` etc. as written: unambiguous for bundlers and Deno, and Node 20 supports them all.
  removeNodeProtocol: false,
});
