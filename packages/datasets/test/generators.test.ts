import { Generator, type Tensor } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import { blobs, gaussianQuantiles, moons, noisyCircles, spiral, xor } from '../src/index.ts';
import { hasNumpy, python } from './python.ts';

const col = (X: Tensor, i: number) => [X.data[i], X.data[X.shape[1] + i]];
const counts = (Y: Tensor) => {
  const c = new Map<number, number>();
  for (const v of Y.data) c.set(v, (c.get(v) ?? 0) + 1);
  return Object.fromEntries([...c.entries()].sort((a, b) => a[0] - b[0]));
};
const same = (a: Tensor, b: Tensor) => Array.from(a.data).every((v, i) => v === b.data[i]);

const generators = {
  noisyCircles: (seed: number) => noisyCircles({ m: 200, factor: 0.5, noise: 0.3, rng: seed }),
  moons: (seed: number) => moons({ m: 200, noise: 0.2, rng: seed }),
  blobs: (seed: number) => blobs({ m: 200, centers: 6, rng: seed }),
  gaussianQuantiles: (seed: number) => gaussianQuantiles({ m: 200, classes: 2, cov: 0.5, rng: seed }),
  xor: (seed: number) => xor({ m: 200, noise: 0.1, rng: seed }),
  spiral: (seed: number) => spiral({ m: 200, noise: 0.2, rng: seed }),
};

