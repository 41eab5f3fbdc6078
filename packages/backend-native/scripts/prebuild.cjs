#!/usr/bin/env node
/**
 * Puts this platform's binary into prebuilds/<platform>-<arch>/ so the packed package carries it
 * (runs as `prepack`; node-gyp-build / prebuildify layout). The binary uses N-API version 8 only, so
 * one file serves every Node version from 20 on, and it is compiled without -march=native (the GEMM
 * picks AVX-512, AVX2 or portable code at run time), so it runs on any CPU of its architecture.
 *
 * To publish binaries for more platforms, run `pnpm --filter @tensorkit/backend-native build:native`
 * then this script on each platform and gather their prebuilds/ folders before `pnpm publish`.
 *
 * The binary is loaded (in a child process) and its ABI checked before it is copied: a package must
 * never ship a binary that does not load. Without a built binary, the package is packed without a
 * prebuild for this platform and says so (users then build from source at install).
 */
'use strict';
const { copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { ABI, loadProblem } = require('./load-check.cjs');

const root = join(__dirname, '..');
const target = `${process.platform}-${process.arch}`;
const built = join(root, 'build', 'Release', 'tensorkit_native.node');

function main() {
  if (!existsSync(built)) {
    console.warn(`@tensorkit/backend-native: no ${built}; packing without a prebuilt binary for ${target}`);
    return;
  }
  const problem = loadProblem(built);
  if (problem) {
    console.error(`@tensorkit/backend-native: ${built} does not load (${problem}); not packing it`);
    process.exitCode = 1;
    return;
  }
  const dir = join(root, 'prebuilds', target);
  mkdirSync(dir, { recursive: true });
  const destination = join(dir, 'tensorkit_native.node');
  // Copy then rename, so an interrupted copy never leaves a half-written binary under the final name.
  copyFileSync(built, `${destination}.tmp`);
  renameSync(`${destination}.tmp`, destination);
  writeFileSync(join(dir, 'build-info.json'), `${JSON.stringify({ target, abi: ABI, napiVersion: 8, builtWithNode: process.version }, null, 2)}\n`);
  console.log(`@tensorkit/backend-native: packed the prebuilt binary ${destination}`);
}

main();
