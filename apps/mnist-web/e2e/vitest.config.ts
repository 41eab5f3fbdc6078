// The browser e2e as a vitest run: `pnpm --filter @tensorkit/app-mnist-web e2e:vitest` (not part of
// the unit projects, which the root config finds as apps/*/vitest.config.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'mnist-web-e2e', root: new URL('.', import.meta.url).pathname, include: ['e2e.test.ts'], testTimeout: 180_000, hookTimeout: 180_000 },
});
