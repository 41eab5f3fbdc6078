/**
 * Many backends in one process. Dawn's Node binding aborted ("terminate called after throwing an
 * instance of 'std::system_error'") or segfaulted, usually at exit, after 20-40 devices were each
 * made from a fresh Dawn instance and destroyed without the event loop turning in between. A crash at
 * exit cannot be seen from inside the process, so this runs the backend in a child process (bundled
 * from the sources with esbuild) and checks that it exits cleanly.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const CHILD = `import { WebGpuBackend } from './src/index.ts';
for (let i = 0; i < 40; i++) (await WebGpuBackend.create()).destroy();
const b = await WebGpuBackend.create();
const values = await b.read(b.write(new Float32Array([7]), 'float32', [1]), 'float32', 1);
b.destroy();
console.log('read ' + values[0]);
`;

describe('Dawn instances', () => {
  it('a process that creates and destroys 40 backends back to back exits cleanly', async () => {
    // Written inside the package so that the bundle's import of 'webgpu' (left external: Dawn's
    // native binding) resolves to this package's dependency, as it does for users.
    const script = here(`../.instances-test-${process.pid}.mjs`);
    try {
      await build({
        stdin: { contents: CHILD, resolveDir: here('..'), sourcefile: 'child.ts', loader: 'ts' },
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        outfile: script,
        alias: { '@tensorkit/core': here('../../core/src/index.ts') },
        external: ['webgpu'],
        logLevel: 'silent',
      });
      const child = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 90_000 });
      const outcome = { status: child.status, signal: child.signal, readBack: /read 7/.test(child.stdout) };
      expect(outcome, child.stderr.slice(-2000)).toEqual({ status: 0, signal: null, readBack: true });
    } finally {
      rmSync(script, { force: true });
    }
  }, 120_000);
});
