import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Builds the wasm binaries from assembly/ when any is missing or stale (tests run on the TS sources). */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const files = ['kernels.wasm', 'kernels-relaxed.wasm', 'kernels-mt.wasm', 'kernels-mt-relaxed.wasm'].map((f) => `${root}dist/${f}`);
  const newest = Math.max(...readdirSync(`${root}assembly`).map((f) => statSync(`${root}assembly/${f}`).mtimeMs), statSync(`${root}scripts/build-wasm.mjs`).mtimeMs);
  if (files.every((f) => existsSync(f) && statSync(f).mtimeMs >= newest)) return;
  execFileSync(process.execPath, [`${root}scripts/build-wasm.mjs`], { cwd: root, stdio: 'inherit' });
}
