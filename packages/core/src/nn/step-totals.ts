/**
 * Per-step loss and metric values summed on the backend and read only when someone looks: reading
 * every step would make a GPU wait for each step to finish before the next is queued.
 */
import { disposeTensor } from '../engine/engine.js';
import { keep, tidy } from '../engine/scope.js';
import { add, mul } from '../ops/elementwise.js';
import type { Tensor } from '../tensor.js';

/** Weighted sums of scalar tensors, one per name, kept on the backend. */
export class StepTotals {
  #sums: Tensor[] | null = null;
  #weight = 0;

  /** Adds `values` (scalars, which it disposes) weighted by `weight` (the batch size). */
  add(values: readonly Tensor[], weight: number): void {
    const previous = this.#sums;
    this.#sums = tidy(() => values.map((v, i) => keep(previous ? add(previous[i], mul(v, weight)) : mul(v, weight))));
    previous?.forEach(disposeTensor);
    values.forEach(disposeTensor);
    this.#weight += weight;
  }

  /** The weighted means so far (empty before the first `add`). */
  async means(): Promise<number[]> {
    if (!this.#sums) return [];
    const totals = await Promise.all(this.#sums.map(async (t) => (await t.data())[0]));
    return totals.map((total) => total / this.#weight);
  }

  /** Frees the sums. */
  dispose(): void {
    this.#sums?.forEach(disposeTensor);
    this.#sums = null;
    this.#weight = 0;
  }
}
