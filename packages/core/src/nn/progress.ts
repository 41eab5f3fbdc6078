/**
 * Keras' progress output: in a terminal, one bar per epoch redrawn in place
 * (`469/469 ━━━━━━━━━━━━━━━━━━━━ 3s 3ms/step - accuracy: 0.8713 - loss: 0.4440`); elsewhere (a log
 * file, CI) one plain line per epoch.
 */
import { now } from '../clock.js';
import type { Logs } from './callbacks.js';

/** Where progress goes: a writable with an optional TTY flag (Node's `process.stdout` fits). */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const WIDTH = 20;

/** Logs as Keras prints them: sorted by name, four decimals. */
export function formatLogs(logs: Logs): string {
  return Object.keys(logs)
    .filter((k) => k !== 'seconds')
    .sort()
    .map((k) => ` - ${k}: ${logs[k].toFixed(4)}`)
    .join('');
}

/** `3s 3ms/step`, `0s 850us/step` as Keras rounds them. */
export function formatTiming(seconds: number, steps: number): string {
  const perStep = seconds / Math.max(steps, 1);
  const unit = perStep >= 1 ? `${Math.round(perStep)}s/step` : perStep >= 1e-3 ? `${Math.round(perStep * 1e3)}ms/step` : `${Math.round(perStep * 1e6)}us/step`;
  return `${Math.round(seconds)}s ${unit}`;
}

/** Draws one epoch's progress. */
export class ProgressBar {
  readonly #sink: ProgressSink;
  readonly #steps: number;
  readonly #interactive: boolean;
  readonly #start = now();
  #lastDraw = 0;

  constructor(sink: ProgressSink, steps: number, interactive: boolean) {
    this.#sink = sink;
    this.#steps = steps;
    this.#interactive = interactive;
  }

  /** Updates after `step` (1-based) steps; redraws at most every 50 ms in a terminal. */
  update(step: number, logs: Logs): void {
    if (!this.#interactive) return;
    const time = now();
    if (step < this.#steps && time - this.#lastDraw < 50) return;
    this.#lastDraw = time;
    const elapsed = (time - this.#start) / 1000;
    const done = Math.round((WIDTH * step) / this.#steps);
    const bar = `\x1b[32m${'━'.repeat(done)}\x1b[0m\x1b[2m${'━'.repeat(WIDTH - done)}\x1b[0m`;
    const counter = `${String(step).padStart(String(this.#steps).length)}/${this.#steps}`;
    const eta = Math.round((elapsed / step) * (this.#steps - step));
    const timing = step < this.#steps ? `${eta}s ${formatTiming(elapsed, step).split(' ')[1]}` : formatTiming(elapsed, step);
    this.#sink.write(`\r\x1b[2K${counter} ${bar} ${timing}${formatLogs(logs)}`);
  }

  /** Finishes the epoch with its final logs (validation values included). */
  finish(logs: Logs, epochLabel: string): void {
    const elapsed = (now() - this.#start) / 1000;
    const bar = '━'.repeat(WIDTH);
    const line = `${this.#steps}/${this.#steps} ${this.#interactive ? `\x1b[32m${bar}\x1b[0m` : bar} ${formatTiming(elapsed, this.#steps)}${formatLogs(logs)}`;
    this.#sink.write(this.#interactive ? `\r\x1b[2K${line}\n` : `${epochLabel} - ${line}\n`);
  }
}

/** The process's standard output where there is one (Node), else a console-backed sink. */
export function defaultSink(): ProgressSink {
  const stdout = (globalThis as { process?: { stdout?: ProgressSink } }).process?.stdout;
  if (stdout && typeof stdout.write === 'function') return stdout;
  let pending = '';
  return {
    write(text: string) {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) (globalThis as { console?: { log(s: string): void } }).console?.log(line.replace(/\r/g, ''));
    },
  };
}
