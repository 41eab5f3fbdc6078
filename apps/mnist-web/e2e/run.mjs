#!/usr/bin/env node
/**
 * End-to-end test of the built site in headless Chromium (playwright-core + Debian's chromium):
 * builds (unless --no-build), serves dist/ from 127.0.0.1 with the isolation headers and the MNIST
 * data middleware (vite preview), then for each available backend trains a small slice, checks the
 * accuracy beats chance, draws a digit and checks a prediction appears, and saves screenshots and a
 * summary (time per epoch per backend) under test-results/. Also saves the weights once and loads
 * them back. Exits non-zero on any failure.
 *
 * Usage: node e2e/run.mjs [--no-build | --dev] [--backends cpu,wasm] [--limit 2560] [--epochs 1] [--batch 128]
 * --dev tests the Vite dev server (what `pnpm web` serves) instead of the build.
 * Env: CHROMIUM_PATH (default /usr/bin/chromium), TENSORKIT_DATA_DIR (MNIST .gz files).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = join(appDir, 'test-results');

export async function runE2E(options = {}) {
  const {
    build: doBuild = true, dev = false, backends: only = null, limit = 2560, testLimit = 1000, epochs = 1, batch = 128,
    chromium: executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium', perBackendTimeoutMs = 90_000, log = console.log,
  } = options;
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}. Install Debian's: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH). 'npx playwright install' does not work offline.`);
  }
  const { build, createServer, preview } = await import('vite');
  const { chromium } = await import('playwright-core');
  mkdirSync(resultsDir, { recursive: true });
  const t0 = performance.now();
  let server;
  if (dev) {
    server = await createServer({ root: appDir, logLevel: 'warn', server: { host: '127.0.0.1', port: 5373, strictPort: false } });
    await server.listen();
  } else {
    if (doBuild || !existsSync(join(appDir, 'dist', 'index.html'))) {
      log('e2e: building');
      await build({ root: appDir, logLevel: 'warn' });
    }
    server = await preview({ root: appDir, logLevel: 'warn', preview: { host: '127.0.0.1', port: 4373, strictPort: false } });
  }
  const base = server.resolvedUrls?.local?.[0] ?? `http://127.0.0.1:4373/`;
  log(`e2e: serving ${dev ? 'the sources (vite dev server)' : join(appDir, 'dist')} at ${base}`);
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-sync', '--disable-component-update', '--disable-quic', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--enable-dawn-features=disable_robustness'],
  });
  const summary = { url: base, settings: { limit, testLimit, epochs, batch }, backends: [], failures: [] };
  try {
    const context = await browser.newContext({ viewport: { width: 1200, height: 1500 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
    await page.goto(`${base}?epochs=${epochs}&batch=${batch}&limit=${limit}&testLimit=${testLimit}`);
    await page.waitForSelector('#backends[data-ready=true]', { timeout: 60_000 });
    const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
    const rows = await page.$$eval('#backends .backend', (els) => els.map((e) => ({ name: e.dataset.name, state: e.dataset.state, text: e.textContent.replace(/\s+/g, ' ').trim() })));
    summary.crossOriginIsolated = isolated;
    summary.offered = rows;
    log(`e2e: crossOriginIsolated=${isolated}`);
    for (const r of rows) log(`e2e: backend ${r.text}`);
    if (!isolated) summary.failures.push('page is not cross-origin isolated (COOP/COEP headers missing)');
    await page.screenshot({ path: join(resultsDir, 'mnist-web-backends.png'), fullPage: true });
    const ready = rows.filter((r) => r.state === 'ready' && (!only || only.includes(r.name))).map((r) => r.name);
    if (ready.length === 0) summary.failures.push(`no backend to test (offered: ${rows.map((r) => `${r.name}=${r.state}`).join(', ')})`);
    for (const name of ready) {
      const result = { backend: name };
      summary.backends.push(result);
      const started = performance.now();
      try {
        await page.check(`#backends input[value="${name}"]`);
        await page.click('#train');
        await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state) && document.querySelector('#test-accuracy')?.dataset.value !== undefined || document.body.dataset.state === 'error', null, { timeout: perBackendTimeoutMs, polling: 250 });
        const state = await page.evaluate(() => document.body.dataset.state);
        if (state === 'error') throw new Error(`page error: ${await page.textContent('#status')}`);
        const epochsShown = await page.$$eval('#epochs-table tbody tr', (trs) => trs.map((tr) => ({ seconds: Number(tr.dataset.seconds), accuracy: Number(tr.dataset.accuracy) })));
        result.epochSeconds = epochsShown.map((e) => e.seconds);
        result.trainAccuracy = epochsShown.at(-1)?.accuracy;
        result.testAccuracy = Number(await page.getAttribute('#test-accuracy', 'data-value'));
        if (!(result.testAccuracy > 0.5)) throw new Error(`test accuracy ${result.testAccuracy} is not above 0.5 (chance is 0.1)`);
        if (!(result.trainAccuracy > 0.2)) throw new Error(`training accuracy ${result.trainAccuracy} is not above chance`);
        // Draw a "1"-like stroke with the mouse and wait for a prediction.
        await page.click('#clear');
        const box = await page.locator('#pad').boundingBox();
        await page.mouse.move(box.x + 130, box.y + 50);
        await page.mouse.down();
        for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + 130 + i, box.y + 50 + i * 15);
        await page.mouse.up();
        await page.waitForSelector('#prediction[data-digit]', { timeout: 15_000 });
        result.drawnPrediction = Number(await page.getAttribute('#prediction', 'data-digit'));
        result.seconds = (performance.now() - started) / 1000;
        const shot = join(resultsDir, `mnist-web-${name}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        result.screenshot = relative(appDir, shot);
        log(`e2e: ${name}: epoch seconds ${result.epochSeconds.map((s) => s.toFixed(2)).join(', ')}; train accuracy ${result.trainAccuracy?.toFixed(3)}; test accuracy ${result.testAccuracy.toFixed(3)}; drew a 1, predicted ${result.drawnPrediction}`);
        if (summary.backends.length === 1) await saveAndLoad(page, name, result, log);
        if (name === ready.at(-1)) await stopAndRestart(page, name, result, log);
      } catch (error) {
        result.error = error.message;
        summary.failures.push(`${name}: ${error.message}`);
        await page.screenshot({ path: join(resultsDir, `mnist-web-${name}-failure.png`), fullPage: true }).catch(() => {});
        log(`e2e: ${name}: FAILED: ${error.message}`);
        await page.reload();
        await page.waitForSelector('#backends[data-ready=true]', { timeout: 60_000 });
      }
    }
    const fatal = errors.filter((e) => !/favicon/.test(e));
    if (fatal.length) summary.pageErrors = fatal;
    await context.close();
  } finally {
    await browser.close();
    if (dev) await server.close();
    else await new Promise((resolve) => server.httpServer.close(resolve));
  }
  summary.seconds = (performance.now() - t0) / 1000;
  writeFileSync(join(resultsDir, 'e2e-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

async function saveAndLoad(page, name, result, log) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.click('#save')]);
  const file = join(resultsDir, `mnist-${name}.safetensors`);
  await download.saveAs(file);
  await page.setInputFiles('#load', file);
  await page.waitForFunction(() => document.body.dataset.loaded !== undefined || document.body.dataset.state === 'error', null, { timeout: 15_000 });
  if ((await page.evaluate(() => document.body.dataset.state)) === 'error') throw new Error(`loading saved weights failed: ${await page.textContent('#status')}`);
  result.savedWeights = relative(appDir, file);
  log(`e2e: ${name}: saved weights to ${result.savedWeights} and loaded them back`);
}

/** Starts a 20-epoch run, stops it during training, and checks it stopped early and can train again. */
async function stopAndRestart(page, name, result, log) {
  const epochs = await page.inputValue('#epochs');
  await page.fill('#epochs', '20');
  await page.click('#train');
  await page.waitForFunction(() => document.querySelectorAll('#epochs-table tbody tr').length >= 1 || document.body.dataset.state === 'error', null, { timeout: 60_000 });
  await page.click('#stop');
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 60_000 });
  const status = await page.textContent('#status');
  const rows = await page.$$eval('#epochs-table tbody tr', (trs) => trs.length);
  if (!/stopped/.test(status) || rows >= 20) throw new Error(`stop did not stop training (status '${status}', ${rows} epochs)`);
  await page.fill('#epochs', epochs);
  result.stoppedAfterEpochs = rows;
  log(`e2e: ${name}: stopped a 20-epoch run after ${rows} epoch(s)`);
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const { values } = parseArgs({
    options: {
      'no-build': { type: 'boolean', default: false },
      dev: { type: 'boolean', default: false },
      backends: { type: 'string' },
      limit: { type: 'string', default: '2560' },
      'test-limit': { type: 'string', default: '1000' },
      epochs: { type: 'string', default: '1' },
      batch: { type: 'string', default: '128' },
    },
  });
  try {
    const summary = await runE2E({
      build: !values['no-build'],
      dev: values.dev,
      backends: values.backends ? values.backends.split(',') : null,
      limit: Number(values.limit), testLimit: Number(values['test-limit']), epochs: Number(values.epochs), batch: Number(values.batch),
    });
    console.log('\nbackend  seconds/epoch  train acc  test acc  drawn  screenshot');
    for (const b of summary.backends) {
      console.log(`${b.backend.padEnd(8)} ${(b.epochSeconds ?? []).map((s) => s.toFixed(2)).join(',').padEnd(14)} ${String(b.trainAccuracy?.toFixed(3) ?? '-').padEnd(10)} ${String(b.testAccuracy?.toFixed(3) ?? '-').padEnd(9)} ${String(b.drawnPrediction ?? '-').padEnd(6)} ${b.screenshot ?? b.error}`);
    }
    console.log(`summary: ${relative(process.cwd(), join(resultsDir, 'e2e-summary.json'))} (${summary.seconds.toFixed(1)} s)`);
    if (summary.failures.length) {
      console.error(`e2e FAILED:\n${summary.failures.map((f) => `  - ${f}`).join('\n')}`);
      process.exit(1);
    }
    console.log(`e2e passed: ${summary.backends.length} backend(s)`);
    process.exit(0);
  } catch (error) {
    console.error(`e2e FAILED: ${process.env.E2E_DEBUG ? error?.stack : error?.message ?? error}`);
    process.exit(1);
  }
}
