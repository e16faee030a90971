import { type DType, type FloatDType, maxElements, memoryShortfall } from './dtype.ts';
import { ArgumentTypeError, DTypeError, ShapeError, ValueError } from './errors.ts';
import { broadcastShapes as broadcastTrusted, formatShape as formatTrusted, type Shape } from './shape.ts';
import { closestName } from './suggest.ts';
import { Tensor } from './tensor.ts';

/**
 * The one validation layer of Neurite's public API. Every public function of the packages
 * checks its arguments with these helpers before any work or allocation, so that a bad
 * argument is refused the same way everywhere, by a NeuriteError whose message reads
 *
 *     fn: arg must be <what was expected>, received <what was received>
 *
 * Wrong kinds of value (a string for a number, an array for a Tensor) are ArgumentTypeErrors,
 * wrong values ValueErrors, wrong dtypes DTypeErrors. The checks cost a few comparisons each:
 * the hot paths call them once per op, never per element.
 */

/** A received value as a message shows it: `"0.1" (a string)`, `NaN`, `5n (a bigint)`, `a Tensor of shape (2, 3), float32`. */
export function describeValue(v: unknown): string {
  switch (typeof v) {
    case 'undefined':
      return 'undefined';
    case 'number':
      return String(v);
    case 'string':
      return `${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)} (a string)`;
    case 'bigint':
      return `${v}n (a bigint)`;
    case 'boolean':
      return `${v} (a boolean)`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return v.name ? `the function ${v.name}` : 'a function';
  }
  if (v === null) return 'null';
  if (v instanceof Tensor) return `a Tensor of shape ${shapeText(v.shape)}, ${v.dtype}`;
  if (ArrayBuffer.isView(v)) {
    const length = (v as { length?: number }).length;
    return length === undefined ? `a ${v.constructor.name}` : `a ${v.constructor.name} of length ${length}`;
  }
  if (Array.isArray(v)) {
    const preview = v.length <= 8 && v.every((e) => e === null || (typeof e !== 'object' && typeof e !== 'function'));
    return preview
      ? `[${v.map((e) => (typeof e === 'string' ? JSON.stringify(e) : typeof e === 'bigint' ? `${e}n` : String(e))).join(', ')}]`
      : `an array of length ${v.length}`;
  }
  if (v instanceof ArrayBuffer) return `an ArrayBuffer of ${v.byteLength} bytes`;
  const proto = Object.getPrototypeOf(v);
  if (proto !== null && proto !== Object.prototype) return `a ${proto.constructor?.name || 'object'}`;
  const keys = Object.keys(v as object);
  return keys.length ? `an object with keys ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}` : 'an empty object';
}

/** numpy's shape format, (4, 3) and (5,). */
function shapeText(shape: readonly unknown[]): string {
  return shape.length === 1 ? `(${String(shape[0])},)` : `(${shape.map(String).join(', ')})`;
}

function prefix(fn: string): string {
  return fn ? `${fn}: ` : '';
}

/** Throws `fn: arg must be expected, received …` as a ValueError (or the class given). */
export function invalidArgument(
  fn: string,
  arg: string,
  expected: string,
  received: unknown,
  ErrorClass: new (message: string) => Error = ValueError,
): never {
  throw new ErrorClass(`${prefix(fn)}${arg} must be ${expected}, received ${describeValue(received)}`);
}

/** Throws the same message as an ArgumentTypeError: the value is not even of the right kind. */
export function wrongType(fn: string, arg: string, expected: string, received: unknown): never {
  return invalidArgument(fn, arg, expected, received, ArgumentTypeError);
}

export function checkTensor(x: unknown, fn: string, arg = 'x'): Tensor {
  if (x instanceof Tensor) return x;
  return wrongType(fn, arg, 'a Tensor', x);
}

/** A Tensor or a plain number (NaN and ±Infinity are values like any other here). */
export function checkOperand(x: unknown, fn: string, arg: string): Tensor | number {
  if (x instanceof Tensor || typeof x === 'number') return x;
  return wrongType(fn, arg, 'a Tensor or a number', x);
}

