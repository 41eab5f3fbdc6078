import { readFileSync } from 'node:fs';
import '@tensorkit/backend-webgpu/register';
import { conformanceSuite } from '@tensorkit/conformance/vitest';

conformanceSuite({ backend: 'webgpu', gaps: readFileSync(new URL('../conformance-gaps.txt', import.meta.url), 'utf8') });
