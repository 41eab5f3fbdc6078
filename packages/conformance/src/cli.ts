#!/usr/bin/env node
/**
 * `tensorkit-conformance --backend cpu|wasm|webgpu|native|all`: runs the suite on each backend,
 * prints the op x backend table, and exits non-zero on any failure (or on a requested backend that
 * cannot run). Backends are looked up as installed packages `@tensorkit/backend-NAME`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseGaps, type Gap } from './gaps.js';
import { runSuite } from './runner.js';
import { allCases } from './suite.js';
import { renderTable, type BackendColumn } from './table.js';
import { caseId } from './case.js';
import { getBackend, kernelsOf } from '@tensorkit/core';

const KNOWN = ['cpu', 'wasm', 'webgpu', 'native'];

function usage(message?: string): never {
  if (message) console.error(`conformance: ${message}`);
  console.error('usage: conformance --backend cpu|wasm|webgpu|native|all [--filter SUBSTRING] [--json FILE]');
  process.exit(2);
}

function parseArgs(argv: string[]): { backends: string[]; filter?: string; json?: string } {
  let backend = process.env.TENSORKIT_BACKEND;
  let filter: string | undefined;
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i] ?? usage(`${arg} needs a value`);
    if (arg === '--backend') backend = value();
    else if (arg.startsWith('--backend=')) backend = arg.slice('--backend='.length);
    else if (arg === '--filter') filter = value();
    else if (arg === '--json') json = value();
    else if (arg === '--help' || arg === '-h') usage();
    else usage(`unknown argument '${arg}'`);
  }
  if (!backend) usage('say which backend to test with --backend (or set TENSORKIT_BACKEND)');
  const backends = backend === 'all' ? KNOWN : backend.split(',').map((b) => b.trim());
  return { backends, filter, json };
}

/** The directory of the installed package `@tensorkit/backend-NAME`, searched upwards from `from`. */
function findBackendPackage(name: string, from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'node_modules', '@tensorkit', `backend-${name}`);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function loadBackend(name: string): Promise<{ gaps: Gap[] } | { unavailable: string }> {
  const dir = findBackendPackage(name, process.cwd());
  if (!dir) return { unavailable: `package @tensorkit/backend-${name} is not installed` };
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: Record<string, { default?: string } | string> };
  const entry = manifest.exports?.['./register'];
  const file = typeof entry === 'string' ? entry : entry?.default;
  if (!file) return { unavailable: `@tensorkit/backend-${name} has no ./register export` };
  const path = join(dir, file);
  if (!existsSync(path)) return { unavailable: `${path} is missing; build the package first (pnpm build)` };
  await import(pathToFileURL(path).href);
  const gapFile = join(dir, 'conformance-gaps.txt');
  return { gaps: existsSync(gapFile) ? parseGaps(readFileSync(gapFile, 'utf8'), gapFile) : [] };
}

/** One line on what the active backend declares: dtypes, precision, reads, threads, kernels. */
function describeBackend(): string {
  const backend = getBackend();
  const { dtypes, precision, syncRead, threads, notes } = backend.capabilities;
  const kernels = kernelsOf(backend);
  return [
    `dtypes ${dtypes.join(', ')}`,
    `precision ${precision}`,
    syncRead ? 'synchronous reads' : 'asynchronous reads only',
    `${threads} thread${threads === 1 ? '' : 's'}`,
    `${kernels.length} kernels (${kernels.join(', ')})`,
    ...(notes ?? []),
  ].join('; ');
}

async function main(): Promise<void> {
  const { backends, filter, json } = parseArgs(process.argv.slice(2));
  const cases = allCases().filter((c) => !filter || caseId(c).includes(filter));
  const columns: BackendColumn[] = [];
  let failed = false;
  for (const backend of backends) {
    const loaded = await loadBackend(backend);
    if ('unavailable' in loaded) {
      columns.push({ backend, unavailable: loaded.unavailable });
      if (backends.length === 1) failed = true;
      continue;
    }
    try {
      const results = await runSuite(cases, backend, loaded.gaps);
      columns.push({ backend, results, capabilities: describeBackend() });
      if (results.some((r) => r.status === 'failed')) failed = true;
    } catch (error) {
      columns.push({ backend, unavailable: error instanceof Error ? error.message : String(error) });
      if (backends.length === 1) failed = true;
    }
  }
  console.log(renderTable(columns));
  const counts = columns.flatMap((c) => c.results ?? []);
  const passed = counts.filter((r) => r.status === 'passed').length;
  const failures = counts.filter((r) => r.status === 'failed').length;
  const gaps = counts.filter((r) => r.status === 'gap').length;
  console.log(`\n${cases.length} cases; ${passed} passed, ${failures} failed, ${gaps} known gaps`);
  if (json) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(json, JSON.stringify(columns, null, 2));
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(`conformance: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