/**
 * What a number may be: bounds `min`/`max` (inclusive), `above`/`below` (exclusive),
 * `integer`; NaN is never allowed, ±Infinity only with `infinite`.
 */
export interface NumberRule {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
  integer?: boolean;
  infinite?: boolean;
}

const FINITE: NumberRule = {};

/** The rule in words, for the message: "a finite number > 0", "an integer in [0, 10]". */
export function describeRule(rule: NumberRule): string {
  const parts: string[] = [];
  const lo = rule.min !== undefined ? `>= ${rule.min}` : rule.above !== undefined ? `> ${rule.above}` : '';
  const hi = rule.max !== undefined ? `<= ${rule.max}` : rule.below !== undefined ? `< ${rule.below}` : '';
  if (lo && hi) {
    const open = rule.min !== undefined ? '[' : '(';
    const close = rule.max !== undefined ? ']' : ')';
    parts.push(`in ${open}${rule.min ?? rule.above}, ${rule.max ?? rule.below}${close}`);
  } else if (lo || hi) parts.push(lo || hi);
  const kind = rule.integer ? 'an integer' : rule.infinite ? 'a number (not NaN)' : 'a finite number';
  return parts.length ? `${kind} ${parts[0]}` : kind;
}

export function checkNumber(x: unknown, fn: string, arg: string, rule: NumberRule = FINITE): number {
  if (typeof x !== 'number') return wrongType(fn, arg, describeRule(rule), x);
  const ok =
    (rule.integer ? Number.isSafeInteger(x) : rule.infinite ? !Number.isNaN(x) : Number.isFinite(x)) &&
    (rule.min === undefined || x >= rule.min) &&
    (rule.max === undefined || x <= rule.max) &&
    (rule.above === undefined || x > rule.above) &&
    (rule.below === undefined || x < rule.below);
  if (!ok) invalidArgument(fn, arg, describeRule(rule), x);
  return x;
}

const POSITIVE: NumberRule = { above: 0 };
const NON_NEGATIVE: NumberRule = { min: 0 };

/** A finite number > 0: learning rates, epsilons, slopes. */
export const checkPositive = (x: unknown, fn: string, arg: string): number => checkNumber(x, fn, arg, POSITIVE);
/** A finite number >= 0: penalties, standard deviations. */
export const checkNonNegative = (x: unknown, fn: string, arg: string): number => checkNumber(x, fn, arg, NON_NEGATIVE);

/** A safe integer in [min, max]. */
export function checkInteger(x: unknown, fn: string, arg: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof x === 'number' && Number.isSafeInteger(x) && x >= min && x <= max) return x;
  const rule: NumberRule = { integer: true };
  if (min > Number.MIN_SAFE_INTEGER) rule.min = min;
  if (max < Number.MAX_SAFE_INTEGER) rule.max = max;
  return checkNumber(x, fn, arg, rule);
}

export function checkBoolean(x: unknown, fn: string, arg: string): boolean {
  if (typeof x === 'boolean') return x;
  return wrongType(fn, arg, 'true or false', x);
}

export function checkString(x: unknown, fn: string, arg: string): string {
  if (typeof x === 'string') return x;
  return wrongType(fn, arg, 'a string', x);
}

export function checkFunction<F extends (...args: never[]) => unknown>(x: unknown, fn: string, arg: string): F {
  if (typeof x === 'function') return x as F;
  return wrongType(fn, arg, 'a function', x);
}

export function checkArray(x: unknown, fn: string, arg: string): readonly unknown[] {
  if (Array.isArray(x)) return x;
  return wrongType(fn, arg, 'an array', x);
}

/** One of a fixed set of names (activations, loss names, modes). */
export function checkOneOf<T extends string>(x: unknown, fn: string, arg: string, choices: readonly T[]): T {
  if (typeof x === 'string' && (choices as readonly string[]).includes(x)) return x as T;
  const expected = `one of ${choices.map((c) => `'${c}'`).join(', ')}`;
  if (typeof x !== 'string') return wrongType(fn, arg, expected, x);
  const near = closest(x, choices);
  return invalidArgument(fn, arg, `${expected}${near ? ` (did you mean '${near}'?)` : ''}`, x);
}

