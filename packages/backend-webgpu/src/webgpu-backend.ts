/** The webgpu backend: storages on GPU buffers, kernels as WGSL compute shaders, asynchronous reads. */
import { BackendError, type Backend, type BackendCapabilities, type BackendMemory, type DType, type Kernels, type TypedArray } from '@tensorkit/core';
import { acquireDevice, type AcquireOptions, type AcquiredDevice } from './device.js';
import { Engine, type GpuStorage } from './engine.js';
import { makeKernels } from './kernels.js';
import { checkMatmulPrecision, effectiveMatmulPrecision, matmulPrecisionNote, requestedMatmulPrecision, type MatmulPrecision } from './precision.js';

/** Options of `WebGpuBackend.create()`: device acquisition plus how matmuls compute. */
export interface WebGpuBackendOptions extends AcquireOptions {
  /**
   * Precision of float32 matmuls and fused dense layers (see `MatmulPrecision`). Default: the
   * environment variable `TENSORKIT_WEBGPU_MATMUL_PRECISION` when set, else `'highest'` (float32).
   * `'f16'` falls back to float32 on an adapter without `shader-f16`, and says so in
   * `capabilities.notes`. A value outside `MATMUL_PRECISIONS` throws an `ArgumentError`.
   */
  readonly matmulPrecision?: MatmulPrecision;
  /**
   * Let the tiled matmul read operands whose stride-1 dimension is a multiple of 4 as vec4 (default
   * true). Results are identical either way (only the loads change); turning it off is for ruling out
   * a driver problem with vec4 loads, or comparing their speed.
   */
  readonly matmulVectorLoads?: boolean;
}

