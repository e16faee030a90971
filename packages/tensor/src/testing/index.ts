/**
 * @neurite/tensor/testing: runner-agnostic test cases that any backend package can run.
 * Each case is a name and a function that throws on failure; nothing here depends on a
 * test framework or on Node, so vitest, `deno test` and a native backend's suite all use
 * the same lists:
 *
 *     for (const c of conformanceCases('native')) it(c.name, c.fn);
 */
import type { BackendCore } from '../backend.ts';
import { CORE_OPS } from '../backend-defaults.ts';
import { autodiffCases } from './autodiff-cases.ts';
import { checkCases } from './conformance-checks.ts';
import { convConformanceCases } from './conformance-conv.ts';
import { opCases } from './conformance-ops.ts';

/**
 * `backend` stripped to its core ops, so every optional op comes from `defineBackend`'s
 * defaults: what a new backend gets before it overrides anything. Register it under a
 * name of your choice and run the suites on it.
 */
export function coreOnly(backend: BackendCore, name: string): BackendCore {
  const core = Object.fromEntries(CORE_OPS.map((k) => [k, backend[k]])) as unknown as BackendCore;
  return { ...core, name };
}

export interface ConformanceCase {
  name: string;
  fn: () => void;
}

/**
 * Every op of the public API on backend `backendName`, against numpy's results, in
 * float32 and float64, plus promotion, edge cases, bad inputs and the optimizer kernels.
 * Each case calls `setBackend(backendName)` first.
 */
export function conformanceCases(backendName: string): ConformanceCase[] {
  return [...opCases(backendName), ...checkCases(backendName), ...convConformanceCases(backendName)];
}

export { numericGrad, relativeError } from '../autodiff/gradcheck.ts';
export {
  assert,
  assertClose,
  assertDType,
  assertEqual,
  assertPrinted,
  assertThrows,
  assertWithin,
  ConformanceFailure,
  EXACT,
  type Expected,
  gamma,
  gemmErrorBound,
  TOLERANCE,
  type Tolerance,
  UNIT_ROUNDOFF,
} from './assert.ts';
export { badInputCases } from './bad-inputs.ts';
export type { ArrayFixture } from './fixtures/conformance.ts';
export { generatorCases } from './generator-cases.ts';
export * from './refusal.ts';
export { autodiffCases };
