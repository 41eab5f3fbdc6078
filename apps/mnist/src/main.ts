/**
 * `pnpm mnist`: trains the chapter-2 MNIST model on a TensorKit backend and prints the test
 * accuracy; `--json` adds one machine-readable line. Mistakes in flags exit with 2, missing data or
 * a backend that cannot run with 1, each with one clear line on stderr.
 */
import { setSeed } from '@tensorkit/core';
import { activateBackend } from './backends.js';
import { loadTensors } from './data.js';
import { trainFromScratch } from './from-scratch.js';
import { trainKerasModel } from './keras-model.js';
import { parseOptions, USAGE, UsageError } from './args.js';

async function main(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const backend = await activateBackend(options.backend);
  setSeed(options.seed);
  const print = options.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
  const { train, test } = await loadTensors(options);
  print(`${options.dataset}: ${train.images.shape[0]} training and ${test.images.shape[0]} test images on the ${backend} backend`);
  const epochs = options.epochs ?? (options.fromScratch ? 10 : 5);
  let result: { epochSeconds: number[]; loss: number; accuracy: number | null; testAccuracy: number };
  if (options.fromScratch) {
    const run = await trainFromScratch(train, test, { epochs, batchSize: options.batchSize, print });
    result = { epochSeconds: run.epochSeconds, loss: run.lastLoss, accuracy: null, testAccuracy: run.testAccuracy };
    if (options.save) print('--save applies to the Keras-style model; the from-scratch model is not saved');
    run.dispose();
  } else {
    const run = await trainKerasModel(train, test, { epochs, batchSize: options.batchSize, quiet: options.json });
    const last = (name: string) => run.history.history[name]?.at(-1) ?? NaN;
    result = { epochSeconds: run.history.epochSeconds, loss: last('loss'), accuracy: last('accuracy'), testAccuracy: run.testAccuracy };
    if (options.save) {
      await run.model.save(options.save);
      print(`saved the model to ${options.save}`);
    }
    run.model.dispose();
  }
  for (const split of [train, test]) {
    split.images.dispose();
    split.labels.dispose();
  }
  console.log(`test accuracy: ${result.testAccuracy.toFixed(4)}`);
  if (options.json) {
    console.log(JSON.stringify({ backend, dataset: options.dataset, epochs, fromScratch: options.fromScratch, ...result }));
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`mnist: ${message}`);
  if (error instanceof UsageError) console.error('run pnpm mnist --help for the flags');
  process.exit(error instanceof UsageError ? 2 : 1);
});
