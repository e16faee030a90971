import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tensor } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import { loadDigits, loadDigitsSplit, stratifiedSplit, takeExamples } from '../src/index.ts';
import { importOptional, MissingDependencyError } from '../src/optional.ts';
import { SKLEARN } from './stratified-fixture.ts';

// The package's own files, read here with JSON.parse and not through the loader.
const require = createRequire(import.meta.url);
const rawClass = (c: number): number[] => JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${c}.json`), 'utf8')).data;

/** The first index where two arrays differ, -1 if none (vitest's deep equality is slow on millions of values). */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const counts = (labels: ArrayLike<number>) => {
  const n = new Array(10).fill(0);
  for (let i = 0; i < labels.length; i++) n[labels[i]]++;
  return n;
};

describe('loadDigits', () => {
  it('holds the 10,000 digits, 863 to 1,127 per class, in the layout (m, 28, 28, 1), one-hot (10, m), labels (m,)', async () => {
    const { X, Y, labels, classes } = await loadDigits();
    expect(X.shape).toEqual([10000, 28, 28, 1]);
    expect(X.dtype).toBe('float32');
    expect(Y.shape).toEqual([10, 10000]);
    expect(labels.shape).toEqual([10000]);
    expect(labels.dtype).toBe('int32');
    expect(classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const perClass = counts(labels.data);
    // The package's JSON files, one per class: 784 values per image.
    expect(perClass).toEqual(Array.from({ length: 10 }, (_, c) => rawClass(c).length / 784));
    expect(Math.min(...perClass)).toBe(863);
    expect(Math.max(...perClass)).toBe(1127);
    for (let j = 0; j < 10000; j += 97) {
      expect(Y.data[labels.data[j] * 10000 + j]).toBe(1);
      let column = 0;
      for (let c = 0; c < 10; c++) column += Y.data[c * 10000 + j];
      expect(column).toBe(1);
    }
  });

  it("equals the package's pixels (three decimals of v/255) within 0.0005, and each is a byte / 255", async () => {
    const { X, labels } = await loadDigits({ dtype: 'float64' });
    const first5 = labels.data.indexOf(5);
    const five = rawClass(5);
    let worst = 0;
    let notBytes = 0;
    for (let i = 0; i < five.length; i++) {
      const x = X.data[first5 * 784 + i];
      worst = Math.max(worst, Math.abs(x - five[i]));
      if (Math.round(x * 255) / 255 !== x) notBytes++;
    }
    expect(notBytes).toBe(0);
    // Rounding v/255 to three decimals moves it by at most 0.0005 (plus float64 rounding).
    expect(worst).toBeLessThanOrEqual(0.0005 + 1e-12);
    expect(worst).toBeGreaterThan(0);
    const raw = await loadDigits({ scale: false });
    expect(raw.X.data[first5 * 784 + 300]).toBe(Math.round(five[300] * 255));
  });

  it('refuses unknown options by name', async () => {
    await expect(loadDigits({ dtyp: 'float64' } as never)).rejects.toThrow(/unknown key 'dtyp' \(did you mean 'dtype'\?\)/);
    await expect(loadDigitsSplit({ testSize: 0 })).rejects.toThrow(/testSize/);
  });
});

describe('loadDigitsSplit', () => {
  it('splits 8,000 / 2,000 with each class in its share of the whole (within one example)', async () => {
    const all = counts((await loadDigits()).labels.data);
    const s = await loadDigitsSplit();
    expect(s.trainX.shape).toEqual([8000, 28, 28, 1]);
    expect(s.testX.shape).toEqual([2000, 28, 28, 1]);
    expect(s.trainY.shape).toEqual([10, 8000]);
    expect(s.testY.shape).toEqual([10, 2000]);
    const [train, test] = [counts(s.trainLabels.data), counts(s.testLabels.data)];
    for (let c = 0; c < 10; c++) {
      expect(train[c] + test[c]).toBe(all[c]);
      expect(Math.abs(test[c] - all[c] * 0.2)).toBeLessThan(1);
    }
    // Shuffled: the test set's first 100 examples are not of one class.
    expect(new Set(Array.from(s.testLabels.data.subarray(0, 100))).size).toBe(10);
  });

  it('is deterministic for a seed, different for another, and the sets are disjoint and cover the 10,000', async () => {
    const { X } = await loadDigits();
    const { train, test } = stratifiedSplit((await loadDigits()).labels, { testSize: 2000, rng: 0 });
    expect(new Set([...train, ...test]).size).toBe(10000);
    const a = await loadDigitsSplit({ rng: 3 });
    const b = await loadDigitsSplit({ rng: 3 });
    const c = await loadDigitsSplit({ rng: 4 });
    expect(firstDifference(a.testX.data, b.testX.data)).toBe(-1);
    expect(firstDifference(a.trainLabels.data, b.trainLabels.data)).toBe(-1);
    expect(firstDifference(a.testLabels.data, c.testLabels.data)).toBeGreaterThanOrEqual(0);
    // The default split's images are the loader's images at the split's indices.
    const d = await loadDigitsSplit();
    expect(firstDifference(d.testX.data, takeExamples(X, test).data)).toBe(-1);
    expect(firstDifference(d.trainX.data, takeExamples(X, train).data)).toBe(-1);
  });
});

describe('stratifiedSplit', () => {
  it.each(SKLEARN)("gives scikit-learn's StratifiedShuffleSplit indices: counts $counts, testSize $testSize, seed $seed", (ref) => {
    const labels = ref.counts.flatMap((n, c) => new Array(n).fill(c));
    const { train, test } = stratifiedSplit(labels, { testSize: ref.testSize, rng: ref.seed });
    expect(train.slice(0, 12)).toEqual(ref.trainHead);
    expect(test.slice(0, 12)).toEqual(ref.testHead);
    const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
    const weighted = (v: number[]) => v.reduce((a, b, i) => a + b * (i + 1), 0);
    expect([sum(train), sum(test), weighted(train), weighted(test)]).toEqual([
      ref.trainSum,
      ref.testSum,
      ref.trainWeighted,
      ref.testWeighted,
    ]);
    expect(ref.counts.map((_, c) => test.filter((j) => labels[j] === c).length)).toEqual(ref.testPerClass);
  });

  it('refuses a test size that empties a class side, and non-integer labels', () => {
    expect(() => stratifiedSplit([0, 0, 1, 1], { testSize: 1 })).toThrow(/at least one example of each of the 2 classes/);
    expect(() => stratifiedSplit([0, 0.5, 1, 1])).toThrow(/label at index 1 must be an integer, received 0.5/);
    expect(() => stratifiedSplit([0, 1, 0, 1], { seed: 1 } as never)).toThrow(/unknown key 'seed'/);
  });

  it('takeExamples gathers along either axis', () => {
    const X = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(takeExamples(X, [2, 0], 1).toArray()).toEqual([
      [3, 1],
      [6, 4],
    ]);
    expect(takeExamples(X, [1], 0).toArray()).toEqual([[4, 5, 6]]);
    expect(() => takeExamples(X, [3], 1)).toThrow(/index 0 must be an integer in \[0, 3\), received 3/);
  });
});

describe('a missing optional package', () => {
  it('is a MissingDependencyError that names the package to install', async () => {
    // A real import of a package that does not exist, as loadDigits imports mnist.
    // @ts-expect-error: the package does not exist
    const load = () => import('neurite-no-such-package-for-tests');
    const err = await importOptional(load, 'neurite-no-such-package-for-tests', 'the test feature').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingDependencyError);
    expect((err as MissingDependencyError).packageName).toBe('neurite-no-such-package-for-tests');
    expect((err as Error).message).toMatch(
      /the test feature needs the package 'neurite-no-such-package-for-tests'.*npm install neurite-no-such-package-for-tests/,
    );
  });

  it('keeps any other failure of the import as it is', async () => {
    const broken = () => Promise.reject(new SyntaxError('Unexpected token in mnist'));
    await expect(importOptional(broken, 'mnist', 'x')).rejects.toThrow(SyntaxError);
  });
});
