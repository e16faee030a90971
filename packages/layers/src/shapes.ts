import { formatShape, ShapeError } from '@neurite/tensor';

/**
 * A layer's input or output shape with the batch dimension left open (null): (n, null) in
 * the course's layout, where examples are columns, and (null, n_H, n_W, n_C) for images.
 */
export type LayerShape = readonly (number | null)[];

/** (20, m) and (m, 28, 28, 1): the batch dimension printed as m, as the course writes it. */
export function formatLayerShape(shape: LayerShape): string {
  return shape.length === 1 ? `(${shape[0] ?? 'm'},)` : `(${shape.map((d) => d ?? 'm').join(', ')})`;
}

/** The position of the batch dimension. */
export function batchAxis(shape: LayerShape): number {
  return shape.indexOf(null);
}

/** A shape with exactly one null (the batch) and positive integers elsewhere, or a ShapeError naming `what`. */
export function checkLayerShape(shape: unknown, what: string): LayerShape {
  const ok =
    Array.isArray(shape) &&
    shape.filter((d) => d === null).length === 1 &&
    shape.every((d) => d === null || (Number.isInteger(d) && d > 0));
  if (!ok) {
    throw new ShapeError(
      `${what} must be an array of positive integers with one null for the batch dimension (for example [2, null] or [null, 28, 28, 1]), received ${JSON.stringify(shape)}`,
    );
  }
  return Object.freeze([...(shape as (number | null)[])]);
}

/**
 * The model's input shape for data X when none was given: examples are columns for 2-D X,
 * the course's (n_x, m); for higher ranks they come first, the image layout (m, n_H, n_W, n_C).
 */
export function inputShapeOf(shape: readonly number[]): LayerShape {
  if (shape.length < 2) throw new ShapeError(`X must be 2-D (n_x, m) or an image batch (m, n_H, n_W, n_C), received ${formatShape(shape)}`);
  return shape.length === 2 ? [shape[0], null] : [null, ...shape.slice(1)];
}

/** Whether a concrete shape fits a layer shape (any size on the batch axis). */
export function fits(shape: readonly number[], layerShape: LayerShape): boolean {
  if (shape.length !== layerShape.length) return false;
  for (let i = 0; i < shape.length; i++) if (layerShape[i] !== null && layerShape[i] !== shape[i]) return false;
  return true;
}

export function sameLayerShape(a: LayerShape, b: LayerShape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The concrete shape for m examples. */
export function withBatch(shape: LayerShape, m: number): number[] {
  return shape.map((d) => d ?? m);
}
