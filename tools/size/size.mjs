#!/usr/bin/env node
// Measures what a browser app ships: each library's entry points bundled by esbuild for the
// browser, minified, then gzipped. Every export is kept alive (a namespace import assigned to a
// global), so the figure is the whole library, not what one demo happens to use.
// Exits non-zero when TensorKit exceeds its budget.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const BUDGET_KB = 60;
const here = fileURLToPath(new URL('.', import.meta.url));

const entries = {
  'TensorKit core + backend-cpu': `
    import * as tk from '@tensorkit/core';
    import * as cpu from '@tensorkit/backend-cpu';
    import '@tensorkit/backend-cpu/register';
    globalThis.library = { tk, cpu };`,
  'TensorFlow.js core + backend-cpu + layers 4.22.0': `
    import * as tf from '@tensorflow/tfjs-core';
    import '@tensorflow/tfjs-backend-cpu';
    import * as layers from '@tensorflow/tfjs-layers';
    globalThis.library = { tf, layers };`,
};

async function measure(contents) {
  const result = await build({
    stdin: { contents, resolveDir: here, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

const kb = (bytes) => (bytes / 1024).toFixed(1);
const rows = [];
for (const [name, contents] of Object.entries(entries)) rows.push({ name, ...(await measure(contents)) });
console.log('| bundle | minified KB | gzipped KB |');
console.log('|---|---:|---:|');
for (const r of rows) console.log(`| ${r.name} | ${kb(r.minified)} | ${kb(r.gzipped)} |`);
const ours = rows[0].gzipped / 1024;
const ratio = rows[1].gzipped / rows[0].gzipped;
console.log(`\nTensorKit: ${ours.toFixed(1)} KB gzipped of a ${BUDGET_KB} KB budget; TensorFlow.js is ${ratio.toFixed(1)}x larger.`);
if (ours > BUDGET_KB) {
  console.error(`size: over budget by ${(ours - BUDGET_KB).toFixed(1)} KB`);
  process.exit(1);
}
