/**
 * A subset of the conformance suite in headless Chromium on its own WebGPU (SwiftShader without a
 * GPU), from a page served on 127.0.0.1 (navigator.gpu exists only in secure contexts). Skipped
 * when Debian's chromium is not installed (set TENSORKIT_CHROMIUM to use another binary).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';

const executablePath = process.env.TENSORKIT_CHROMIUM ?? '/usr/bin/chromium';
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

describe.skipIf(!existsSync(executablePath))('browser (headless Chromium, navigator.gpu)', () => {
  let server: Server | undefined;
  const userDataDir = mkdtempSync(join(tmpdir(), 'tensorkit-chromium-'));
  afterAll(() => {
    server?.close();
    rmSync(userDataDir, { recursive: true, force: true });
  });

  it('runs the elementwise, reduction, products and nn conformance cases on WebGPU', async () => {
    const bundle = await build({
      entryPoints: [here('./browser/entry.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      alias: { '@tensorkit/core': here('../../core/src/index.ts') },
      external: ['webgpu', 'node:fs'],
      logLevel: 'silent',
    });
    const js = bundle.outputFiles[0].text;
    const html = '<!doctype html><meta charset="utf-8"><title>tensorkit webgpu</title><script type="module" src="/bundle.js"></script>';
    server = createServer((req, res) => {
      if (req.url?.startsWith('/bundle.js')) res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
      else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--no-first-run', '--enable-features=Vulkan', '--use-angle=swiftshader'],
    });
    try {
      const page = await context.newPage();
      const logs: string[] = [];
      page.on('console', (m) => logs.push(m.text()));
      page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => (globalThis as unknown as { __tensorkit?: { done: boolean } }).__tensorkit?.done === true, undefined, { timeout: 100_000 });
      const state = (await page.evaluate(() => (globalThis as unknown as { __tensorkit: unknown }).__tensorkit)) as {
        adapter?: string; error?: string; results: { id: string; status: string; message?: string }[];
      };
      if (state.error) throw new Error(`${state.error}\n${logs.join('\n')}`);
      const failed = state.results.filter((r) => r.status === 'failed');
      console.log(`browser adapter: ${state.adapter}; ${state.results.length} cases, ${failed.length} failed`);
      expect(state.results.length).toBeGreaterThan(100);
      expect(failed.map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 150_000);
});
