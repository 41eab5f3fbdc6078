/** Every conformance case, in a stable order. */
import type { ConformanceCase } from './case.js';
import { chapterCases } from './cases/chapter.js';
import { creationCases } from './cases/creation.js';
import { elementwiseCases } from './cases/elementwise.js';
import { errorsCases } from './cases/errors.js';
import { goldenCases } from './cases/golden.js';
import { gradientsCases } from './cases/gradients.js';
import { memoryCases } from './cases/memory.js';
import { nnCases } from './cases/nn.js';
import { optimizersCases } from './cases/optimizers.js';
import { productsCases } from './cases/products.js';
import { randomCases } from './cases/random.js';
import { reductionCases } from './cases/reduction.js';
import { shapeCases } from './cases/shape.js';

/** The whole suite. */
export function allCases(): ConformanceCase[] {
  return [
    ...creationCases(),
    ...randomCases(),
    ...elementwiseCases(),
    ...reductionCases(),
    ...productsCases(),
    ...shapeCases(),
    ...nnCases(),
    ...goldenCases(),
    ...chapterCases(),
    ...gradientsCases(),
    ...optimizersCases(),
    ...memoryCases(),
    ...errorsCases(),
  ];
}
