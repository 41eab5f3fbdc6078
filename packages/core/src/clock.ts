/** Milliseconds from a monotonic clock where the runtime has one (core is built without DOM or Node types). */
export function now(): number {
  return (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();
}
