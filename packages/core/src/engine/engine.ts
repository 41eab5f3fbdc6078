/**
 * The engine: runs kernels on the active backend, wraps their storages in tensors, counts memory,
 * tracks tensors in the current memory scope, and tells active gradient tapes what ran.
 */
import type { Backend, DataId, KernelName, Kernels, TensorInfo } from '../backend/contract.js';
import { bytesPerElement, type DType, type TypedArray } from '../dtype.js';
import { BackendError, DisposedError, formatShape } from '../errors.js';
import { sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { currentContext, runInContext } from './context.js';
import { getBackend, getBackendName } from './registry.js';
import { warn } from '../warn.js';
import type { GradientFunction } from './tape-types.js';

/** One backend storage, shared by every tensor that views it (reshape, variables, tapes). */
export class Storage {
  /** How many tensor handles use this storage; freed on the backend when it reaches zero. */
  refs = 1;
  constructor(
    readonly backend: Backend,
    public dataId: DataId,
    readonly bytes: number,
  ) {}
}

interface Counters {
  tensors: number;
  storages: number;
  bytes: number;
}

const counters = new Map<Backend, Counters>();
let nextTensorId = 1;

function countersOf(backend: Backend): Counters {
  let c = counters.get(backend);
  if (!c) {
    c = { tensors: 0, storages: 0, bytes: 0 };
    counters.set(backend, c);
  }
  return c;
}

/** What the safety net needs to free a tensor that was garbage-collected without `dispose()`. */
interface Leaked {
  storage: Storage;
  readonly op: string;
  readonly shape: readonly number[];
}

const warnedOps = new Set<string>();
const finalizer =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Leaked>((leaked) => {
        if (!warnedOps.has(leaked.op)) {
          warnedOps.add(leaked.op);
          warn(
            `TensorKit: a tensor made by '${leaked.op}' (shape ${formatShape(leaked.shape)}) was garbage-collected without dispose(); ` +
              'its memory was freed now, but wrap such code in tidy() or call dispose() to free it on time',
          );
        }
        countersOf(leaked.storage.backend).tensors--;
        releaseStorage(leaked.storage);
      })
    : undefined;

/** A fresh tensor id (views and tape handles share their source's id; new values get new ones). */
export function newTensorId(): number {
  return nextTensorId++;
}

/** Wraps a storage the backend just made. */
export function adoptStorage(backend: Backend, dataId: DataId, dtype: DType, size: number): Storage {
  const storage = new Storage(backend, dataId, size * bytesPerElement(dtype));
  const c = countersOf(backend);
  c.storages++;
  c.bytes += storage.bytes;
  return storage;
}

/** Adds a user of `storage`. */
export function retainStorage(storage: Storage): void {
  storage.refs++;
}

/** Drops a user of `storage`, freeing it on the backend when none is left. */
export function releaseStorage(storage: Storage): void {
  storage.refs--;
  if (storage.refs === 0) {
    const c = countersOf(storage.backend);
    c.storages--;
    c.bytes -= storage.bytes;
    storage.backend.dispose(storage.dataId);
  }
}

/**
 * Puts `tensor` under the garbage-collection safety net (once). Only tensors that no memory scope
 * owns need it: a scope frees its own when it closes, and a tensor that leaves a scope (returned
 * from the outermost tidy, or kept) is watched from then on. Registering costs ~0.2 us per tensor
 * and weak cells slow V8's collections, which in a training loop of short-lived tensors added up.
 */
export function watchForLeaks(tensor: Tensor): void {
  if (!finalizer || tensor.leakInfo || tensor.isDisposed) return;
  const leaked: Leaked = { storage: tensor.storage, op: tensor.op, shape: tensor.shape };
  tensor.leakInfo = leaked;
  finalizer.register(tensor, leaked, tensor);
}

/**
 * Makes a tensor handle over `storage` (which it now holds one reference to) and tracks it in the
 * current memory scope unless `untracked`; a tensor outside any scope is watched for leaks.
 */
export function createTensor(
  storage: Storage,
  shape: readonly number[],
  dtype: DType,
  op: string,
  options: { id?: number; untracked?: boolean; unwatched?: boolean; make?: typeof makeTensor } = {},
): Tensor {
  const tensor = (options.make ?? makeTensor)(options.id ?? newTensorId(), shape, dtype, storage, op);
  countersOf(storage.backend).tensors++;
  const scope = options.untracked ? null : currentContext().scope;
  if (scope) scope.tensors.push(tensor);
  else if (!options.unwatched) watchForLeaks(tensor);
  return tensor;
}

function makeTensor(id: number, shape: readonly number[], dtype: DType, storage: Storage, op: string): Tensor {
  return new Tensor(id, shape, dtype, storage, op);
}

/** Frees a tensor handle (idempotent). */
export function disposeTensor(tensor: Tensor): void {
  if (tensor.isDisposed) return;
  tensor.markDisposed();
  if (tensor.leakInfo) finalizer?.unregister(tensor);
  countersOf(tensor.storage.backend).tensors--;
  releaseStorage(tensor.storage);
}

/** Points a variable at a new storage (taking one reference to it) and frees its old one. */
export function replaceStorage(tensor: Tensor, storage: Storage): void {
  const old = tensor.storage;
  tensor.setStorage(storage);
  releaseStorage(old);
}

/**
 * Another handle to the same value, with the same id (so tapes connect it to its source), that no
 * memory scope frees: gradient tapes use it to keep what a gradient needs alive. The tape owns it
 * (and the tape, not each handle, is watched for being forgotten).
 */
export function holdHandle(tensor: Tensor): Tensor {
  retainStorage(tensor.storage);
  return createTensor(tensor.storage, tensor.shape, tensor.dtype, tensor.op, { id: tensor.id, untracked: true, unwatched: true });
}

/** A view of `tensor` with another shape over the same storage (reshape and friends). */
export function viewAs(tensor: Tensor, shape: readonly number[], op: string): Tensor {
  retainStorage(tensor.storage);
  return createTensor(tensor.storage, shape, tensor.dtype, op);
}

/** Throws `DisposedError` naming the op, the argument and where the tensor came from. */
export function assertLive(op: string, tensor: Tensor, argument: string): void {
  if (tensor.isDisposed) {
    throw new DisposedError(
      `${op}: ${argument} is a disposed tensor (${tensor.dtype} ${formatShape(tensor.shape)}, made by '${tensor.op}'); ` +
        'keep it alive with keep() or create it outside the tidy() that freed it',
    );
  }
}

/** The storage info a kernel gets for `tensor`. */
export function infoOf(tensor: Tensor): TensorInfo {
  return { dataId: tensor.storage.dataId, shape: tensor.shape, dtype: tensor.dtype };
}

/** The active backend, after checking that every input is alive and lives on it. */
export function backendForInputs(op: string, inputs: readonly Tensor[], names?: readonly string[]): Backend {
  const backend = getBackend();
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i];
    const name = names?.[i] ?? `input ${i}`;
    assertLive(op, input, name);
    if (input.storage.backend !== backend) {
      throw new BackendError(
        `${op}: ${name} lives on backend '${input.storage.backend.name}' but the active backend is '${getBackendName()}'; ` +
          `move it first with await tensor.to('${getBackendName()}')`,
      );
    }
  }
  return backend;
}

