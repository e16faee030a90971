import { allocate, type DType, describe, type FloatDType } from '../dtype.ts';
import { NeuriteError, ValueError } from '../errors.ts';
import { getBackend } from '../registry.ts';
import { Tensor } from '../tensor.ts';

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
  throw new NeuriteError(`${fn}: ${arg} must be a Tensor or a number, received ${describe(x)}`);
}

export function assertTensor(x: unknown, fn: string, arg = 'x'): Tensor {
  if (x instanceof Tensor) return x;
  throw new NeuriteError(`${fn}: ${arg} must be a Tensor, received ${describe(x)}`);
}

export function assertNumber(x: unknown, fn: string, arg: string): number {
  if (typeof x !== 'number' || Number.isNaN(x))
    throw new ValueError(`${fn}: ${arg} must be a number, received ${describe(x)} ${String(x)}`);
  return x;
}

/** The same values in `dtype`; the tensor itself when it already is. */
export function castData(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  const out = allocate(dtype, t.size);
  out.set(t.data);
  return new Tensor(out, t.shape);
}

export function floatOf(t: Tensor): FloatDType {
  return t.dtype === 'float64' ? 'float64' : 'float32';
}

export const backend = getBackend;
