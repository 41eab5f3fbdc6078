/**
 * Registers the cpu backend under the name `cpu` (priority 1). Importing this module is the one
 * side effect of the package.
 *
 * @example import '@tensorkit/backend-cpu/register';
 *
 * @packageDocumentation
 */
import { registerBackend } from '@tensorkit/core';
import { CPU_BACKEND_NAME, CPU_BACKEND_PRIORITY, createCpuBackend } from './index.js';

registerBackend(CPU_BACKEND_NAME, createCpuBackend, CPU_BACKEND_PRIORITY);
