/**
 * Registers the native backend under the name `native` (priority 3, above cpu). Importing this
 * module is the one side effect of the package. Registration never fails: if the addon is
 * unavailable, initialising the backend fails with the reason and `ready()` picks the next one.
 *
 * @example import '@tensorkit/backend-native/register';
 *
 * @packageDocumentation
 */
import { registerBackend } from '@tensorkit/core';
import { createNativeBackend, NATIVE_BACKEND_NAME, NATIVE_BACKEND_PRIORITY } from './index.js';

registerBackend(NATIVE_BACKEND_NAME, createNativeBackend, NATIVE_BACKEND_PRIORITY);
