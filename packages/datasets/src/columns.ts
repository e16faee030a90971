import { type DType, NeuriteError, ShapeError, Tensor } from '@neurite/tensor';

/** Checks that t is a 2-D tensor (features, examples) and returns [rows, m]. */
export function assert2D(t: unknown, fn: string, arg: string): [number, number] {
  if (!(t instanceof Tensor)) throw new NeuriteError(`${fn}: ${arg} must be a Tensor, received ${typeof t}`);
  if (t.rank !== 2) throw new ShapeError(`${fn}: ${arg} must be 2-D (features, examples), received shape (${t.shape.join(', ')})`);
  return [t.shape[0], t.shape[1]];
}

/** Checks that X and Y hold the same number of examples (columns). */
export function assertSameM(X: Tensor, Y: Tensor, fn: string): number {
  const [, m] = assert2D(X, fn, 'X');
  const [, mY] = assert2D(Y, fn, 'Y');
  if (m !== mY)
    throw new ShapeError(
      `${fn}: X has ${m} examples (columns) but Y has ${mY}; shapes (${X.shape.join(', ')}) and (${Y.shape.join(', ')})`,
    );
  return m;
}

/** `X[:, idx]`, numpy's fancy indexing on columns, keeping the dtype. */
export function takeColumns(X: Tensor, idx: readonly number[]): Tensor {
  const [n, m] = [X.shape[0], X.shape[1]];
  const k = idx.length;
  const src = X.data;
  const out = new (src.constructor as new (len: number) => typeof src)(n * k);
  for (let r = 0; r < n; r++) {
    const row = r * m;
    const dst = r * k;
    for (let j = 0; j < k; j++) out[dst + j] = src[row + idx[j]];
  }
  return new Tensor(out, [n, k]);
}

/** `X[:, start:end]` as a copy. */
export function sliceColumns(X: Tensor, start: number, end: number): Tensor {
  const [n, m] = [X.shape[0], X.shape[1]];
  const k = end - start;
  const src = X.data;
  const out = new (src.constructor as new (len: number) => typeof src)(n * k);
  for (let r = 0; r < n; r++) out.set(src.subarray(r * m + start, r * m + end), r * k);
  return new Tensor(out, [n, k]);
}

export function dtypeArray(dtype: DType, size: number): Tensor['data'] {
  return dtype === 'float64' ? new Float64Array(size) : dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
}
