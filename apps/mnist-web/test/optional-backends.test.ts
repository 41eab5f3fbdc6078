import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOT_INSTALLED } from '../src/backends.js';
import { backendTemplateAssetUrls, optionalBackends } from '../vite/optional-backends.js';

type Hook = (this: unknown, ...args: unknown[]) => unknown;
const context = (resolved: unknown) => ({ resolve: async () => resolved, warn: () => {} });

describe('optionalBackends', () => {
  const root = mkdtempSync(join(tmpdir(), 'mnist-web-'));
  mkdirSync(join(root, 'packages', 'backend-wasm', 'dist'), { recursive: true });
  writeFileSync(join(root, 'packages', 'backend-wasm', 'dist', 'register.js'), '');
  const plugin = optionalBackends({ names: ['wasm', 'webgpu'], workspaceRoot: root });
  const resolveId = plugin.resolveId as Hook;
  const load = plugin.load as Hook;

  it('keeps a normal resolution, else uses the workspace build, else a module that throws', async () => {
    expect(await resolveId.call(context({ id: '/nm/register.js' }), '@tensorkit/backend-webgpu/register', '/app/x.ts', {})).toEqual({ id: '/nm/register.js' });
    expect(await resolveId.call(context(null), '@tensorkit/backend-wasm/register', '/app/x.ts', {})).toBe(join(root, 'packages', 'backend-wasm', 'dist', 'register.js'));
    const missing = (await resolveId.call(context(null), '@tensorkit/backend-webgpu/register', '/app/x.ts', {})) as string;
    expect(missing).toMatch(/^\0/);
    expect(await resolveId.call(context(null), '@tensorkit/backend-cpu/register', '/app/x.ts', {})).toBeNull();
    const code = load.call({}, missing) as string;
    const error = await import(`data:text/javascript,${encodeURIComponent(code)}`).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ code: NOT_INSTALLED, message: expect.stringMatching(/@tensorkit\/backend-webgpu is not installed/) });
  });
});

describe('backendTemplateAssetUrls', () => {
  const transform = backendTemplateAssetUrls().transform as Hook;
  it('marks template asset URLs of backend dist files @vite-ignore, leaving literal ones', () => {
    const code = 'a = new URL("./k.wasm", import.meta.url); b = new URL(`../dist/${file}`, import.meta.url); c = new URL(`./plain`, import.meta.url);';
    const out = transform.call({}, code, '/w/packages/backend-wasm/dist/chunk-1.js') as { code: string };
    expect(out.code).toBe('a = new URL("./k.wasm", import.meta.url); b = new URL(/* @vite-ignore */ `../dist/${file}`, import.meta.url); c = new URL(`./plain`, import.meta.url);');
    expect(transform.call({}, code, '/w/apps/mnist-web/src/main.ts')).toBeNull();
  });
});
