/**
 * Tensors live in the module's linear memory. Blocks are rounded to size classes (16-byte steps up
 * to 1 KiB, then eight steps per power of two: at most 12.5% slack) and a freed block goes on its
 * class's free list, from which the next request of that class is served; new blocks come from a
 * bump pointer, growing the memory when needed. Training repeats the same shapes every step, so
 * after the first step every request is served from a free list and the memory stops growing.
 */
import { BackendError } from '@tensorkit/core';

const PAGE = 65536;

/** The size class (bytes actually reserved) for a request of `bytes`. */
export function sizeClass(bytes: number): number {
  if (bytes <= 0) return 0;
  if (bytes <= 1024) return (bytes + 15) & ~15;
  const step = 2 ** Math.floor(Math.log2(bytes)) / 8;
  return Math.ceil(bytes / step) * step;
}

export class Allocator {
  #top: number;
  readonly #free = new Map<number, number[]>();
  #inUse = 0;
  #internal = 0;
  /** Called after the memory grew, so views are re-created. */
  onGrow: () => void = () => {};

  constructor(readonly memory: WebAssembly.Memory, base: number, readonly maxBytes: number) {
    this.#top = (base + 15) & ~15;
  }

  /** Reserves a block of at least `bytes` (0 gives pointer 0). Throws BackendError when memory runs out. */
  alloc(bytes: number, internal = false): number {
    const size = sizeClass(bytes);
    if (size === 0) return 0;
    const list = this.#free.get(size);
    let ptr: number;
    if (list && list.length > 0) {
      ptr = list.pop()!;
    } else {
      const end = this.#top + size;
      const have = this.memory.buffer.byteLength;
      if (end > have) this.#grow(end, bytes);
      ptr = this.#top;
      this.#top = end;
    }
    if (internal) this.#internal += size;
    else this.#inUse += size;
    return ptr;
  }

  /** Returns a block to its class's free list. */
  free(ptr: number, bytes: number, internal = false): void {
    const size = sizeClass(bytes);
    if (size === 0) return;
    let list = this.#free.get(size);
    if (!list) this.#free.set(size, (list = []));
    list.push(ptr);
    if (internal) this.#internal -= size;
    else this.#inUse -= size;
  }

  #grow(end: number, requested: number): void {
    const have = this.memory.buffer.byteLength;
    // Grow by at least a quarter of the current size, to keep growths (and view re-creation) rare.
    const want = Math.min(Math.max(end, have + Math.floor(have / 4)), this.maxBytes);
    const pages = Math.ceil((want - have) / PAGE);
    const fail = (why: string) =>
      new BackendError(
        `wasm: out of memory: cannot allocate ${requested} bytes (${this.#inUse} bytes in use by tensors, ` +
          `${have} bytes reserved, maximum ${this.maxBytes} bytes): ${why}`,
      );
    if (end > this.maxBytes) throw fail('the request exceeds the maximum memory of the module');
    try {
      this.memory.grow(pages);
    } catch (error) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        throw fail((error as Error).message);
      }
    }
    this.onGrow();
  }

  /** Bytes held by live tensor blocks (size classes included). */
  get bytesInUse(): number { return this.#inUse; }
  /** Bytes of the linear memory. */
  get bytesReserved(): number { return this.memory.buffer.byteLength; }
  /** Bytes on free lists. */
  get bytesFree(): number {
    let total = 0;
    for (const [size, list] of this.#free) total += size * list.length;
    return total;
  }
}
