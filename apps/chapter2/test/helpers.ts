/** Running sections with everything they print captured, per cell. */
import type { DatasetSplits } from '@tensorkit/datasets';
import { lineSink, runCell, type Context, type Section } from '../src/notebook.js';

/** Where the real MNIST files are on the machines this project is developed on. */
export const MNIST_DIR = '/work/shared/datasets/mnist';

/** Runs every cell of `section` in order; returns what each printed, by cell number. */
export async function runSection(section: Section, options: { data?: () => Promise<DatasetSplits>; quick?: boolean } = {}): Promise<Map<number, string>> {
  const printed = new Map<number, string>();
  let lines: string[] = [];
  const print = (line = '') => {
    lines.push(line);
  };
  const sink = lineSink(print);
  const ctx: Context = {
    print,
    progress: sink,
    data: options.data ?? (() => Promise.reject(new Error('this test gives no data'))),
    quick: options.quick ?? true,
  };
  try {
    for (const item of section.items) {
      if (item.kind !== 'cell') continue;
      lines = [];
      await runCell(item, ctx);
      sink.flush();
      printed.set(item.number, lines.join('\n'));
    }
  } finally {
    section.dispose();
  }
  return printed;
}

/** A small fake MNIST: `n` images of 28x28 bytes and labels, for cells that only reshape. */
export function fakeMnist(n: number): DatasetSplits {
  const split = () => ({
    images: { data: Uint8Array.from({ length: n * 784 }, (_, i) => i % 256), shape: [n, 28, 28] as const },
    labels: Uint8Array.from({ length: n }, (_, i) => i % 10),
  });
  return { train: split(), test: split() };
}
