import { type FloatDType, Tensor } from '@neurite/tensor';

/**
 * A tensor kept between calls and reallocated only when the shape changes (for example
 * the last, smaller mini-batch): the training loop then allocates nothing per iteration.
 * Public so that a user's layer can keep its training buffers the way the built-in ones do.
 */
export function reuseBuffer(current: Tensor | null | undefined, shape: readonly number[], dtype: FloatDType): Tensor {
  if (current && current.dtype === dtype && sameDims(current.shape, shape)) return current;
  let size = 1;
  for (const d of shape) size *= d;
  return new Tensor(dtype === 'float64' ? new Float64Array(size) : new Float32Array(size), shape);
}

export function floatDTypeOf(t: Tensor): FloatDType {
  return t.dtype === 'float64' ? 'float64' : 'float32';
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
