/** Placeholder: being written. */
import type { ConformanceCase } from '../case.js';

/** Cases of this group. */
export function nnCases(): ConformanceCase[] {
  return [];
}
