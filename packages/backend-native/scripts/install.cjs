#!/usr/bin/env node
/**
 * Install step of @tensorkit/backend-native. Never fails the install and never downloads:
 * 1. a prebuilt binary in prebuilds/<platform>-<arch>/ is used when it loads here (unless --force);
 *    one that does not (another libc, say) is ignored and the addon is built instead;
 * 2. otherwise the addon is built from native/ with node-gyp, Node's headers taken from the running
 *    Node's install prefix (--nodedir), so nothing is fetched;
 * 3. if that is impossible (no compiler, no headers, unsupported platform) the reason is printed and
 *    written to build/install-status.json, and the script exits 0: the backend's factory then throws
 *    with that reason, and `ready()` picks the next backend.
 */
'use strict';
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { spawnSync } = require('node:child_process');
const { loadProblem } = require('./load-check.cjs');

const root = join(__dirname, '..');
const force = process.argv.includes('--force');
const target = `${process.platform}-${process.arch}`;

function report(ok, message) {
  try {
    mkdirSync(join(root, 'build'), { recursive: true });
    writeFileSync(join(root, 'build', 'install-status.json'), JSON.stringify({ ok, message, target, node: process.version }, null, 2));
  } catch {
    // a read-only install directory: the message on stderr is all we can leave
  }
  (ok ? console.log : console.warn)(`@tensorkit/backend-native: ${message}`);
}

function main() {
  const prebuild = join(root, 'prebuilds', target, 'tensorkit_native.node');
  if (!force && existsSync(prebuild)) {
    const problem = loadProblem(prebuild);
    if (!problem) return report(true, `using the prebuilt binary ${prebuild}`);
    console.warn(`@tensorkit/backend-native: the prebuilt binary ${prebuild} does not load here (${problem}); building from source`);
  }
  if (process.env.TENSORKIT_NATIVE_SKIP_BUILD) return report(false, 'build skipped (TENSORKIT_NATIVE_SKIP_BUILD is set); the native backend is unavailable');
  if (!['linux', 'darwin', 'win32'].includes(process.platform)) return report(false, `unsupported platform ${target}; the native backend is unavailable`);
  let gyp;
  try {
    gyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] });
  } catch {
    return report(false, 'node-gyp is not installed, so the addon cannot be built from source; the native backend is unavailable');
  }
  const nodedir = process.env.npm_config_nodedir || dirname(dirname(process.execPath));
  if (!existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) {
    return report(false, `Node's headers were not found in ${nodedir}/include/node (set npm_config_nodedir); not downloading them; the native backend is unavailable`);
  }
  const started = Date.now();
  const result = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--release'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, npm_config_nodedir: nodedir },
  });
  if (result.error) return report(false, `node-gyp could not run (${result.error.message}); the native backend is unavailable`);
  if (result.status !== 0) {
    return report(false, `building the addon failed (node-gyp exited with ${result.status}; is a C++ compiler installed? CXX=${process.env.CXX ?? 'default'}); the native backend is unavailable`);
  }
  const built = join(root, 'build', 'Release', 'tensorkit_native.node');
  if (!existsSync(built)) return report(false, `node-gyp succeeded but ${built} is missing; the native backend is unavailable`);
  report(true, `built ${built} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (error) {
  report(false, `unexpected error while installing (${error && error.message}); the native backend is unavailable`);
}
process.exitCode = 0;
