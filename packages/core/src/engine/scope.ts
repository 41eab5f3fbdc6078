/**
 * Memory scopes: `tidy` frees every tensor created inside it except what it returns, and
 * `tidyAsync` does the same for async code, across `await` (see context.ts for where that holds).
 */
import { ArgumentError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { currentContext, runInContext } from './context.js';
import { disposeTensor, watchForLeaks } from './engine.js';
import type { Scope } from './scope-types.js';

/** Tensors found in a value: a tensor, or arrays and plain objects holding tensors (any depth). */
function collectTensors(value: unknown, into: Set<Tensor>, depth = 0): void {
  if (value instanceof Tensor) {
    into.add(value);
  } else if (depth < 8 && Array.isArray(value)) {
    for (const item of value) collectTensors(item, into, depth + 1);
  } else if (depth < 8 && value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const item of Object.values(value)) collectTensors(item, into, depth + 1);
  }
}

function closeScope(scope: Scope, result: unknown): void {
  const kept = new Set<Tensor>();
  collectTensors(result, kept);
  for (const tensor of scope.tensors) {
    if (tensor.isKept) continue;
    if (kept.has(tensor)) {
      // A returned tensor made in this scope belongs to the enclosing one now, so an outer tidy
      // still frees it; returned from the outermost scope it belongs to the caller, and the
      // garbage-collection safety net watches it. Returned tensors this scope did not make
      // (variables, outer tensors) stay where they were.
      if (tensor.isDisposed) continue;
      if (scope.parent) scope.parent.tensors.push(tensor);
      else watchForLeaks(tensor);
      continue;
    }
    disposeTensor(tensor);
  }
}

function openScope(): Scope {
  return { tensors: [], parent: currentContext().scope };
}

/**
 * Runs `fn` and frees every tensor it created except those it returns (a tensor, or arrays and
 * plain objects of tensors) and those passed to `keep()`. For async code use `tidyAsync`.
 *
 * @example const y = tidy(() => x.mul(2).add(1)); // the intermediate x*2 is freed
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ArgumentError('tidy: expected a function');
  const scope = openScope();
  const context = currentContext();
  let result: T;
  try {
    result = runInContext({ scope, tapes: context.tapes }, fn);
  } catch (error) {
    closeScope(scope, undefined);
    throw error;
  }
  if (result instanceof Promise) {
    closeScope(scope, undefined);
    throw new ArgumentError('tidy: the function returned a Promise, whose tensors tidy cannot wait for; use await tidyAsync(async () => ...)');
  }
  closeScope(scope, result);
  return result;
}

/**
 * The async form of `tidy`: awaits `fn`, then frees every tensor created in it (across `await`)
 * except those it resolves to and those passed to `keep()`. TensorFlow.js' tidy cannot do this.
 *
 * @example const loss = await tidyAsync(async () => { const x = await load(); return model(x).mean(); });
 */
export async function tidyAsync<T>(fn: () => Promise<T> | T): Promise<T> {
  if (typeof fn !== 'function') throw new ArgumentError('tidyAsync: expected a function');
  const scope = openScope();
  const context = currentContext();
  let result: T;
  try {
    result = await runInContext({ scope, tapes: context.tapes }, fn);
  } catch (error) {
    closeScope(scope, undefined);
    throw error;
  }
  closeScope(scope, result);
  return result;
}

/** Exempts `tensor` from every enclosing `tidy`; the caller disposes it. Returns it. */
export function keep<T extends Tensor>(tensor: T): T {
  tensor.markKept();
  watchForLeaks(tensor); // no scope frees it now
  return tensor;
}

/** Disposes a tensor, or every tensor in an array or plain object. */
export function dispose(value: unknown): void {
  const found = new Set<Tensor>();
  collectTensors(value, found);
  for (const tensor of found) disposeTensor(tensor);
}
