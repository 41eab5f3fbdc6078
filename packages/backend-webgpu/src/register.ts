/**
 * Registers the webgpu backend under the name `webgpu` (priority 4). Importing this module is the
 * one side effect of the package.
 *
 * @example import '@tensorkit/backend-webgpu/register';
 *
 * @packageDocumentation
 */
import { registerBackend } from '@tensorkit/core';
import { WEBGPU_BACKEND_NAME, WEBGPU_BACKEND_PRIORITY, createWebGpuBackend } from './index.js';

registerBackend(WEBGPU_BACKEND_NAME, createWebGpuBackend, WEBGPU_BACKEND_PRIORITY);
