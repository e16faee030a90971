import { type FloatDType, Tensor } from '@neurite/tensor';

/**
 * A tensor kept between calls and reallocated only when the shape changes (for example
 * the last, smaller mini-batch): the training loop then allocates nothing per iteration.
 */
export function reuseBuffer(current: Tensor | null, shape: readonly [number, number], dtype: FloatDType): Tensor {
  if (current && current.dtype === dtype && current.shape[0] === shape[0] && current.shape[1] === shape[1]) return current;
  const size = shape[0] * shape[1];
  return new Tensor(dtype === 'float64' ? new Float64Array(size) : new Float32Array(size), shape);
}

export function floatDTypeOf(t: Tensor): FloatDType {
  return t.dtype === 'float64' ? 'float64' : 'float32';
}
