/**
 * Which backends this browser offers and why any is unavailable: imports each candidate's register
 * module, initialises every registered backend once, and reads `listBackends()` reasons and each
 * backend's capabilities. Pure apart from what `registry` does: tests pass fakes.
 */
import type { BackendCapabilities, BackendStatus } from '@tensorkit/core';

/** A backend the app may offer: its name, package and a loader importing `<pkg>/register`. */
export interface BackendCandidate {
  readonly name: string;
  readonly pkg: string;
  readonly load: () => Promise<unknown>;
}

/** One row of the backend picker. */
export interface BackendRow {
  readonly name: string;
  readonly pkg: string;
  /** `ready`: usable; `failed`: installed but cannot initialise here; `missing`: package not installed. */
  readonly state: 'ready' | 'failed' | 'missing';
  /** Why it is unavailable (failed or missing). */
  readonly reason?: string;
  readonly capabilities?: {
    readonly threads: number;
    readonly precision: string;
    readonly dtypes: readonly string[];
    readonly notes: readonly string[];
  };
  /** One line for people: e.g. `wasm: ready, 4 threads, float32` or `webgpu: unavailable: ...`. */
  readonly summary: string;
  /** Facts about the page that matter for this backend (isolation, secure context, navigator.gpu). */
  readonly hints: readonly string[];
}

/** What the probe needs from `@tensorkit/core` (injected, so tests can fake it). */
export interface Registry {
  setBackend(name: string): Promise<{ readonly capabilities: BackendCapabilities }>;
  listBackends(): BackendStatus[];
}

/** Facts about the page the rows mention. */
export interface PageEnvironment {
  readonly crossOriginIsolated: boolean;
  readonly isSecureContext: boolean;
  readonly hasNavigatorGpu: boolean;
  readonly hasSharedArrayBuffer: boolean;
}

/** The error code of the module that stands in for a backend package that is not installed. */
export const NOT_INSTALLED = 'TENSORKIT_BACKEND_NOT_INSTALLED';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isNotInstalled(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === NOT_INSTALLED || code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package)|Failed to resolve module/.test(message(error));
}

/** Hints about the page for backend `name`. */
export function hintsFor(name: string, env: PageEnvironment): string[] {
  const hints: string[] = [];
  if (name === 'wasm') {
    if (!env.crossOriginIsolated) hints.push('threads need cross-origin isolation (COOP: same-origin, COEP: require-corp); this page is not isolated, so wasm runs single-threaded');
    else if (!env.hasSharedArrayBuffer) hints.push('no SharedArrayBuffer: wasm runs single-threaded');
  }
  if (name === 'webgpu') {
    if (!env.isSecureContext) hints.push('navigator.gpu exists only in secure contexts (https, localhost or 127.0.0.1)');
    else if (!env.hasNavigatorGpu) hints.push('this browser has no navigator.gpu (WebGPU disabled or unsupported; Chromium: --enable-unsafe-webgpu)');
  }
  return hints;
}

function summarize(row: Omit<BackendRow, 'summary'>): string {
  if (row.state === 'missing') return `${row.name}: not installed`;
  if (row.state === 'failed') return `${row.name}: unavailable: ${row.reason ?? 'unknown reason'}`;
  const caps = row.capabilities!;
  const threads = row.name === 'wasm' || caps.threads > 1 ? (caps.threads > 1 ? `, ${caps.threads} threads` : ', no threads') : '';
  return `${row.name}: ready${threads}, ${caps.precision}`;
}

/**
 * Loads every candidate, initialises every one that registered and returns a row per candidate, in
 * candidate order. Leaves the last initialised backend active: call `setBackend` afterwards.
 */
export async function probeBackends(candidates: readonly BackendCandidate[], registry: Registry, env: PageEnvironment): Promise<BackendRow[]> {
  const rows: BackendRow[] = [];
  for (const candidate of candidates) {
    const base = { name: candidate.name, pkg: candidate.pkg, hints: hintsFor(candidate.name, env) };
    let row: Omit<BackendRow, 'summary'>;
    try {
      await candidate.load();
    } catch (error) {
      row = isNotInstalled(error)
        ? { ...base, state: 'missing', reason: `package ${candidate.pkg} is not installed` }
        : { ...base, state: 'failed', reason: `could not load ${candidate.pkg}/register: ${message(error)}` };
      rows.push({ ...row, summary: summarize(row) });
      continue;
    }
    if (!registry.listBackends().some((s) => s.name === candidate.name)) {
      row = { ...base, state: 'failed', reason: `${candidate.pkg}/register registered no backend named '${candidate.name}'` };
    } else {
      try {
        const backend = await registry.setBackend(candidate.name);
        const caps = backend.capabilities;
        row = {
          ...base,
          state: 'ready',
          capabilities: { threads: caps.threads, precision: caps.precision, dtypes: [...caps.dtypes], notes: [...(caps.notes ?? [])] },
        };
      } catch (error) {
        const status = registry.listBackends().find((s) => s.name === candidate.name);
        row = { ...base, state: 'failed', reason: status?.reason ?? message(error) };
      }
    }
    rows.push({ ...row, summary: summarize(row) });
  }
  return rows;
}

/** The backend to select by default: `wanted` when it is ready, else the first ready row. */
export function defaultBackend(rows: readonly BackendRow[], wanted?: string | null): string | null {
  if (wanted && rows.some((r) => r.name === wanted && r.state === 'ready')) return wanted;
  return rows.find((r) => r.state === 'ready')?.name ?? null;
}
