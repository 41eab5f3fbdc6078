/**
 * The execution context: the memory scope new tensors belong to and the gradient tapes that record
 * ops. It follows async code across `await` where the runtime can (Node's AsyncLocalStorage), which
 * is what lets `tidyAsync` and `GradientTape.record(async () => ...)` work when other async code
 * runs in between. Runtimes without it (browsers, until TC39 AsyncContext ships) use a stack:
 * correct for synchronous code and for one async scope at a time.
 */
import type { Scope } from './scope-types.js';
import type { TapeRecorder } from './tape-types.js';

/** What is in force where an op runs. */
export interface ExecutionContext {
  readonly scope: Scope | null;
  readonly tapes: readonly TapeRecorder[];
}

interface ContextStore {
  run<T>(context: ExecutionContext, fn: () => T): T;
  current(): ExecutionContext;
  readonly followsAwait: boolean;
}

const ROOT: ExecutionContext = { scope: null, tapes: [] };

interface AsyncLocalStorageLike<T> {
  run<R>(store: T, fn: () => R): R;
  getStore(): T | undefined;
}

function asyncLocalStorage(): AsyncLocalStorageLike<ExecutionContext> | undefined {
  // Looked up at run time, never imported, so bundles for the browser do not pull in Node modules.
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const hooks = proc?.getBuiltinModule?.('node:async_hooks') as
    | { AsyncLocalStorage: new () => AsyncLocalStorageLike<ExecutionContext> }
    | undefined;
  return hooks ? new hooks.AsyncLocalStorage() : undefined;
}

function createStore(): ContextStore {
  const als = asyncLocalStorage();
  if (als) {
    return {
      followsAwait: true,
      run: (context, fn) => als.run(context, fn),
      current: () => als.getStore() ?? ROOT,
    };
  }
  const stack: ExecutionContext[] = [ROOT];
  return {
    followsAwait: false,
    run<T>(context: ExecutionContext, fn: () => T): T {
      stack.push(context);
      let result: T;
      try {
        result = fn();
      } catch (error) {
        stack.pop();
        throw error;
      }
      if (result instanceof Promise) {
        return result.finally(() => {
          const at = stack.lastIndexOf(context);
          if (at >= 0) stack.splice(at, 1);
        }) as T;
      }
      stack.pop();
      return result;
    },
    current: () => stack[stack.length - 1],
  };
}

const store = createStore();

/** Runs `fn` with `context` in force (for its whole async extent where the runtime allows). */
export function runInContext<T>(context: ExecutionContext, fn: () => T): T {
  return store.run(context, fn);
}

/** The context in force here. */
export function currentContext(): ExecutionContext {
  return store.current();
}

/** True when scopes and tapes follow async code across `await` on this runtime. */
export function contextFollowsAwait(): boolean {
  return store.followsAwait;
}
