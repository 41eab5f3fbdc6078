/** The command line: flags, help, and the one-line errors with their exit codes. */
import '@tensorkit/backend-cpu/register';
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../src/args.js';
import { runCli, type Io } from '../src/cli.js';

function capture(): Io & { out: (l: string) => void; stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe('flags', () => {
  it('parses every flag (and a leading -- that pnpm forwards)', () => {
    expect(parseOptions(['--', '--quick', '--data-dir', 'd', '--backend', 'cpu', '--seed', '42'])).toEqual({
      quick: true, dataDir: 'd', backend: 'cpu', seed: 42, help: false,
    });
    expect(parseOptions([])).toEqual({ quick: false, dataDir: undefined, backend: undefined, seed: undefined, help: false });
  });

  it.each([
    [['--epochs', '3'], /Unknown option '--epochs'/],
    [['--seed', 'abc'], /--seed must be a non-negative integer, got 'abc'/],
    [['--seed', '-1'], /Option '--seed' argument is ambiguous/],
    [['--seed=-1'], /--seed must be a non-negative integer, got '-1'/],
    [['--seed', '1.5'], /--seed must be a non-negative integer/],
    [['--seed'], /--seed/],
    [['extra'], /positional argument/],
    [['--backend', 'no such'], /--backend must be a backend name/],
  ])('%j is a usage error: one line on stderr, exit 2', async (argv, message) => {
    const io = capture();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/^chapter2: /);
    expect(io.stderr[0]).toMatch(message);
    expect(io.stdout).toEqual([]);
  });

  it('an unknown backend is a usage error naming the available ones', async () => {
    const io = capture();
    expect(await runCli(['--backend', 'tpu'], io)).toBe(2);
    expect(io.stderr).toEqual([expect.stringMatching(/^chapter2: --backend: unknown backend 'tpu'; available: .*cpu/)]);
  });

  it('--help prints the usage and exits 0', async () => {
    const io = capture();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^usage: pnpm chapter2/);
    expect(io.stdout.join('\n')).toContain('--data-dir DIR');
  });
});

describe('missing data', () => {
  it('fails in one clear line with exit 1, before printing any cell', async () => {
    const io = capture();
    expect(await runCli(['--data-dir', '/nonexistent/mnist', '--backend', 'cpu'], io)).toBe(1);
    expect(io.stdout).toEqual([]);
    const errors = io.stderr.filter((l) => !l.startsWith('chapter2: TensorKit on'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^chapter2: cannot load MNIST: mnist: .* not found; .*\/nonexistent\/mnist/);
    expect(errors[0]).not.toContain('\n');
  });

  it('takes a relative --data-dir from the directory the command ran in', async () => {
    const io = { ...capture(), cwd: '/nonexistent' };
    expect(await runCli(['--data-dir', 'here'], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('/nonexistent/here');
  });
});
