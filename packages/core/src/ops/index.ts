/** Every op, re-exported for `Tensor`'s methods and the package index. */
export * from './convert.js';
export * from './creation.js';
export * from './random.js';
export * from './elementwise.js';
export * from './reduction.js';
export * from './matmul.js';
export * from './reshape.js';
export * from './nn.js';
export * from './optimizer-updates.js';
