/**
 * Runs before each test file: no test may read or write the real cache or data directories, so
 * HOME, TENSORKIT_CACHE_DIR and XDG_CACHE_HOME point into a temporary directory and
 * TENSORKIT_DATA_DIR is unset. Tests that need other values stub them themselves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, vi } from 'vitest';
import { cleanupTempDirs } from './helpers.js';

const sandbox = mkdtempSync(join(tmpdir(), 'tk-datasets-home-'));

beforeEach(() => {
  vi.stubEnv('HOME', join(sandbox, 'home'));
  vi.stubEnv('TENSORKIT_CACHE_DIR', join(sandbox, 'cache'));
  vi.stubEnv('XDG_CACHE_HOME', join(sandbox, 'xdg'));
  vi.stubEnv('TENSORKIT_DATA_DIR', undefined);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(() => {
  cleanupTempDirs();
  rmSync(sandbox, { recursive: true, force: true });
});
