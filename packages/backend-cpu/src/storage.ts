/** The cpu backend's storage: one typed array per tensor value. */
import type { TypedArray } from '@tensorkit/core';

let liveBytes = 0;

/** A cpu storage handle (the backend's `DataId`). Counts its bytes from creation to `free()`. */
export class CpuStorage {
  #freed = false;

  constructor(public values: TypedArray) {
    liveBytes += values.byteLength;
  }

  /** Releases the array (idempotent). */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    liveBytes -= this.values.byteLength;
    this.values = new Float32Array(0);
  }
}

/** Bytes held by live cpu storages. */
export function cpuBytesInUse(): number {
  return liveBytes;
}

/** The typed array behind a `DataId` made by this backend. */
export function valuesOf(dataId: object): TypedArray {
  return (dataId as CpuStorage).values;
}
