import { type FloatDType, Tensor, ValueError } from '@neurite/tensor';
import { allocate } from '../util.ts';

export interface FlattenOptions {
  /** Divide by 255 (default false here; loaders choose). */
  scale?: boolean;
  dtype?: FloatDType;
}

/**
 * m images stored image-major (m, h, w, c) to the course's (h·w·c, m):
 * `X = x.reshape(m, -1).T`, so column i is image i in (row, column, channel) order.
 */
export function flattenImages(values: ArrayLike<number>, shape: readonly number[], options: FlattenOptions = {}): Tensor {
  const m = shape[0];
  const n = shape.slice(1).reduce((a, b) => a * b, 1);
  if (values.length !== m * n) {
    throw new ValueError(`flattenImages: ${values.length} values do not fill shape (${shape.join(', ')})`);
  }
  const X = allocate(options.dtype ?? 'float32', n * m);
  // Column i of X is the contiguous image i; dividing (not multiplying by 1/255) matches numpy bit for bit.
  for (let i = 0; i < m; i++) {
    const src = i * n;
    for (let p = 0; p < n; p++) X[p * m + i] = options.scale ? values[src + p] / 255 : values[src + p];
  }
  return new Tensor(X, [n, m]);
}
