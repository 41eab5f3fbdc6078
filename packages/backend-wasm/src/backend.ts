/** The wasm backend: storages in linear memory, every kernel of the contract in WebAssembly. */
import {
  BackendError, collapseDimensions, sizeOf, stridesOf,
  type AdamUpdateArgs, type Backend, type BackendCapabilities, type BackendMemory, type BinaryArgs, type CastArgs,
  type ConcatArgs, type DataId, type DenseArgs, type DType, type GatherArgs, type Kernels, type MatmulArgs,
  type ReduceArgs, type RmspropUpdateArgs, type SgdUpdateArgs, type SoftmaxArgs, type SparseSoftmaxCrossEntropyArgs,
  type StridedCopyArgs, type TensorInfo, type TypedArray, type UnaryArgs, type WhereArgs,
} from '@tensorkit/core';
import { Allocator } from './allocator.js';
import { isNode, loadModule, nodeImport, relaxedSimdSupported, simdSupported, type KernelFile, type WasmSource } from './loader.js';
import { CONTROL_BYTES, WorkerPool, type GemmJob, type GemmPart } from './pool.js';

/** Options of `createWasmBackend`. */
export interface WasmBackendOptions {
  /**
   * Where the binaries are: one location for every file (a directory URL or path ending in `/`), or
   * a location (or the bytes, or a compiled module) per file name. Default: next to this module.
   */
  wasmPaths?: string | URL | Partial<Record<KernelFile, WasmSource>>;
  /** Threads to compute with, the calling one included (default: the machine's cores, at most 8; 1 disables workers). */
  threads?: number;
  /** Use relaxed SIMD (FMA) when the engine supports it (default true). */
  relaxedSimd?: boolean;
  /** Maximum linear memory in bytes (default and most: 4 GiB). */
  maxMemoryBytes?: number;
}

const DT: Record<string, number> = { float32: 0, int32: 1, bool: 2 };
const UNARY: Record<string, number> = {
  neg: 0, abs: 1, exp: 2, log: 3, sqrt: 4, square: 5, relu: 6, sigmoid: 7, tanh: 8, sign: 9, floor: 10, ceil: 11,
  round: 12, logicalNot: 13, isNaN: 14, isFinite: 15,
};
const BINARY: Record<string, number> = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, equal: 7, notEqual: 8, less: 9, lessEqual: 10,
  greater: 11, greaterEqual: 12, logicalAnd: 13, logicalOr: 14,
};
const REDUCE: Record<string, number> = { sum: 0, prod: 1, max: 2, min: 3, argmax: 4, argmin: 5 };
const MAX_RANK = 32;
const PAGE = 65536;
const MAX_BYTES = 4 * 1024 * 1024 * 1024;
/** Below this many multiply-adds a matmul stays on one thread (waking workers costs ~20-50 us). */
const PARALLEL_WORK = 1 << 20;

/** A storage: a block of linear memory. */
export class WasmStorage {
  constructor(public ptr: number, public bytes: number, public length: number, public dtype: DType, public freed = false) {}
}

interface Exports {
  heapBase(): number;
  setScratch(ptr: number): void;
  SCRATCH_BYTES: WebAssembly.Global;
  PACK_A_BYTES: WebAssembly.Global;
  PACK_B_BYTES: WebAssembly.Global;
  MR: WebAssembly.Global;
  NR: WebAssembly.Global;
  unary(op: number, dtIn: number, dtOut: number, x: number, out: number, n: number): void;
  binary(op: number, dtIn: number, dtOut: number, a: number, b: number, out: number, rank: number): void;
  where(dtCond: number, dt: number, c: number, a: number, b: number, out: number, rank: number): void;
  cast(dtIn: number, dtOut: number, x: number, out: number, n: number): void;
  stridedCopy(es: number, x: number, offset: number, out: number, rank: number): void;
  copyRows(dst: number, pitch: number, offset: number, src: number, rowBytes: number, outer: number): void;
  copyBytes(dst: number, src: number, bytes: number): void;
  gather(es: number, x: number, idx: number, out: number, outer: number, axis: number, inner: number, count: number): void;
  reduce(op: number, dtIn: number, dtOut: number, x: number, out: number, outer: number, size: number, inner: number): void;
  softmax(x: number, out: number, rows: number, cols: number): void;
  logSoftmax(x: number, out: number, rows: number, cols: number): void;
  sparseSoftmaxCrossEntropy(x: number, labels: number, out: number, rows: number, cols: number): void;
  sgd(w: number, g: number, v: number, n: number, lr: number, momentum: number, nesterov: number): void;
  rmsprop(w: number, g: number, ms: number, n: number, lr: number, rho: number, eps: number): void;
  adam(w: number, g: number, m: number, v: number, n: number, alpha: number, b1: number, b2: number, eps: number): void;
  matmulI32(a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, m: number, n: number, k: number): void;
  gemm(m0: number, m1: number, n0: number, n1: number, k: number, n: number, a: number, aRow: number, aCol: number,
    b: number, bRow: number, bCol: number, c: number, bias: number, act: number, pa: number, pb: number): void;
}

