/**
 * @tensorkit/backend-webgpu: every kernel as a WGSL compute shader. In browsers it uses
 * `navigator.gpu`; in Node the optional `webgpu` package (Dawn), loaded only when needed.
 * Import `@tensorkit/backend-webgpu/register` to register it, or register `createWebGpuBackend` yourself.
 *
 * @packageDocumentation
 */
import type { BackendFactory } from '@tensorkit/core';
import { WebGpuBackend } from './webgpu-backend.js';

export { WebGpuBackend, type WebGpuBackendOptions, type WebGpuInfo } from './webgpu-backend.js';
export { MATMUL_PRECISION_ENV, MATMUL_PRECISIONS, isMatmulPrecision, type MatmulPrecision } from './precision.js';
export { REQUIRED_LIMITS, type AcquireOptions } from './device.js';
export { findSwiftShaderIcd, swiftShaderCandidates, useSwiftShaderIfNeeded } from './swiftshader.js';

/** The name the backend registers under. */
export const WEBGPU_BACKEND_NAME = 'webgpu';

/**
 * Its priority in `ready()`: the highest in browsers (4); in Node 2.5, below the native backend (3),
 * the server's first choice, and above wasm (2).
 */
export const WEBGPU_BACKEND_PRIORITY = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string' ? 2.5 : 4;

/** Makes a webgpu backend (asynchronously: a device must be requested). */
export const createWebGpuBackend: BackendFactory = (context) => WebGpuBackend.create({ allowSoftware: context?.requested ?? true });
