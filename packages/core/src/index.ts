/**
 * @tensorkit/core: tensors with NumPy broadcasting, ops with gradients, GradientTape, memory scopes,
 * and the contract that backends implement.
 *
 * @example
 * import { tensor, ready } from '@tensorkit/core';
 * import '@tensorkit/backend-cpu/register';
 * await ready();
 * console.log(tensor([[1, -2], [3, -4]]).relu().toString());
 *
 * @packageDocumentation
 */
export { Tensor, type NestedArray } from './tensor.js';
export { Variable, variable, type VariableOptions } from './variable.js';
export * from './ops/index.js';
export { GradientTape, type GradientTapeOptions, type GradientOptions } from './autodiff/gradient-tape.js';
export { grad, grads, valueAndGrad, valueAndGrads } from './autodiff/grad.js';
export { tidy, tidyAsync, keep, dispose } from './engine/scope.js';
export { memory, type MemoryInfo, type BackendMemoryInfo } from './engine/engine.js';
export { contextFollowsAwait } from './engine/context.js';
export {
  registerBackend, removeBackend, setBackend, getBackend, getBackendName, ready, listBackends, kernelsOf,
  type BackendStatus,
} from './engine/registry.js';
export * from './backend/contract.js';
export { TensorKitError, ShapeError, DTypeError, BackendError, DisposedError, ArgumentError } from './errors.js';
export { type DType, type TypedArray, DTYPES, allocate, bytesPerElement, isFloat, promoteTypes } from './dtype.js';
export { sizeOf, stridesOf, broadcastShapes, broadcastStrides, collapseDimensions } from './shape.js';
export { formatArray } from './format.js';
export { PhiloxStream, philox4x32 } from './random/philox.js';
export * from './nn/index.js';
export { encodeSafetensors, decodeSafetensors, SAFETENSORS_MAX_HEADER_BYTES, type NamedTensorData, type DecodedSafetensors, type DecodeSafetensorsOptions } from './io/safetensors.js';
export { writeFileAtomic, readFileBytes } from './io/files.js';
export { WeightsFileError } from './io/weights-error.js';
