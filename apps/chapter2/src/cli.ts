/**
 * The command line, separate from the process so tests can run it: parses the flags, picks the
 * backend, seeds, loads MNIST, and runs the notebook. Returns the exit code: 0, 1 for a failure
 * (missing data, a backend that cannot start), 2 for wrong flags.
 */
import { isAbsolute, resolve } from 'node:path';
import { getBackendName, listBackends, ready, setBackend, setSeed, type ProgressSink } from '@tensorkit/core';
import { DatasetError } from '@tensorkit/datasets';
import { parseOptions, QUICK_SAMPLES, USAGE, UsageError, type Options } from './args.js';
import { broadcasting } from './cells/broadcasting.js';
import { elementWise } from './cells/element-wise.js';
import { firstExample } from './cells/first-example.js';
import { fromScratch } from './cells/from-scratch.js';
import { gradientTape } from './cells/gradient-tape.js';
import { reshaping } from './cells/reshaping.js';
import { tensorProduct } from './cells/tensor-product.js';
import { mnistLoader } from './data.js';
import { lineSink, runNotebook, type Section } from './notebook.js';

/** Where the command writes. */
export interface Io {
  /** Standard output, one line at a time (what the notebook prints). */
  out(line: string): void;
  /** Standard error, one line at a time (usage, errors, notes). */
  err(line: string): void;
  /** Where the live training bar goes in a terminal; without one, progress is printed as lines. */
  readonly terminal?: ProgressSink;
  /** The directory relative paths are taken from (default: the process's). */
  readonly cwd?: string;
}

/** Every section of the notebook, in order. */
export function notebookSections(): Section[] {
  return [elementWise(), broadcasting(), tensorProduct(), reshaping(), gradientTape(), firstExample(), fromScratch()];
}

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/** Makes `--backend NAME` (or the best backend) active; returns its name. */
async function activateBackend(requested: string | undefined): Promise<string> {
  if (requested === undefined) {
    await ready();
    return getBackendName() ?? 'unknown';
  }
  if (!listBackends().some((b) => b.name === requested)) {
    // Another backend package, when installed beside the app, registers itself on import.
    try {
      await import(`@tensorkit/backend-${requested}/register`);
    } catch {
      // not installed: reported below
    }
  }
  const names = listBackends().map((b) => b.name);
  if (!names.includes(requested)) throw new UsageError(`--backend: unknown backend '${requested}'; available: ${names.join(', ')}`);
  await setBackend(requested);
  return requested;
}

/** Runs `pnpm chapter2 ARGS`; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    io.err(`chapter2: ${firstLine(error)} (see --help)`);
    return 2;
  }
  if (options.help) {
    USAGE.split('\n').forEach((line) => io.out(line));
    return 0;
  }

  let backend: string;
  try {
    backend = await activateBackend(options.backend);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`chapter2: ${error.message}`);
      return 2;
    }
    io.err(`chapter2: cannot start the backend: ${firstLine(error)}`);
    return 1;
  }
  if (options.seed !== undefined) setSeed(options.seed);

  const cwd = io.cwd ?? process.cwd();
  const dir = options.dataDir === undefined ? undefined : isAbsolute(options.dataDir) ? options.dataDir : resolve(cwd, options.dataDir);
  const data = mnistLoader({ dir, trainLimit: options.quick ? QUICK_SAMPLES : undefined });
  io.err(
    `chapter2: TensorKit on the ${backend} backend, ${options.seed === undefined ? 'unseeded' : `seed ${options.seed}`}` +
      `${options.quick ? `, --quick (1 epoch on ${QUICK_SAMPLES} training images)` : ''}`,
  );
  // MNIST is loaded before anything runs, so that missing data fails at once, in one line.
  try {
    await data();
  } catch (error) {
    const hint = dir === undefined ? '; use --data-dir DIR to read the four MNIST files from DIR' : '';
    io.err(`chapter2: cannot load MNIST: ${firstLine(error)}${error instanceof DatasetError ? hint : ''}`);
    return 1;
  }

  const sink = io.terminal ?? lineSink(io.out);
  try {
    await runNotebook(notebookSections(), { print: (line = '') => io.out(line), progress: sink, data, quick: options.quick });
  } catch (error) {
    io.err(`chapter2: ${firstLine(error)}`);
    return 1;
  } finally {
    if ('flush' in sink && typeof sink.flush === 'function') (sink.flush as () => void)();
  }
  return 0;
}
