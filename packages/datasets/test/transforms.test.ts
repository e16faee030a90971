import { Generator, tensor } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import { encodeLabels, oneHot, randomMiniBatches, Standardizer, scale, shuffleColumns, standardize, trainTestSplit } from '../src/index.ts';
import { hasNumpy, python } from './python.ts';

// X[r, j] = 100r + j, so every column says which example it is; Y[0, j] = j.
const grid = (n: number, m: number) =>
  tensor(
    Array.from({ length: n }, (_, r) => Array.from({ length: m }, (_, j) => 100 * r + j)),
    'float64',
  );
const labels = (m: number) => tensor([Array.from({ length: m }, (_, j) => j)], 'float64');
const cols = (Y: { data: ArrayLike<number> }) => Array.from(Y.data);

describe('randomMiniBatches', () => {
  it('cuts m = 148 into 64, 64, 20 and keeps X and Y columns together', () => {
    const X = grid(3, 148);
    const batches = randomMiniBatches(X, labels(148), 64, 1);
    expect(batches.map((b) => b.X.shape)).toEqual([
      [3, 64],
      [3, 64],
      [3, 20],
    ]);
    const seen = batches.flatMap((b) => cols(b.Y));
    expect([...seen].sort((a, b) => a - b)).toEqual([...Array(148).keys()]);
    for (const b of batches) {
      for (let j = 0; j < b.X.shape[1]; j++) {
        const k = b.Y.data[j];
        expect([b.X.data[j], b.X.data[b.X.shape[1] + j], b.X.data[2 * b.X.shape[1] + j]]).toEqual([k, 100 + k, 200 + k]);
      }
    }
  });

  it('matches a hand-checked numpy order: np.random.seed(0); np.random.permutation(5) is [2 0 1 3 4]', () => {
    const batches = randomMiniBatches(grid(1, 5), labels(5), 2, 0);
    expect(batches.map((b) => cols(b.Y))).toEqual([[2, 0], [1, 3], [4]]);
  });

  it.skipIf(!hasNumpy)("gives numpy's exact column order for the course's seeds (skipped: python3 with numpy absent)", () => {
    const ref = python<number[][]>(`
import numpy as np, json
out = []
for seed, m in [(0, 148), (1, 209), (10, 1000), (3, 64)]:
    np.random.seed(seed); out.append(np.random.permutation(m).tolist())
print(json.dumps(out))`);
    const cases: [number, number][] = [
      [0, 148],
      [1, 209],
      [10, 1000],
      [3, 64],
    ];
    cases.forEach(([seed, m], c) => {
      const order = randomMiniBatches(grid(2, m), labels(m), 64, seed).flatMap((b) => cols(b.Y));
      expect(order).toEqual(ref[c]);
    });
  });

  it('works with one-hot Y and a passed generator, and rejects mismatched shapes', () => {
    const Y = oneHot([0, 1, 2, 1, 0], 3);
    const batches = randomMiniBatches(grid(2, 5), Y, 4, new Generator(0));
    expect(batches[0].Y.shape).toEqual([3, 4]);
    // Column j of batch 0 is example perm[j] = [2, 0, 1, 3][j]; its one-hot label follows it.
    expect(batches[0].Y.toArray()).toEqual([
      [0, 1, 0, 0],
      [0, 0, 1, 1],
      [1, 0, 0, 0],
    ]);
    expect(() => randomMiniBatches(grid(2, 5), labels(4))).toThrow(/X has 5 examples \(columns\) but Y has 4/);
    expect(() => randomMiniBatches(grid(2, 5), labels(5), 0)).toThrow(/miniBatchSize must be an integer >= 1, received 0/);
  });
});

