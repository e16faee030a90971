import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planarFlower } from '@neurite/datasets';
import type { Tensor } from '@neurite/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { catFilesPresent, loadCats, repoRoot } from '../course/data.ts';
import { model as logistic } from '../course/week2-logistic-regression.ts';
import { trainPlanar } from '../course/week3-planar.ts';
import { lLayerModel, train, twoLayerModel } from '../course/week4-deep.ts';
import { hasNumpy } from './published.ts';

/**
 * Settings the course never published, checked against an independent plain-numpy
 * implementation of the same algorithms (examples/python/course_reference.py).
 */
const script = join(repoRoot, 'examples', 'python', 'course_reference.py');
const tmp = mkdtempSync(join(tmpdir(), 'neurite-course-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
if (!hasNumpy) console.warn('numpy cross-checks skipped: python3 with numpy is not available');

function reference(args: string[]): { iterations: number[]; costs: number[]; accuracy?: number } {
  return JSON.parse(execFileSync('python3', [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 }));
}

function writeRaw(t: Tensor, name: string): string {
  const path = join(tmp, name);
  writeFileSync(path, new Uint8Array(Float64Array.from(t.data).buffer));
  return path;
}

describe.skipIf(!hasNumpy)('reproduction of other settings against numpy', () => {
  it.each([
    [3, 3, 0.5],
    [6, 7, 0.8],
  ])('planar, n_h = %i, seed %i, learning rate %f', (n_h, seed, lr) => {
    const { X, Y } = planarFlower({ dtype: 'float64' });
    const want = reference([
      'planar',
      '--n_h',
      String(n_h),
      '--seed',
      String(seed),
      '--lr',
      String(lr),
      '--iterations',
      '1501',
      '--every',
      '500',
    ]);
    const { history, accuracy } = trainPlanar(X, Y, { n_h, seed, learningRate: lr, iterations: 1501, printEvery: 500 });
    expect(history.iterations).toEqual(want.iterations);
    want.costs.forEach((c, i) => {
      expect(Math.abs(history.costs[i] - c)).toBeLessThan(1e-6);
    });
    expect(accuracy).toBe(want.accuracy);
  });

  describe.skipIf(!catFilesPresent())('on the cat images', async () => {
    const data = catFilesPresent() ? await loadCats() : (null as never);
    const m = String(data?.trainX.shape[1]);
    const files = () => ['--x', writeRaw(data.trainX, 'X.f64'), '--y', writeRaw(data.trainY, 'Y.f64'), '--m', m];

    it('logistic regression at learning rate 0.01', () => {
      const want = reference(['logistic', '--lr', '0.01', '--iterations', '201', '--every', '100', ...files()]);
      const run = logistic(data, 201, 0.01);
      want.costs.forEach((c, i) => {
        expect(Math.abs(run.costs[i] - c)).toBeLessThan(1e-6);
      });
    });

    it('two-layer [12288, 5, 1], seed 3, learning rate 0.01', { timeout: 300_000 }, () => {
      const want = reference([
        'deep',
        '--dims',
        '12288,5,1',
        '--init',
        'small',
        '--seed',
        '3',
        '--lr',
        '0.01',
        '--iterations',
        '21',
        '--every',
        '10',
        ...files(),
      ]);
      const run = train(twoLayerModel(3, 5), data, { iterations: 21, learningRate: 0.01, printEvery: 10 });
      expect(run.history.iterations).toEqual(want.iterations);
      want.costs.forEach((c, i) => {
        expect(Math.abs(run.history.costs[i] - c)).toBeLessThan(1e-6);
      });
    });

    it('L-layer [12288, 10, 4, 1], seed 5, learning rate 0.02', { timeout: 300_000 }, () => {
      const want = reference([
        'deep',
        '--dims',
        '12288,10,4,1',
        '--init',
        'deep',
        '--seed',
        '5',
        '--lr',
        '0.02',
        '--iterations',
        '21',
        '--every',
        '10',
        ...files(),
      ]);
      const model = lLayerModel([12288, 10, 4, 1], 5);
      const run = train(model, data, { iterations: 21, learningRate: 0.02, printEvery: 10 });
      expect(run.history.iterations).toEqual(want.iterations);
      want.costs.forEach((c, i) => {
        expect(Math.abs(run.history.costs[i] - c)).toBeLessThan(1e-6);
      });
    });
  });
});
