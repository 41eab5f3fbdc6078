import { readFileSync } from 'node:fs';
import '@tensorkit/backend-cpu/register';
import { conformanceSuite } from '@tensorkit/conformance/vitest';

conformanceSuite({ backend: 'cpu', gaps: readFileSync(new URL('../conformance-gaps.txt', import.meta.url), 'utf8') });
