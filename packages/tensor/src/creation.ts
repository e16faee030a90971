import { allocate, allocateOverwritten, type DType, type TypedArray } from './dtype.ts';
import { ArgumentTypeError, DTypeError, ShapeError, ValueError } from './errors.ts';
import { formatShape, sizeOf } from './shape.ts';
import { Tensor } from './tensor.ts';
import { checkDType, checkInteger, checkNumber, checkShape, checkSize, checkTensor, describeValue, wrongType } from './validate.ts';

export type NestedArray = number | readonly NestedArray[];

/**
 * A tensor from nested arrays (or a typed array and a shape). `tensor([[1, 2], [3, 4]])`
 * is 2x2 float32; ragged nesting is an error that names the first offending row.
 * Values may be NaN or ±Infinity; int32 tensors take integers in the int32 range only.
 */
export function tensor(values: NestedArray | TypedArray, dtype: DType = 'float32', shape?: readonly number[]): Tensor {
  checkDType(dtype, 'tensor');
  const target = shape === undefined ? undefined : checkShape(shape, 'tensor', 'shape', dtype);
  if (ArrayBuffer.isView(values)) return fromTypedArray(values, dtype, target);
  const inferred = inferShape(values);
  checkSize(sizeOf(inferred), 'tensor', `values of shape ${formatShape(inferred)}`, dtype);
  if (target && sizeOf(target) !== sizeOf(inferred)) {
    throw new ShapeError(
      `tensor: values of shape ${formatShape(inferred)} (size ${sizeOf(inferred)}) do not fit shape ${formatShape(target)}`,
    );
  }
  const flat = allocate(dtype, sizeOf(inferred), 'tensor');
  let k = 0;
  const fill = (v: NestedArray, depth: number, path: string): void => {
    if (depth === inferred.length) {
      if (typeof v !== 'number') wrongType('tensor', `values${path}`, 'a number', v);
      if (dtype === 'int32') checkInt32(v, `values${path}`);
      flat[k++] = v;
      return;
    }
    if (!Array.isArray(v)) {
      throw new ShapeError(
        `tensor: ragged nested array: values${path} is ${describeValue(v)}, expected an array of length ${inferred[depth]}`,
      );
    }
    if (v.length !== inferred[depth]) {
      throw new ShapeError(`tensor: ragged nested array: values${path} has length ${v.length}, expected length ${inferred[depth]}`);
    }
    for (let i = 0; i < v.length; i++) fill(v[i], depth + 1, `${path}[${i}]`);
  };
  fill(values, 0, '');
  return new Tensor(flat, target ?? inferred);
}

function fromTypedArray(values: ArrayBufferView, dtype: DType, shape: number[] | undefined): Tensor {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    throw new DTypeError(
      `tensor: values must hold numbers, received ${describeValue(values)}; convert it first (Float64Array.from(values, Number))`,
    );
  }
  if (values instanceof DataView || !('length' in values))
    wrongType('tensor', 'values', 'nested arrays of numbers or a numeric typed array', values);
  const source = values as unknown as ArrayLike<number>;
  if (shape && sizeOf(shape) !== source.length) {
    throw new ShapeError(`tensor: ${describeValue(values)} does not fit shape ${formatShape(shape)} (size ${sizeOf(shape)})`);
  }
  if (dtype === 'int32' && !(values instanceof Int32Array || values instanceof Int16Array || values instanceof Int8Array)) {
    for (let i = 0; i < source.length; i++) checkInt32(source[i], `values[${i}]`);
  }
  // set() writes every element (a hole or a non-number becomes NaN), so nothing is left unwritten.
  const data = allocateOverwritten(dtype, source.length, 'tensor');
  data.set(source);
  return new Tensor(data, shape ?? [source.length]);
}

/** int32 storage would wrap or truncate anything else silently. */
function checkInt32(v: number, arg: string): void {
  if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
    throw new ValueError(`tensor: ${arg} must be an integer in the int32 range for dtype 'int32', received ${describeValue(v)}`);
  }
}

function inferShape(values: NestedArray): number[] {
  if (!Array.isArray(values) && typeof values !== 'number') {
    throw new ArgumentTypeError(
      `tensor: values must be a number, nested arrays of numbers or a typed array, received ${describeValue(values)}`,
    );
  }
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  if (typeof value !== 'number') wrongType('scalar', 'value', 'a number', value);
  return tensor(value, dtype);
}

export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  return filled('full', shape, value, dtype);
}

function filled(fn: string, shape: readonly number[], value: number, dtype: DType): Tensor {
  const d = checkDType(dtype, fn);
  const s = checkShape(shape, fn, 'shape', d);
  if (typeof value !== 'number') wrongType(fn, 'value', 'a number', value);
  if (d === 'int32' && (!Number.isInteger(value) || Math.abs(value) > 2147483647)) {
    throw new ValueError(`${fn}: value must be an integer in the int32 range for dtype 'int32', received ${describeValue(value)}`);
  }
  const data = allocate(d, sizeOf(s), fn);
  if (value !== 0) data.fill(value);
  return new Tensor(data, s);
}

export const zeros = (shape: readonly number[], dtype: DType = 'float32'): Tensor => filled('zeros', shape, 0, dtype);
export const ones = (shape: readonly number[], dtype: DType = 'float32'): Tensor => filled('ones', shape, 1, dtype);
export const zerosLike = (x: Tensor): Tensor => filled('zerosLike', checkTensor(x, 'zerosLike').shape, 0, x.dtype);
export const onesLike = (x: Tensor): Tensor => filled('onesLike', checkTensor(x, 'onesLike').shape, 1, x.dtype);

/** [start, stop) in steps of `step`, as numpy's arange; `arange(5)` is 0..4. */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  checkNumber(start, 'arange', 'start');
  if (stop !== undefined) checkNumber(stop, 'arange', 'stop');
  checkNumber(step, 'arange', 'step');
  const d = checkDType(dtype, 'arange');
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0) throw new ValueError('arange: step must not be zero, received 0');
  const n = Math.max(0, Math.ceil((to - from) / step));
  checkSize(n, 'arange', `the range [${from}, ${to}) in steps of ${step}`, d);
  const data = allocate(d, n, 'arange');
  for (let i = 0; i < n; i++) data[i] = from + i * step;
  return new Tensor(data, [n]);
}

/** `num` evenly spaced values from start to stop inclusive; the last is exactly `stop`, as in numpy. */
export function linspace(start: number, stop: number, num = 50, dtype: DType = 'float32'): Tensor {
  checkNumber(start, 'linspace', 'start');
  checkNumber(stop, 'linspace', 'stop');
  checkInteger(num, 'linspace', 'num', 0);
  const d = checkDType(dtype, 'linspace');
  checkSize(num, 'linspace', `num ${num}`, d);
  const data = allocate(d, num, 'linspace');
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = start + i * step;
  if (num > 1) data[num - 1] = stop;
  return new Tensor(data, [num]);
}

/** The n x m identity (m defaults to n). */
export function eye(n: number, m = n, dtype: DType = 'float32'): Tensor {
  checkInteger(n, 'eye', 'n', 0);
  checkInteger(m, 'eye', 'm', 0);
  const d = checkDType(dtype, 'eye');
  const s = checkShape([n, m], 'eye', 'shape', d);
  const data = allocate(d, n * m, 'eye');
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return new Tensor(data, s);
}