/** The likely intended name: the same one in another case or punctuation first, then suggest.ts's edit distance. */
function closest(x: string, choices: readonly string[]): string | undefined {
  const lower = x.toLowerCase();
  const exact = choices.find(
    (c) => c.toLowerCase() === lower || c.toLowerCase().replace(/[^a-z0-9]/g, '') === lower.replace(/[^a-z0-9]/g, ''),
  );
  return exact ?? closestName(x, choices);
}

/** A plain object of named values: not an array, a Tensor, a typed array or a function. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Tensor) && !ArrayBuffer.isView(x);
}

const NO_OPTIONS: Readonly<Record<string, never>> = Object.freeze({});

/**
 * An options object: undefined gives {}; anything but a plain object, or a key not in
 * `keys`, is refused (a misspelt option would otherwise be silently ignored).
 */
export function checkOptions<T extends object>(options: T | undefined, fn: string, keys: readonly string[], arg = 'options'): T {
  if (options === undefined) return NO_OPTIONS as T;
  if (!isPlainObject(options)) return wrongType(fn, arg, `an object with keys among ${keys.join(', ')}`, options);
  for (const key in options) {
    if (!keys.includes(key)) {
      const near = closest(key, keys);
      throw new ValueError(
        `${prefix(fn)}${arg} has an unknown key '${key}'${near ? ` (did you mean '${near}'?)` : ''}; expected ${keys.length ? `keys among ${keys.join(', ')}` : 'no keys'}`,
      );
    }
  }
  return options;
}

/** An optional boolean option: undefined gives `fallback`. */
export function optionalBoolean(x: unknown, fallback: boolean, fn: string, arg: string): boolean {
  return x === undefined ? fallback : checkBoolean(x, fn, arg);
}

