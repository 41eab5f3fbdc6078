/**
 * Loads the backend in headless Chromium from a page served on localhost: the package's sources
 * bundled with esbuild (so `new URL('./kernels.wasm', import.meta.url)` is resolved as a bundler
 * leaves it) next to the built binaries. Served cross-origin isolated (COOP/COEP), so threads run
 * on Web Workers; a second page without those headers must fall back to one thread and say so.
 * Skipped when /usr/bin/chromium (Debian's `chromium`) is not installed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));

const PAGE_SCRIPT = `
import * as tk from '@tensorkit/core';
import { createWasmBackend } from '@tensorkit/backend-wasm';
try {
  const backend = await createWasmBackend();
  tk.registerBackend('wasm', () => backend, 2);
  await tk.setBackend('wasm');
  const a = tk.randomUniform([300, 200], { seed: 1 }), b = tk.randomUniform([200, 100], { seed: 2 });
  const c = tk.matmul(a, b);
  const av = await a.data(), bv = await b.data(), cv = await c.data();
  let maxErr = 0;
  for (let i = 0; i < 300; i += 7) for (let j = 0; j < 100; j += 3) {
    let s = 0; for (let p = 0; p < 200; p++) s += av[i * 200 + p] * bv[p * 100 + j];
    maxErr = Math.max(maxErr, Math.abs(s - cv[i * 100 + j]));
  }
  const soft = Array.from(await tk.softmax(tk.tensor([[1, 2, 3]])).data());
  window.__result = { ok: true, name: tk.getBackend().name, threads: backend.capabilities.threads, notes: backend.capabilities.notes, maxErr, soft, isolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency };
} catch (e) {
  window.__result = { ok: false, error: String(e && e.stack || e) };
}
`;

describe.skipIf(!existsSync(CHROMIUM))('headless Chromium', () => {
  let server: Server;
  let base = '';
  let bundle = '';

  beforeAll(async () => {
    const out = await build({
      stdin: { contents: PAGE_SCRIPT, resolveDir: root, loader: 'js' },
      bundle: true, format: 'esm', write: false, target: 'es2022', platform: 'browser',
      alias: { '@tensorkit/core': fileURLToPath(new URL('../../core/src/index.ts', import.meta.url)), '@tensorkit/backend-wasm': `${root}src/index.ts` },
      external: ['node:*'],
    });
    bundle = out.outputFiles[0].text;
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const isolated = url.searchParams.get('isolated') !== '0' && !url.pathname.startsWith('/plain/');
      const headers: Record<string, string> = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
      const path = url.pathname.replace(/^\/plain\//, '/');
      if (path === '/' || path === '/index.html') {
        res.writeHead(200, { ...headers, 'content-type': 'text/html' });
        res.end(`<!doctype html><script type="module" src="${url.pathname.startsWith('/plain/') ? '/plain/' : '/'}app.js"></script>`);
      } else if (path === '/app.js') {
        res.writeHead(200, { ...headers, 'content-type': 'text/javascript' });
        res.end(bundle);
      } else if (/^\/kernels[a-z-]*\.wasm$/.test(path) && existsSync(`${root}dist${path}`)) {
        res.writeHead(200, { ...headers, 'content-type': 'application/wasm' });
        res.end(readFileSync(`${root}dist${path}`));
      } else {
        res.writeHead(404, headers);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://localhost:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function run(path: string): Promise<Record<string, unknown>> {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(base + path);
      await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 30_000 });
      const result = (await page.evaluate(() => (window as unknown as { __result: Record<string, unknown> }).__result)) as Record<string, unknown>;
      if (!result.ok) throw new Error(`page failed: ${result.error} ${errors.join(' ')}`);
      return result;
    } finally {
      await browser.close();
    }
  }

  it('runs kernels with worker threads on a cross-origin-isolated page', async () => {
    const r = await run('/');
    expect(r.name).toBe('wasm');
    expect(r.isolated).toBe(true);
    expect(r.threads).toBe(Math.min(8, r.cores as number));
    expect(r.maxErr as number).toBeLessThan(1e-3);
    const soft = r.soft as number[];
    expect(soft[2]).toBeCloseTo(0.6652409, 5);
  });

  it('falls back to one thread without SharedArrayBuffer and says so', async () => {
    const r = await run('/plain/');
    expect(r.isolated).toBe(false);
    expect(r.threads).toBe(1);
    expect((r.notes as string[]).join(' ')).toMatch(/threads unavailable/);
    expect(r.maxErr as number).toBeLessThan(1e-3);
  });
});
