import { allocate, assertDType, type DType, describe, type TypedArray } from './dtype.ts';
import { ShapeError, ValueError } from './errors.ts';
import { assertShape, sizeOf } from './shape.ts';
import { Tensor } from './tensor.ts';

export type NestedArray = number | readonly NestedArray[];

/**
 * A tensor from nested arrays (or a typed array and a shape). `tensor([[1, 2], [3, 4]])`
 * is 2x2 float32; ragged nesting is an error that names the first offending row.
 */
export function tensor(values: NestedArray | TypedArray, dtype: DType = 'float32', shape?: readonly number[]): Tensor {
  assertDType(dtype);
  if (ArrayBuffer.isView(values)) {
    const data = allocate(dtype, values.length);
    data.set(values);
    return new Tensor(data, shape ? assertShape([...shape]) : [values.length]);
  }
  const inferred = inferShape(values);
  const flat = allocate(dtype, sizeOf(inferred));
  let k = 0;
  const fill = (v: NestedArray, depth: number, path: string): void => {
    if (depth === inferred.length) {
      if (typeof v !== 'number') throw new ValueError(`tensor: expected a number at ${path || 'top level'}, received ${describe(v)}`);
      flat[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== inferred[depth]) {
      const len = Array.isArray(v) ? `length ${v.length}` : describe(v);
      throw new ShapeError(`tensor: ragged nested array: ${path || 'top level'} has ${len}, expected length ${inferred[depth]}`);
    }
    for (let i = 0; i < v.length; i++) fill(v[i], depth + 1, `${path}[${i}]`);
  };
  fill(values, 0, '');
  return new Tensor(flat, shape ? assertShape([...shape]) : inferred);
}

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  if (!Array.isArray(values) && typeof values !== 'number') {
    throw new ValueError(`tensor: expected nested arrays of numbers, received ${describe(values)}`);
  }
  return shape;
}

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return tensor(value, dtype);
}

export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  const s = assertShape(shape as number[]);
  const data = allocate(assertDType(dtype), sizeOf(s));
  if (value !== 0) data.fill(value);
  return new Tensor(data, s);
}

export const zeros = (shape: readonly number[], dtype: DType = 'float32'): Tensor => full(shape, 0, dtype);
export const ones = (shape: readonly number[], dtype: DType = 'float32'): Tensor => full(shape, 1, dtype);
export const zerosLike = (x: Tensor): Tensor => full(x.shape, 0, x.dtype);
export const onesLike = (x: Tensor): Tensor => full(x.shape, 1, x.dtype);

/** [start, stop) in steps of `step`, as numpy's arange; `arange(5)` is 0..4. */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (![from, to, step].every(Number.isFinite))
    throw new ValueError(`arange: start, stop and step must be finite, received ${from}, ${to}, ${step}`);
  if (step === 0) throw new ValueError('arange: step must not be zero');
  const n = Math.max(0, Math.ceil((to - from) / step));
  const data = allocate(assertDType(dtype), n);
  for (let i = 0; i < n; i++) data[i] = from + i * step;
  return new Tensor(data, [n]);
}

/** `num` evenly spaced values from start to stop inclusive; the last is exactly `stop`, as in numpy. */
export function linspace(start: number, stop: number, num = 50, dtype: DType = 'float32'): Tensor {
  if (!Number.isInteger(num) || num < 0) throw new ValueError(`linspace: num must be a non-negative integer, received ${num}`);
  const data = allocate(assertDType(dtype), num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = start + i * step;
  if (num > 1) data[num - 1] = stop;
  return new Tensor(data, [num]);
}

/** The n x m identity (m defaults to n). */
export function eye(n: number, m = n, dtype: DType = 'float32'): Tensor {
  const s = assertShape([n, m], 'eye: shape');
  const data = allocate(assertDType(dtype), n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return new Tensor(data, s);
}
