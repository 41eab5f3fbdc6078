/** Command-line flags of `pnpm mnist`, checked with one clear message per mistake. */
import { parseArgs } from 'node:util';

/** What the user asked for. */
export interface Options {
  readonly backend?: string;
  readonly dataset: 'mnist' | 'fashion-mnist';
  readonly dataDir?: string;
  readonly epochs?: number;
  readonly batchSize: number;
  readonly limit?: number;
  readonly seed: number;
  readonly save?: string;
  readonly json: boolean;
  readonly fromScratch: boolean;
  readonly help: boolean;
}

/** A mistake in the flags (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: pnpm mnist [options]

Trains the chapter-2 model (dense 512 relu, dense 10 softmax; rmsprop; sparse categorical
cross-entropy) and prints the test accuracy.

  --backend NAME        cpu, wasm, webgpu or native (default: the best available, or TENSORKIT_BACKEND)
  --dataset NAME        mnist (default) or fashion-mnist
  --data-dir DIR        read the four idx files from DIR (otherwise: TENSORKIT_DATA_DIR, the cache, a download)
  --epochs N            default 5 (10 with --from-scratch)
  --batch-size N        default 128
  --limit N             train on the first N training samples
  --seed N              seed for initial weights and shuffling (default 42)
  --save FILE           save the trained model (FILE.safetensors weights + FILE.json config)
  --json                print one JSON object with the results as the last line
  --from-scratch        the chapter's second half: the model built from core ops and GradientTape
  -h, --help            show this help`;

function positiveInteger(flag: string, value: string | undefined, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new UsageError(`${flag} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got '${value}'`);
  }
  return n;
}

/** Parses `argv` (without node and the script). */
export function parseOptions(argv: readonly string[]): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        backend: { type: 'string' },
        dataset: { type: 'string' },
        'data-dir': { type: 'string' },
        epochs: { type: 'string' },
        'batch-size': { type: 'string' },
        limit: { type: 'string' },
        seed: { type: 'string' },
        save: { type: 'string' },
        json: { type: 'boolean' },
        'from-scratch': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const v = parsed.values;
  const dataset = v.dataset ?? 'mnist';
  if (dataset !== 'mnist' && dataset !== 'fashion-mnist') throw new UsageError(`--dataset must be mnist or fashion-mnist, got '${dataset}'`);
  return {
    backend: v.backend,
    dataset,
    dataDir: v['data-dir'],
    epochs: positiveInteger('--epochs', v.epochs),
    batchSize: positiveInteger('--batch-size', v['batch-size']) ?? 128,
    limit: positiveInteger('--limit', v.limit),
    seed: positiveInteger('--seed', v.seed, true) ?? 42,
    save: v.save,
    json: v.json ?? false,
    fromScratch: v['from-scratch'] ?? false,
    help: v.help ?? false,
  };
}
