// Backends that may not be installed: vite/optional-backends.ts resolves them (or to a module that throws).
declare module '@tensorkit/backend-webgpu/register';
declare module '@tensorkit/backend-wasm/register';
