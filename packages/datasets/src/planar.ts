import { type FloatDType, Tensor } from '@neurite/tensor';
import { allocate, exampleCount, finite, floatDType, type RngOption, toRng } from './util.ts';

export interface PlanarFlowerOptions {
  /** Number of points, split evenly between the two classes (default 400). */
  m?: number;
  /** Petal length, the course's `a` (default 4). */
  a?: number;
  /** A Generator (advanced in place) or a seed for numpy's legacy stream (default 1). */
  rng?: RngOption;
  dtype?: FloatDType;
}

/**
 * The course's week-3 "flower": two classes of petals drawn in the plane. Follows
 * `load_planar_dataset` draw for draw, so seed 1 reproduces the course's X and Y:
 * for each class j, t = linspace(3.12j, 3.12(j+1), N) + 0.2·randn(N), then
 * r = a·sin(4t) + 0.2·randn(N), points (r·sin t, r·cos t).
 */
export function planarFlower(options: PlanarFlowerOptions = {}): { X: Tensor; Y: Tensor } {
  const fn = 'planarFlower';
  const m = exampleCount(options.m === undefined ? 400 : options.m, fn, 'm', 2);
  const a = finite(options.a ?? 4, fn, 'a');
  const dtype = floatDType(options.dtype, fn);
  const rng = toRng(options.rng, 1, fn);
  // The course uses N = m/2 per class and fills m rows; with odd m the last row stays 0 there too.
  const N = Math.floor(m / 2);
  const X = allocate(dtype, 2 * m);
  const Y = allocate(dtype, m);
  const t = new Float64Array(N);
  const step = N > 1 ? 3.12 / (N - 1) : 0;
  for (let j = 0; j < 2; j++) {
    const start = 3.12 * j;
    const stop = 3.12 * (j + 1);
    for (let i = 0; i < N; i++) t[i] = (N > 1 && i === N - 1 ? stop : start + i * step) + 0.2 * rng.normal();
    for (let i = 0; i < N; i++) {
      const r = a * Math.sin(4 * t[i]) + 0.2 * rng.normal();
      const col = N * j + i;
      X[col] = r * Math.sin(t[i]);
      X[m + col] = r * Math.cos(t[i]);
      Y[col] = j;
    }
  }
  return { X: new Tensor(X, [2, m]), Y: new Tensor(Y, [1, m]) };
}
