import { readFileSync } from 'node:fs';
import '@tensorkit/backend-native/register';
import { conformanceSuite } from '@tensorkit/conformance/vitest';

conformanceSuite({ backend: 'native', gaps: readFileSync(new URL('../conformance-gaps.txt', import.meta.url), 'utf8') });
