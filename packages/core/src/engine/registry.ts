/**
 * Backend registry: which backends exist, which one is active, and why any failed.
 * Selecting a backend that cannot initialise throws with its reason; nothing silently switches.
 */
import { BackendError } from '../errors.js';
import { warn } from '../warn.js';
import { FUSED_KERNELS, REQUIRED_KERNELS } from '../backend/contract.js';
import type { Backend, BackendFactory, KernelName } from '../backend/contract.js';

interface Registration {
  readonly name: string;
  readonly factory: BackendFactory;
  readonly priority: number;
  instance?: Backend;
  pending?: Promise<Backend>;
  failure?: string;
}

/** A registered backend as `listBackends()` reports it. */
export interface BackendStatus {
  readonly name: string;
  readonly priority: number;
  /** `registered` (not yet initialised), `ready`, or `failed` (see `reason`). */
  readonly state: 'registered' | 'ready' | 'failed';
  readonly reason?: string;
  readonly active: boolean;
}

const registrations = new Map<string, Registration>();
let active: Backend | null = null;
const warned = new Set<string>();

/**
 * Registers a backend under `name`. Higher `priority` wins in `ready()`. Registering the same name
 * again replaces the factory (the old instance, if any, is kept until `removeBackend`).
 *
 * @example registerBackend('cpu', () => new CpuBackend(), 1)
 */
export function registerBackend(name: string, factory: BackendFactory, priority = 0): void {
  if (typeof name !== 'string' || name.length === 0) throw new BackendError('registerBackend: name must be a non-empty string');
  if (typeof factory !== 'function') throw new BackendError(`registerBackend: factory for '${name}' must be a function returning a backend`);
  const previous = registrations.get(name);
  if (previous?.instance && active === previous.instance) {
    registrations.set(name, { ...previous, factory, priority });
    return;
  }
  registrations.set(name, { name, factory, priority });
}

/** Unregisters `name`, destroying its instance. If it was active, no backend is active afterwards. */
export async function removeBackend(name: string): Promise<void> {
  const registration = registrations.get(name);
  if (!registration) return;
  registrations.delete(name);
  if (registration.instance) {
    if (active === registration.instance) active = null;
    await registration.instance.destroy?.();
  }
}

/** Every registered backend with its state and, for one that failed to initialise, the reason. */
export function listBackends(): BackendStatus[] {
  return [...registrations.values()]
    .sort((a, b) => b.priority - a.priority)
    .map((r) => ({
      name: r.name,
      priority: r.priority,
      state: r.instance ? 'ready' : r.failure ? 'failed' : 'registered',
      ...(r.failure ? { reason: r.failure } : {}),
      active: r.instance !== undefined && r.instance === active,
    }));
}

function checkBackend(name: string, backend: Backend): void {
  const missing = REQUIRED_KERNELS.filter((kernel) => typeof backend.kernels?.[kernel] !== 'function');
  if (missing.length > 0) {
    throw new BackendError(`backend '${name}' lacks required kernels: ${missing.join(', ')}`);
  }
}

function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function initialise(registration: Registration, requested: boolean, started?: Promise<Backend>): Promise<Backend> {
  if (registration.instance) return Promise.resolve(registration.instance);
  if (!registration.pending) {
    const attempt = (async () => {
      try {
        const backend = await (started ?? registration.factory({ requested }));
        checkBackend(registration.name, backend);
        registration.instance = backend;
        registration.failure = undefined;
        return backend;
      } catch (error) {
        registration.failure = describeFailure(error);
        throw new BackendError(`backend '${registration.name}' failed to initialise: ${registration.failure}`, { cause: error });
      }
    })();
    // Cleared once settled (not in a finally inside the attempt: a factory that throws synchronously
    // would settle it before it is stored, leaving a failed attempt cached for good).
    registration.pending = attempt;
    const clear = () => {
      if (registration.pending === attempt) registration.pending = undefined;
    };
    attempt.then(clear, clear);
  }
  return registration.pending;
}

