import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Generator } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import { planarFlower } from '../src/index.ts';
import { readNpy, referenceDir } from './npy.ts';

const xPath = join(referenceDir, 'planar_X.npy');
const yPath = join(referenceDir, 'planar_Y.npy');
const present = existsSync(xPath) && existsSync(yPath);

describe('planarFlower', () => {
  it.skipIf(!present)(`matches numpy's planar_X.npy / planar_Y.npy to 1e-12 (skipped: ${xPath} absent)`, () => {
    const refX = readNpy(xPath);
    const refY = readNpy(yPath);
    const { X, Y } = planarFlower({ dtype: 'float64' });
    expect(X.shape).toEqual(refX.shape);
    expect(Y.shape).toEqual(refY.shape);
    expect(X.dtype).toBe('float64');
    let maxDiff = 0;
    for (let i = 0; i < refX.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(X.data[i] - refX.data[i]));
    expect(maxDiff).toBeLessThan(1e-12);
    expect(Array.from(Y.data)).toEqual(Array.from(refY.data));
  });

  it("reproduces the README's first column and labels without the files", () => {
    const { X, Y } = planarFlower({ dtype: 'float64' });
    expect(X.data[0]).toBeCloseTo(1.204442292254319, 12);
    expect(X.data[400]).toBeCloseTo(3.5761141481288448, 12);
    const labels = Array.from(Y.data);
    expect(labels.slice(0, 200).every((v) => v === 0)).toBe(true);
    expect(labels.slice(200).every((v) => v === 1)).toBe(true);
  });

  it('defaults to float32 and the course shapes', () => {
    const { X, Y } = planarFlower();
    expect(X.dtype).toBe('float32');
    expect(X.shape).toEqual([2, 400]);
    expect(Y.shape).toEqual([1, 400]);
    expect(X.data[0]).toBeCloseTo(1.204442292254319, 6);
  });

  it('draws 800 Gaussians from a passed generator, advancing it', () => {
    const rng = new Generator(1);
    planarFlower({ rng, dtype: 'float64' });
    const fresh = new Generator(1);
    for (let i = 0; i < 800; i++) fresh.normal();
    expect(rng.normal()).toBe(fresh.normal());
  });

  it('honours m and a, and a seed gives the same data as a generator with that seed', () => {
    const a = planarFlower({ m: 100, a: 2, rng: 7, dtype: 'float64' });
    const b = planarFlower({ m: 100, a: 2, rng: new Generator(7), dtype: 'float64' });
    expect(a.X.shape).toEqual([2, 100]);
    expect(Array.from(a.X.data)).toEqual(Array.from(b.X.data));
    // |r| <= a + noise: radii stay near the petal length.
    let maxR = 0;
    for (let i = 0; i < 100; i++) maxR = Math.max(maxR, Math.hypot(a.X.data[i], a.X.data[100 + i]));
    expect(maxR).toBeLessThan(2 + 1.2);
    expect(maxR).toBeGreaterThan(1.5);
    const c = planarFlower({ m: 100, rng: 8 });
    expect(Array.from(c.X.data)).not.toEqual(Array.from(planarFlower({ m: 100, rng: 7 }).X.data));
  });

  it('rejects bad options with errors naming the argument', () => {
    expect(() => planarFlower({ m: 1 })).toThrow(/planarFlower: m must be an integer in \[2, 10000000\], received 1/);
    expect(() => planarFlower({ m: 2.5 })).toThrow(/m must be/);
    expect(() => planarFlower({ a: Number.NaN })).toThrow(/a must be a finite number/);
    expect(() => planarFlower({ dtype: 'int32' as never })).toThrow(/dtype must be 'float32' or 'float64'/);
    expect(() => planarFlower({ rng: -1 })).toThrow(/planarFlower: rng must be an integer in \[0, 4294967295\]/);
  });
});
