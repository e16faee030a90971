import { checkOptions, type Generator, Tensor, ValueError } from '@neurite/tensor';
import { type RngOption, toRng } from './util.ts';

export interface StratifiedSplitOptions {
  /** Fraction in (0, 1) (n_test = ceil(testSize·m)) or a count of test examples (default 0.25, sklearn's). */
  testSize?: number;
  rng?: RngOption;
}

export interface IndexSplit {
  /** Example indices of the training set, shuffled. */
  train: number[];
  /** Example indices of the test set, shuffled. */
  test: number[];
}

/**
 * scikit-learn's `_approximate_mode`: the per-class counts closest to `draws · counts / Σcounts`,
 * floors first, then one more for the largest remainders; tied remainders are chosen at random
 * (`rng.choice(inds, k, replace=False)`, which is `inds[permutation(len(inds))[:k]]` in numpy's
 * legacy stream).
 */
function approximateMode(counts: number[], draws: number, rng: Generator): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (c / total) * draws);
  const floored = continuous.map(Math.floor);
  let needToAdd = draws - floored.reduce((a, b) => a + b, 0);
  const remainder = continuous.map((c, i) => c - floored[i]);
  const values = [...new Set(remainder)].sort((a, b) => b - a);
  for (const value of values) {
    if (needToAdd <= 0) break;
    const inds = remainder.flatMap((r, i) => (r === value ? [i] : []));
    const addNow = Math.min(inds.length, needToAdd);
    for (const k of rng.permutation(inds.length).slice(0, addNow)) floored[inds[k]] += 1;
    needToAdd -= addNow;
  }
  return floored;
}

/**
 * A train/test split that keeps each class's share in both sets: scikit-learn's
 * `StratifiedShuffleSplit(n_splits=1, test_size=testSize, random_state=seed)`, draw for draw,
 * so a seed gives scikit-learn's indices. Labels are class indices (or any integers).
 */
export function stratifiedSplit(labels: Tensor | ArrayLike<number>, options: StratifiedSplitOptions = {}): IndexSplit {
  const fn = 'stratifiedSplit';
  checkOptions(options, fn, ['testSize', 'rng']);
  const values = labels instanceof Tensor ? labels.data : labels;
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new ValueError(`${fn}: labels must be a Tensor or an array of class indices, received ${String(labels)}`);
  }
  const m = values.length;
  for (let j = 0; j < m; j++) {
    if (!Number.isInteger(values[j])) throw new ValueError(`${fn}: label at index ${j} must be an integer, received ${values[j]}`);
  }
  const size = options.testSize ?? 0.25;
  const nTest = Number.isInteger(size) && size >= 1 ? size : size > 0 && size < 1 ? Math.ceil(size * m) : Number.NaN;
  const classes = [...new Set(Array.from(values))].sort((a, b) => a - b);
  const nTrain = m - nTest;
  if (!(nTest >= classes.length && nTrain >= classes.length)) {
    throw new ValueError(
      `${fn}: testSize must leave at least one example of each of the ${classes.length} classes in both sets of m = ${m}, received ${size}`,
    );
  }
  // The indices of each class in ascending order (numpy's stable argsort of the labels).
  const position = new Map(classes.map((c, i) => [c, i]));
  const byClass: number[][] = classes.map(() => []);
  for (let j = 0; j < m; j++) byClass[position.get(values[j]) as number].push(j);
  const counts = byClass.map((c) => c.length);

  const rng = toRng(options.rng, 0, fn);
  const nI = approximateMode(counts, nTrain, rng);
  const tI = approximateMode(
    counts.map((c, i) => c - nI[i]),
    nTest,
    rng,
  );
  const train: number[] = [];
  const test: number[] = [];
  byClass.forEach((indices, i) => {
    const shuffled = rng.permutation(counts[i]).map((k) => indices[k]);
    train.push(...shuffled.slice(0, nI[i]));
    test.push(...shuffled.slice(nI[i], nI[i] + tI[i]));
  });
  return { train: rng.shuffle(train), test: rng.shuffle(test) };
}

/** The examples at `indices` along `axis` (0 for images (m, n_H, n_W, n_C), 1 for columns (n, m)). */
export function takeExamples(X: Tensor, indices: readonly number[], axis: 0 | 1 = 0): Tensor {
  const fn = 'takeExamples';
  if (!(X instanceof Tensor)) throw new ValueError(`${fn}: X must be a Tensor, received ${String(X)}`);
  if (axis !== 0 && axis !== 1) throw new ValueError(`${fn}: axis must be 0 or 1, received ${String(axis)}`);
  if (X.rank <= axis) throw new ValueError(`${fn}: X of shape (${X.shape.join(', ')}) has no axis ${axis}`);
  const m = X.shape[axis];
  for (const [k, i] of indices.entries()) {
    if (!Number.isInteger(i) || i < 0 || i >= m) {
      throw new ValueError(`${fn}: index ${k} must be an integer in [0, ${m}), received ${i}`);
    }
  }
  const outer = X.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = X.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const shape = [...X.shape];
  shape[axis] = indices.length;
  const out = new (X.data.constructor as new (n: number) => Tensor['data'])(outer * indices.length * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < indices.length; k++) {
      const from = (o * m + indices[k]) * inner;
      out.set(X.data.subarray(from, from + inner), (o * indices.length + k) * inner);
    }
  }
  return new Tensor(out, shape);
}
