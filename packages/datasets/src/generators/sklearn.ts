import type { FloatDType } from '@neurite/tensor';
import { invalid, nonNegative, positiveInt, type RngOption } from '../util.ts';
import { common, type Labeled, linspace, Points } from './points.ts';

/** Options shared by the generators: size m, noise, seed, dtype. */
export interface GeneratorOptions {
  /** Number of examples (default 400, the course's N for these sets). */
  m?: number;
  /** A Generator (advanced in place) or a seed (default 0). */
  rng?: RngOption;
  dtype?: FloatDType;
}

export interface CirclesOptions extends GeneratorOptions {
  /** Std of Gaussian noise added to each coordinate (default 0). */
  noise?: number;
  /** Inner radius over outer radius, in (0, 1) (default 0.8, sklearn's; the course uses 0.5). */
  factor?: number;
  /** Shuffle the examples, as sklearn does by default (default true). */
  shuffle?: boolean;
}

/**
 * scikit-learn's `make_circles`, transposed to (2, m): an outer unit circle (label 0,
 * m//2 points) around an inner circle of radius `factor` (label 1). The course's
 * "noisy circles" are `noisyCircles({ m: 200, factor: 0.5, noise: 0.3 })`.
 */
export function noisyCircles(options: CirclesOptions = {}): Labeled {
  const fn = 'noisyCircles';
  const { m, rng, dtype, noise, shuffle } = common(options, fn);
  const factor = options.factor ?? 0.8;
  if (typeof factor !== 'number' || !(factor > 0 && factor < 1)) throw invalid(fn, 'factor', 'a number in (0, 1)', factor);
  const nOut = Math.floor(m / 2);
  const nIn = m - nOut;
  const tOut = linspace(0, 2 * Math.PI, nOut, false);
  const tIn = linspace(0, 2 * Math.PI, nIn, false);
  const p = new Points(2, m);
  for (let i = 0; i < nOut; i++) p.set(i, 0, Math.cos(tOut[i]), Math.sin(tOut[i]));
  for (let i = 0; i < nIn; i++) p.set(nOut + i, 1, factor * Math.cos(tIn[i]), factor * Math.sin(tIn[i]));
  if (shuffle) p.shuffle(rng);
  if (noise > 0) p.addGaussianNoise(rng, noise);
  return p.toTensors(dtype);
}

export interface MoonsOptions extends GeneratorOptions {
  noise?: number;
  shuffle?: boolean;
}

/** scikit-learn's `make_moons`: two interleaving half circles, labels 0 (upper) and 1 (lower). */
export function moons(options: MoonsOptions = {}): Labeled {
  const fn = 'moons';
  const { m, rng, dtype, noise, shuffle } = common(options, fn);
  const nOut = Math.floor(m / 2);
  const nIn = m - nOut;
  const tOut = linspace(0, Math.PI, nOut);
  const tIn = linspace(0, Math.PI, nIn);
  const p = new Points(2, m);
  for (let i = 0; i < nOut; i++) p.set(i, 0, Math.cos(tOut[i]), Math.sin(tOut[i]));
  for (let i = 0; i < nIn; i++) p.set(nOut + i, 1, 1 - Math.cos(tIn[i]), 1 - Math.sin(tIn[i]) - 0.5);
  if (shuffle) p.shuffle(rng);
  if (noise > 0) p.addGaussianNoise(rng, noise);
  return p.toTensors(dtype);
}

export interface BlobsOptions extends GeneratorOptions {
  /** Number of clusters, one class each (default 3). */
  centers?: number;
  /** Number of features n_x (default 2). */
  nFeatures?: number;
  /** Std of each cluster (default 1). */
  clusterStd?: number;
  /** Box the centers are drawn from uniformly (default [-10, 10]). */
  centerBox?: [number, number];
  shuffle?: boolean;
}

/**
 * scikit-learn's `make_blobs`: `centers` Gaussian clusters with centers uniform in
 * `centerBox`; m is split evenly, the remainder going to the first clusters. Label k is
 * cluster k. The course's blobs use 6 centers and then `Y % 2`.
 */
export function blobs(options: BlobsOptions = {}): Labeled {
  const fn = 'blobs';
  const { m, rng, dtype, shuffle } = common(options, fn);
  const k = positiveInt(options.centers ?? 3, fn, 'centers');
  const nx = positiveInt(options.nFeatures ?? 2, fn, 'nFeatures');
  const std = nonNegative(options.clusterStd ?? 1, fn, 'clusterStd');
  const [lo, hi] = options.centerBox ?? [-10, 10];
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo >= hi)
    throw invalid(fn, 'centerBox', '[low, high] with low < high', `[${lo}, ${hi}]`);
  const centers = Array.from({ length: k }, () => Array.from({ length: nx }, () => lo + (hi - lo) * rng.random()));
  const p = new Points(nx, m);
  let i = 0;
  for (let c = 0; c < k; c++) {
    const n = Math.floor(m / k) + (c < m % k ? 1 : 0);
    for (let j = 0; j < n; j++, i++) p.set(i, c, ...centers[c].map((mu) => mu + std * rng.normal()));
  }
  if (shuffle) p.shuffle(rng);
  return p.toTensors(dtype);
}

export interface GaussianQuantilesOptions extends GeneratorOptions {
  /** Number of classes, nested shells of equal size (default 3). */
  classes?: number;
  nFeatures?: number;
  /** Variance of each feature (default 1; the course uses 0.5). */
  cov?: number;
  /** Center (default the origin). */
  mean?: number[];
  shuffle?: boolean;
}

/**
 * scikit-learn's `make_gaussian_quantiles`: an isotropic Gaussian cut into `classes`
 * shells by distance from the mean, each shell m // classes points (the outermost
 * takes the remainder).
 */
export function gaussianQuantiles(options: GaussianQuantilesOptions = {}): Labeled {
  const fn = 'gaussianQuantiles';
  const { m, rng, dtype, shuffle } = common(options, fn);
  const k = positiveInt(options.classes ?? 3, fn, 'classes');
  const nx = positiveInt(options.nFeatures ?? 2, fn, 'nFeatures');
  const cov = options.cov ?? 1;
  if (typeof cov !== 'number' || !(cov > 0) || !Number.isFinite(cov)) throw invalid(fn, 'cov', 'a finite number > 0', cov);
  const mean = options.mean ?? new Array(nx).fill(0);
  if (!Array.isArray(mean) || mean.length !== nx || !mean.every(Number.isFinite)) {
    throw invalid(fn, 'mean', `${nx} finite numbers`, JSON.stringify(mean));
  }
  if (k > m) throw invalid(fn, 'classes', `at most m = ${m}`, k);
  const sd = Math.sqrt(cov);
  const raw = Array.from({ length: m }, () => mean.map((mu) => mu + sd * rng.normal()));
  const dist = raw.map((x) => x.reduce((s, v, f) => s + (v - mean[f]) ** 2, 0));
  const order = raw.map((_, i) => i).sort((a, b) => dist[a] - dist[b] || a - b);
  const step = Math.floor(m / k);
  const p = new Points(nx, m);
  order.forEach((src, i) => {
    p.set(i, Math.min(Math.floor(i / step), k - 1), ...raw[src]);
  });
  if (shuffle) p.shuffle(rng);
  return p.toTensors(dtype);
}
