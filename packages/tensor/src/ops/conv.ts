import { record } from '../autodiff/tape.ts';
import type { Conv2dGeometry } from '../backend.ts';
import { allocateOutput, promote } from '../dtype.ts';
import { ShapeError } from '../errors.ts';
import { formatShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { assertTensor, backend, castData, overwrittenOutput } from './util.ts';
import { checkOptions, convGeometry, convOptionValues, expectShape, type Padding, type Pair, shapeArg } from './window.ts';

export interface Conv2dOptions {
  /** Step between windows: one number, or [rows, columns]. Default 1. */
  stride?: Pair;
  /** 'valid' (default), 'same', or explicit zero padding (see `Padding`). */
  padding?: Padding;
  /** Spacing between the filter's taps (atrous convolution): 1 (default) is a plain filter. */
  dilation?: Pair;
  /** Added to every output position: shape (1, 1, 1, n_C) as in the course, or (n_C). */
  bias?: Tensor | null;
}

/** The options conv2d's gradients take: those that fix the geometry. */
export type Conv2dGradOptions = Omit<Conv2dOptions, 'bias'>;

const CONV_OPTIONS = ['stride', 'padding', 'dilation', 'bias'] as const;
const GRAD_OPTIONS = ['stride', 'padding', 'dilation'] as const;

/**
 * The course's convolution (Course 4, week 1), batched: A_prev (m, n_H_prev, n_W_prev, n_C_prev)
 * with filters W (f_h, f_w, n_C_prev, n_C) gives Z (m, n_H, n_W, n_C), where
 * n_H = floor((n_H_prev + pads − dilation·(f_h − 1) − 1) / stride) + 1 (the course's
 * floor((n_H_prev − f + 2·pad) / stride) + 1 for dilation 1). Like every deep-learning library it
 * is a cross-correlation: W is not flipped.
 *
 *     conv2d(A_prev, W, { stride: 2, padding: 2, bias: b })   // the course's conv_forward
 */
export function conv2d(A_prev: Tensor, W: Tensor, options?: Conv2dOptions): Tensor {
  assertTensor(A_prev, 'conv2d', 'A_prev');
  assertTensor(W, 'conv2d', 'W');
  const o = checkOptions('conv2d', options, CONV_OPTIONS);
  const g = convGeometry('conv2d', A_prev.shape, W.shape, convOptionValues('conv2d', o));
  const bias = o.bias === undefined || o.bias === null ? null : assertTensor(o.bias, 'conv2d', 'options.bias');
  if (bias !== null) {
    const n = g.outC;
    const ok =
      (bias.rank === 4 && bias.shape.slice(0, 3).every((d) => d === 1) && bias.shape[3] === n) || (bias.rank === 1 && bias.shape[0] === n);
    if (!ok)
      throw new ShapeError(
        `conv2d: options.bias must have shape (1, 1, 1, ${n}) or (${n},) to match W ${formatShape(W.shape)}, received ${formatShape(bias.shape)}`,
      );
  }
  return conv2dWith(A_prev, W, bias, g);
}

/**
 * conv2d's gradient with respect to its input: dA_prev (inputShape) from dZ and W, the
 * course's `dA_prev[...] += W[:, :, :, c] * dZ[i, h, w, c]` over every window.
 */
export function conv2dBackpropInput(dZ: Tensor, W: Tensor, inputShape: readonly number[], options?: Conv2dGradOptions): Tensor {
  const fn = 'conv2dBackpropInput';
  assertTensor(dZ, fn, 'dZ');
  assertTensor(W, fn, 'W');
  const xShape = shapeArg(fn, 'inputShape', inputShape);
  const g = convGeometry(fn, xShape, W.shape, convOptionValues(fn, checkOptions(fn, options, GRAD_OPTIONS)));
  expectShape(fn, 'dZ', dZ.shape, [g.m, g.outH, g.outW, g.outC], `(conv2d's output for input ${formatShape(xShape)})`);
  return backpropInputWith(dZ, W, g);
}

/**
 * conv2d's gradient with respect to its filter: dW (filterShape) from A_prev and dZ, the
 * course's `dW[:, :, :, c] += a_slice * dZ[i, h, w, c]` over every window and example.
 */
export function conv2dBackpropFilter(A_prev: Tensor, dZ: Tensor, filterShape: readonly number[], options?: Conv2dGradOptions): Tensor {
  const fn = 'conv2dBackpropFilter';
  assertTensor(A_prev, fn, 'A_prev');
  assertTensor(dZ, fn, 'dZ');
  const wShape = shapeArg(fn, 'filterShape', filterShape);
  const g = convGeometry(fn, A_prev.shape, wShape, convOptionValues(fn, checkOptions(fn, options, GRAD_OPTIONS)));
  expectShape(fn, 'dZ', dZ.shape, [g.m, g.outH, g.outW, g.outC], `(conv2d's output for A_prev ${formatShape(A_prev.shape)})`);
  return backpropFilterWith(A_prev, dZ, g);
}

// The unchecked forms, on a resolved geometry: the gradient table calls these.

export function conv2dWith(x: Tensor, W: Tensor, bias: Tensor | null, g: Conv2dGeometry): Tensor {
  const dtype = promote(promote(x.dtype, W.dtype), bias?.dtype ?? W.dtype);
  const out = overwrittenOutput(dtype, g.m * g.outH * g.outW * g.outC, 'conv2d', [g.m, g.outH, g.outW, g.outC]);
  if (out.length > 0) backend().conv2d(castData(x, dtype), castData(W, dtype), bias && castData(bias, dtype), g, out);
  const inputs = bias ? [x, W, bias] : [x, W];
  return record('conv2d', inputs, new Tensor(out, [g.m, g.outH, g.outW, g.outC]), { g });
}

export function backpropInputWith(dZ: Tensor, W: Tensor, g: Conv2dGeometry): Tensor {
  const dtype = promote(dZ.dtype, W.dtype);
  const out = allocateOutput(dtype, g.m * g.inH * g.inW * g.inC);
  if (out.length > 0) backend().conv2dBackpropInput(castData(dZ, dtype), castData(W, dtype), g, out);
  return record('conv2dBackpropInput', [dZ, W], new Tensor(out, [g.m, g.inH, g.inW, g.inC]), { g });
}

export function backpropFilterWith(x: Tensor, dZ: Tensor, g: Conv2dGeometry): Tensor {
  const dtype = promote(x.dtype, dZ.dtype);
  const out = allocateOutput(dtype, g.fH * g.fW * g.inC * g.outC);
  if (out.length > 0) backend().conv2dBackpropFilter(castData(x, dtype), castData(dZ, dtype), g, out);
  return record('conv2dBackpropFilter', [x, dZ], new Tensor(out, [g.fH, g.fW, g.inC, g.outC]), { g });
}
