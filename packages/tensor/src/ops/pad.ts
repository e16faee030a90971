import { record } from '../autodiff/tape.ts';
import { allocate } from '../dtype.ts';
import { ValueError } from '../errors.ts';
import { formatShape, sizeOf } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { assertNumber, assertTensor, backend } from './util.ts';

/** numpy's pad_width: n for every side of every axis, [before, after] for every axis, or one pair per axis. */
export type PadWidth = number | readonly [number, number] | readonly (readonly [number, number])[];

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isPair = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && isCount(v[0]) && isCount(v[1]);

function widthsOf(padWidth: unknown, shape: readonly number[]): [number, number][] {
  const rank = shape.length;
  if (isCount(padWidth)) return shape.map(() => [padWidth, padWidth]);
  if (isPair(padWidth)) return shape.map(() => [padWidth[0], padWidth[1]]);
  if (Array.isArray(padWidth) && padWidth.every(isPair)) {
    if (padWidth.length === 1) return shape.map(() => [padWidth[0][0], padWidth[0][1]]);
    if (padWidth.length === rank) return padWidth.map((p) => [p[0], p[1]]);
    throw new ValueError(
      `pad: padWidth must have one [before, after] pair per axis (${rank}) of ${formatShape(shape)}, received ${padWidth.length} pairs`,
    );
  }
  let shown: string;
  try {
    shown = JSON.stringify(padWidth) ?? String(padWidth);
  } catch {
    shown = String(padWidth);
  }
  throw new ValueError(`pad: padWidth must be a non-negative integer, a pair [before, after] or one pair per axis, received ${shown}`);
}

/**
 * numpy's `np.pad(x, padWidth, mode='constant', constant_values=value)`: x surrounded by
 * `value` (0 by default) along any axes. The course's zero_pad(X, pad) pads only the height and
 * width of (m, n_H, n_W, n_C) images:
 *
 *     pad(X, [[0, 0], [pad, pad], [pad, pad], [0, 0]])
 */
export function pad(x: Tensor, padWidth: PadWidth, value = 0): Tensor {
  assertTensor(x, 'pad');
  assertNumber(value, 'pad', 'value');
  const widths = widthsOf(padWidth, x.shape);
  const shape = x.shape.map((d, i) => d + widths[i][0] + widths[i][1]);
  const out = allocate(x.dtype, sizeOf(shape));
  if (out.length > 0) backend().pad(x, widths, value, out);
  return record('pad', [x], new Tensor(out, shape), { begin: widths.map((w) => w[0]) });
}
