/**
 * The GPU side of the backend: storages on pooled `GPUBuffer`s, one command encoder that records
 * many dispatches and is submitted together (on a read, or every `FLUSH_EVERY` dispatches), a
 * pipeline cache keyed by shader source, and small pooled uniform buffers for shapes and strides.
 */
import { BackendError, type DType } from '@tensorkit/core';

/** WGSL element type of each dtype: bool is stored as one u32 per element. */
export type Elem = 'f32' | 'i32' | 'u32';

/** The WGSL element a dtype is stored as. */
export function elemOf(dtype: DType): Elem {
  if (dtype === 'float32') return 'f32';
  if (dtype === 'int32') return 'i32';
  if (dtype === 'bool') return 'u32';
  throw new BackendError(`webgpu: dtype ${dtype} is not supported (WGSL has no float64)`);
}

/** A storage (the backend's `DataId`): one buffer of `size` 4-byte elements. */
export class GpuStorage {
  constructor(
    public buffer: GPUBuffer | null,
    readonly dtype: DType,
    readonly size: number,
    readonly generation: number,
  ) {}
}

/** One binding of a dispatch: a buffer, read-only or written. */
export interface Binding {
  readonly buffer: GPUBuffer;
  readonly write: boolean;
}

/** Words of a uniform parameter block, written as u32 / i32 / f32. */
export class Params {
  readonly words: number[] = [];
  private readonly f32 = new Float32Array(1);
  private readonly u32 = new Uint32Array(this.f32.buffer);
  u(v: number): this { this.words.push(v >>> 0); return this; }
  i(v: number): this { this.words.push(v | 0); return this; }
  f(v: number): this { this.f32[0] = v; this.words.push(this.u32[0]); return this; }
  /** Pads with zero words up to `n` (a shader's uniform block may declare more words than a variant uses). */
  pad(n: number): this { while (this.words.length < n) this.words.push(0); return this; }
  us(vs: readonly number[]): this { for (const v of vs) this.u(v); return this; }
  is(vs: readonly number[]): this { for (const v of vs) this.i(v); return this; }
}

const FLUSH_EVERY = 256;
const MAX_POOLED_BYTES = 512 * 1024 * 1024;
const USAGE_STORAGE = 0x80 | 0x04 | 0x08; // STORAGE | COPY_SRC | COPY_DST
const USAGE_UNIFORM = 0x40 | 0x08; // UNIFORM | COPY_DST
const USAGE_STAGING = 0x01 | 0x08; // MAP_READ | COPY_DST
const MAP_READ = 0x01;

function roundUp(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}

class Pool {
  private readonly free = new Map<number, GPUBuffer[]>();
  pooledBytes = 0;
  createdBytes = 0;
  constructor(private readonly device: GPUDevice, private readonly usage: number) {}
  acquire(bytes: number): GPUBuffer {
    const list = this.free.get(bytes);
    const reused = list?.pop();
    if (reused) {
      this.pooledBytes -= bytes;
      return reused;
    }
    this.createdBytes += bytes;
    return this.device.createBuffer({ size: bytes, usage: this.usage });
  }
  release(buffer: GPUBuffer): void {
    const bytes = buffer.size;
    if (this.pooledBytes + bytes > MAX_POOLED_BYTES) {
      this.createdBytes -= bytes;
      buffer.destroy();
      return;
    }
    const list = this.free.get(bytes);
    if (list) list.push(buffer);
    else this.free.set(bytes, [buffer]);
    this.pooledBytes += bytes;
  }
  clear(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.createdBytes -= this.pooledBytes;
    this.pooledBytes = 0;
  }
}

/** Records and submits work on one device. */
export class Engine {
  private readonly storagePool: Pool;
  private readonly uniformPool: Pool;
  private readonly stagingPool: Pool;
  private readonly pipelines = new Map<string, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private dispatches = 0;
  /** Buffers freed while the current encoder may still use them: pooled only after it is submitted. */
  private releasedStorage: GPUBuffer[] = [];
  private releasedUniform: GPUBuffer[] = [];
  bytesInUse = 0;
  lost: string | null = null;
  error: string | null = null;
  /** Counts submitted command buffers (for tests and the bench). */
  submits = 0;

  constructor(readonly device: GPUDevice, readonly generation: number) {
    this.storagePool = new Pool(device, USAGE_STORAGE);
    this.uniformPool = new Pool(device, USAGE_UNIFORM);
    this.stagingPool = new Pool(device, USAGE_STAGING);
    const onError = (event: Event) => {
      const e = (event as GPUUncapturedErrorEvent).error;
      this.error ??= e?.message ?? String(e);
    };
    if (typeof device.addEventListener === 'function') device.addEventListener('uncapturederror', onError);
    else (device as { onuncapturederror: unknown }).onuncapturederror = onError;
  }

  /** Bytes held from the device: live storages plus pooled buffers. */
  get bytesReserved(): number {
    return this.storagePool.createdBytes + this.uniformPool.createdBytes + this.stagingPool.createdBytes;
  }

  /** Throws the device-lost or validation error, if any. */
  check(): void {
    if (this.lost !== null) {
      throw new BackendError(`webgpu: the GPU device was lost (${this.lost}); call reinitialize() on the backend or removeBackend('webgpu') and set it again`);
    }
    if (this.error !== null) {
      const message = this.error;
      this.error = null;
      throw new BackendError(`webgpu: a GPU command failed: ${message}`);
    }
  }