function nodeEnv(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

/** Facts about the device the backend runs on. */
export interface WebGpuInfo {
  /** Adapter vendor / architecture / description. */
  readonly description: string;
  /** True for a software adapter (SwiftShader) or another fallback. */
  readonly isFallback: boolean;
  /**
   * Whether the device was created with `shader-f16` (requested only when the adapter offers it);
   * f16 kernels run only with `matmulPrecision: 'f16'`.
   */
  readonly f16: boolean;
  /** How the device was reached (`navigator.gpu`, or Dawn in Node with the Vulkan ICD used). */
  readonly source: string;
}

/**
 * A WebGPU backend. Create it with `await WebGpuBackend.create()` (or through the registry). Reads
 * are asynchronous only: there is no `readSync`, so `dataSync()` fails with a clear BackendError.
 */
export class WebGpuBackend implements Backend {
  readonly name = 'webgpu';
  readonly kernels: Kernels;
  private engine: Engine;
  private acquired: AcquiredDevice;
  private generation = 0;
  private destroyed = false;
  private requestedPrecision: MatmulPrecision;
  private readonly vectorLoads: boolean;
  private described: BackendCapabilities;

  private constructor(acquired: AcquiredDevice, private readonly options: WebGpuBackendOptions, precision: MatmulPrecision) {
    this.acquired = acquired;
    this.requestedPrecision = precision;
    this.vectorLoads = options.matmulVectorLoads ?? true;
    this.described = this.describe();
    this.engine = this.attach(acquired);
    this.kernels = makeKernels(
      () => this.live(),
      () => ({ precision: this.matmulPrecisionInEffect, vectorLoads: this.vectorLoads }),
    );
  }

  /**
   * What the backend offers. Core reads it on every op, so it is built once and rebuilt only when
   * what it describes changes: the matmul precision (`setMatmulPrecision`) and the adapter
   * (`reinitialize`).
   */
  get capabilities(): BackendCapabilities {
    return this.described;
  }

  private describe(): BackendCapabilities {
    const { description, isFallback, f16 } = this.acquired;
    return {
      dtypes: ['float32', 'int32', 'bool'],
      // Storage and every kernel but an opted-in f16 matmul are float32; the note below says when not.
      precision: 'float32',
      syncRead: false,
      threads: 1,
      notes: [
        `adapter: ${description}${isFallback ? ' (software/fallback adapter)' : ''}`,
        'reads are asynchronous only (await tensor.data()); float64 is unavailable (WGSL has no f64)',
        `kernels compute in f32; bool is stored as one u32 per element; shader-f16 ${f16 ? 'available' : 'unavailable'}`,
        matmulPrecisionNote(this.requestedPrecision, f16),
      ],
    };
  }

  /**
   * Acquires a device and makes the backend. Throws a BackendError saying why WebGPU is unavailable,
   * or an ArgumentError for a bad `matmulPrecision` (checked before any device is requested).
   */
  static async create(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
    const precision = requestedMatmulPrecision(options.matmulPrecision, nodeEnv());
    return new WebGpuBackend(await acquireDevice(options), options, precision);
  }

  /** The matmul precision asked for (by the option, the environment variable or `setMatmulPrecision`). */
  get matmulPrecision(): MatmulPrecision {
    return this.requestedPrecision;
  }

  /**
   * The matmul precision float32 matmuls run with: the one asked for, except `'f16'` on a device
   * without `shader-f16`, which runs as `'highest'` (float32).
   */
  get matmulPrecisionInEffect(): MatmulPrecision {
    return effectiveMatmulPrecision(this.requestedPrecision, this.acquired.f16);
  }

  /**
   * Changes the precision of later float32 matmuls (see `MatmulPrecision`); returns the precision in
   * effect. Throws an `ArgumentError` naming the valid values for anything else.
   */
  setMatmulPrecision(precision: MatmulPrecision): MatmulPrecision {
    this.requestedPrecision = checkMatmulPrecision(precision);
    this.described = this.describe();
    return this.matmulPrecisionInEffect;
  }

  private attach(acquired: AcquiredDevice): Engine {
    const engine = new Engine(acquired.device, ++this.generation);
    acquired.device.lost.then((info) => {
      if (engine.lost === null && !this.destroyed) engine.lost = `${info.reason ?? 'unknown'}: ${info.message || 'no message'}`;
      else engine.lost ??= 'destroyed';
    });
    return engine;
  }

  private live(): Engine {
    if (this.destroyed) throw new BackendError('webgpu: the backend was destroyed');
    this.engine.check();
    return this.engine;
  }

  /** The adapter and how it was reached. */
  get info(): WebGpuInfo {
    const { description, isFallback, f16, source } = this.acquired;
    return { description, isFallback, f16, source };
  }

  /** The GPUDevice (typed loosely so the public types do not need `@webgpu/types`). */
  get device(): unknown {
    return this.engine.device;
  }

  /** True once the device is lost (see `reinitialize`). */
  get isLost(): boolean {
    return this.engine.lost !== null;
  }

  /**
   * Acquires a fresh device after a loss (or on demand). Tensors made on the old device are gone:
   * using them throws a BackendError; new tensors work.
   */
  async reinitialize(): Promise<void> {
    // The new adapter may differ (shader-f16 included): the precision in effect is derived on use.
    const acquired = await acquireDevice(this.options);
    try {
      if (this.engine.lost === null) this.engine.destroy();
    } catch {
      // the old device may already be unusable
    }
    this.acquired = acquired;
    this.described = this.describe();
    this.engine = this.attach(acquired);
    this.destroyed = false;
  }

  /** Submits pending work and waits for the GPU to finish it (for timing). */
  async sync(): Promise<void> {
    await this.live().sync();
  }

  /** Statistics: pipelines compiled and command buffers submitted so far on this device. */
  stats(): { pipelines: number; submits: number } {
    return { pipelines: this.engine.pipelineCount, submits: this.engine.submits };
  }

  write(values: TypedArray, dtype: DType, _shape: readonly number[]): object {
    const engine = this.live();
    if (dtype === 'bool') return engine.upload(dtype, Uint32Array.from(values as Uint8Array));
    if (dtype === 'float32') return engine.upload(dtype, values instanceof Float32Array ? values : Float32Array.from(values));
    if (dtype === 'int32') return engine.upload(dtype, values instanceof Int32Array ? values : Int32Array.from(values));
    throw new BackendError(`webgpu: dtype ${dtype} is not supported; it supports float32, int32, bool`);
  }

  async read(dataId: object, dtype: DType, size: number): Promise<TypedArray> {
    const words = await this.live().readWords(dataId as GpuStorage, size);
    if (dtype === 'float32') return new Float32Array(words);
    if (dtype === 'int32') return new Int32Array(words);
    if (dtype === 'bool') return Uint8Array.from(new Uint32Array(words), (v) => (v !== 0 ? 1 : 0));
    throw new BackendError(`webgpu: dtype ${dtype} is not supported`);
  }

  dispose(dataId: object): void {
    this.engine.free(dataId as GpuStorage);
  }

  memory(): BackendMemory {
    return { bytesInUse: this.engine.bytesInUse, bytesReserved: this.engine.bytesReserved };
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      this.engine.destroy();
    } catch {
      // already lost
    }
  }
}
