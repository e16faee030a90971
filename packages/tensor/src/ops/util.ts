import { allocate, allocateOverwritten, type DType, type FloatArray, type FloatDType } from '../dtype.ts';
import { getBackend } from '../registry.ts';
import { formatShape, type Shape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { checkNumber, checkSize, checkTensor, type NumberRule, wrongType } from '../validate.ts';

export type Operand = Tensor | number;

/**
 * A plain number adopts the dtype of the tensor it meets, as Python scalars do in numpy,
 * so `x.mul(0.01)` stays float32.
 */
export function asTensor(x: Operand, dtype: DType, fn: string, arg: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') {
    const data = allocate(dtype === 'int32' ? 'float32' : dtype, 1);
    data[0] = x;
    return new Tensor(data, []);
  }
  return wrongType(fn, arg, 'a Tensor or a number', x);
}

export function assertTensor(x: unknown, fn: string, arg = 'x'): Tensor {
  return checkTensor(x, fn, arg);
}

const NOT_NAN: NumberRule = { infinite: true };

/** A number that is not NaN (±Infinity is allowed: clip(x, 0, Infinity)). */
export function assertNumber(x: unknown, fn: string, arg: string): number {
  return checkNumber(x, fn, arg, NOT_NAN);
}

/**
 * A result's zero-filled storage, after checking that its shape fits in a typed array and in
 * memory: a broadcast or a product can ask for far more than its inputs hold.
 */
export function output(dtype: FloatDType, size: number, fn: string, shape: Shape): FloatArray;
export function output(dtype: DType, size: number, fn: string, shape: Shape): Float32Array | Float64Array | Int32Array;
export function output(dtype: DType, size: number, fn: string, shape: Shape): Float32Array | Float64Array | Int32Array {
  if (size > 1 << 24) checkSize(size, fn, `the result's shape ${formatShape(shape)}`, dtype);
  return allocate(dtype, size, fn);
}

/**
 * As `output`, for a result the backend writes whole: uninitialized where the active backend
 * declares `overwritesOutputs` (see `allocateOverwritten`), zero-filled otherwise.
 */
export function overwrittenOutput(dtype: FloatDType, size: number, fn: string, shape: Shape): FloatArray {
  if (size > 1 << 24) checkSize(size, fn, `the result's shape ${formatShape(shape)}`, dtype);
  return getBackend().overwritesOutputs === true ? allocateOverwritten(dtype, size, fn) : allocate(dtype, size, fn);
}

/** The same values in `dtype`; the tensor itself when it already is. */
export function castData(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  const out = allocate(dtype, t.size, 'cast');
  out.set(t.data);
  return new Tensor(out, t.shape);
}

export function floatOf(t: Tensor): FloatDType {
  return t.dtype === 'float64' ? 'float64' : 'float32';
}

export const backend = getBackend;
