import { record } from '../autodiff/tape.ts';
import type { ReduceOp } from '../backend.ts';
import { allocate } from '../dtype.ts';
import { ValueError } from '../errors.ts';
import { formatShape, keptShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { checkAxes, checkAxis, checkBoolean, checkDims } from '../validate.ts';
import { mul } from './elementwise.ts';
import { assertTensor, backend, castData, floatOf } from './util.ts';

export type Axis = number | readonly number[];

/** Result shape of a reduction of `shape` over `axes`, with reduced axes kept as 1 or dropped. */
export function reducedShape(shape: readonly number[], axes: number | readonly number[] | undefined, keepDims = false): number[] {
  const s = checkDims(shape, 'reducedShape');
  return keptShape(s, checkAxes(axes, s.length, 'reducedShape'), checkBoolean(keepDims, 'reducedShape', 'keepDims'));
}

function reduce(op: ReduceOp, x: Tensor, axis: Axis | undefined, keepDims: boolean): Tensor {
  assertTensor(x, op);
  const axes = checkAxes(axis, x.rank, op);
  checkBoolean(keepDims, op, 'keepDims');
  if ((op === 'max' || op === 'min') && axes.some((a) => x.shape[a] === 0)) {
    throw new ValueError(`${op}: zero-size axis in shape ${formatShape(x.shape)} has no identity`);
  }
  const kept = keptShape(x.shape, axes, true);
  const dtype = floatOf(x);
  const out = allocate(
    dtype,
    kept.reduce((p, d) => p * d, 1),
    op,
  );
  backend().reduce(op, castData(x, dtype), axes, out);
  return record(op, [x], new Tensor(out, keptShape(x.shape, axes, keepDims)), { axes, keepDims });
}

/** Sum over `axis` (every axis when omitted); `keepDims` keeps them as size 1, like numpy. */
export const sum = (x: Tensor, axis?: Axis, keepDims = false): Tensor => reduce('sum', x, axis, keepDims);
export const max = (x: Tensor, axis?: Axis, keepDims = false): Tensor => reduce('max', x, axis, keepDims);
export const min = (x: Tensor, axis?: Axis, keepDims = false): Tensor => reduce('min', x, axis, keepDims);

export function mean(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  assertTensor(x, 'mean');
  const axes = checkAxes(axis, x.rank, 'mean');
  checkBoolean(keepDims, 'mean', 'keepDims');
  const count = axes.reduce((p, a) => p * x.shape[a], 1);
  return mul(sum(x, axes, keepDims), 1 / count);
}

/** Index of the largest value along `axis` (of the flattened tensor when omitted), as int32. */
export function argMax(x: Tensor, axis?: number): Tensor {
  assertTensor(x, 'argMax');
  if (axis === undefined) return argMax(new Tensor(x.data, [x.size]), 0);
  const ax = checkAxis(axis, x.rank, 'argMax');
  if (x.shape[ax] === 0) throw new ValueError(`argMax: attempt to get argmax of an empty axis in shape ${formatShape(x.shape)}`);
  const shape = x.shape.filter((_, i) => i !== ax);
  const out = new Int32Array(shape.reduce((p, d) => p * d, 1));
  backend().argMax(castData(x, floatOf(x)), ax, out);
  return new Tensor(out, shape);
}
