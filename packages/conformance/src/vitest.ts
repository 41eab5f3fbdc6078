/**
 * The conformance suite as vitest tests, for a backend package's own test run.
 *
 * @example
 * // packages/backend-foo/test/conformance.test.ts
 * import '@tensorkit/backend-foo/register';
 * import { conformanceSuite } from '@tensorkit/conformance/vitest';
 * conformanceSuite({ backend: 'foo', gaps: readFileSync(new URL('../conformance-gaps.txt', import.meta.url), 'utf8') });
 *
 * @packageDocumentation
 */
import { setBackend } from '@tensorkit/core';
import { beforeAll, describe, it } from 'vitest';
import { caseId } from './case.js';
import { gapFor, parseGaps } from './gaps.js';
import { runCase } from './runner.js';
import { allCases } from './suite.js';

/** Options of `conformanceSuite`. */
export interface ConformanceSuiteOptions {
  /** The registered backend to test. */
  readonly backend: string;
  /** Contents of the backend's gap file (see `parseGaps`); gaps are reported as skipped, with their reason. */
  readonly gaps?: string;
}

/** Declares one vitest test per conformance case, grouped by group and op. */
export function conformanceSuite(options: ConformanceSuiteOptions): void {
  const gaps = parseGaps(options.gaps ?? '');
  const cases = allCases();
  describe(`conformance on ${options.backend}`, () => {
    beforeAll(async () => {
      await setBackend(options.backend);
    });
    for (const c of cases) {
      const id = caseId(c);
      const gap = gapFor(id, gaps);
      if (gap) {
        it.skip(`${id} (known gap: ${gap.reason})`, () => undefined);
        continue;
      }
      it(id, async () => {
        const result = await runCase(c, options.backend);
        if (result.status === 'failed') throw new Error(result.message);
      });
    }
  });
}