const elementBytes = (dtype: DType): number => (dtype === 'bool' ? 1 : 4);
const ptrOf = (info: TensorInfo): number => (info.dataId as WasmStorage).ptr;

function dtypeCode(dtype: DType): number {
  const code = DT[dtype];
  if (code === undefined) throw new BackendError(`wasm: dtype ${dtype} is not supported; the wasm backend supports float32, int32, bool`);
  return code;
}

function sourceFor(options: WasmBackendOptions, file: KernelFile): WasmSource | undefined {
  const paths = options.wasmPaths;
  if (paths === undefined) return undefined;
  if (typeof paths === 'string') return paths.endsWith('/') ? paths + file : paths;
  if (paths instanceof URL) return paths.href.endsWith('/') ? new URL(file, paths) : paths;
  return paths[file];
}

async function defaultThreads(): Promise<number> {
  if (isNode) {
    const os = await nodeImport('node:os');
    return Math.min(8, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  }
  return Math.min(8, (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1);
}

function sharedMemoryAvailable(): string | null {
  if (typeof SharedArrayBuffer === 'undefined') return 'no SharedArrayBuffer (the page needs cross-origin isolation: COOP/COEP headers)';
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return 'the page is not cross-origin isolated';
  if (!isNode && typeof Worker === 'undefined') return 'no Web Workers';
  return null;
}

/**
 * Makes a wasm backend: loads the binary fitting the engine (relaxed SIMD or not, shared memory or
 * not), starts the worker pool when threads are available, and returns the backend.
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  if (!simdSupported()) throw new BackendError('wasm: this engine lacks WebAssembly SIMD, which the wasm backend requires');
  const notes: string[] = [];
  const relaxed = options.relaxedSimd !== false && relaxedSimdSupported();
  notes.push(relaxed ? 'relaxed SIMD (fused multiply-add) in matmul' : 'relaxed SIMD unavailable: plain SIMD kernels (Node 20 needs --experimental-wasm-relaxed-simd)');
  let threads = Math.max(1, Math.floor(options.threads ?? (await defaultThreads())));
  const maxBytes = Math.min(options.maxMemoryBytes ?? MAX_BYTES, MAX_BYTES);
  const maxPages = Math.max(1, Math.floor(maxBytes / PAGE));
  let memory: WebAssembly.Memory | null = null;
  if (threads > 1) {
    const why = sharedMemoryAvailable();
    if (why) {
      notes.push(`wasm threads unavailable: ${why}; running single-threaded`);
      threads = 1;
    } else {
      try {
        memory = new WebAssembly.Memory({ initial: 64, maximum: maxPages, shared: true } as WebAssembly.MemoryDescriptor);
      } catch (error) {
        notes.push(`wasm threads unavailable: shared memory failed (${(error as Error).message}); running single-threaded`);
        threads = 1;
      }
    }
  }
  const file: KernelFile = threads > 1 ? (relaxed ? 'kernels-mt-relaxed.wasm' : 'kernels-mt.wasm') : relaxed ? 'kernels-relaxed.wasm' : 'kernels.wasm';
  const module = await loadModule(file, sourceFor(options, file));
  if (!memory) memory = new WebAssembly.Memory({ initial: 64, maximum: maxPages });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const backend = new WasmBackend(instance.exports as unknown as Exports, memory, maxPages * PAGE, threads, notes);
  if (threads > 1) {
    try {
      await backend.startPool(threads - 1, module);
      notes.push(`${threads} threads (a persistent pool of ${threads - 1} ${isNode ? 'worker_threads' : 'Web Workers'} over shared memory, used for large matmuls)`);
    } catch (error) {
      notes.push(`wasm threads unavailable: workers failed to start (${(error as Error).message}); running single-threaded`);
      backend.setThreads(1);
    }
  } else if (!notes.some((n) => n.startsWith('wasm threads unavailable'))) {
    notes.push('single-threaded (threads: 1 requested)');
  }
  notes.push('float32 arithmetic in float32 (transcendentals, reductions, softmax and optimizer updates in float64); no float64 tensors');
  return backend;
}

/** The WebAssembly backend. Construct it with `createWasmBackend`. */
export class WasmBackend implements Backend {
  readonly name = 'wasm';
  #capabilities: BackendCapabilities;
  readonly kernels: Kernels;
  readonly #x: Exports;
  readonly #memory: WebAssembly.Memory;
  readonly #alloc: Allocator;
  readonly #scratch: number;
  #u8!: Uint8Array;
  #i32!: Int32Array;
  #f32!: Float32Array;
  #pool: WorkerPool | null = null;
  #threads: number;
  readonly #packs: { pa: number; pb: number }[] = [];
  readonly #notes: string[];

  constructor(exports: Exports, memory: WebAssembly.Memory, maxBytes: number, threads: number, notes: string[]) {
    this.#x = exports;
    this.#memory = memory;
    this.#threads = threads;
    this.#notes = notes;
    this.#alloc = new Allocator(memory, exports.heapBase(), maxBytes);
    this.#alloc.onGrow = () => this.#views();
    this.#views();
    this.#scratch = this.#alloc.alloc(exports.SCRATCH_BYTES.value as number, true);
    exports.setScratch(this.#scratch);
    this.#capabilities = this.#makeCapabilities();
    this.kernels = this.#makeKernels();
  }

  get capabilities(): BackendCapabilities { return this.#capabilities; }

  #makeCapabilities(): BackendCapabilities {
    const notes = this.#notes;
    return {
      dtypes: ['float32', 'int32', 'bool'],
      precision: 'float32',
      syncRead: true,
      threads: this.#threads,
      get notes() { return notes; },
    } as BackendCapabilities;
  }

  /** @internal */
  setThreads(threads: number): void {
    this.#threads = threads;
    this.#capabilities = this.#makeCapabilities();
  }

  /** @internal Starts the worker pool over the shared memory. */
  async startPool(workers: number, module: WebAssembly.Module): Promise<void> {
    const control = this.#alloc.alloc(CONTROL_BYTES, true);
    new Int32Array(this.#memory.buffer, control, CONTROL_BYTES / 4).fill(0);
    this.#pool = await WorkerPool.create(workers, module, this.#memory, control);
  }

  #views(): void {
    const buffer = this.#memory.buffer;
    this.#u8 = new Uint8Array(buffer);
    this.#i32 = new Int32Array(buffer);
    this.#f32 = new Float32Array(buffer);
  }

  #fresh(): void {
    // Another thread cannot grow the memory here, but a grow through the allocator re-creates views;
    // this also catches a detached view after any growth we did not see.
    if (this.#u8.byteLength !== this.#memory.buffer.byteLength) this.#views();
  }

  #new(dtype: DType, length: number): WasmStorage {
    dtypeCode(dtype);
    const bytes = length * elementBytes(dtype);
    const ptr = this.#alloc.alloc(bytes);
    return new WasmStorage(ptr, bytes, length, dtype);
  }

  #view(s: WasmStorage): TypedArray {
    this.#fresh();
    const buffer = this.#memory.buffer;
    if (s.dtype === 'float32') return new Float32Array(buffer, s.ptr, s.length);
    if (s.dtype === 'int32') return new Int32Array(buffer, s.ptr, s.length);
    return new Uint8Array(buffer, s.ptr, s.length);
  }

  // ------------------------------------------------------------------------------------------
  // Storage

  write(values: TypedArray, dtype: DType, _shape: readonly number[]): WasmStorage {
    const s = this.#new(dtype, values.length);
    if (values.length > 0) {
      const view = this.#view(s);
      if (dtype === 'bool' && !(values instanceof Uint8Array)) for (let i = 0; i < values.length; i++) view[i] = values[i] ? 1 : 0;
      else view.set(values as ArrayLike<number>);
    }
    return s;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): TypedArray {
    const s = dataId as WasmStorage;
    if (s.freed) throw new BackendError('wasm: read of a disposed storage');
    return this.#view(s).slice();
  }

  dispose(dataId: DataId): void {
    const s = dataId as WasmStorage;
    if (s.freed) return;
    s.freed = true;
    this.#alloc.free(s.ptr, s.bytes);
  }

  memory(): BackendMemory {
    return { bytesInUse: this.#alloc.bytesInUse, bytesReserved: this.#alloc.bytesReserved };
  }

  async destroy(): Promise<void> {
    await this.#pool?.destroy();
    this.#pool = null;
  }

  // ------------------------------------------------------------------------------------------
  // Helpers

  /** Writes a collapsed shape and up to four operands' strides into scratch; returns the rank. */
  #shapeToScratch(shape: readonly number[], strides: readonly (readonly number[])[]): number {
    const rank = shape.length;
    if (rank > MAX_RANK) throw new BackendError(`wasm: rank ${rank} after collapsing exceeds ${MAX_RANK}`);
    this.#fresh();
    const base = this.#scratch >> 2;
    const i32 = this.#i32;
    for (let d = 0; d < MAX_RANK; d++) {
      i32[base + d] = d < rank ? shape[d] : 1;
      for (let o = 0; o < 4; o++) i32[base + 32 * (o + 1) + d] = d < rank && o < strides.length ? strides[o][d] : 0;
    }
    return rank;
  }

  #packsFor(part: number): { pa: number; pb: number } {
    while (this.#packs.length <= part) {
      const pa = this.#alloc.alloc((this.#x.PACK_A_BYTES.value as number) + 256, true);
      const pb = this.#alloc.alloc(this.#x.PACK_B_BYTES.value as number, true);
      this.#packs.push({ pa, pb });
    }
    return this.#packs[part];
  }

  /** C = act(op(A)·op(B) + bias) in float32, split over the pool when large. */
  #gemm(m: number, n: number, k: number, a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, bias: number, act: number): void {
    if (m === 0 || n === 0) return;
    const x = this.#x;
    const threads = this.#pool ? this.#threads : 1;
    if (threads === 1 || m * n * k < PARALLEL_WORK) {
      const { pa, pb } = this.#packsFor(0);
      x.gemm(0, m, 0, n, k, n, a, aRow, aCol, b, bRow, bCol, c, bias, act, pa, pb);
      return;
    }
    for (let t = 0; t < threads; t++) this.#packsFor(t);
    const parts: GemmPart[] = [];
    if (m >= n) {
      const chunk = Math.ceil(m / threads / 4) * 4;
      for (let t = 0, m0 = 0; t < threads && m0 < m; t++, m0 += chunk) parts.push({ m0, m1: Math.min(m, m0 + chunk), n0: 0, n1: n, ...this.#packs[t] });
    } else {
      const chunk = Math.ceil(n / threads / 8) * 8;
      for (let t = 0, n0 = 0; t < threads && n0 < n; t++, n0 += chunk) parts.push({ m0: 0, m1: m, n0, n1: Math.min(n, n0 + chunk), ...this.#packs[t] });
    }
    const job: GemmJob = { k, n, a, aRow, aCol, b, bRow, bCol, c, bias, act };
    this.#pool!.gemm(job, parts, (p) => x.gemm(p.m0, p.m1, p.n0, p.n1, k, n, a, aRow, aCol, b, bRow, bCol, c, bias, act, p.pa, p.pb));
  }

  /** Copies a storage (for updates that are not in place). */
  #copy(info: TensorInfo): WasmStorage {
    const src = info.dataId as WasmStorage;
    const s = this.#new(src.dtype, src.length);
    if (s.bytes > 0) this.#x.copyBytes(s.ptr, src.ptr, s.bytes);
    return s;
  }

  // ------------------------------------------------------------------------------------------
  // Kernels

  #makeKernels(): Kernels {
    const x = this.#x;
    return {
      unary: ({ op, x: input, outDtype }: UnaryArgs) => {
        const n = sizeOf(input.shape);
        const out = this.#new(outDtype, n);
        if (n > 0) x.unary(UNARY[op], dtypeCode(input.dtype), dtypeCode(outDtype), ptrOf(input), out.ptr, n);
        return out;
      },
      binary: ({ op, a, b, aStrides, bStrides, outShape, outDtype }: BinaryArgs) => {
        const n = sizeOf(outShape);
        const out = this.#new(outDtype, n);
        if (n === 0) return out;
        const { shape, strides } = collapseDimensions(outShape, [aStrides, bStrides, stridesOf(outShape)]);
        const rank = this.#shapeToScratch(shape, strides);
        x.binary(BINARY[op], dtypeCode(a.dtype), dtypeCode(outDtype), ptrOf(a), ptrOf(b), out.ptr, rank);
        return out;
      },
      where: ({ condition, a, b, conditionStrides, aStrides, bStrides, outShape, outDtype }: WhereArgs) => {
        const n = sizeOf(outShape);
        const out = this.#new(outDtype, n);
        if (n === 0) return out;
        const { shape, strides } = collapseDimensions(outShape, [conditionStrides, aStrides, bStrides, stridesOf(outShape)]);
        const rank = this.#shapeToScratch(shape, strides);
        x.where(dtypeCode(condition.dtype), dtypeCode(outDtype), ptrOf(condition), ptrOf(a), ptrOf(b), out.ptr, rank);
        return out;
      },
      cast: ({ x: input, dtype }: CastArgs) => {
        const n = sizeOf(input.shape);
        const out = this.#new(dtype, n);
        if (n > 0) x.cast(dtypeCode(input.dtype), dtypeCode(dtype), ptrOf(input), out.ptr, n);
        return out;
      },
      reduce: ({ op, x: input, outer, reduceSize, inner, outDtype }: ReduceArgs) => {
        const out = this.#new(outDtype, outer * inner);
        if (outer * inner > 0) x.reduce(REDUCE[op], dtypeCode(input.dtype), dtypeCode(outDtype), ptrOf(input), out.ptr, outer, reduceSize, inner);
        return out;
      },
      matmul: ({ a, b, transposeA, transposeB, batch, batchA, batchB, m, n, k, outDtype }: MatmulArgs) => {
        const out = this.#new(outDtype, batch * m * n);
        if (out.length === 0) return out;
        const aRow = transposeA ? 1 : k, aCol = transposeA ? m : 1;
        const bRow = transposeB ? 1 : n, bCol = transposeB ? k : 1;
        const ap = ptrOf(a), bp = ptrOf(b);
        for (let t = 0; t < batch; t++) {
          const ao = ap + (batchA === 1 ? 0 : t * m * k * 4);
          const bo = bp + (batchB === 1 ? 0 : t * k * n * 4);
          const co = out.ptr + t * m * n * 4;
          if (outDtype === 'int32') x.matmulI32(ao, aRow, aCol, bo, bRow, bCol, co, m, n, k);
          else this.#gemm(m, n, k, ao, aRow, aCol, bo, bRow, bCol, co, 0, 0);
        }
        return out;
      },
      stridedCopy: ({ x: input, outShape, strides: inStrides, offset }: StridedCopyArgs) => {
        const n = sizeOf(outShape);
        const out = this.#new(input.dtype, n);
        if (n === 0) return out;
        const { shape, strides } = collapseDimensions(outShape, [inStrides, stridesOf(outShape)]);
        const rank = this.#shapeToScratch(shape, strides);
        x.stridedCopy(elementBytes(input.dtype), ptrOf(input), offset, out.ptr, rank);
        return out;
      },
      concat: ({ inputs, outer, innerSizes, outDtype }: ConcatArgs) => {
        const total = innerSizes.reduce((p, q) => p + q, 0);
        const out = this.#new(outDtype, outer * total);
        if (out.length === 0) return out;
        const es = elementBytes(outDtype);
        let at = 0;
        for (let i = 0; i < inputs.length; i++) {
          const size = innerSizes[i];
          if (size > 0) x.copyRows(out.ptr, total * es, at * es, ptrOf(inputs[i]), size * es, outer);
          at += size;
        }
        return out;
      },
      gather: ({ x: input, indices, outer, axisSize, inner, indexCount }: GatherArgs) => {
        const out = this.#new(input.dtype, outer * indexCount * inner);
        if (out.length > 0) x.gather(elementBytes(input.dtype), ptrOf(input), ptrOf(indices), out.ptr, outer, axisSize, inner, indexCount);
        return out;
      },
      dense: ({ x: input, w, bias, activation, m, n, k }: DenseArgs) => {
        const out = this.#new(input.dtype, m * n);
        if (out.length === 0) return out;
        const act = activation === 'relu' ? 1 : 0;
        this.#gemm(m, n, k, ptrOf(input), k, 1, ptrOf(w), n, 1, out.ptr, bias ? ptrOf(bias) : 0, act);
        if (activation === 'sigmoid') x.unary(UNARY.sigmoid, 0, 0, out.ptr, out.ptr, m * n);
        else if (activation === 'tanh') x.unary(UNARY.tanh, 0, 0, out.ptr, out.ptr, m * n);
        return out;
      },
      softmax: ({ logits, rows, cols }: SoftmaxArgs) => {
        const out = this.#new(logits.dtype, rows * cols);
        if (out.length > 0) x.softmax(ptrOf(logits), out.ptr, rows, cols);
        return out;
      },
      logSoftmax: ({ logits, rows, cols }: SoftmaxArgs) => {
        const out = this.#new(logits.dtype, rows * cols);
        if (out.length > 0) x.logSoftmax(ptrOf(logits), out.ptr, rows, cols);
        return out;
      },
      sparseSoftmaxCrossEntropy: ({ logits, labels, rows, cols }: SparseSoftmaxCrossEntropyArgs) => {
        const out = this.#new(logits.dtype, rows);
        if (rows > 0) x.sparseSoftmaxCrossEntropy(ptrOf(logits), ptrOf(labels), out.ptr, rows, cols);
        return out;
      },
      sgdUpdate: (args: SgdUpdateArgs) => {
        const { learningRate, momentum, nesterov, inPlace } = args;
        const n = sizeOf(args.gradient.shape);
        const w = inPlace ? (args.variable.dataId as WasmStorage) : this.#copy(args.variable);
        if (!args.velocity || momentum === 0) {
          if (n > 0) x.sgd(w.ptr, ptrOf(args.gradient), 0, n, learningRate, 0, 0);
          return { variable: w, velocity: args.velocity ? args.velocity.dataId : null };
        }
        const v = inPlace ? (args.velocity.dataId as WasmStorage) : this.#copy(args.velocity);
        if (n > 0) x.sgd(w.ptr, ptrOf(args.gradient), v.ptr, n, learningRate, momentum, nesterov ? 1 : 0);
        return { variable: w, velocity: v };
      },
      rmspropUpdate: (args: RmspropUpdateArgs) => {
        const n = sizeOf(args.gradient.shape);
        const w = args.inPlace ? (args.variable.dataId as WasmStorage) : this.#copy(args.variable);
        const ms = args.inPlace ? (args.meanSquare.dataId as WasmStorage) : this.#copy(args.meanSquare);
        if (n > 0) x.rmsprop(w.ptr, ptrOf(args.gradient), ms.ptr, n, args.learningRate, args.rho, args.epsilon);
        return { variable: w, meanSquare: ms };
      },
      adamUpdate: (args: AdamUpdateArgs) => {
        const { learningRate, beta1, beta2, epsilon, step, inPlace } = args;
        const n = sizeOf(args.gradient.shape);
        const w = inPlace ? (args.variable.dataId as WasmStorage) : this.#copy(args.variable);
        const m = inPlace ? (args.m.dataId as WasmStorage) : this.#copy(args.m);
        const v = inPlace ? (args.v.dataId as WasmStorage) : this.#copy(args.v);
        const alpha = (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
        if (n > 0) x.adam(w.ptr, ptrOf(args.gradient), m.ptr, v.ptr, n, alpha, beta1, beta2, epsilon);
        return { variable: w, m, v };
      },
    };
  }
}
