#!/usr/bin/env node
/**
 * `dev` and `preview` with the app's own flags, which Vite's CLI would reject:
 *   node scripts/serve.mjs dev|preview [--data-dir DIR] [--port N] [--host H] [--open]
 * --data-dir sets TENSORKIT_DATA_DIR for vite.config.ts (the MNIST files served at /data/mnist/).
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    open: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const mode = positionals[0] ?? 'dev';
if (values.help || !['dev', 'preview'].includes(mode)) {
  console.log('usage: node scripts/serve.mjs dev|preview [--data-dir DIR] [--port N] [--host H] [--open]');
  process.exit(values.help ? 0 : 2);
}
if (values['data-dir']) process.env.TENSORKIT_DATA_DIR = resolve(values['data-dir']);
const root = fileURLToPath(new URL('..', import.meta.url));
const overrides = { ...(values.port ? { port: Number(values.port) } : {}), ...(values.host ? { host: values.host } : {}), ...(values.open ? { open: true } : {}) };
const vite = await import('vite');
const server = mode === 'dev' ? await vite.createServer({ root, server: overrides }) : await vite.preview({ root, preview: overrides });
if (mode === 'dev') await server.listen();
server.printUrls();
server.bindCLIShortcuts?.({ print: true });
