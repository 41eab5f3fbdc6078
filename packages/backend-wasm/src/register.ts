/**
 * Registers the wasm backend under the name `wasm` (priority 2, above cpu). Importing this module is
 * the one side effect of the package.
 *
 * @example import '@tensorkit/backend-wasm/register';
 *
 * @packageDocumentation
 */
import { registerBackend } from '@tensorkit/core';
import { WASM_BACKEND_NAME, WASM_BACKEND_PRIORITY, wasmBackendFactory } from './index.js';

registerBackend(WASM_BACKEND_NAME, wasmBackendFactory, WASM_BACKEND_PRIORITY);
