import { describe, expect, it } from 'vitest';
import { accuracyOf, argmaxRows, confusionMatrix, meanCrossEntropy, recallPerClass, totalOf } from '../src/confusion.js';

describe('argmaxRows', () => {
  it('picks the largest value per row (first on ties)', () => {
    expect(Array.from(argmaxRows([0.1, 0.7, 0.2, 0.5, 0.5, 0, 0, 0, 1], 3))).toEqual([1, 0, 2]);
  });
  it('rejects ragged input', () => {
    expect(() => argmaxRows([1, 2, 3], 2)).toThrow(RangeError);
  });
});

describe('confusionMatrix', () => {
  const labels = [0, 0, 1, 1, 2, 2, 2];
  const predicted = [0, 1, 1, 1, 2, 0, 2];
  const m = confusionMatrix(labels, predicted, 3);
  it('counts rows = true labels, columns = predictions', () => {
    expect(Array.from(m.counts)).toEqual([1, 1, 0, 0, 2, 0, 1, 0, 2]);
    expect(totalOf(m)).toBe(7);
  });
  it('gives accuracy and per-class recall', () => {
    expect(accuracyOf(m)).toBeCloseTo(5 / 7);
    expect(recallPerClass(m)).toEqual([0.5, 1, 2 / 3]);
    expect(recallPerClass(confusionMatrix([0], [0], 2))[1]).toBeNaN();
  });
  it('rejects mismatched lengths and out-of-range classes', () => {
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow(/2 labels but 1/);
    expect(() => confusionMatrix([0, 5], [0, 1], 2)).toThrow(/sample 1/);
    expect(() => confusionMatrix([0.5], [0], 2)).toThrow(RangeError);
  });
});

describe('meanCrossEntropy', () => {
  it('is -mean(log p[label]), clipped', () => {
    expect(meanCrossEntropy([0.5, 0.5, 0.25, 0.75], [0, 1], 2)).toBeCloseTo(-(Math.log(0.5) + Math.log(0.75)) / 2);
    expect(Number.isFinite(meanCrossEntropy([1, 0], [1], 2))).toBe(true);
  });
});
