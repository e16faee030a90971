import { record } from '../autodiff/tape.ts';
import { allocate, type DType } from '../dtype.ts';
import { ArgumentTypeError, ShapeError, ValueError } from '../errors.ts';
import { formatShape, sameShape, sizeOf } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { checkArray, checkAxis, checkDType, checkInteger, checkSize, describeValue, wrongType } from '../validate.ts';
import { assertTensor, backend, castData, output } from './util.ts';

/** A view with a new shape over the same data; one dimension may be -1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor(x, 'reshape');
  checkArray(shape, 'reshape', 'shape');
  const unknown = shape.filter((d) => d === -1).length;
  const known = shape.filter((d) => d !== -1);
  if (unknown > 1 || known.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
    const bad = shape.find((d) => typeof d !== 'number');
    const Cls = bad === undefined ? ValueError : ArgumentTypeError;
    throw new Cls(`reshape: shape must hold non-negative integers and at most one -1, received ${describeValue(shape)}`);
  }
  const product = sizeOf(known);
  const resolved = shape.map((d) => (d === -1 ? (product === 0 ? 0 : x.size / product) : d));
  if (sizeOf(resolved) !== x.size || resolved.some((d) => !Number.isInteger(d))) {
    throw new ShapeError(`reshape: cannot reshape array of size ${x.size} into shape (${shape.join(', ')})`);
  }
  return record('reshape', [x], new Tensor(x.data, resolved));
}

export const flatten = (x: Tensor): Tensor => reshape(x, [-1]);

export function expandDims(x: Tensor, axis: number): Tensor {
  assertTensor(x, 'expandDims');
  const ax = checkAxis(axis, x.rank + 1, 'expandDims');
  const shape = [...x.shape];
  shape.splice(ax, 0, 1);
  return reshape(x, shape);
}

export function squeeze(x: Tensor, axis?: number): Tensor {
  assertTensor(x, 'squeeze');
  if (axis === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const ax = checkAxis(axis, x.rank, 'squeeze');
  if (x.shape[ax] !== 1)
    throw new ShapeError(
      `squeeze: cannot select an axis to squeeze out which has size not equal to one (axis ${axis} of ${formatShape(x.shape)})`,
    );
  return reshape(
    x,
    x.shape.filter((_, i) => i !== ax),
  );
}

/** Permutes axes (reverses them by default), as numpy's transpose; the result is contiguous. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  assertTensor(x, 'transpose');
  if (perm !== undefined) checkArray(perm, 'transpose', 'perm');
  const p = perm ? [...perm] : x.shape.map((_, i) => x.rank - 1 - i);
  if (
    p.length !== x.rank ||
    !sameShape(
      [...p].sort((a, b) => a - b),
      x.shape.map((_, i) => i),
    )
  ) {
    throw new ValueError(`transpose: perm ${describeValue(p)} is not a permutation of the ${x.rank} axes of ${formatShape(x.shape)}`);
  }
  const shape = p.map((a) => x.shape[a]);
  const out = allocate(x.dtype, x.size, 'transpose');
  backend().transpose(x, p, out);
  return record('transpose', [x], new Tensor(out, shape), { perm: p });
}

export const permute = transpose;

/**
 * A copy of the block starting at `begin` with extent `size` per axis; a size of -1
 * (or an omitted size) runs to the end of that axis.
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  assertTensor(x, 'slice');
  checkArray(begin, 'slice', 'begin');
  if (begin.length !== x.rank) {
    throw new ValueError(
      `slice: begin must have one entry per axis (${x.rank}) of ${formatShape(x.shape)}, received ${describeValue(begin)}`,
    );
  }
  if (size !== undefined) {
    checkArray(size, 'slice', 'size');
    if (size.length !== x.rank) {
      throw new ValueError(
        `slice: size must have one entry per axis (${x.rank}) of ${formatShape(x.shape)}, received ${describeValue(size)}`,
      );
    }
  }
  const outShape = x.shape.map((d: number, i: number) => {
    const b = checkInteger(begin[i], 'slice', `begin[${i}]`, 0);
    const s = size === undefined ? -1 : checkInteger(size[i], 'slice', `size[${i}]`, -1);
    const extent = s === -1 ? d - b : s;
    if (extent < 0 || b + extent > d) {
      throw new ValueError(`slice: axis ${i} of ${formatShape(x.shape)} cannot take begin ${b} and size ${s}`);
    }
    return extent;
  });
  const out = allocate(x.dtype, sizeOf(outShape), 'slice');
  backend().slice(x, begin, out, outShape);
  return record('slice', [x], new Tensor(out, outShape), { begin: [...begin] });
}

/** Joins tensors along an existing axis; every other dimension must agree. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  checkArray(xs, 'concat', 'xs');
  if (xs.length === 0) throw new ValueError('concat: xs must be a non-empty array of tensors, received []');
  for (let i = 0; i < xs.length; i++) assertTensor(xs[i], 'concat', `xs[${i}]`);
  const first = xs[0];
  if (first.rank === 0) throw new ShapeError('concat: zero-dimensional tensors cannot be concatenated (xs[0] has shape ())');
  const ax = checkAxis(axis, first.rank, 'concat');
  for (const t of xs) {
    if (t.rank !== first.rank || t.shape.some((d: number, i: number) => i !== ax && d !== first.shape[i])) {
      throw new ShapeError(
        `concat: all the input array dimensions except for the concatenation axis must match exactly, but ${formatShape(first.shape)} and ${formatShape(t.shape)} differ (axis ${ax})`,
      );
    }
  }
  const dtype: DType = xs.some((t) => t.dtype === 'float64') ? 'float64' : xs.every((t) => t.dtype === 'int32') ? 'int32' : 'float32';
  const shape = [...first.shape];
  shape[ax] = xs.reduce((s, t) => s + t.shape[ax], 0);
  const out = output(dtype, sizeOf(shape), 'concat', shape);
  backend().concat(
    xs.map((t) => castData(t, dtype)),
    ax,
    out,
  );
  return record('concat', [...xs], new Tensor(out, shape), { axis: ax, sizes: xs.map((t) => t.shape[ax]) });
}

/** Picks entries along `axis` by index, like numpy's `take`: x[:, indices] for axis 1. */
export function gather(x: Tensor, indices: Tensor | readonly number[], axis = 0): Tensor {
  assertTensor(x, 'gather');
  const ax = checkAxis(axis, x.rank, 'gather');
  const values: ArrayLike<unknown> =
    indices instanceof Tensor
      ? indices.data
      : Array.isArray(indices)
        ? indices
        : wrongType('gather', 'indices', 'a Tensor or an array of integers', indices);
  if (indices instanceof Tensor && indices.rank > 1) {
    throw new ShapeError(`gather: indices must be 1-D, received ${describeValue(indices)}`);
  }
  const n = x.shape[ax];
  const shape = [...x.shape];
  shape[ax] = values.length;
  const size = sizeOf(shape);
  if (size > 1 << 24) checkSize(size, 'gather', `the result's shape ${formatShape(shape)}`, x.dtype);
  const idx = new Int32Array(values.length);
  for (let i = 0; i < idx.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') wrongType('gather', `indices[${i}]`, 'an integer', v);
    if (!Number.isInteger(v) || v < -n || v >= n) {
      throw new ValueError(`gather: index ${v} is out of bounds for axis ${ax} with size ${n}`);
    }
    idx[i] = v < 0 ? v + n : v;
  }
  const out = allocate(x.dtype, size, 'gather');
  backend().gather(x, idx, ax, out);
  return record('gather', [x], new Tensor(out, shape), { axis: ax, indices: idx });
}

/**
 * A copy in another dtype. Floats become int32 by truncation toward zero, as numpy's astype;
 * a NaN, an infinity or a value outside int32's range is refused by name, where a typed
 * array's conversion would wrap it silently (3e9 would become -1294967296).
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  assertTensor(x, 'cast');
  checkDType(dtype, 'cast');
  if (dtype === x.dtype) return x;
  if (dtype === 'int32') checkInt32Range(x.data);
  return record('cast', [x], castData(x, dtype));
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function checkInt32Range(data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // Truncation keeps (INT32_MIN - 1, INT32_MAX + 1) exclusive in range.
    if (!(v > INT32_MIN - 1 && v < INT32_MAX + 1)) {
      throw new ValueError(
        `cast: element ${i} is ${v}, which int32 cannot hold (it holds integers from ${INT32_MIN} to ${INT32_MAX}); ` +
          'clip or round it first, or keep a float dtype',
      );
    }
  }
}
