/** Page settings from the query string (`?data=URL&epochs=5&batch=128&limit=60000&testLimit=10000&backend=cpu`), with defaults. */

export interface PageSettings {
  readonly dataUrl: string;
  readonly epochs: number;
  readonly batchSize: number;
  readonly trainLimit: number;
  readonly testLimit: number;
  readonly backend: string | null;
}

/** The dev and preview servers serve the MNIST files here (vite/mnist-data.ts). */
export const DEFAULT_DATA_URL = '/data/mnist/';

function int(value: string | null, fallback: number, min: number, max: number): number {
  const n = value === null || value.trim() === '' ? NaN : Number(value);
  return Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

export function settingsFromQuery(search: string): PageSettings {
  const q = new URLSearchParams(search);
  return {
    dataUrl: q.get('data')?.trim() || DEFAULT_DATA_URL,
    epochs: int(q.get('epochs'), 5, 1, 100),
    batchSize: int(q.get('batch'), 128, 1, 60000),
    trainLimit: int(q.get('limit'), 60000, 1, 60000),
    testLimit: int(q.get('testLimit'), 10000, 1, 10000),
    backend: q.get('backend'),
  };
}

/** Clamps values typed into the form the same way. */
export function clampSetting(name: 'epochs' | 'batchSize' | 'trainLimit' | 'testLimit', value: string, fallback: number): number {
  const bounds = { epochs: [1, 100], batchSize: [1, 60000], trainLimit: [1, 60000], testLimit: [1, 10000] }[name];
  return int(value, fallback, bounds[0], bounds[1]);
}
