import { ShapeError, ValueError } from './errors.ts';

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

export function assertShape(shape: unknown, arg = 'shape'): number[] {
  if (!Array.isArray(shape)) {
    throw new ValueError(`${arg}: expected an array of non-negative integers, received ${typeof shape}`);
  }
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ValueError(`${arg}: expected non-negative integer dimensions, received [${shape.join(', ')}]`);
    }
  }
  return shape.slice();
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

export function normalizeAxis(axis: number, rank: number, arg = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ValueError(`${arg}: ${axis} is out of bounds for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** undefined means every axis; duplicates are an error, as in numpy. */
export function normalizeAxes(axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = list.map((a) => normalizeAxis(a, rank));
  if (new Set(out).size !== out.length) throw new ValueError(`axis: duplicate value in [${list.join(', ')}]`);
  return out.sort((x, y) => x - y);
}