describe('trainTestSplit and shuffleColumns', () => {
  it.skipIf(!hasNumpy)("follows sklearn's ShuffleSplit: test = perm[:ceil(0.25 m)] (skipped: numpy absent)", () => {
    const perm = python<number[]>('import numpy as np, json; print(json.dumps(np.random.RandomState(42).permutation(10).tolist()))');
    const s = trainTestSplit(grid(2, 10), labels(10), { rng: 42 });
    expect(cols(s.testY)).toEqual(perm.slice(0, 3));
    expect(cols(s.trainY)).toEqual(perm.slice(3));
    expect(s.trainX.shape).toEqual([2, 7]);
    expect(s.testX.data[3]).toBe(100 + perm[0]);
  });

  it('splits by count, without shuffling, and validates testSize', () => {
    const s = trainTestSplit(grid(1, 10), labels(10), { testSize: 4, shuffle: false });
    expect(cols(s.trainY)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cols(s.testY)).toEqual([6, 7, 8, 9]);
    expect(() => trainTestSplit(grid(1, 10), labels(10), { testSize: 10 })).toThrow(/testSize must be .* m = 10, received 10/);
    expect(() => trainTestSplit(grid(1, 10), labels(10), { testSize: 1.5 })).toThrow(/testSize/);
  });

  it('shuffles X and Y with one permutation, reproducibly', () => {
    const a = shuffleColumns(grid(2, 20), labels(20), 5);
    expect(a.permutation).toEqual(new Generator(5).permutation(20));
    expect(cols(a.Y)).toEqual(a.permutation);
    expect(a.X.data[20 + 3]).toBe(100 + a.permutation[3]);
    expect(shuffleColumns(grid(2, 20), labels(20), 6).permutation).not.toEqual(a.permutation);
  });
});

describe('scale and standardize', () => {
  it('scales pixels by 255 by default', () => {
    expect(cols(scale(tensor([[0, 51, 255]], 'float64')))).toEqual([0, 0.2, 1]);
    expect(() => scale(tensor([[1]]), 0)).toThrow(/scale: by must be a finite non-zero number, received 0/);
  });

  it('centers and scales each feature with population statistics, and reuses them on test data', () => {
    const X = tensor(
      [
        [1, 2, 3, 4],
        [10, 10, 10, 10],
      ],
      'float64',
    );
    const { X: Z, standardizer } = standardize(X);
    // Row 0: mean 2.5, std sqrt(1.25); row 1 has no spread: centered only.
    const sd = Math.sqrt(1.25);
    expect(cols(Z).slice(0, 4)).toEqual([-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd]);
    expect(cols(Z).slice(4)).toEqual([0, 0, 0, 0]);
    expect(standardizer.toJSON()).toEqual({ mean: [2.5, 10], std: [sd, 1] });
    const test = standardizer.transform(tensor([[2.5], [12]], 'float64'));
    expect(cols(test)).toEqual([0, 2]);
    const again = new Standardizer(JSON.parse(JSON.stringify(standardizer)));
    expect(cols(again.inverseTransform(Z))).toEqual([1, 2, 3, 4, 10, 10, 10, 10]);
    expect(() => standardizer.transform(tensor([[1]]))).toThrow(/X has 1 features \(rows\) but the standardizer was fitted on 2/);
  });
});

describe('oneHot and encodeLabels', () => {
  it('puts a 1 in row label of each column', () => {
    expect(oneHot(tensor([[2, 0, 1]]), 3).toArray()).toEqual([
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
    ]);
    expect(oneHot([1, 1], 3).shape).toEqual([3, 2]);
    expect(() => oneHot([0, 3], 3)).toThrow(/label 3 is out of range for 3 classes/);
    expect(() => oneHot([0, 1.5])).toThrow(/label at index 1 must be a non-negative integer, received 1.5/);
  });

  it('encodes string and numeric labels against a kept class list', () => {
    expect(encodeLabels(['cat', 'dog', 'cat', 'bird'])).toEqual({ indices: [1, 2, 1, 0], classes: ['bird', 'cat', 'dog'] });
    expect(encodeLabels([10, 2, 2]).classes).toEqual(['2', '10']);
    expect(encodeLabels(['b'], ['a', 'b']).indices).toEqual([1]);
    expect(() => encodeLabels(['c'], ['a', 'b'])).toThrow(/label 'c' at index 0 is not one of the classes \[a, b\]/);
  });
});
