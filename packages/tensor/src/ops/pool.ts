import { record } from '../autodiff/tape.ts';
import type { Pool2dGeometry, PoolMode } from '../backend.ts';
import { allocateOutput } from '../dtype.ts';
import { ValueError } from '../errors.ts';
import { formatShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { assertTensor, backend, castData, floatOf, overwrittenOutput } from './util.ts';
import { checkOptions, expectShape, type Padding, type Pair, POOL_OPTIONS, poolGeometry, shapeArg } from './window.ts';

export interface Pool2dOptions {
  /** The window: f for f x f (the course's hparameters.f), or [rows, columns]. Required. */
  poolSize: Pair;
  /** Step between windows; default the window itself (non-overlapping windows). */
  stride?: Pair;
  /**
   * 'valid' (default), 'same', or explicit padding, each side smaller than the window. Padded
   * positions never win a max and are left out of an average (as in TensorFlow and Keras).
   */
  padding?: Padding;
}

export interface AvgPool2dOptions extends Pool2dOptions {
  /** Divide by the whole window, padding included (PyTorch's count_include_pad). Default false. */
  countIncludePad?: boolean;
}

const AVG_OPTIONS = [...POOL_OPTIONS, 'countIncludePad'] as const;

function geometry(fn: string, shape: readonly number[], options: unknown, mode: PoolMode): Pool2dGeometry {
  const o = checkOptions(fn, options, mode === 'avg' ? AVG_OPTIONS : POOL_OPTIONS);
  const countPad = o.countIncludePad ?? false;
  if (typeof countPad !== 'boolean') throw new ValueError(`${fn}: countIncludePad must be a boolean, received ${String(countPad)}`);
  return poolGeometry(fn, shape, o, countPad);
}

/** The maximum over each f x f window, per channel: the course's pool_forward, mode 'max'. */
export function maxPool2d(A_prev: Tensor, options: Pool2dOptions): Tensor {
  assertTensor(A_prev, 'maxPool2d', 'A_prev');
  return pool2dWith('max', A_prev, geometry('maxPool2d', A_prev.shape, options, 'max'));
}

/** The mean over each window, per channel: the course's pool_forward, mode 'average'. */
export function avgPool2d(A_prev: Tensor, options: AvgPool2dOptions): Tensor {
  assertTensor(A_prev, 'avgPool2d', 'A_prev');
  return pool2dWith('avg', A_prev, geometry('avgPool2d', A_prev.shape, options, 'avg'));
}

/**
 * maxPool2d's gradient: each dA goes to every element of its window equal to the window's
 * maximum (the course's create_mask_from_window, x == max(x)), summed where windows overlap.
 * Ties all receive the full gradient, as the course's mask does; PyTorch and TensorFlow give
 * it to one of them instead, so their results differ exactly where a window holds a tie.
 */
export function maxPool2dBackward(dA: Tensor, A_prev: Tensor, options: Pool2dOptions): Tensor {
  const fn = 'maxPool2dBackward';
  assertTensor(dA, fn, 'dA');
  assertTensor(A_prev, fn, 'A_prev');
  const g = geometry(fn, A_prev.shape, options, 'max');
  expectShape(fn, 'dA', dA.shape, [g.m, g.outH, g.outW, g.inC], `(maxPool2d's output for A_prev ${formatShape(A_prev.shape)})`);
  return poolBackwardWith('max', dA, A_prev, g);
}

/** avgPool2d's gradient: each dA spread evenly over its window (the course's distribute_value). */
export function avgPool2dBackward(dA: Tensor, inputShape: readonly number[], options: AvgPool2dOptions): Tensor {
  const fn = 'avgPool2dBackward';
  assertTensor(dA, fn, 'dA');
  const shape = shapeArg(fn, 'inputShape', inputShape);
  const g = geometry(fn, shape, options, 'avg');
  expectShape(fn, 'dA', dA.shape, [g.m, g.outH, g.outW, g.inC], `(avgPool2d's output for input ${formatShape(shape)})`);
  return poolBackwardWith('avg', dA, null, g);
}

const NAMES = { max: 'maxPool2d', avg: 'avgPool2d' } as const;

export function pool2dWith(mode: PoolMode, x: Tensor, g: Pool2dGeometry): Tensor {
  const dtype = floatOf(x);
  const out = overwrittenOutput(dtype, g.m * g.outH * g.outW * g.inC, NAMES[mode], [g.m, g.outH, g.outW, g.inC]);
  if (out.length > 0) backend().pool2d(mode, castData(x, dtype), g, out);
  return record(NAMES[mode], [x], new Tensor(out, [g.m, g.outH, g.outW, g.inC]), { g });
}

/** x is A_prev for max pooling, null for average pooling (which needs only the shape). */
export function poolBackwardWith(mode: PoolMode, dA: Tensor, x: Tensor | null, g: Pool2dGeometry): Tensor {
  const dtype = x ? (floatOf(dA) === 'float64' || x.dtype === 'float64' ? 'float64' : 'float32') : floatOf(dA);
  const out = allocateOutput(dtype, g.m * g.inH * g.inW * g.inC);
  const input = x ? castData(x, dtype) : new Tensor(out.subarray(0, 0), [0]);
  if (out.length > 0) backend().pool2dBackward(mode, castData(dA, dtype), input, g, out);
  const result = new Tensor(out, [g.m, g.inH, g.inW, g.inC]);
  return mode === 'max' ? record('maxPool2dBackward', [dA, x as Tensor], result, { g }) : record('avgPool2dBackward', [dA], result, { g });
}
