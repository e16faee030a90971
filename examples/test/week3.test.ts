import { planarFlower } from '@neurite/datasets';
import { setBackend } from '@neurite/tensor';
import { assertPrinted } from '@neurite/tensor/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainPlanar } from '../course/week3-planar.ts';
import { BACKENDS } from './backends.ts';
import { week3Costs } from './published.ts';

describe.each(BACKENDS)('week 3: planar flower, one hidden layer (%s backend)', (backend) => {
  beforeAll(() => {
    setBackend(backend);
  });

  const { X, Y } = planarFlower({ dtype: 'float64' });

  it('the data is the course data (first column)', () => {
    expect(X.shape).toEqual([2, 400]);
    expect(X.data[0]).toBe(1.204442292254319);
    expect(X.data[400]).toBe(3.5761141481288448);
  });

  it('reproduces the published costs over the full 10000 iterations and the 90% accuracy', () => {
    const lines: string[] = [];
    const { history, accuracy } = trainPlanar(X, Y, { log: (l) => lines.push(l) });
    expect(history.steps).toBe(10000);
    // Up to iteration 6000 the costs are as printed (rounded or truncated to 6 decimals). Past
    // about 7000 the dynamics at learning rate 1.2 are chaotic: a last-bit difference in a BLAS
    // kernel grows until runs of the course's own code disagree in the 4th decimal (the
    // reference README), so iteration 7000 is only required to stay near the published value.
    week3Costs.forEach((c, i) => {
      if (i < 7) assertPrinted(history.costs[i], c.toFixed(6), `iteration ${i * 1000}`);
      else expect(Math.abs(history.costs[i] - c), `iteration ${i * 1000}`).toBeLessThan(1e-3);
    });
    expect(lines.slice(0, 3)).toEqual([
      'Cost after iteration 0: 0.693048',
      'Cost after iteration 1000: 0.288083',
      'Cost after iteration 2000: 0.254385',
    ]);
    expect(Math.trunc(accuracy * 100)).toBe(90);
  });

  it('the hidden-layer sweep (5000 iterations each) gives the published accuracies', () => {
    const published: [number, number][] = [
      [1, 67.5],
      [2, 67.25],
      [3, 90.75],
      [4, 90.5],
      [5, 91.25],
    ];
    for (const [n_h, acc] of published) {
      const { accuracy } = trainPlanar(X, Y, { n_h, iterations: 5000, printEvery: 5000 });
      expect(accuracy * 100, `n_h = ${n_h}`).toBeCloseTo(acc, 10);
    }
  });
});
