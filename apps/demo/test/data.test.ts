import { planarFlower } from '@neurite/datasets';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../src/playground/config.ts';
import { generate } from '../src/playground/data.ts';

const base = { noise: 0, trainPct: 50, seed: 1 };

describe('playground data', () => {
  it.each(DATASETS)('%s: splits 400 points by the ratio, both classes present, the view holds every point', (data) => {
    const s = generate({ ...base, data, trainPct: 70 });
    expect(s.train.m).toBe(280);
    expect(s.test.m).toBe(120);
    for (const p of [s.train, s.test]) {
      expect(new Set(p.Y)).toEqual(new Set([0, 1]));
      for (let i = 0; i < p.m; i++) {
        expect(Math.abs(p.X[i] - s.view.cx)).toBeLessThanOrEqual(s.view.half);
        expect(Math.abs(p.X[p.m + i] - s.view.cy)).toBeLessThanOrEqual(s.view.half);
      }
    }
  });

  it('is reproducible from the seed, and another seed draws other points', () => {
    expect(generate({ ...base, data: 'moons', noise: 20 })).toEqual(generate({ ...base, data: 'moons', noise: 20 }));
    expect(generate({ ...base, data: 'moons', noise: 20 }).train.X).not.toEqual(
      generate({ ...base, data: 'moons', noise: 20, seed: 2 }).train.X,
    );
  });

  it('draws the course flower (seed 1) when noise is 0: the split is a permutation of its points', () => {
    const { X } = planarFlower({ m: 400, rng: 1 });
    const key = (x: number, y: number) => `${x.toFixed(4)},${y.toFixed(4)}`;
    const flower = new Set(Array.from({ length: 400 }, (_, i) => key(X.data[i], X.data[400 + i])));
    const s = generate({ ...base, data: 'flower', trainPct: 100 });
    const got = new Set(Array.from({ length: 400 }, (_, i) => key(s.train.X[i], s.train.X[400 + i])));
    expect(got).toEqual(flower);
  });

  it('noise moves the points', () => {
    const a = generate({ ...base, data: 'circles' });
    const b = generate({ ...base, data: 'circles', noise: 30 });
    // Without noise every circles point lies on radius 1 or 0.5 (make_circles with factor 0.5).
    for (let i = 0; i < a.train.m; i++)
      expect([0.5, 1]).toContainEqual(Number(Math.hypot(a.train.X[i], a.train.X[a.train.m + i]).toFixed(5)));
    const off = Array.from({ length: b.train.m }, (_, i) => Math.hypot(b.train.X[i], b.train.X[b.train.m + i])).filter(
      (r) => Math.abs(r - 1) > 0.01 && Math.abs(r - 0.5) > 0.01,
    );
    expect(off.length).toBeGreaterThan(b.train.m / 2);
  });
});