function lookup(name: string): Registration {
  const registration = registrations.get(name);
  if (!registration) {
    const known = [...registrations.keys()];
    throw new BackendError(
      `backend '${name}' is not registered; registered backends: ${known.length ? known.join(', ') : 'none'} ` +
        `(import '@tensorkit/backend-${name}/register' to register it)`,
    );
  }
  return registration;
}

/**
 * Initialises backend `name` (once) and makes it active. Throws `BackendError` with the reason if it
 * cannot initialise; the previously active backend stays active then.
 */
export async function setBackend(name: string): Promise<Backend> {
  const backend = await initialise(lookup(name), true);
  active = backend;
  return backend;
}

function requestedBackend(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.TENSORKIT_BACKEND?.trim();
  return value ? value : undefined;
}

/**
 * Makes a backend active and returns it: the one named by the environment variable
 * `TENSORKIT_BACKEND` if set (failing if it cannot initialise), the active one if any, otherwise
 * the highest-priority registered backend that initialises. Backends skipped on the way are
 * reported with a warning naming the reason, and listed by `listBackends()`.
 */
export async function ready(): Promise<Backend> {
  const requested = requestedBackend();
  if (requested) {
    if (active && registrations.get(requested)?.instance === active) return active;
    return setBackend(requested);
  }
  if (active) return active;
  const candidates = [...registrations.values()].sort((a, b) => b.priority - a.priority);
  if (candidates.length === 0) {
    throw new BackendError("ready: no backend is registered; install one and import it, e.g. import '@tensorkit/backend-cpu/register'");
  }
  const failures: string[] = [];
  for (const candidate of candidates) {
    try {
      const backend = await initialise(candidate, false);
      active = backend;
      return backend;
    } catch {
      failures.push(`${candidate.name}: ${candidate.failure}`);
      if (!warned.has(candidate.name)) {
        warned.add(candidate.name);
        warn(`TensorKit: backend '${candidate.name}' is unavailable (${candidate.failure}); trying the next one`);
      }
    }
  }
  throw new BackendError(`ready: no registered backend could initialise (${failures.join('; ')})`);
}

/**
 * The active backend. If none is active yet, activates the one `ready()` would pick, provided it
 * can initialise synchronously (the cpu backend can); otherwise asks for `await ready()`.
 */
export function getBackend(): Backend {
  if (active) return active;
  const requested = requestedBackend();
  const candidates = requested
    ? [lookup(requested)]
    : [...registrations.values()].sort((a, b) => b.priority - a.priority).slice(0, 1);
  const candidate = candidates[0];
  if (!candidate) {
    throw new BackendError("no backend is active and none is registered; import '@tensorkit/backend-cpu/register' (or another backend) and await ready()");
  }
  if (candidate.instance) {
    active = candidate.instance;
    return active;
  }
  let made: Backend | Promise<Backend>;
  try {
    made = candidate.factory({ requested: requested !== undefined });
  } catch (error) {
    candidate.failure = describeFailure(error);
    throw new BackendError(`backend '${candidate.name}' failed to initialise: ${candidate.failure}`, { cause: error });
  }
  if (made instanceof Promise) {
    initialise(candidate, requested !== undefined, made).catch(() => undefined);
    throw new BackendError(`backend '${candidate.name}' initialises asynchronously; call await ready() or await setBackend('${candidate.name}') before running ops`);
  }
  checkBackend(candidate.name, made);
  candidate.instance = made;
  active = made;
  return made;
}

/** The active backend's name, or null when none is active. */
export function getBackendName(): string | null {
  if (!active) return null;
  for (const r of registrations.values()) if (r.instance === active) return r.name;
  return active.name;
}

/** The names of the kernels `backend` implements, required and fused. */
export function kernelsOf(backend: Backend): KernelName[] {
  return [...REQUIRED_KERNELS, ...FUSED_KERNELS].filter((k) => typeof backend.kernels[k] === 'function');
}

/** The initialised backend registered as `name`, or undefined (used when moving tensors between backends). */
export function initialisedBackend(name: string): Backend | undefined {
  return registrations.get(name)?.instance;
}
