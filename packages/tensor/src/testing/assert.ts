import { tensor } from '../creation.ts';
import type { DType, FloatDType } from '../dtype.ts';
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
 * The default for the conformance fixtures: float32 results against float64 references
 * computed from the same (float32-exact) inputs. An elementwise op of either backend is within
 * 4 ulps (8u, u = 2^-24 ≈ 6e-8) of the exact value, and the fixtures chain at most two:
 * 16u ≈ 1e-6 relative. The 1e-6 absolute floor is for results that cancel to near zero: one
 * rounding of O(1) operands (the fixtures are N(0, 1) draws, |x| < 4) errs by u·|operands| <
 * 1e-6 whatever the result. Sums and products of more terms have their own bounds (gamma,
 * gemmErrorBound), as conformance-ops.ts does for matmul, linear and the reductions.
 * float64: the same reasoning with u = 2^-53.
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

/**
 * `run` writes every element of its output: run into a zeroed and a NaN-filled output of n
 * values, an element it leaves unwritten keeps 0 in one and NaN in the other. (The check behind
 * `overwritesOutputs`.)
 */
export function assertWritesWhole(what: string, dtype: FloatDType, n: number, run: (out: Float32Array | Float64Array) => void): void {
  const zero = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  const nan = (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n)).fill(Number.NaN);
  run(zero);
  run(nan);
  for (let i = 0; i < n; i++) {
    assert(Object.is(zero[i], nan[i]), `${what} ${dtype}: element ${i} is ${zero[i]} in a zeroed output and ${nan[i]} in a NaN-filled one`);
  }
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

/** Unit roundoff u: a correctly rounded operation errs by at most u, relative. */
export const UNIT_ROUNDOFF: Record<FloatDType, number> = { float32: 2 ** -24, float64: 2 ** -53 };

/**
 * γ_n = n·u / (1 − n·u) (Higham, Accuracy and Stability of Numerical Algorithms, §3.1): a sum
 * of n products computed in any order (blocked, fused multiply-add, split across threads or
 * across K) is within γ_n·Σ|terms| of the exact sum. It grows with n: float32 GEMM with
 * K = 12288 may err by 7e-4 of Σ|a||b|, far beyond any fixed rtol.
 */
export function gamma(n: number, dtype: FloatDType): number {
  const nu = n * UNIT_ROUNDOFF[dtype];
  return nu / (1 - nu);
}

/**
 * The bound on |computed − exact| for C = op(A)·op(B) in `dtype`, elementwise:
 * γ_{K+1}·(|op(A)|·|op(B)|)_ij, the product of magnitudes in float64 here (K products summed
 * in any order, plus the final rounding into C). A reference from another implementation
 * (numpy, another backend) has its own error: pass `implementations: 2` to allow for both.
 */
export function gemmErrorBound(
  A: Tensor,
  B: Tensor,
  options: { transA?: boolean; transB?: boolean; dtype?: FloatDType; implementations?: number } = {},
): Float64Array {
  const { transA = false, transB = false, implementations = 1 } = options;
  const dtype = options.dtype ?? (A.dtype === 'float64' || B.dtype === 'float64' ? 'float64' : 'float32');
  const [m, k] = transA ? [A.shape[1], A.shape[0]] : [A.shape[0], A.shape[1]];
  const n = transB ? B.shape[0] : B.shape[1];
  const a = (i: number, p: number) => Math.abs(A.data[transA ? p * m + i : i * k + p]);
  const b = (p: number, j: number) => Math.abs(B.data[transB ? j * k + p : p * n + j]);
  const g = implementations * gamma(k + 1, dtype);
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
      out[i * n + j] = g * s;
    }
  }
  return out;
}

/** Elementwise |actual − expected| ≤ bound (one per element, or one for all); NaN matches NaN. */
export function assertWithin(actual: Tensor, expected: Expected, bound: ArrayLike<number> | number, label = ''): void {
  const where = label ? ` (${label})` : '';
  const { data } = normalize(expected);
  if (data.length !== actual.size) throw new ConformanceFailure(`assertWithin${where}: ${actual.size} elements, expected ${data.length}`);
  const limit = (i: number) => (typeof bound === 'number' ? bound : bound[i]);
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < data.length; i++) {
    const a = actual.data[i];
    const e = data[i];
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    const ratio = Math.abs(a - e) / limit(i);
    if (!(ratio <= 1) && (worst < 0 || !(ratio <= worstRatio))) {
      worst = i;
      worstRatio = ratio;
    }
  }
  if (worst >= 0) {
    const a = actual.data[worst];
    const e = data[worst];
    throw new ConformanceFailure(
      `assertWithin${where}: worst at [${unravel(worst, actual.shape).join(', ')}]: actual ${a}, expected ${e}, ` +
        `|diff| ${Math.abs(a - e)} > bound ${limit(worst)}`,
    );
  }
}

/**
 * `value` could have been printed as `printed` (e.g. the course's '0.088439'): the print
 * either rounded or truncated to the decimals shown (the course's notebooks do both), so
 * printed − ½·10^-d ≤ value < printed + 10^-d, with `slack` more for the computation's own
 * error (the course's float64 costs agree to about 1e-12 across BLAS builds).
 */
export function assertPrinted(value: number, printed: string, label = '', slack = 1e-9): void {
  const decimals = printed.split('.')[1]?.length ?? 0;
  const p = Number(printed);
  const step = 10 ** -decimals;
  if (!(value >= p - step / 2 - slack && value < p + step + slack)) {
    throw new ConformanceFailure(
      `${label ? `${label}: ` : ''}${value} would not print as ${printed} (rounded or truncated to ${decimals} decimals)`,
    );
  }
}
