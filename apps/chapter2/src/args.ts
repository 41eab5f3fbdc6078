/** Command-line flags of `pnpm chapter2`, each mistake reported in one line (exit code 2). */
import { parseArgs } from 'node:util';

export interface Options {
  readonly quick: boolean;
  readonly dataDir?: string;
  readonly backend?: string;
  readonly seed?: number;
  readonly help: boolean;
}

/** A mistake in the flags. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Training samples with `--quick`. */
export const QUICK_SAMPLES = 6000;

export const USAGE = `usage: pnpm chapter2 [options]

Runs every code cell of chapter 2 of Deep Learning with Python (the notebook
chapter02_mathematical-building-blocks) on TensorKit, in order, printing what the notebook prints.

  --quick           short trainings: 1 epoch on the first ${QUICK_SAMPLES} training images, for both
                    the Keras-style model (cell 43) and the from-scratch one (cell 52)
  --data-dir DIR    read the four MNIST files from DIR (otherwise TENSORKIT_DATA_DIR, the cache
                    ~/.cache/tensorkit, or a download into it)
  --backend NAME    the TensorKit backend to run on (default: the best available, or TENSORKIT_BACKEND)
  --seed N          seed the random numbers (weights, shuffling, the random arrays) for a
                    reproducible run; by default they differ per run, as in the notebook
  -h, --help        show this help`;

/** Parses `argv` (without node and the script); throws `UsageError`. */
export function parseOptions(argv: readonly string[]): Options {
  // `pnpm chapter2 -- --quick` and pnpm's own `--` forwarding both reach here as a leading `--`.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean' },
        'data-dir': { type: 'string' },
        backend: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const v = parsed.values;
  let seed: number | undefined;
  if (v.seed !== undefined) {
    seed = Number(v.seed);
    if (v.seed.trim() === '' || !Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got '${v.seed}'`);
  }
  if (v['data-dir'] !== undefined && v['data-dir'].trim() === '') throw new UsageError('--data-dir needs a directory');
  if (v.backend !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(v.backend)) throw new UsageError(`--backend must be a backend name such as cpu, got '${v.backend}'`);
  return { quick: v.quick ?? false, dataDir: v['data-dir'], backend: v.backend, seed, help: v.help ?? false };
}
