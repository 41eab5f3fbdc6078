/**
 * Acquiring a WebGPU device: `navigator.gpu` in browsers (and Deno), the optional `webgpu` package
 * (Dawn) in Node, with SwiftShader as the software fallback there. Every failure says why.
 */
import { BackendError } from '@tensorkit/core';
import { useSwiftShaderIfNeeded } from './swiftshader.js';

/** Limits the kernels rely on; a device below them is refused with the reason. */
export const REQUIRED_LIMITS = {
  maxStorageBuffersPerShaderStage: 4,
  maxComputeWorkgroupSizeX: 256,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupStorageSize: 8192,
  maxUniformBufferBindingSize: 1024,
} as const;

/** What `acquireDevice` found. */
export interface AcquiredDevice {
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  /** Adapter description as the browser or Dawn reports it. */
  readonly description: string;
  readonly isFallback: boolean;
  readonly f16: boolean;
  /** How the GPU was reached: `navigator.gpu`, or `webgpu (Dawn)` in Node, with the ICD if software. */
  readonly source: string;
  /** The GPU object the adapter came from, kept alive (Dawn crashes if its instance is collected). */
  readonly gpu: GPU;
}

/** Options of `acquireDevice`. */
export interface AcquireOptions {
  readonly powerPreference?: 'low-power' | 'high-performance';
  /** Dawn toggles for Node (default: `disable_robustness`, which speeds up software adapters). */
  readonly dawnFlags?: readonly string[];
  /**
   * More flags for Dawn's instance in Node (`create()` of the `webgpu` package), e.g. `backend=vulkan`
   * or `adapter=NAME` to pick one adapter of several. `backend=null` gives Dawn's null device: it
   * validates and compiles every shader (it offers every feature, `shader-f16` included) but computes
   * nothing, which the tests use to compile the f16 kernels on machines without an f16 GPU.
   */
  readonly dawnInstanceFlags?: readonly string[];
  /**
   * Accept a software (fallback) adapter such as SwiftShader (default true). The registered
   * factory passes false when `ready()` is choosing unasked: a software GPU is slower than the cpu
   * and wasm backends, so it is used only when asked for by name or with TENSORKIT_WEBGPU_SOFTWARE=1.
   */
  readonly allowSoftware?: boolean;
}

function declineSoftware(description: string): BackendError {
  return new BackendError(
    `only a software WebGPU adapter is available (${description}); TensorKit does not pick it automatically ` +
      "because it is slower than the cpu and wasm backends: use setBackend('webgpu') or TENSORKIT_BACKEND=webgpu to use it anyway",
  );
}

type NodeWebGpu = { create(flags: string[]): GPU; globals: Record<string, unknown> };

/**
 * Dawn instances by their flags and Vulkan ICD, one each for the life of the process. Dawn's Node
 * binding (webgpu 0.6.2) aborts the process ("terminate called after throwing an instance of
 * 'std::system_error'") or segfaults, during the run or at exit, when many instances each had a
 * device destroyed without the event loop turning in between (seen on SwiftShader after 20-40
 * create/destroy cycles, as a test suite does); a hundred devices from one instance ran clean. One
 * instance per configuration is also what Dawn intends, and it is never garbage-collected (Dawn
 * crashes if an instance with live objects is collected).
 */
const INSTANCES = new Map<string, GPU>();

function instanceFor(webgpu: NodeWebGpu, flags: readonly string[], env: Record<string, string | undefined>): GPU {
  // The Vulkan loader reads VK_ICD_FILENAMES when an instance is made: it is part of the key.
  const key = `${flags.join(' ')}\u0000${env.VK_ICD_FILENAMES ?? ''}`;
  let gpu = INSTANCES.get(key);
  if (!gpu) {
    gpu = webgpu.create([...flags]);
    INSTANCES.set(key, gpu);
  }
  return gpu;
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

async function importNodeWebGpu(): Promise<NodeWebGpu> {
  // A variable specifier, so bundlers for the browser do not try to resolve the native package.
  const specifier = 'webgpu';
  try {
    return (await import(/* @vite-ignore */ specifier)) as NodeWebGpu;
  } catch (error) {
    throw new BackendError(
      `WebGPU is not available in Node without the optional 'webgpu' package (Dawn): install it with ` +
        `'npm install webgpu@^0.6.2' (${(error as Error).message})`,
      { cause: error },
    );
  }
}

function describe(adapter: GPUAdapter): string {
  const info = (adapter as { info?: GPUAdapterInfo }).info;
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s && String(s).length > 0);
  return parts.length > 0 ? parts.join(' / ') : 'unknown adapter';
}