/** Writes values the caller hands over (core never touches `values` again) as a new tensor. */
export function tensorFromValues(values: TypedArray, shape: readonly number[], dtype: DType, op: string): Tensor {
  const backend = getBackend();
  if (!backend.capabilities.dtypes.includes(dtype)) {
    throw new BackendError(`${op}: backend '${backend.name}' does not support dtype ${dtype}; it supports ${backend.capabilities.dtypes.join(', ')}`);
  }
  const size = sizeOf(shape);
  return createTensor(adoptStorage(backend, backend.write(values, dtype, shape), dtype, size), shape, dtype, op);
}

/** How one op runs: its inputs, its output's shape and dtype, the kernel call, and its gradient. */
export interface OpRun {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly inputNames?: readonly string[];
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly kernel: (kernels: Kernels, inputs: TensorInfo[]) => DataId;
  readonly gradient?: GradientFunction;
}

/** Runs an op's kernel on the active backend and returns its output. */
export function runOp(run: OpRun): Tensor {
  const backend = backendForInputs(run.op, run.inputs, run.inputNames);
  if (!backend.capabilities.dtypes.includes(run.dtype)) {
    throw new BackendError(`${run.op}: backend '${backend.name}' does not support dtype ${run.dtype}; it supports ${backend.capabilities.dtypes.join(', ')}`);
  }
  const dataId = run.kernel(backend.kernels, run.inputs.map(infoOf));
  const output = createTensor(adoptStorage(backend, dataId, run.dtype, sizeOf(run.shape)), run.shape, run.dtype, run.op);
  if (run.gradient) recordOnTapes(run.op, run.inputs, output, run.gradient);
  return output;
}

