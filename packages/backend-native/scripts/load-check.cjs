'use strict';
/**
 * Whether a compiled addon loads in this Node, shared by the install step (is the prebuilt binary
 * usable here?) and `prepack` (is the binary about to be packed usable at all?). The check runs in a
 * child process: a binary that crashes or hangs while loading must not take the caller down.
 */
const { spawnSync } = require('node:child_process');

/** The ABI the loader (src/addon.ts) expects the addon to report. */
const ABI = 1;

/** Why the addon at `path` does not load (or speaks another ABI), or undefined when it loads. */
function loadProblem(path) {
  const check = spawnSync(process.execPath, ['-e', `process.stdout.write(String(require(${JSON.stringify(path)}).abi))`], { encoding: 'utf8' });
  if (check.error) return check.error.message;
  if (check.status !== 0) return (check.stderr || '').trim().split('\n').find((line) => /Error/.test(line)) || `exit ${check.status}`;
  return check.stdout === String(ABI) ? undefined : `ABI ${check.stdout}, expected ${ABI}`;
}

module.exports = { ABI, loadProblem };
