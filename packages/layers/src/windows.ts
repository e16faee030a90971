import { type Padding, type Pair, ShapeError, ValueError } from '@neurite/tensor';
import { formatLayerShape, type LayerShape } from './shapes.ts';

/*
 * The sliding-window options of Conv2D and the pools, checked when the layer is made, and the
 * output size they give (the same rules as @neurite/tensor's conv2d and pools, which check
 * them again when they run).
 */

const count = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

/** n, or [rows, columns], as [rows, columns]. */
export function pairOf(value: unknown, name: string, who: string, min = 1): [number, number] {
  if (count(value, min)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && count(value[0], min) && count(value[1], min)) return [value[0], value[1]];
  const what = min === 1 ? 'a positive integer' : 'a non-negative integer';
  throw new ValueError(`${who}: ${name} must be ${what} or a pair [rows, columns] of them, received ${JSON.stringify(value)}`);
}

/** [top, bottom, left, right] for explicit padding, or the string. */
export function checkPadding(padding: unknown, who: string): Padding {
  if (padding === 'valid' || padding === 'same') return padding;
  try {
    sides(padding as Padding, who);
    return padding as Padding;
  } catch {
    throw new ValueError(
      `${who}: padding must be 'valid', 'same', a non-negative integer, [rows, columns] or [[top, bottom], [left, right]], received ${JSON.stringify(padding)}`,
    );
  }
}

function sides(padding: Padding, who: string): [number, number, number, number] {
  if (Array.isArray(padding) && Array.isArray(padding[0])) {
    const [top, bottom] = pairOf(padding[0], 'padding[0]', who, 0);
    const [left, right] = pairOf(padding[1], 'padding[1]', who, 0);
    return [top, bottom, left, right];
  }
  const [h, w] = pairOf(padding, 'padding', who, 0);
  return [h, h, w, w];
}

/** The output rows and columns of a window of size f (dilated) sliding over (n_H, n_W). */
export function windowOutput(
  who: string,
  inputShape: LayerShape,
  f: [number, number],
  stride: [number, number],
  dilation: [number, number],
  padding: Padding,
): [number, number] {
  const dims = [inputShape[1] as number, inputShape[2] as number];
  const pads = padding === 'valid' ? [0, 0, 0, 0] : padding === 'same' ? null : sides(padding, who);
  return [0, 1].map((a) => {
    const n = dims[a];
    if (pads === null) return Math.ceil(n / stride[a]);
    const span = dilation[a] * (f[a] - 1) + 1;
    const padded = n + pads[2 * a] + pads[2 * a + 1];
    if (padded < span) {
      throw new ShapeError(
        `${who}: the window spans ${span} ${a === 0 ? 'rows' : 'columns'}, but the input ${formatLayerShape(inputShape)} has ${padded} with padding; use a smaller window or more padding`,
      );
    }
    return Math.floor((padded - span) / stride[a]) + 1;
  }) as [number, number];
}

/** Images only: (m, n_H, n_W, n_C). */
export function checkImageInput(who: string, inputShape: LayerShape, hint: string): void {
  if (inputShape.length !== 4 || inputShape[0] !== null) {
    throw new ShapeError(`${who}: input must be images (m, n_H, n_W, n_C), received ${formatLayerShape(inputShape)}${hint}`);
  }
}

/** The tensor ops' option form of a Pair: a number when both are equal. */
export function asPair([a, b]: [number, number]): Pair {
  return a === b ? a : [a, b];
}
