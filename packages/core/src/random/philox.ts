/**
 * Philox4x32-10, the counter-based generator TensorFlow, JAX and cuRAND use: the n-th block of
 * four 32-bit words depends only on (key, n), so any backend (a GPU shader included) can reproduce
 * the stream exactly, and streams can be split without sharing state.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers (exact in doubles). */
function mulHigh(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/**
 * Writes the block for counter (c0, c1, c2, c3) under key (k0, k1) into `out[0..3]` as unsigned
 * 32-bit integers.
 */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  let x0 = c0 >>> 0, x1 = c1 >>> 0, x2 = c2 >>> 0, x3 = c3 >>> 0;
  let key0 = k0 >>> 0, key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulHigh(M0, x0);
    const lo0 = Math.imul(M0, x0) >>> 0;
    const hi1 = mulHigh(M1, x2);
    const lo1 = Math.imul(M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
}

/** A stream of random words from a 64-bit seed: Philox blocks at counters 0, 1, 2, ... */
export class PhiloxStream {
  readonly #k0: number;
  readonly #k1: number;
  #counter = 0;
  readonly #block = new Uint32Array(4);
  #used = 4;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    const unsigned = seed < 0 ? seed + 2 ** 53 : seed;
    this.#k0 = unsigned % 2 ** 32 >>> 0;
    this.#k1 = Math.floor(unsigned / 2 ** 32) >>> 0;
  }

  /** The next unsigned 32-bit word. */
  nextUint32(): number {
    if (this.#used === 4) {
      const c = this.#counter++;
      philox4x32(c % 2 ** 32, Math.floor(c / 2 ** 32), 0, 0, this.#k0, this.#k1, this.#block);
      this.#used = 0;
    }
    return this.#block[this.#used++];
  }

  /** A float in [0, 1) with 24 random bits (every float32 step equally likely). */
  nextFloat24(): number {
    return (this.nextUint32() >>> 8) * 2 ** -24;
  }

  /** A float in [0, 1) with 53 random bits. */
  nextFloat53(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 2 ** 26 + low) * 2 ** -53;
  }
}
