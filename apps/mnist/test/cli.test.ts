/** End-to-end: the built CLI run as a process, as a user runs it (`pnpm build` first; `pnpm test` does). */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const mnistDir = fileURLToPath(new URL('../../../../shared/datasets/mnist', import.meta.url));

async function mnist(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env: { ...process.env, TENSORKIT_BACKEND: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pnpm mnist', () => {
  it('is built', () => {
    expect(existsSync(cli), `${cli} is missing: run pnpm build`).toBe(true);
  });

  it('trains on a slice of real MNIST and reports JSON as its last line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-mnist-'));
    const save = join(dir, 'model.safetensors');
    const { code, stdout, stderr } = await mnist('--limit', '2000', '--epochs', '1', '--json', '--data-dir', mnistDir, '--backend', 'cpu', '--save', save);
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.at(-2)).toMatch(/^test accuracy: 0\.\d{4}$/);
    const report = JSON.parse(lines.at(-1)!);
    expect(report).toMatchObject({ backend: 'cpu', dataset: 'mnist', epochs: 1 });
    expect(report.epochSeconds).toHaveLength(1);
    expect(report.epochSeconds[0]).toBeGreaterThan(0);
    expect(report.loss).toBeGreaterThan(0);
    // One epoch on 2000 images already separates the digits far above chance (0.1).
    expect(report.accuracy).toBeGreaterThan(0.5);
    expect(report.testAccuracy).toBeGreaterThan(0.75);
    expect(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).className).toBe('Sequential');
    expect(existsSync(save)).toBe(true);
  });

  it('runs the chapter from scratch on a slice', async () => {
    const { code, stdout, stderr } = await mnist('--from-scratch', '--limit', '6400', '--epochs', '1', '--json', '--data-dir', mnistDir);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/one step of plain SGD \(learning rate 1e-3\): loss \d+\.\d\d/);
    expect(stderr).toMatch(/Epoch 1\nloss at batch 0: \d+\.\d\d/);
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(report).toMatchObject({ fromScratch: true, epochs: 1 });
    // 50 steps from the chapter's poor initialisation (uniform [0, 0.1)) already beat chance (0.1) well.
    expect(report.testAccuracy).toBeGreaterThan(0.5);
    expect(stderr).not.toMatch(/garbage-collected without dispose/);
  });

  it('gives one clear line and exit code 2 for bad flags', async () => {
    for (const args of [['--epochs', 'three'], ['--dataset', 'cifar'], ['--frobnicate']]) {
      const { code, stderr } = await mnist(...args);
      expect(code).toBe(2);
      expect(stderr.split('\n')[0]).toMatch(/^mnist: /);
    }
  });

  it('gives one clear line and exit code 1 for missing data or an unknown backend', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tk-empty-'));
    const missing = await mnist('--data-dir', empty, '--epochs', '1');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^mnist: .*train-images-idx3-ubyte/);
    const backend = await mnist('--backend', 'quantum', '--data-dir', mnistDir);
    expect(backend.code).toBe(1);
    expect(backend.stderr).toMatch(/^mnist: backend 'quantum' is not installed/);
  });
});
