/**
 * @tensorkit/conformance: the suite every TensorKit backend must pass, runnable by users.
 *
 * @packageDocumentation
 */
export { allCases } from './suite.js';
export { caseId, casesFor, type CaseContext, type ConformanceCase } from './case.js';
export { runCase, runSuite, type CaseResult } from './runner.js';
export { parseGaps, gapFor, type Gap } from './gaps.js';
export { renderTable, type BackendColumn } from './table.js';
export { expectTensor, expectError, check, close, defaultTolerance, ConformanceError, type Expected } from './assert.js';
export * from './reference.js';