function fallbackFlag(adapter: GPUAdapter): boolean {
  const a = adapter as { isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean } };
  return Boolean(a.info?.isFallbackAdapter ?? a.isFallbackAdapter);
}

/** Checks the adapter's limits against what the kernels need; throws a BackendError naming the shortfall. */
export function checkLimits(limits: GPUSupportedLimits): void {
  const short = Object.entries(REQUIRED_LIMITS)
    .filter(([key, need]) => Number((limits as unknown as Record<string, number>)[key] ?? 0) < need)
    .map(([key, need]) => `${key} ${(limits as unknown as Record<string, number>)[key]} < ${need}`);
  if (short.length > 0) throw new BackendError(`the WebGPU adapter's limits are too small for TensorKit: ${short.join(', ')}`);
}

/** Requests an adapter and a device, with clear errors when either is unavailable or too small. */
export async function acquireDevice(options: AcquireOptions = {}): Promise<AcquiredDevice> {
  let gpu: GPU | undefined = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  let source = 'navigator.gpu';
  let adapter: GPUAdapter | null = null;
  const request = { powerPreference: options.powerPreference ?? 'high-performance' } as GPURequestAdapterOptions;
  if (gpu) {
    adapter = await gpu.requestAdapter(request);
  } else if (isNode()) {
    const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;
    const webgpu = await importNodeWebGpu();
    Object.assign(globalThis, webgpu.globals);
    const flags = [`enable-dawn-features=${(options.dawnFlags ?? ['disable_robustness']).join(',')}`, ...(options.dawnInstanceFlags ?? [])];
    source = env.VK_ICD_FILENAMES ? `webgpu (Dawn), Vulkan ICD ${env.VK_ICD_FILENAMES}` : 'webgpu (Dawn)';
    if (env.TENSORKIT_WEBGPU_SOFTWARE !== '1') {
      gpu = instanceFor(webgpu, flags, env);
      adapter = await gpu.requestAdapter(request);
    }
    if (!adapter && options.allowSoftware === false && env.TENSORKIT_WEBGPU_SOFTWARE !== '1') throw declineSoftware('SwiftShader');
    if (!adapter) {
      // No hardware adapter (or software forced): try SwiftShader's Vulkan driver if one is installed.
      const icd = await useSwiftShaderIfNeeded(env);
      if (icd) {
        gpu = instanceFor(webgpu, flags, env);
        adapter = await gpu.requestAdapter(request);
        source = `webgpu (Dawn), Vulkan ICD ${icd}`;
      }
    }
  } else {
    throw new BackendError('WebGPU is not available: navigator.gpu is missing (browsers expose it only in secure contexts: https or localhost)');
  }
  if (!adapter) {
    throw new BackendError(
      `no WebGPU adapter found (${source}). In Node without a GPU install SwiftShader (Debian 'chromium' or an extracted ` +
        `'chromium-common', see TENSORKIT_SWIFTSHADER_DIR) and the Vulkan loader 'libvulkan1'`,
    );
  }
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  if (fallbackFlag(adapter) && options.allowSoftware === false && env.TENSORKIT_WEBGPU_SOFTWARE !== '1') throw declineSoftware(describe(adapter));
  checkLimits(adapter.limits);
  // Ask for shader-f16 only where the adapter has it: requesting a feature the adapter lacks makes
  // requestDevice fail. With it, 'f16' matmul precision can run; without it, that falls back to f32.
  const f16 = adapter.features.has('shader-f16');
  const requiredLimits: Record<string, number> = {};
  for (const key of ['maxStorageBuffersPerShaderStage', 'maxComputeWorkgroupStorageSize', 'maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX'] as const) {
    requiredLimits[key] = Number((adapter.limits as unknown as Record<string, number>)[key]);
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures: f16 ? ['shader-f16'] : [] });
  } catch (error) {
    throw new BackendError(`the WebGPU adapter refused a device: ${(error as Error).message}`, { cause: error });
  }
  return { adapter, device, description: describe(adapter), isFallback: fallbackFlag(adapter), f16, source, gpu: gpu! };
}