describe.each(Object.entries(generators))('%s', (_name, make) => {
  it('has the course layout, is reproducible from a seed, and different seeds differ', () => {
    const a = make(3);
    expect(a.X.shape).toEqual([2, 200]);
    expect(a.Y.shape).toEqual([1, 200]);
    expect(a.X.dtype).toBe('float32');
    expect(same(a.X, make(3).X) && same(a.Y, make(3).Y)).toBe(true);
    expect(same(a.X, make(4).X)).toBe(false);
    for (const v of a.X.data) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('noisyCircles (sklearn make_circles)', () => {
  it('puts m//2 points on the unit circle (label 0) and the rest at radius factor (label 1) without noise', () => {
    const { X, Y } = noisyCircles({ m: 101, factor: 0.5, dtype: 'float64', rng: 1 });
    expect(counts(Y)).toEqual({ 0: 50, 1: 51 });
    for (let i = 0; i < 101; i++) expect(Math.hypot(...col(X, i))).toBeCloseTo(Y.data[i] === 0 ? 1 : 0.5, 12);
  });

  it('shuffles the classes and keeps the noisy data in sklearn-like ranges', () => {
    const { X, Y } = noisyCircles({ m: 400, factor: 0.5, noise: 0.3, rng: 2 });
    const firstHalf = Array.from(Y.data.slice(0, 200)).reduce((s, v) => s + v, 0);
    expect(firstHalf).toBeGreaterThan(70);
    expect(firstHalf).toBeLessThan(130);
    for (const v of X.data) expect(Math.abs(v)).toBeLessThan(2.5);
  });

  it.skipIf(!hasNumpy)("equals sklearn's make_circles algorithm run on numpy's legacy stream (skipped: python3 with numpy absent)", () => {
    const ref = python<number[][]>(`
import numpy as np, json
g = np.random.RandomState(5)
n_out, n_in = 7, 8
lo = np.linspace(0, 2*np.pi, n_out, endpoint=False); li = np.linspace(0, 2*np.pi, n_in, endpoint=False)
X = np.vstack([np.append(np.cos(lo), 0.5*np.cos(li)), np.append(np.sin(lo), 0.5*np.sin(li))]).T
y = np.hstack([np.zeros(n_out), np.ones(n_in)])
idx = np.arange(15); g.shuffle(idx); X, y = X[idx], y[idx]
X += g.normal(scale=0.3, size=X.shape)
print(json.dumps([X.T.ravel().tolist(), y.tolist()]))`);
    const { X, Y } = noisyCircles({ m: 15, factor: 0.5, noise: 0.3, rng: 5, dtype: 'float64' });
    for (const [i, v] of Array.from(X.data).entries()) expect(v).toBeCloseTo(ref[0][i], 12);
    expect(Array.from(Y.data)).toEqual(ref[1]);
  });
});

describe('moons (sklearn make_moons)', () => {
  it('puts the two half circles where sklearn does without noise', () => {
    const { X, Y } = moons({ m: 50, dtype: 'float64', shuffle: false });
    expect(counts(Y)).toEqual({ 0: 25, 1: 25 });
    expect(col(X, 0)).toEqual([1, 0]);
    expect(col(X, 24)[0]).toBeCloseTo(-1, 12);
    expect(col(X, 25)).toEqual([0, 0.5]);
    for (let i = 0; i < 25; i++) expect(Math.hypot(...col(X, i))).toBeCloseTo(1, 12);
    for (let i = 25; i < 50; i++) {
      const [x, y] = col(X, i);
      expect(Math.hypot(x - 1, y - 0.5)).toBeCloseTo(1, 12);
      expect(y).toBeLessThanOrEqual(0.5);
    }
  });

  it.skipIf(!hasNumpy)("equals sklearn's make_moons algorithm run on numpy's legacy stream (skipped: python3 with numpy absent)", () => {
    const ref = python<number[][]>(`
import numpy as np, json
g = np.random.RandomState(9)
n_out, n_in = 6, 7
X = np.vstack([np.append(np.cos(np.linspace(0, np.pi, n_out)), 1 - np.cos(np.linspace(0, np.pi, n_in))),
               np.append(np.sin(np.linspace(0, np.pi, n_out)), 1 - np.sin(np.linspace(0, np.pi, n_in)) - 0.5)]).T
y = np.hstack([np.zeros(n_out), np.ones(n_in)])
idx = np.arange(13); g.shuffle(idx); X, y = X[idx], y[idx]
X += g.normal(scale=0.2, size=X.shape)
print(json.dumps([X.T.ravel().tolist(), y.tolist()]))`);
    const { X, Y } = moons({ m: 13, noise: 0.2, rng: 9, dtype: 'float64' });
    for (const [i, v] of Array.from(X.data).entries()) expect(v).toBeCloseTo(ref[0][i], 12);
    expect(Array.from(Y.data)).toEqual(ref[1]);
  });
});

describe('blobs (sklearn make_blobs)', () => {
  it('splits m evenly over the centers (remainder to the first) with centers inside the box', () => {
    const { X, Y } = blobs({ m: 200, centers: 6, rng: 5, clusterStd: 0.1, dtype: 'float64' });
    expect(counts(Y)).toEqual({ 0: 34, 1: 34, 2: 33, 3: 33, 4: 33, 5: 33 });
    // With std 0.1 each cluster's mean is inside [-10, 10]² and its points are within 0.6 of it.
    for (let c = 0; c < 6; c++) {
      const idx = [...Array(200).keys()].filter((i) => Y.data[i] === c);
      const mean = [0, 1].map((f) => idx.reduce((s, i) => s + X.data[f * 200 + i], 0) / idx.length);
      for (const v of mean) expect(Math.abs(v)).toBeLessThan(10);
      for (const i of idx) expect(Math.hypot(col(X, i)[0] - mean[0], col(X, i)[1] - mean[1])).toBeLessThan(0.6);
    }
  });

  it.skipIf(!hasNumpy)("equals sklearn's make_blobs algorithm run on numpy's legacy stream (skipped: python3 with numpy absent)", () => {
    const ref = python<number[][]>(`
import numpy as np, json
g = np.random.RandomState(5)
centers = g.uniform(-10, 10, size=(3, 2))
per = [4, 4, 3]
X = np.vstack([g.normal(loc=centers[i], scale=1.5, size=(per[i], 2)) for i in range(3)])
y = np.hstack([np.full(per[i], i) for i in range(3)]).astype(float)
idx = np.arange(11); g.shuffle(idx); X, y = X[idx], y[idx]
print(json.dumps([X.T.ravel().tolist(), y.tolist()]))`);
    const { X, Y } = blobs({ m: 11, centers: 3, clusterStd: 1.5, rng: 5, dtype: 'float64' });
    for (const [i, v] of Array.from(X.data).entries()) expect(v).toBeCloseTo(ref[0][i], 12);
    expect(Array.from(Y.data)).toEqual(ref[1]);
  });
});

describe('gaussianQuantiles (sklearn make_gaussian_quantiles)', () => {
  it('makes nested shells of equal size: every point of class k is closer to the mean than any of class k+1', () => {
    const { X, Y } = gaussianQuantiles({ m: 301, classes: 3, mean: [1, -2], cov: 0.5, rng: 4, dtype: 'float64' });
    expect(counts(Y)).toEqual({ 0: 100, 1: 100, 2: 101 });
    const r = (i: number) => Math.hypot(col(X, i)[0] - 1, col(X, i)[1] + 2);
    const byClass = [0, 1, 2].map((c) => [...Array(301).keys()].filter((i) => Y.data[i] === c).map(r));
    expect(Math.max(...byClass[0])).toBeLessThan(Math.min(...byClass[1]));
    expect(Math.max(...byClass[1])).toBeLessThan(Math.min(...byClass[2]));
    // Median radius² of a 2-D Gaussian with variance 0.5 per axis is 2·0.5·ln 2 ≈ 0.69: the 2-class boundary.
    const two = gaussianQuantiles({ m: 2000, classes: 2, cov: 0.5, rng: 1, dtype: 'float64' });
    const inner = [...Array(2000).keys()].filter((i) => two.Y.data[i] === 0).map((i) => Math.hypot(...col(two.X, i)) ** 2);
    expect(Math.max(...inner)).toBeCloseTo(Math.log(2), 1);
  });
});

describe('xor (TensorFlow Playground)', () => {
  it('labels quadrants 1 where x·y >= 0, keeps points 0.3 off the axes and inside ±5.3', () => {
    const { X, Y } = xor({ m: 500, rng: 7, dtype: 'float64' });
    const c = counts(Y);
    expect(c[0] + c[1]).toBe(500);
    expect(c[1]).toBeGreaterThan(200);
    expect(c[1]).toBeLessThan(300);
    for (let i = 0; i < 500; i++) {
      const [x, y] = col(X, i);
      expect(Math.abs(x)).toBeGreaterThanOrEqual(0.3);
      expect(Math.abs(y)).toBeLessThanOrEqual(5.3);
      expect(Y.data[i]).toBe(x * y >= 0 ? 1 : 0);
    }
  });

  it('noise flips some labels near the axes only', () => {
    const { X, Y } = xor({ m: 1000, noise: 0.5, rng: 7, dtype: 'float64' });
    let flipped = 0;
    for (let i = 0; i < 1000; i++) {
      const [x, y] = col(X, i);
      if (Y.data[i] !== (x * y >= 0 ? 1 : 0)) {
        flipped++;
        expect(Math.min(Math.abs(x), Math.abs(y))).toBeLessThan(2.5 + 0.3);
      }
    }
    expect(flipped).toBeGreaterThan(20);
  });
});

describe('spiral (TensorFlow Playground)', () => {
  it('makes K arms of equal size out to the radius, arm k rotated by 2πk/K', () => {
    const { X, Y } = spiral({ m: 301, classes: 3, dtype: 'float64' });
    expect(counts(Y)).toEqual({ 0: 101, 1: 100, 2: 100 });
    for (let i = 0; i < 301; i++) expect(Math.hypot(...col(X, i))).toBeLessThan(5);
    // Without noise arm 1's point j is arm 0's... at the same r, rotated: (r sin(t+δ), r cos(t+δ)).
    const [x0, y0] = col(X, 0 + 50);
    expect(Math.hypot(x0, y0)).toBeCloseTo((50 / 101) * 5, 12);
    const t = 1.75 * (50 / 100) * 2 * Math.PI + (2 * Math.PI) / 3;
    expect(col(X, 101 + 50)[0]).toBeCloseTo(2.5 * Math.sin(t), 12);
    expect(col(X, 101 + 50)[1]).toBeCloseTo(2.5 * Math.cos(t), 12);
  });

  it('adds uniform noise bounded by the noise level and is seeded through a passed Generator', () => {
    const clean = spiral({ m: 100, dtype: 'float64' });
    const rng = new Generator(3);
    const noisy = spiral({ m: 100, noise: 0.5, rng, dtype: 'float64' });
    let maxShift = 0;
    for (let j = 0; j < 200; j++) maxShift = Math.max(maxShift, Math.abs(noisy.X.data[j] - clean.X.data[j]));
    expect(maxShift).toBeLessThanOrEqual(0.5);
    expect(maxShift).toBeGreaterThan(0.4);
    expect(rng.random()).not.toBe(new Generator(3).random());
  });
});

describe('generator options are validated', () => {
  it('names the bad argument', () => {
    expect(() => noisyCircles({ factor: 1.5 })).toThrow(/noisyCircles: factor must be a number in \(0, 1\), received 1.5/);
    expect(() => moons({ noise: -1 })).toThrow(/moons: noise must be a finite number >= 0, received -1/);
    expect(() => blobs({ centers: 0 })).toThrow(/blobs: centers must be an integer >= 1, received 0/);
    expect(() => blobs({ centerBox: [1, 1] })).toThrow(/blobs: centerBox must be/);
    expect(() => gaussianQuantiles({ mean: [0] })).toThrow(/gaussianQuantiles: mean must be 2 finite numbers/);
    expect(() => spiral({ m: 2, classes: 3 })).toThrow(/spiral: classes must be at most m = 2, received 3/);
    expect(() => xor({ m: 0 })).toThrow(/xor: m must be an integer in \[1, 10000000\], received 0/);
    expect(() => xor({ dtype: 'int32' as never })).toThrow(/xor: dtype must be/);
  });
});
