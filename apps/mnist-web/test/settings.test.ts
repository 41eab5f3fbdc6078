import { describe, expect, it } from 'vitest';
import { clampSetting, DEFAULT_DATA_URL, settingsFromQuery } from '../src/settings.js';
import { dataDirFrom } from '../vite/mnist-data.js';

describe('settingsFromQuery', () => {
  it('has the chapter defaults', () => {
    expect(settingsFromQuery('')).toEqual({ dataUrl: DEFAULT_DATA_URL, epochs: 5, batchSize: 128, trainLimit: 60000, testLimit: 10000, backend: null });
  });
  it('reads and clamps the query', () => {
    expect(settingsFromQuery('?data=https://x.test/mnist/&epochs=2&batch=64&limit=99999&testLimit=0&backend=wasm')).toEqual({
      dataUrl: 'https://x.test/mnist/', epochs: 2, batchSize: 64, trainLimit: 60000, testLimit: 1, backend: 'wasm',
    });
    expect(settingsFromQuery('?epochs=abc').epochs).toBe(5);
    expect(clampSetting('batchSize', '1.5', 128)).toBe(128);
  });
});

describe('dataDirFrom', () => {
  it('prefers --data-dir, then TENSORKIT_DATA_DIR, then ../shared/datasets/mnist beside the repo', () => {
    expect(dataDirFrom(['node', 'vite', '--data-dir', '/d1'], { TENSORKIT_DATA_DIR: '/d2' }, '/repo')).toBe('/d1');
    expect(dataDirFrom(['--data-dir=/d3'], {}, '/repo')).toBe('/d3');
    expect(dataDirFrom([], { TENSORKIT_DATA_DIR: '/d2' }, '/repo')).toBe('/d2');
    expect(dataDirFrom([], {}, '/work/main')).toBe('/work/shared/datasets/mnist');
  });
});
