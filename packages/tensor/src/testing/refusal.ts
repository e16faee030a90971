import { tensor } from '../creation.ts';
import { ArgumentTypeError, NeuriteError, ValueError } from '../errors.ts';
import { describeValue } from '../validate.ts';
import { ConformanceFailure } from './assert.ts';

/**
 * The vocabulary of the bad-input probes: families of wrong values and one assertion,
 * `expectRefusal`, that a call is refused the way every Neurite function refuses bad input.
 * Each package's probe builds its cases from these, so they all hold the library to the same
 * rule. Runner-agnostic, like the rest of @neurite/tensor/testing.
 */

export type ErrorClass = abstract new (...args: never[]) => Error;

export interface ProbeCase {
  name: string;
  fn: () => void;
}

/**
 * `call` must throw, synchronously, an instance of `cls` (a NeuriteError) whose message
 * starts with `fn:` (or `fn(` for a layer's own name) and contains every entry of `mentions`
 * (the argument's name at least). Anything else fails: no error, a bare TypeError or
 * RangeError, a message that does not say where or what.
 */
export function expectRefusal(call: () => unknown, cls: ErrorClass, fn: string, ...mentions: string[]): Error {
  let thrown: unknown;
  let returned: unknown;
  try {
    returned = call();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new ConformanceFailure(`expected ${cls.name} from ${fn}, but it returned ${describeValue(returned)}`);
  if (!(thrown instanceof NeuriteError)) {
    const what = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : describeValue(thrown);
    throw new ConformanceFailure(`expected a NeuriteError (${cls.name}) from ${fn}, received ${what}`);
  }
  if (!(thrown instanceof cls)) {
    const got = thrown as NeuriteError;
    throw new ConformanceFailure(`expected ${cls.name} from ${fn}, received ${got.name}: ${got.message}`);
  }
  const m = thrown.message;
  if (!(m.startsWith(`${fn}:`) || m.startsWith(`${fn}(`) || m.startsWith(`${fn}.`))) {
    throw new ConformanceFailure(`${thrown.name} message does not start with '${fn}:': ${JSON.stringify(m)}`);
  }
  for (const part of mentions) {
    if (!m.includes(part))
      throw new ConformanceFailure(`${thrown.name} message from ${fn} does not name ${JSON.stringify(part)}: ${JSON.stringify(m)}`);
  }
  if (m.includes('[object ')) {
    throw new ConformanceFailure(`${thrown.name} message from ${fn} leaks an unformatted value: ${JSON.stringify(m)}`);
  }
  return thrown;
}

/** The class a refusal of `v` must have: ValueError for a number out of range, ArgumentTypeError for anything that is not a number. */
export function numberRefusal(v: unknown): ErrorClass {
  return typeof v === 'number' ? ValueError : ArgumentTypeError;
}

/** Values that are not numbers at all, each a different kind. */
export const NOT_NUMBERS: readonly unknown[] = ['1', '0.1', '', true, null, {}, [], [1], 1n, () => 1];
/** Numbers no size, count or hyperparameter accepts. */
export const NON_FINITE: readonly number[] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
/** Not a count: negative, fractional, non-finite, past 2^53. */
export const NOT_COUNTS: readonly number[] = [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53];
/** Not a Tensor: numbers, strings, arrays, typed arrays, objects, bigints, null. */
export const NOT_TENSORS: readonly unknown[] = [
  '1',
  null,
  [1, 2],
  [[1, 2]],
  {},
  { shape: [2], data: [1, 2] },
  new Float32Array(2),
  1n,
  true,
];
/** Not an options object. */
export const NOT_OPTIONS: readonly unknown[] = ['yes', 1, true, null, [true], () => ({})];
/** Not a boolean flag. */
export const NOT_BOOLEANS: readonly unknown[] = ['yes', 'true', 1, 0, null, {}, 1n];
/** Not a dtype name. */
export const NOT_DTYPES: readonly unknown[] = ['float16', 'int8', 'Float32', 32, null, {}, ''];
/** Not a shape: no array, negative, fractional, non-finite or non-number dimensions. */
export const NOT_SHAPES: readonly unknown[] = [
  3,
  '2,3',
  null,
  {},
  [-1, 2],
  [-1, -1],
  [2.5],
  [Number.NaN],
  [Number.POSITIVE_INFINITY],
  ['2', 3],
  [1n],
  [null],
];
/** Shapes too large for any typed array (2^32 elements or more, or more than any machine's memory). */
export const HUGE_SHAPES: readonly number[][] = [
  [1e6, 1e6],
  [2 ** 32, 2],
  [2 ** 31, 2 ** 31],
  [1e5, 1e5, 1e5],
];
/** BigInt storage, which no dtype of Neurite's holds. */
export const BIGINT_ARRAYS: readonly unknown[] = [new BigInt64Array([1n, 2n]), new BigUint64Array([1n, 2n])];

/** A short label for a case name. */
export function show(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return describeValue(v).replace(/ \(a \w+\)$/, '');
}

/** A float tensor of shape (2, 3) in `dtype`, the usual valid operand. */
export function sample(dtype: 'float32' | 'float64', shape: readonly number[] = [2, 3]): ReturnType<typeof tensor> {
  const size = shape.reduce((p, d) => p * d, 1);
  return tensor(
    Float64Array.from({ length: size }, (_, i) => ((i % 7) - 3) / 4),
    dtype,
    shape,
  );
}
