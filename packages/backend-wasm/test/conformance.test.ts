import { readFileSync } from 'node:fs';
import '@tensorkit/backend-wasm/register';
import { conformanceSuite } from '@tensorkit/conformance/vitest';

conformanceSuite({ backend: 'wasm', gaps: readFileSync(new URL('../conformance-gaps.txt', import.meta.url), 'utf8') });
