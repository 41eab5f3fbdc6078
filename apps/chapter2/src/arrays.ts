/**
 * Nested JavaScript arrays, what the chapter's naive functions loop over (`await t.array()`), and
 * the few helpers they need: the shape, Python's `assert`, and turning results back into tensors.
 */
import { tensor, type DType, type NestedArray, type Tensor } from '@tensorkit/core';

export type Vector = number[];
export type Matrix = number[][];

/** The shape of nested arrays (`x.shape`), read along the first items. */
export function shapeOf(x: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = x;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

/** Python's `assert`: throws with the condition's source text. */
export function assert(condition: boolean, text: string): asserts condition {
  if (!condition) throw new Error(`AssertionError: assert ${text}`);
}

/** A tensor's values as a matrix of numbers (`await t.array()` for a 2-D tensor). */
export async function matrixOf(t: Tensor): Promise<Matrix> {
  assert(t.rank === 2, 'len(x.shape) == 2');
  return (await t.array()) as Matrix;
}

/** A tensor's values as a vector of numbers. */
export async function vectorOf(t: Tensor): Promise<Vector> {
  assert(t.rank === 1, 'len(x.shape) == 1');
  return (await t.array()) as Vector;
}

/** Nested arrays back into a tensor of `dtype`, to print them as NumPy would. */
export function toTensor(x: Vector | Matrix, dtype: DType): Tensor {
  return tensor(x, { dtype });
}

/** True when two tensors hold the same values (to check the naive loops against TensorKit's ops). */
export async function sameValues(a: Tensor, b: Tensor, tolerance = 0): Promise<boolean> {
  if (a.shape.join() !== b.shape.join()) return false;
  const [x, y] = await Promise.all([a.data(), b.data()]);
  for (let i = 0; i < x.length; i++) if (!(Math.abs(x[i] - y[i]) <= tolerance * Math.max(1, Math.abs(y[i])))) return false;
  return true;
}

/** Fails loudly when a naive loop and the TensorKit op it spells out disagree. */
export async function checkSame(what: string, naive: Tensor, op: Tensor, tolerance = 0): Promise<void> {
  if (!(await sameValues(naive, op, tolerance))) {
    throw new Error(`${what}: the naive loop and TensorKit's op disagree:\n${await naive.format()}\nvs\n${await op.format()}`);
  }
}