// ---------------------------------------------------------------------------------------
// Shapes, sizes, axes, dtypes

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} bytes` : `${v.toPrecision(3)} ${units[u]}`;
}

/**
 * Refuses a tensor of `size` elements that no typed array can hold, or that needs more than
 * the machine's memory, before anything is allocated. `what` says where the size came from
 * ("shape (1000000, 1000000)", "the broadcast shape (…)").
 */
export function checkSize(size: number, fn: string, what: string, dtype: DType = 'float32'): void {
  const bytes = size * BYTES[dtype];
  const short = size > maxElements ? null : memoryShortfall(bytes);
  if (size <= maxElements && short === null) return;
  const count =
    size >= 1e6
      ? size
          .toExponential(3)
          .replace(/\.?0+e/, 'e')
          .replace('e+', 'e')
      : String(size);
  if (size > maxElements) {
    throw new ValueError(
      `${prefix(fn)}${what} has ${count} elements (${formatBytes(bytes)} as ${dtype}); a tensor holds at most ${maxElements} elements`,
    );
  }
  throw new ValueError(`${prefix(fn)}${what} needs ${formatBytes(bytes)} as ${dtype}, ${short}`);
}

/** About the longest plain JavaScript array V8 makes (2^27 elements; longer ones throw a bare RangeError). */
export const maxArrayLength = 2 ** 27 - 1024;

/** Refuses a plain array of `length` numbers (an index list, a permutation) that V8 cannot make. */
export function checkArrayLength(length: number, fn: string, what: string): void {
  if (length > maxArrayLength) {
    throw new ValueError(`${prefix(fn)}${what} asks for ${length} entries; a JavaScript array holds at most ${maxArrayLength}`);
  }
}

/**
 * A shape: an array of non-negative safe integers whose product a tensor can hold. Returns a
 * copy, so a caller's later change to its array cannot reach the tensor.
 */
export function checkShape(shape: unknown, fn: string, arg = 'shape', dtype: DType = 'float32'): number[] {
  const out = checkDims(shape, fn, arg);
  let size = 1;
  for (const d of out) size *= d;
  checkSize(size, fn, `${arg} ${shapeText(out)}`, dtype);
  return out;
}

/** An array of non-negative safe integers (a copy), whatever their product. */
export function checkDims(shape: unknown, fn: string, arg = 'shape'): number[] {
  if (!Array.isArray(shape)) return wrongType(fn, arg, 'an array of non-negative integers', shape);
  const out = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      const Cls = typeof d === 'number' ? ValueError : ArgumentTypeError;
      throw new Cls(
        `${prefix(fn)}${arg}[${i}] must be a non-negative integer, received ${describeValue(d)} (${arg} ${describeValue(shape)})`,
      );
    }
    out[i] = d;
  }
  return out;
}

/** An axis of a tensor of rank `rank`, negative counting from the end; returns it in [0, rank). */
export function checkAxis(axis: unknown, rank: number, fn: string, arg = 'axis'): number {
  if (typeof axis === 'number' && Number.isInteger(axis) && axis >= -rank && axis < rank) return axis < 0 ? axis + rank : axis;
  const range = rank === 0 ? 'a tensor of rank 0 has no axes' : `an integer in [${-rank}, ${rank - 1}]`;
  if (typeof axis !== 'number') return wrongType(fn, arg, range, axis);
  if (!Number.isInteger(axis)) return invalidArgument(fn, arg, range, axis);
  throw new ValueError(`${prefix(fn)}${arg} ${axis} is out of bounds for a tensor of rank ${rank} (${range})`);
}

/** undefined (every axis), one axis or a list of distinct axes; returns them sorted in [0, rank). */
export function checkAxes(axis: unknown, rank: number, fn: string, arg = 'axis'): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axis === 'number') return [checkAxis(axis, rank, fn, arg)];
  if (!Array.isArray(axis)) return wrongType(fn, arg, 'an integer, an array of integers or undefined (every axis)', axis);
  const out = axis.map((a, i) => checkAxis(a, rank, fn, `${arg}[${i}]`));
  if (new Set(out).size !== out.length) throw new ValueError(`${prefix(fn)}${arg}: duplicate value in [${axis.join(', ')}]`);
  return out.sort((x, y) => x - y);
}

const ALL_DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];
const FLOAT_DTYPES: readonly FloatDType[] = ['float32', 'float64'];

export function checkDType(dtype: unknown, fn: string, arg = 'dtype'): DType {
  if (dtype === 'float32' || dtype === 'float64' || dtype === 'int32') return dtype;
  return invalidArgument(fn, arg, `one of ${ALL_DTYPES.map((d) => `'${d}'`).join(', ')}`, dtype, DTypeError);
}

export function checkFloatDType(dtype: unknown, fn: string, arg = 'dtype'): FloatDType {
  if (dtype === 'float32' || dtype === 'float64') return dtype;
  return invalidArgument(fn, arg, `${FLOAT_DTYPES.map((d) => `'${d}'`).join(' or ')}`, dtype, DTypeError);
}

/** A Tensor holding floats (int32 index tensors are refused where values are updated in place). */
export function checkFloatTensor(x: unknown, fn: string, arg: string): Tensor {
  const t = checkTensor(x, fn, arg);
  if (t.dtype === 'int32') invalidArgument(fn, arg, 'a float32 or float64 Tensor', t, DTypeError);
  return t;
}

// ---------------------------------------------------------------------------------------
// The public forms of shape.ts's helpers, which the op layer calls on shapes it already trusts

/** numpy's broadcasting rule over any number of shapes; throws ShapeError naming them when they do not fit. */
export function broadcastShapes(...shapes: Shape[]): number[] {
  for (let i = 0; i < shapes.length; i++) checkDims(shapes[i], 'broadcastShapes', `shapes[${i}]`);
  try {
    return broadcastTrusted(...shapes);
  } catch (error) {
    throw new ShapeError(`broadcastShapes: ${(error as Error).message}`);
  }
}

/** The number of elements of a shape. */
export function sizeOf(shape: Shape): number {
  const s = checkDims(shape, 'sizeOf', 'shape');
  let n = 1;
  for (const d of s) n *= d;
  return n;
}

/** A shape as numpy prints it: (4, 3), (5,) and (). */
export function formatShape(shape: Shape): string {
  return formatTrusted(checkArray(shape, 'formatShape', 'shape') as Shape);
}
