/** Confusion matrix and the numbers read from it: pure functions, no DOM. */

/** Rows are true labels, columns predictions: `counts[label * classes + predicted]`. */
export interface ConfusionMatrix {
  readonly classes: number;
  readonly counts: Int32Array;
}

/** Index of the largest value in each row of a row-major `[n, classes]` array. */
export function argmaxRows(values: ArrayLike<number>, classes: number): Int32Array {
  if (classes <= 0 || values.length % classes !== 0) throw new RangeError(`argmaxRows: ${values.length} values do not split into rows of ${classes}`);
  const n = values.length / classes;
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    let bestValue = values[r * classes];
    for (let c = 1; c < classes; c++) {
      const v = values[r * classes + c];
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    out[r] = best;
  }
  return out;
}

/** Counts (true label, prediction) pairs. Labels and predictions must be integers in [0, classes). */
export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, classes = 10): ConfusionMatrix {
  if (labels.length !== predicted.length) throw new RangeError(`confusionMatrix: ${labels.length} labels but ${predicted.length} predictions`);
  const counts = new Int32Array(classes * classes);
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i];
    const p = predicted[i];
    if (!(t >= 0 && t < classes && p >= 0 && p < classes) || !Number.isInteger(t) || !Number.isInteger(p)) {
      throw new RangeError(`confusionMatrix: sample ${i} has label ${t} and prediction ${p}; both must be integers in [0, ${classes})`);
    }
    counts[t * classes + p]++;
  }
  return { classes, counts };
}

/** Samples counted. */
export function totalOf(matrix: ConfusionMatrix): number {
  let n = 0;
  for (const c of matrix.counts) n += c;
  return n;
}

/** Fraction on the diagonal (NaN when empty). */
export function accuracyOf(matrix: ConfusionMatrix): number {
  let right = 0;
  for (let i = 0; i < matrix.classes; i++) right += matrix.counts[i * matrix.classes + i];
  return right / totalOf(matrix);
}

/** Per true class: the fraction predicted right (recall); NaN for a class with no samples. */
export function recallPerClass(matrix: ConfusionMatrix): number[] {
  const { classes, counts } = matrix;
  return Array.from({ length: classes }, (_, t) => {
    let row = 0;
    for (let p = 0; p < classes; p++) row += counts[t * classes + p];
    return counts[t * classes + t] / row;
  });
}

/** Mean cross-entropy `-log p[label]` of row-major probabilities `[n, classes]` (clipped at 1e-7, as Keras does). */
export function meanCrossEntropy(probabilities: ArrayLike<number>, labels: ArrayLike<number>, classes = 10): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum -= Math.log(Math.min(1 - 1e-7, Math.max(1e-7, probabilities[i * classes + labels[i]])));
  return sum / labels.length;
}
