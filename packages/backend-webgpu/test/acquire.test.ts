/** Device acquisition errors: each says why WebGPU is unavailable. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackendError } from '@tensorkit/core';
import { describe, expect, it } from 'vitest';
import { acquireDevice, checkLimits, REQUIRED_LIMITS } from '../src/device.js';
import { findSwiftShaderIcd, useSwiftShaderIfNeeded } from '../src/swiftshader.js';
import { WebGpuBackend } from '../src/index.js';

describe('device acquisition', () => {
  it('refuses an adapter whose limits are too small, naming the limit', () => {
    const limits = { ...REQUIRED_LIMITS, maxComputeWorkgroupStorageSize: 4096 } as unknown as GPUSupportedLimits;
    expect(() => checkLimits(limits)).toThrow(BackendError);
    expect(() => checkLimits(limits)).toThrow(/maxComputeWorkgroupStorageSize 4096 < 8192/);
    expect(() => checkLimits(REQUIRED_LIMITS as unknown as GPUSupportedLimits)).not.toThrow();
  });

  it('finds SwiftShader in TENSORKIT_SWIFTSHADER_DIR and sets VK_ICD_FILENAMES only when unset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swiftshader-'));
    writeFileSync(join(dir, 'vk_swiftshader_icd.json'), '{}');
    expect(await findSwiftShaderIcd({ TENSORKIT_SWIFTSHADER_DIR: dir })).toBe(join(dir, 'vk_swiftshader_icd.json'));
    const env: Record<string, string | undefined> = { TENSORKIT_SWIFTSHADER_DIR: dir };
    expect(await useSwiftShaderIfNeeded(env)).toBe(join(dir, 'vk_swiftshader_icd.json'));
    expect(env.VK_ICD_FILENAMES).toBe(join(dir, 'vk_swiftshader_icd.json'));
    expect(await useSwiftShaderIfNeeded({ VK_ICD_FILENAMES: '/x.json' })).toBe('/x.json');
    expect(await useSwiftShaderIfNeeded({ TENSORKIT_WEBGPU_SOFTWARE: '0', TENSORKIT_SWIFTSHADER_DIR: dir })).toBeNull();
  });

  it('fails with a clear BackendError when no adapter exists', async () => {
    const saved = { icd: process.env.VK_ICD_FILENAMES, soft: process.env.TENSORKIT_WEBGPU_SOFTWARE };
    process.env.VK_ICD_FILENAMES = '/nonexistent/vk_icd.json';
    process.env.TENSORKIT_WEBGPU_SOFTWARE = '0';
    try {
      await expect(WebGpuBackend.create()).rejects.toThrow(/no WebGPU adapter found/);
    } finally {
      if (saved.icd === undefined) delete process.env.VK_ICD_FILENAMES;
      else process.env.VK_ICD_FILENAMES = saved.icd;
      if (saved.soft === undefined) delete process.env.TENSORKIT_WEBGPU_SOFTWARE;
      else process.env.TENSORKIT_WEBGPU_SOFTWARE = saved.soft;
    }
  });

  it("requests 'shader-f16' exactly when the adapter offers it", async () => {
    // A stand-in navigator.gpu whose adapter records what the device was requested with.
    const requested: GPUDeviceDescriptor[] = [];
    const adapterWith = (features: string[]) => ({
      features: new Set(features),
      limits: { ...REQUIRED_LIMITS, maxBufferSize: 1 << 28, maxStorageBufferBindingSize: 1 << 27 },
      info: { vendor: 'test', architecture: '', device: '', description: 'stand-in adapter', isFallbackAdapter: false },
      requestDevice: async (descriptor: GPUDeviceDescriptor) => {
        requested.push(descriptor);
        return {} as GPUDevice;
      },
    });
    const g = globalThis as { navigator?: unknown };
    const saved = Object.getOwnPropertyDescriptor(g, 'navigator');
    try {
      for (const features of [['shader-f16', 'timestamp-query'], ['timestamp-query'], []]) {
        const adapter = adapterWith(features);
        Object.defineProperty(g, 'navigator', { value: { gpu: { requestAdapter: async () => adapter } }, configurable: true, writable: true });
        const acquired = await acquireDevice();
        const asked = [...(requested[requested.length - 1].requiredFeatures ?? [])];
        expect(acquired.f16).toBe(features.includes('shader-f16'));
        expect(asked).toEqual(features.includes('shader-f16') ? ['shader-f16'] : []);
      }
    } finally {
      if (saved) Object.defineProperty(g, 'navigator', saved);
      else delete g.navigator;
    }
  });
});
