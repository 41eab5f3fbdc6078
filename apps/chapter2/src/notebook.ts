/**
 * The notebook's shape: headings and code cells in order. Each section module builds its items
 * (cells share the section's variables through closures, as a notebook's cells share its globals)
 * and cells print through the context's `print`, so tests can capture what they print.
 */
import { keep, tidyAsync, type ProgressSink, type Tensor } from '@tensorkit/core';
import type { DatasetSplits } from '@tensorkit/datasets';

/** What every cell gets. */
export interface Context {
  /** Prints one line (it may hold newlines: a multi-line value). */
  print(line?: string): void;
  /** Where Keras-style training progress goes (cell 43's `model.fit`). */
  readonly progress: ProgressSink;
  /** The MNIST splits, loaded once through `@tensorkit/datasets` (cells 28, 39 and 52). */
  data(): Promise<DatasetSplits>;
  /** `--quick`: one epoch for both trainings (on the training samples `data()` returns). */
  readonly quick: boolean;
}

/** A code cell: `In [n]:` and what it runs. */
export interface Cell {
  readonly kind: 'cell';
  /** The notebook's execution count (`In [2]:`). */
  readonly number: number;
  run(ctx: Context): void | Promise<void>;
}

/** A markdown heading of the notebook (`### Element-wise operations`). */
export interface Heading {
  readonly kind: 'heading';
  readonly text: string;
}

export type Item = Cell | Heading;

/** A section of the notebook: its items, and what to free when it is done. */
export interface Section {
  readonly name: string;
  readonly items: readonly Item[];
  /** Frees the tensors and variables the section's cells kept (its "globals"). */
  dispose(): void;
}

export const cell = (number: number, run: Cell['run']): Cell => ({ kind: 'cell', number, run });
export const heading = (text: string): Heading => ({ kind: 'heading', text });

/** The label the notebook shows above a cell. */
export const label = (c: Cell): string => `In [${c.number}]:`;

/**
 * Runs one cell. Every tensor it creates is freed when it ends (`tidyAsync`) except those it
 * keeps for later cells with its section's `own()`.
 */
export async function runCell(c: Cell, ctx: Context): Promise<void> {
  await tidyAsync(() => c.run(ctx));
}

/**
 * A section's globals: `own(t)` keeps a tensor (or variable) past its cell's end, `dispose()`
 * frees them all when the section is done.
 */
export function owner(): { own<T extends Tensor>(t: T): T; dispose(): void } {
  const owned: Tensor[] = [];
  return {
    own<T extends Tensor>(t: T): T {
      owned.push(keep(t));
      return t;
    },
    dispose() {
      owned.forEach((t) => t.dispose());
      owned.length = 0;
    },
  };
}

/**
 * Runs the sections in order: each heading, then each cell's label and what it prints, each
 * followed by a blank line, as the notebook reads.
 */
export async function runNotebook(sections: readonly Section[], ctx: Context): Promise<void> {
  for (const section of sections) {
    try {
      for (const item of section.items) {
        if (item.kind === 'heading') {
          ctx.print(item.text);
        } else {
          ctx.print(label(item));
          await runCell(item, ctx);
        }
        ctx.print('');
      }
    } finally {
      section.dispose();
    }
  }
}

/**
 * A progress sink that turns what a terminal would show into printed lines: each line's last
 * redraw (after its last `\r`), without colours. Keras' bar then prints as in the notebook:
 * `469/469 ━━━━━━━━━━━━━━━━━━━━ 3s 3ms/step - accuracy: 0.8713 - loss: 0.4440`.
 */
export function lineSink(print: (line: string) => void): ProgressSink & { flush(): void } {
  let pending = '';
  const clean = (line: string) => {
    const lastRedraw = line.lastIndexOf('\r');
    // eslint-disable-next-line no-control-regex
    return (lastRedraw >= 0 ? line.slice(lastRedraw + 1) : line).replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  };
  return {
    isTTY: false,
    write(text: string) {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) print(clean(line));
      return true;
    },
    flush() {
      if (pending !== '') print(clean(pending));
      pending = '';
    },
  };
}
