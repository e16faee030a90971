import { tensor } from '../creation.ts';
import type { DType } from '../dtype.ts';
import { Tensor } from '../tensor.ts';
import type { ArrayFixture } from './fixtures/conformance.ts';

/**
 * Assertions for the runner-agnostic suites: plain functions that throw a
 * ConformanceFailure, so vitest, Deno and any backend's own runner can report them.
 * They never import a test framework.
 */
export class ConformanceFailure extends Error {
  override name = 'ConformanceFailure';
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * float32 results are compared with float64 references computed from the same
 * (float32-exact) inputs: 1e-6 relative is about 8 ulps; the atol covers results
 * that cancel to near zero.
 */
export const TOLERANCE: Record<'float32' | 'float64', Tolerance> = {
  float32: { rtol: 1e-6, atol: 1e-6 },
  float64: { rtol: 1e-12, atol: 1e-12 },
};

export const EXACT: Tolerance = { rtol: 0, atol: 0 };

export type Expected = Tensor | ArrayFixture | ArrayLike<number> | number;

/**
 * Elementwise |actual − expected| ≤ atol + rtol·|expected|, with NaN matching NaN and
 * infinities matching themselves; shapes must agree when the expected value has one.
 * On failure the message names the worst element, its index and both values.
 */
export function assertClose(actual: Tensor, expected: Expected, tolerance: Partial<Tolerance> = {}, label = ''): void {
  const { rtol = 1e-7, atol = 0 } = tolerance;
  const where = label ? ` (${label})` : '';
  if (!(actual instanceof Tensor)) throw new ConformanceFailure(`assertClose${where}: actual is not a Tensor: ${String(actual)}`);
  const { shape, data } = normalize(expected);
  if (shape && (shape.length !== actual.rank || shape.some((d, i) => d !== actual.shape[i]))) {
    throw new ConformanceFailure(`assertClose${where}: shape [${actual.shape.join(', ')}] differs from expected [${shape.join(', ')}]`);
  }
  if (data.length !== actual.size) {
    throw new ConformanceFailure(`assertClose${where}: ${actual.size} elements, expected ${data.length}`);
  }
  let worst = -1;
  let worstRatio = 0;
  let bad = 0;
  for (let i = 0; i < data.length; i++) {
    const a = actual.data[i];
    const e = data[i];
    if (Object.is(a, e) || a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    const bound = atol + rtol * Math.abs(e);
    const diff = Math.abs(a - e);
    const ratio = Number.isFinite(diff) && !Number.isNaN(diff) ? diff / bound : Number.POSITIVE_INFINITY;
    if (diff <= bound) continue;
    bad++;
    if (worst < 0 || ratio > worstRatio) {
      worst = i;
      worstRatio = ratio;
    }
  }
  if (bad > 0) {
    const a = actual.data[worst];
    const e = data[worst];
    throw new ConformanceFailure(
      `assertClose${where}: ${bad} of ${data.length} elements differ; worst at [${unravel(worst, actual.shape).join(', ')}]: ` +
        `actual ${a}, expected ${e}, |diff| ${Math.abs(a - e)} > ${atol + rtol * Math.abs(e)} (rtol ${rtol}, atol ${atol})`,
    );
  }
}

export function assertDType(actual: Tensor, dtype: DType, label = ''): void {
  if (actual.dtype !== dtype) throw new ConformanceFailure(`${label ? `${label}: ` : ''}dtype ${actual.dtype}, expected ${dtype}`);
}

export function assertEqual<T>(actual: T, expected: T, label = ''): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new ConformanceFailure(`${label ? `${label}: ` : ''}got ${a}, expected ${e}`);
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** fn must throw an instance of `cls` whose message contains every `parts` entry. */
export function assertThrows(fn: () => unknown, cls: ErrorClass, ...parts: (string | RegExp)[]): Error {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new ConformanceFailure(`expected ${cls.name} to be thrown, but nothing was`);
  if (!(thrown instanceof cls)) {
    const got = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
    throw new ConformanceFailure(`expected ${cls.name}, received ${got}`);
  }
  for (const part of parts) {
    const ok = typeof part === 'string' ? thrown.message.includes(part) : part.test(thrown.message);
    if (!ok) throw new ConformanceFailure(`${cls.name} message ${JSON.stringify(thrown.message)} lacks ${String(part)}`);
  }
  return thrown;
}

/** A fresh tensor of `dtype` from a fixture (a copy, so no case can disturb another). */
export function fromFixture(f: ArrayFixture, dtype: DType): Tensor {
  return tensor(Float64Array.from(f.data), dtype, f.shape);
}

function normalize(expected: Expected): { shape: readonly number[] | null; data: ArrayLike<number> } {
  if (expected instanceof Tensor) return { shape: expected.shape, data: expected.data };
  if (typeof expected === 'number') return { shape: null, data: [expected] };
  if ('shape' in expected && 'data' in expected) return { shape: expected.shape, data: expected.data };
  return { shape: null, data: expected as ArrayLike<number> };
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return idx;
}
