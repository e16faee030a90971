import { moons, noisyCircles, planarFlower, spiral, xor } from '@neurite/datasets';
import { Generator, Tensor } from '@neurite/tensor';
import type { Config, DatasetName } from './config.ts';

/** Points in the course's layout: X is (2, m) row-major (first row x₁, second x₂), Y is (m). */
export interface Points {
  X: Float32Array;
  Y: Float32Array;
  m: number;
}

export interface Split {
  train: Points;
  test: Points;
  /** Square view of the plane that holds every point: center and half-width. */
  view: { cx: number; cy: number; half: number };
}

export const POINTS = 400;

type Draw = (m: number, rng: Generator, noise: number) => { X: Tensor; Y: Tensor };

/** Two isotropic Gaussian blobs on the diagonal, as in TensorFlow Playground (no generator for it in @neurite/datasets). */
function twoGaussians(m: number, rng: Generator, noise: number): { X: Tensor; Y: Tensor } {
  const X = new Float32Array(2 * m);
  const Y = new Float32Array(m);
  const sd = 0.2 + noise * 0.6;
  for (let i = 0; i < m; i++) {
    const y = i % 2;
    const c = y === 1 ? 0.45 : -0.45;
    X[i] = c + sd * rng.normal();
    X[m + i] = c + sd * rng.normal();
    Y[i] = y;
  }
  return { X: new Tensor(X, [2, m]), Y: new Tensor(Y, [1, m]) };
}

/**
 * The generators of @neurite/datasets; `noise` is the slider's 0–0.5, turned into each
 * generator's own unit so that 0.25 looks about as noisy on every set.
 */
const DRAW: Record<DatasetName, Draw> = {
  flower: (m, rng, noise) => {
    const { X, Y } = planarFlower({ m, rng });
    // planarFlower has the course's noise built in; the slider adds Gaussian noise on top.
    if (noise > 0) for (let i = 0; i < X.size; i++) X.data[i] += 2 * noise * rng.normal();
    return { X, Y };
  },
  circles: (m, rng, noise) => noisyCircles({ m, rng, factor: 0.5, noise: noise * 0.5 }),
  moons: (m, rng, noise) => moons({ m, rng, noise: noise * 0.6 }),
  xor: (m, rng, noise) => xor({ m, rng, noise }),
  gaussian: twoGaussians,
  spiral: (m, rng, noise) => spiral({ m, rng, noise: noise * 3 }),
};

function subset(X: Float32Array, Y: Float32Array, m: number, idx: number[]): Points {
  const k = idx.length;
  const Xs = new Float32Array(2 * k);
  const Ys = new Float32Array(k);
  idx.forEach((j, i) => {
    Xs[i] = X[j];
    Xs[k + i] = X[m + j];
    Ys[i] = Y[j];
  });
  return { X: Xs, Y: Ys, m: k };
}

/** Draws the configured data set, adds its noise, and splits it at random into train and test. */
export function generate(config: Pick<Config, 'data' | 'noise' | 'trainPct' | 'seed'>, m = POINTS): Split {
  const rng = new Generator(config.seed);
  const drawn = DRAW[config.data](m, rng, config.noise / 100);
  const X = Float32Array.from(drawn.X.data);
  const Y = Float32Array.from(drawn.Y.data);
  const order = rng.permutation(m);
  const mTrain = Math.round((m * config.trainPct) / 100);
  let lo = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  let hi = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let i = 0; i < m; i++) {
    lo = [Math.min(lo[0], X[i]), Math.min(lo[1], X[m + i])];
    hi = [Math.max(hi[0], X[i]), Math.max(hi[1], X[m + i])];
  }
  const half = Math.max(hi[0] - lo[0], hi[1] - lo[1]) * 0.56;
  return {
    train: subset(X, Y, m, order.slice(0, mTrain)),
    test: subset(X, Y, m, order.slice(mTrain)),
    view: { cx: (lo[0] + hi[0]) / 2, cy: (lo[1] + hi[1]) / 2, half },
  };
}
