import { ShapeError } from './errors.ts';
import { checkAxes, checkAxis } from './validate.ts';

export type Shape = readonly number[];

/** numpy prints shapes as (4, 3) and (5,); so do we, so the messages read the same. */
export function formatShape(shape: Shape): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A reduction's result shape over sorted, valid `axes`: reduced axes kept as 1 or dropped. */
export function keptShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** numpy's rule: align trailing dimensions; each pair must be equal or contain a 1. */
export function broadcastShapes(...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) {
        out[o] = d;
        continue;
      }
      // numpy's own words and compact shape format, so the message is searchable.
      const compact = (t: Shape) => `(${t.join(',')}${t.length === 1 ? ',' : ''})`;
      throw new ShapeError(`operands could not be broadcast together with shapes ${shapes.map(compact).join(' ')}`);
    }
  }
  return out;
}

/**
 * Strides to read `shape` as if broadcast to `outShape`: a broadcast dimension gets
 * stride 0, so kernels walk the output and never materialize the expanded operand.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, i) => {
    const j = i - offset;
    return j < 0 || shape[j] === 1 ? 0 : own[j];
  });
}

/** An axis in [0, rank) (validate.ts's checkAxis, kept under its old name). */
export function normalizeAxis(axis: number, rank: number, arg = 'axis', fn = ''): number {
  return checkAxis(axis, rank, fn, arg);
}

/** undefined means every axis; duplicates are an error, as in numpy. */
export function normalizeAxes(axis: number | readonly number[] | undefined, rank: number, fn = ''): number[] {
  return checkAxes(axis, rank, fn);
}