/**
 * Runs an op that a backend may implement as one fused kernel (`fused`); otherwise runs `composite`
 * (built from other ops). Either way the tape sees one op with `gradient`, and the composite's
 * intermediate tensors are freed.
 */
export function runFused(run: OpRun & { readonly fused: KernelName; readonly composite: () => Tensor }): Tensor {
  const backend = backendForInputs(run.op, run.inputs, run.inputNames);
  if (typeof backend.kernels[run.fused] === 'function') return runOp(run);
  const parent = currentContext();
  const scope = { tensors: [] as Tensor[], parent: parent.scope };
  const output = runInContext({ scope, tapes: [] }, run.composite);
  for (const tensor of scope.tensors) if (tensor !== output) disposeTensor(tensor);
  if (parent.scope) parent.scope.tensors.push(output);
  else watchForLeaks(output);
  output.relabel(run.op);
  if (run.gradient) recordOnTapes(run.op, run.inputs, output, run.gradient);
  return output;
}

/** Tells every active tape about an op that ran. */
export function recordOnTapes(op: string, inputs: readonly Tensor[], output: Tensor, gradient: GradientFunction): void {
  const tapes = currentContext().tapes;
  for (let i = 0; i < tapes.length; i++) tapes[i].onOp({ op, inputs, output, gradient });
}

/** Runs `fn` with no tape recording (for updates and bookkeeping that are not part of a model). */
export function withoutTapes<T>(fn: () => T): T {
  const context = currentContext();
  if (context.tapes.length === 0) return fn();
  return runInContext({ scope: context.scope, tapes: [] }, fn);
}

/** Memory held by one backend. */
export interface BackendMemoryInfo {
  /** Live tensor handles (views and gradient-tape handles included). */
  readonly numTensors: number;
  /** Live storages (a storage shared by views counts once). */
  readonly numStorages: number;
  /** Bytes of live storages, as core counts them. */
  readonly numBytes: number;
  /** Bytes the backend reports in use and reserved from the system (wasm heap, GPU buffers, pools). */
  readonly bytesInUse: number;
  readonly bytesReserved: number;
}

/** Memory held by every backend, and the totals. */
export interface MemoryInfo {
  readonly numTensors: number;
  readonly numStorages: number;
  readonly numBytes: number;
  readonly backends: Readonly<Record<string, BackendMemoryInfo>>;
}

/**
 * Live tensors and bytes, in total and per backend.
 *
 * @example const before = memory().numTensors; step(); expect(memory().numTensors).toBe(before);
 */
export function memory(): MemoryInfo {
  let numTensors = 0;
  let numStorages = 0;
  let numBytes = 0;
  const backends: Record<string, BackendMemoryInfo> = {};
  const active = getBackendName() === null ? null : getBackend();
  for (const [backend, c] of counters) {
    // A backend that holds nothing and is no longer active (e.g. removed) is left out.
    if (c.tensors === 0 && c.storages === 0 && backend !== active) continue;
    numTensors += c.tensors;
    numStorages += c.storages;
    numBytes += c.bytes;
    const reported = backend.memory();
    backends[backend.name] = { numTensors: c.tensors, numStorages: c.storages, numBytes: c.bytes, ...reported };
  }
  return { numTensors, numStorages, numBytes, backends };
}

/** Reads a tensor's values (a fresh array the caller owns). */
export async function readValues(tensor: Tensor): Promise<TypedArray> {
  assertLive('data', tensor, 'the tensor');
  const { backend, dataId } = tensor.storage;
  return backend.read(dataId, tensor.dtype, tensor.size);
}

/** Reads a tensor's values synchronously, where its backend can. */
export function readValuesSync(tensor: Tensor): TypedArray {
  assertLive('dataSync', tensor, 'the tensor');
  const { backend, dataId } = tensor.storage;
  if (!backend.readSync) {
    throw new BackendError(`dataSync: backend '${backend.name}' reads asynchronously; use await tensor.data() or await tensor.array()`);
  }
  return backend.readSync(dataId, tensor.dtype, tensor.size);
}

/** True when the tensor's backend can read synchronously. */
export function canReadSync(tensor: Tensor): boolean {
  return typeof tensor.storage.backend.readSync === 'function';
}
