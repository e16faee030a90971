import type { Conv2dGeometry, Pool2dGeometry } from '../backend.ts';
import { describe } from '../dtype.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { formatShape } from '../shape.ts';

/*
 * The options of conv2d and the pools, resolved once into a geometry the backends compute
 * from. Layout is the course's: images (m, n_H, n_W, n_C), filters (f_h, f_w, n_C_prev, n_C).
 */

/** A per-axis amount: one number for both axes, or [height, width]. */
export type Pair = number | readonly [number, number];

/**
 * 'valid' (no padding), 'same' (TensorFlow's: the output has ceil(n / stride) rows and
 * columns, the odd padded row or column goes below / on the right), or explicit zero padding:
 * p on every side, [p_h, p_w] (top and bottom p_h, left and right p_w), or
 * [[top, bottom], [left, right]].
 */
export type Padding =
  | 'valid'
  | 'same'
  | number
  | readonly [number, number]
  | readonly [readonly [number, number], readonly [number, number]];

interface Sides {
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
}

/** Throws on anything but a plain object whose keys are all in `allowed`. */
export function checkOptions(fn: string, options: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(`${fn}: options must be an object, received ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new ValueError(`${fn}: unknown option '${key}' (expected one of ${allowed.join(', ')})`);
    }
  }
  return options as Record<string, unknown>;
}

const isCount = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

/** A positive (min 1) or non-negative (min 0) integer, or a pair of them, as [h, w]. */
export function pair(fn: string, name: string, value: unknown, fallback: readonly [number, number], min = 1): [number, number] {
  if (value === undefined) return [fallback[0], fallback[1]];
  if (isCount(value, min)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && isCount(value[0], min) && isCount(value[1], min)) return [value[0], value[1]];
  const what = min === 1 ? 'a positive integer' : 'a non-negative integer';
  throw new ValueError(`${fn}: ${name} must be ${what} or a pair [height, width] of them, received ${show(value)}`);
}

function show(value: unknown): string {
  try {
    return typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  } catch {
    return describe(value);
  }
}

/** Pads for one axis of extent n, window extent `span` (dilated filter size), stride s. */
function sameSides(n: number, span: number, s: number): [number, number] {
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + span - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function resolvePadding(fn: string, padding: unknown, spans: [number, number], inH: number, inW: number, strides: [number, number]): Sides {
  if (padding === undefined || padding === 'valid') return { padTop: 0, padBottom: 0, padLeft: 0, padRight: 0 };
  if (padding === 'same') {
    const [padTop, padBottom] = sameSides(inH, spans[0], strides[0]);
    const [padLeft, padRight] = sameSides(inW, spans[1], strides[1]);
    return { padTop, padBottom, padLeft, padRight };
  }
  if (Array.isArray(padding) && padding.length === 2 && Array.isArray(padding[0]) && Array.isArray(padding[1])) {
    const [top, bottom] = pair(fn, 'padding[0] ([top, bottom])', padding[0], [0, 0], 0);
    const [left, right] = pair(fn, 'padding[1] ([left, right])', padding[1], [0, 0], 0);
    return { padTop: top, padBottom: bottom, padLeft: left, padRight: right };
  }
  if (isCount(padding, 0) || Array.isArray(padding)) {
    try {
      const [h, w] = pair(fn, 'padding', padding, [0, 0], 0);
      return { padTop: h, padBottom: h, padLeft: w, padRight: w };
    } catch {
      // Fall through to the full message.
    }
  }
  throw new ValueError(
    `${fn}: padding must be 'valid', 'same', a non-negative integer, [height, width] or [[top, bottom], [left, right]], received ${show(padding)}`,
  );
}

function outExtent(fn: string, axis: string, n: number, before: number, after: number, span: number, s: number, xShape: string): number {
  const padded = n + before + after;
  if (padded < span) {
    throw new ShapeError(
      `${fn}: the window spans ${span} ${axis} but the input ${xShape} has only ${padded} ${axis} with padding; use a smaller window or more padding`,
    );
  }
  return Math.floor((padded - span) / s) + 1;
}

function assertImage(fn: string, name: string, shape: readonly number[]): void {
  if (shape.length !== 4) {
    throw new ShapeError(`${fn}: ${name} must be 4-D (m, n_H, n_W, n_C), received ${formatShape(shape)}`);
  }
}

export interface ConvOptionValues {
  stride: [number, number];
  dilation: [number, number];
  padding: unknown;
}

export function convOptionValues(fn: string, options: Record<string, unknown>): ConvOptionValues {
  return {
    stride: pair(fn, 'stride', options.stride, [1, 1]),
    dilation: pair(fn, 'dilation', options.dilation, [1, 1]),
    padding: options.padding,
  };
}

/** conv2d's geometry for input shape xShape (m, n_H, n_W, n_C) and filter shape (f_h, f_w, n_C_prev, n_C). */
export function convGeometry(fn: string, xShape: readonly number[], wShape: readonly number[], o: ConvOptionValues): Conv2dGeometry {
  assertImage(fn, 'the input', xShape);
  if (wShape.length !== 4) {
    throw new ShapeError(`${fn}: the filter W must be 4-D (f_h, f_w, n_C_prev, n_C), received ${formatShape(wShape)}`);
  }
  const [m, inH, inW, inC] = xShape;
  const [fH, fW, wC, outC] = wShape;
  if (wC !== inC) {
    throw new ShapeError(
      `${fn}: the filter W ${formatShape(wShape)} expects ${wC} input channels (its third axis) but the input ${formatShape(xShape)} has ${inC}`,
    );
  }
  if (fH === 0 || fW === 0) throw new ShapeError(`${fn}: the filter W ${formatShape(wShape)} has an empty window`);
  const spans: [number, number] = [o.dilation[0] * (fH - 1) + 1, o.dilation[1] * (fW - 1) + 1];
  const sides = resolvePadding(fn, o.padding, spans, inH, inW, o.stride);
  const xs = formatShape(xShape);
  return {
    m,
    inH,
    inW,
    inC,
    fH,
    fW,
    outC,
    outH: outExtent(fn, 'rows', inH, sides.padTop, sides.padBottom, spans[0], o.stride[0], xs),
    outW: outExtent(fn, 'columns', inW, sides.padLeft, sides.padRight, spans[1], o.stride[1], xs),
    strideH: o.stride[0],
    strideW: o.stride[1],
    dilationH: o.dilation[0],
    dilationW: o.dilation[1],
    ...sides,
  };
}

export const POOL_OPTIONS = ['poolSize', 'stride', 'padding'] as const;

/** A pool's geometry: window poolSize, stride (default: the window), padding below the window's size. */
export function poolGeometry(fn: string, xShape: readonly number[], options: Record<string, unknown>, countPad: boolean): Pool2dGeometry {
  assertImage(fn, 'the input', xShape);
  if (options.poolSize === undefined) throw new ValueError(`${fn}: options.poolSize is required (a positive integer or [height, width])`);
  const [fH, fW] = pair(fn, 'poolSize', options.poolSize, [1, 1]);
  const stride = pair(fn, 'stride', options.stride, [fH, fW]);
  const [m, inH, inW, inC] = xShape;
  const sides = resolvePadding(fn, options.padding, [fH, fW], inH, inW, stride);
  // A window made only of padding would have no maximum (and no average).
  for (const [side, v, f] of [
    ['top', sides.padTop, fH],
    ['bottom', sides.padBottom, fH],
    ['left', sides.padLeft, fW],
    ['right', sides.padRight, fW],
  ] as const) {
    if (v >= f) throw new ValueError(`${fn}: padding on the ${side} (${v}) must be smaller than the pool window (${f})`);
  }
  const xs = formatShape(xShape);
  return {
    m,
    inH,
    inW,
    inC,
    fH,
    fW,
    outH: outExtent(fn, 'rows', inH, sides.padTop, sides.padBottom, fH, stride[0], xs),
    outW: outExtent(fn, 'columns', inW, sides.padLeft, sides.padRight, fW, stride[1], xs),
    strideH: stride[0],
    strideW: stride[1],
    countPad,
    ...sides,
  };
}

/** Checks that `shape` is what the geometry produces (or consumes), naming both. */
export function expectShape(fn: string, name: string, shape: readonly number[], want: readonly number[], why: string): void {
  if (shape.length !== want.length || shape.some((d, i) => d !== want[i])) {
    throw new ShapeError(`${fn}: ${name} must have shape ${formatShape(want)} ${why}, received ${formatShape(shape)}`);
  }
}

/** A shape given as an argument (inputShape, filterShape): four non-negative integers. */
export function shapeArg(fn: string, name: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.length !== 4 || !value.every((d) => isCount(d, 0))) {
    throw new ValueError(`${fn}: ${name} must be 4 non-negative integers, received ${show(value)}`);
  }
  return [...value];
}