  /** A new storage of `size` elements (contents undefined). */
  allocate(dtype: DType, size: number): GpuStorage {
    const bytes = roundUp(Math.max(size, 1) * 4, 16);
    this.bytesInUse += size * 4;
    return new GpuStorage(this.storagePool.acquire(bytes), dtype, size, this.generation);
  }

  /** Frees a storage's buffer once the work recorded so far is submitted. */
  free(storage: GpuStorage): void {
    if (!storage.buffer) return;
    if (storage.generation === this.generation) {
      this.releasedStorage.push(storage.buffer);
      this.bytesInUse -= storage.size * 4;
    }
    storage.buffer = null;
  }

  /** The live buffer of a storage of this device, or a clear error. */
  bufferOf(storage: GpuStorage): GPUBuffer {
    if (storage.generation !== this.generation) {
      throw new BackendError('webgpu: this tensor belongs to a GPU device that was lost or replaced; its values are gone');
    }
    if (!storage.buffer) throw new BackendError('webgpu: storage used after it was disposed');
    return storage.buffer;
  }

  /** Uploads `data` into a new storage. */
  upload(dtype: DType, data: Float32Array | Int32Array | Uint32Array): GpuStorage {
    this.check();
    const storage = this.allocate(dtype, data.length);
    if (data.length > 0) this.device.queue.writeBuffer(storage.buffer!, 0, data.buffer, data.byteOffset, data.byteLength);
    return storage;
  }

  private pipeline(code: string, bindings: readonly Binding[]): { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout } {
    const cached = this.pipelines.get(code);
    if (cached) return cached;
    const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: 4, buffer: { type: 'uniform' } }];
    bindings.forEach((b, i) => entries.push({ binding: i + 1, visibility: 4, buffer: { type: b.write ? 'storage' : 'read-only-storage' } }));
    const layout = this.device.createBindGroupLayout({ entries });
    const module = this.device.createShaderModule({ code });
    const pipeline = this.device.createComputePipeline({
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    });
    const entry = { pipeline, layout };
    this.pipelines.set(code, entry);
    return entry;
  }

  /** Number of compiled pipelines (each shader source is compiled once). */
  get pipelineCount(): number {
    return this.pipelines.size;
  }

  private computePass(): GPUComputePassEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    this.pass ??= this.encoder.beginComputePass();
    return this.pass;
  }

  private endPass(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    return this.encoder;
  }

  /** Records one dispatch of `code` over `groups` workgroups (split into 2-D past the per-dimension limit). */
  dispatch(code: string, params: Params, bindings: readonly Binding[], groups: number | readonly [number, number, number]): void {
    this.check();
    let [x, y, z] = typeof groups === 'number' ? [groups, 1, 1] : groups;
    if (x * y * z === 0) return;
    if (typeof groups === 'number' && x > 65535) {
      y = Math.ceil(x / 65535);
      x = 65535;
    }
    const { pipeline, layout } = this.pipeline(code, bindings);
    const words = params.words.length === 0 ? [0] : params.words;
    const uniform = this.uniformPool.acquire(roundUp(words.length * 4, 16));
    this.device.queue.writeBuffer(uniform, 0, new Uint32Array(words));
    this.releasedUniform.push(uniform);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform } }];
    bindings.forEach((b, i) => entries.push({ binding: i + 1, resource: { buffer: b.buffer } }));
    const group = this.device.createBindGroup({ layout, entries });
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(x, y, z);
    if (++this.dispatches >= FLUSH_EVERY) this.flush();
  }

  /** Records a buffer-to-buffer copy. */
  copy(from: GPUBuffer, to: GPUBuffer, bytes: number): void {
    this.check();
    if (bytes === 0) return;
    this.endPass().copyBufferToBuffer(from, 0, to, 0, roundUp(bytes, 4));
    this.dispatches++;
  }

  /** Submits everything recorded so far, then pools the buffers freed meanwhile. */
  flush(): void {
    if (this.encoder) {
      const encoder = this.endPass();
      this.encoder = null;
      this.device.queue.submit([encoder.finish()]);
      this.submits++;
    }
    this.dispatches = 0;
    for (const b of this.releasedStorage) this.storagePool.release(b);
    for (const b of this.releasedUniform) this.uniformPool.release(b);
    this.releasedStorage = [];
    this.releasedUniform = [];
  }

  /** Reads `size` 4-byte elements of a storage back (submits pending work first). */
  async readWords(storage: GpuStorage, size: number): Promise<ArrayBuffer> {
    this.check();
    const bytes = size * 4;
    if (bytes === 0) return new ArrayBuffer(0);
    const source = this.bufferOf(storage);
    const staging = this.stagingPool.acquire(roundUp(bytes, 16));
    this.endPass().copyBufferToBuffer(source, 0, staging, 0, roundUp(bytes, 4));
    this.flush();
    try {
      await staging.mapAsync(MAP_READ, 0, staging.size);
    } catch (error) {
      this.check();
      throw new BackendError(`webgpu: reading a tensor failed: ${(error as Error).message}`, { cause: error });
    }
    const copy = staging.getMappedRange(0, staging.size).slice(0, bytes);
    staging.unmap();
    this.stagingPool.release(staging);
    this.check();
    return copy;
  }

  /** Waits until the GPU has finished everything submitted. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.check();
  }

  /** Frees every pooled buffer and the device. */
  destroy(): void {
    this.flush();
    this.storagePool.clear();
    this.uniformPool.clear();
    this.stagingPool.clear();
    this.pipelines.clear();
    this.device.destroy();
  }
}
