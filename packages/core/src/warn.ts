/** Writes a warning where the runtime has a console (core is built without DOM or Node types). */
export function warn(message: string): void {
  (globalThis as { console?: { warn(message: string): void } }).console?.warn(message);
}
