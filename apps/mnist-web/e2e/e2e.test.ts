import { expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types
import { runE2E } from './run.mjs';

it('trains, predicts a drawn digit, saves and loads weights on every available backend (headless Chromium)', async () => {
  const summary = await runE2E({ build: process.env.TENSORKIT_E2E_NO_BUILD !== '1' });
  for (const b of summary.backends) console.log(`${b.backend}: ${b.epochSeconds?.map((s: number) => s.toFixed(2)).join(', ')} s/epoch, test accuracy ${b.testAccuracy}`);
  expect(summary.failures).toEqual([]);
  expect(summary.backends.length).toBeGreaterThan(0);
});
