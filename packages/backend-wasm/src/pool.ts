/**
 * A persistent pool of workers (worker_threads in Node, Web Workers in browsers) sharing the
 * module's memory. Each instantiates the same compiled module over the shared memory; jobs are
 * posted through a control block in that memory with Atomics (no messages per job): the caller
 * writes the arguments, bumps a sequence number and notifies; every worker runs its part and
 * counts itself done; the caller runs part 0 itself and then waits for the count.
 */
import { isNode, nodeImport } from './loader.js';

// Control block (Int32 slots from its start).
const SEQ = 0, CMD = 1, DONE = 2;
const ARGS = 4; // k, n, a, aRow, aCol, b, bRow, bCol, c, bias, act
const PARTS = 32; // per part: m0, m1, n0, n1, pa, pb, active, _
export const CONTROL_BYTES = 4 * (PARTS + 8 * 64);
const CMD_GEMM = 0, CMD_QUIT = 1;

/** The worker's code, run as a CommonJS script by worker_threads or as a Blob URL by browsers. */
const WORKER_SOURCE = `
const start = ({ module, memory, control, part }) => {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const x = instance.exports;
  const I = new Int32Array(memory.buffer, control, ${CONTROL_BYTES / 4});
  let seq = Atomics.load(I, ${SEQ});
  post('ready');
  for (;;) {
    Atomics.wait(I, ${SEQ}, seq);
    seq = Atomics.load(I, ${SEQ});
    if (Atomics.load(I, ${CMD}) === ${CMD_QUIT}) break;
    const p = ${PARTS} + part * 8;
    if (I[p + 6] === 1) {
      x.gemm(I[p], I[p + 1], I[p + 2], I[p + 3], I[${ARGS}], I[${ARGS + 1}], I[${ARGS + 2}], I[${ARGS + 3}], I[${ARGS + 4}],
        I[${ARGS + 5}], I[${ARGS + 6}], I[${ARGS + 7}], I[${ARGS + 8}], I[${ARGS + 9}], I[${ARGS + 10}], I[p + 4], I[p + 5]);
    }
    Atomics.add(I, ${DONE}, 1);
    Atomics.notify(I, ${DONE});
  }
  post('stopped');
};
let post;
if (typeof self === 'undefined' || typeof self.postMessage !== 'function' || typeof require === 'function') {
  const { parentPort } = require('node:worker_threads');
  post = (m) => parentPort.postMessage(m);
  parentPort.once('message', start);
} else {
  post = (m) => self.postMessage(m);
  self.onmessage = (e) => start(e.data);
}
`;

interface AnyWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** The arguments of one gemm: every part shares them; each part gets its own rectangle and buffers. */
export interface GemmJob {
  k: number; n: number; a: number; aRow: number; aCol: number; b: number; bRow: number; bCol: number;
  c: number; bias: number; act: number;
}

export interface GemmPart { m0: number; m1: number; n0: number; n1: number; pa: number; pb: number }

export class WorkerPool {
  readonly #workers: AnyWorker[];
  readonly #I: Int32Array;
  readonly #canWait: boolean;
  #destroyed = false;

  private constructor(workers: AnyWorker[], memory: WebAssembly.Memory, control: number) {
    this.#workers = workers;
    this.#I = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
    let canWait = true;
    try { Atomics.wait(this.#I, DONE, 12345, 0); } catch { canWait = false; }
    this.#canWait = canWait;
  }

  /** Workers besides the calling thread. */
  get size(): number { return this.#workers.length; }

  /** Starts `count` workers over `memory` (shared) running `module`; resolves when all are ready. */
  static async create(count: number, module: WebAssembly.Module, memory: WebAssembly.Memory, control: number): Promise<WorkerPool> {
    const workers: AnyWorker[] = [];
    const ready: Promise<void>[] = [];
    if (isNode) {
      const { Worker } = await nodeImport('node:worker_threads');
      for (let i = 0; i < count; i++) {
        const w = new Worker(WORKER_SOURCE, { eval: true });
        w.unref();
        ready.push(new Promise((resolve, reject) => {
          w.once('message', () => resolve());
          w.once('error', reject);
        }));
        w.postMessage({ module, memory, control, part: i + 1 });
        workers.push(w);
      }
    } else {
      const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      for (let i = 0; i < count; i++) {
        const w = new Worker(url);
        ready.push(new Promise((resolve, reject) => {
          w.onmessage = () => resolve();
          w.onerror = (e) => reject(new Error(e.message));
        }));
        w.postMessage({ module, memory, control, part: i + 1 });
        workers.push(w);
      }
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      for (const w of workers) w.terminate();
      throw error;
    }
    return new WorkerPool(workers, memory, control);
  }

  /** Runs `parts` (part 0 on this thread with `runLocal`, part i on worker i) and waits for all. */
  gemm(job: GemmJob, parts: GemmPart[], runLocal: (part: GemmPart) => void): void {
    const I = this.#I;
    I[ARGS] = job.k; I[ARGS + 1] = job.n; I[ARGS + 2] = job.a; I[ARGS + 3] = job.aRow; I[ARGS + 4] = job.aCol;
    I[ARGS + 5] = job.b; I[ARGS + 6] = job.bRow; I[ARGS + 7] = job.bCol; I[ARGS + 8] = job.c; I[ARGS + 9] = job.bias;
    I[ARGS + 10] = job.act;
    const workers = this.#workers.length;
    for (let w = 1; w <= workers; w++) {
      const p = PARTS + w * 8;
      const part = parts[w];
      if (part) {
        I[p] = part.m0; I[p + 1] = part.m1; I[p + 2] = part.n0; I[p + 3] = part.n1; I[p + 4] = part.pa; I[p + 5] = part.pb; I[p + 6] = 1;
      } else I[p + 6] = 0;
    }
    Atomics.store(I, DONE, 0);
    Atomics.store(I, CMD, CMD_GEMM);
    Atomics.add(I, SEQ, 1);
    Atomics.notify(I, SEQ);
    runLocal(parts[0]);
    let done = Atomics.load(I, DONE);
    let spins = 0;
    while (done < workers) {
      if (this.#canWait && ++spins > 1000) Atomics.wait(I, DONE, done, 50);
      done = Atomics.load(I, DONE);
    }
  }

  /** Stops the workers. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    Atomics.store(this.#I, CMD, CMD_QUIT);
    Atomics.add(this.#I, SEQ, 1);
    Atomics.notify(this.#I, SEQ);
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
