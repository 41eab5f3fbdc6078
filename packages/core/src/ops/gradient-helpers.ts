/** Helpers that gradient rules share. */
import { broadcastedAxes, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './reshape.js';
import { sum } from './reduction.js';

/**
 * Sums a gradient over the axes its input was broadcast along, giving it the input's shape: the one
 * rule that makes every broadcasting op differentiable.
 */
export function sumToShape(gradient: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(gradient.shape, shape)) return gradient;
  const axes = broadcastedAxes(shape, gradient.shape);
  const summed = axes.length > 0 ? sum(gradient, axes, false) : gradient;
  return shapesEqual(summed.shape, shape) ? summed : reshape(summed, shape);
}
