import type { Dense } from '@neurite/layers';
import { Generator, Tensor } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/playground/config.ts';
import { generate } from '../src/playground/data.ts';
import { accuracy } from '../src/playground/metrics.ts';
import { buildModel } from '../src/playground/model.ts';

describe('playground model', () => {
  it('builds the configured layers: W[l] is (n[l], n[l−1])', () => {
    const model = buildModel({ ...DEFAULT_CONFIG, layers: [5, 3] });
    expect(model.layers.map((l) => (l as Dense).W!.shape)).toEqual([
      [5, 2],
      [3, 5],
      [1, 3],
    ]);
  });

  it('the default configuration learns the flower past 85% test accuracy in 200 epochs', () => {
    const split = generate(DEFAULT_CONFIG);
    const model = buildModel(DEFAULT_CONFIG);
    const X = new Tensor(split.train.X, [2, split.train.m]);
    const Y = new Tensor(split.train.Y, [1, split.train.m]);
    const rng = new Generator(2);
    for (let e = 0; e < 200; e++) model.fit(X, Y, { epochs: 1, batchSize: DEFAULT_CONFIG.batch, seed: rng, printEvery: 1e6 });
    const p = model.predictProba(new Tensor(split.test.X, [2, split.test.m])).data;
    expect(accuracy(p, split.test.Y)).toBeGreaterThan(0.85);
  });
});
