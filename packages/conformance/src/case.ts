/** What a conformance case is, and the context it runs in. */
import type { Tensor } from '@tensorkit/core';

/** Facts about the backend under test that cases may consult (never to skip an assertion). */
export interface CaseContext {
  /** Name of the backend under test (already active). */
  readonly backend: string;
  /** True when the backend stores and computes float64. */
  readonly float64: boolean;
  /** True when the backend reads synchronously. */
  readonly syncRead: boolean;
  /**
   * Hands a tensor the case made to the runner, which disposes it after the case and before the
   * leak check. Tensors an op makes internally are not handed over, so the check catches op leaks.
   */
  own<T extends Tensor | Tensor[]>(tensors: T): T;
}

/** One conformance case. `group` and `op` form the rows of the op x backend table. */
export interface ConformanceCase {
  readonly group: string;
  readonly op: string;
  readonly name: string;
  /** Runs on the active backend; throws (an assertion) on failure. */
  run(context: CaseContext): void | Promise<void>;
}

/** A case's stable id, as gap files name it: `group/op/name`. */
export function caseId(c: Pick<ConformanceCase, 'group' | 'op' | 'name'>): string {
  return `${c.group}/${c.op}/${c.name}`;
}

/** Builds cases of one group and op with less repetition. */
export function casesFor(group: string, op: string, cases: Record<string, ConformanceCase['run']>): ConformanceCase[] {
  return Object.entries(cases).map(([name, run]) => ({ group, op, name, run }));
}
