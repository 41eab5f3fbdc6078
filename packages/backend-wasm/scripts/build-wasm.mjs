// Compiles assembly/kernels.ts with AssemblyScript into the four shipped binaries:
// single-threaded and shared-memory (threads), each with and without relaxed SIMD.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
// 65536 pages = 4 GiB, the most wasm32 can address; shared memories must declare a maximum.
const MAX_PAGES = '65536';
const variants = [
  { out: 'kernels.wasm', flags: [] },
  { out: 'kernels-relaxed.wasm', flags: ['--enable', 'relaxed-simd'] },
  { out: 'kernels-mt.wasm', flags: ['--enable', 'threads', '--sharedMemory', '--maximumMemory', MAX_PAGES] },
  { out: 'kernels-mt-relaxed.wasm', flags: ['--enable', 'threads', '--enable', 'relaxed-simd', '--sharedMemory', '--maximumMemory', MAX_PAGES] },
];
mkdirSync(join(root, 'dist'), { recursive: true });
for (const v of variants) {
  const args = [asc, 'assembly/kernels.ts', '-o', join('dist', v.out), '-O3', '--noAssert', '--runtime', 'stub',
    '--enable', 'simd', '--importMemory', '--initialMemory', '1', '--use', 'abort=', ...v.flags];
  execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
}
console.log(`build-wasm: ${variants.map((v) => v.out).join(', ')} in dist/`);
