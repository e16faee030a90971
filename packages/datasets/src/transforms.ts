import { type FloatDType, NeuriteError, Tensor, ValueError } from '@neurite/tensor';
import { assert2D, assertSameM, sliceColumns, takeColumns } from './columns.ts';
import { type RngOption, toRng } from './util.ts';

/** X / by (default 255, pixels to [0, 1]), in X's dtype. */
export function scale(X: Tensor, by = 255): Tensor {
  if (typeof by !== 'number' || !Number.isFinite(by) || by === 0)
    throw new ValueError(`scale: by must be a finite non-zero number, received ${by}`);
  return X.div(by);
}

/** The statistics of a fitted standardization, plain data so they can be saved as JSON. */
export interface StandardizerState {
  mean: number[];
  std: number[];
}

/**
 * Per-feature centering and scaling, fitted on training data and reused on test data,
 * like scikit-learn's StandardScaler: mean and population std of each row of X; a
 * feature with zero spread is only centered (std taken as 1).
 */
export class Standardizer {
  readonly mean: Float64Array;
  readonly std: Float64Array;

  constructor(state: StandardizerState) {
    const ok = Array.isArray(state?.mean) && Array.isArray(state?.std) && state.mean.length === state.std.length;
    if (!ok || !state.mean.every(Number.isFinite) || !state.std.every((s) => Number.isFinite(s) && s > 0)) {
      throw new ValueError('Standardizer: expected { mean: number[], std: number[] } of equal length, std > 0');
    }
    this.mean = Float64Array.from(state.mean);
    this.std = Float64Array.from(state.std);
  }

  static fit(X: Tensor): Standardizer {
    const [n, m] = assert2D(X, 'Standardizer.fit', 'X');
    if (m === 0) throw new ValueError('Standardizer.fit: X has no examples (0 columns)');
    const mean = new Array<number>(n);
    const std = new Array<number>(n);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += X.data[r * m + j];
      const mu = s / m;
      let v = 0;
      for (let j = 0; j < m; j++) v += (X.data[r * m + j] - mu) ** 2;
      const sd = Math.sqrt(v / m);
      mean[r] = mu;
      std[r] = sd > 0 && Number.isFinite(sd) ? sd : 1;
    }
    return new Standardizer({ mean, std });
  }

  /** (X - mean) / std per row, in X's dtype. */
  transform(X: Tensor): Tensor {
    return this.apply(X, 'transform', (v, r) => (v - this.mean[r]) / this.std[r]);
  }

  inverseTransform(X: Tensor): Tensor {
    return this.apply(X, 'inverseTransform', (v, r) => v * this.std[r] + this.mean[r]);
  }

  toJSON(): StandardizerState {
    return { mean: Array.from(this.mean), std: Array.from(this.std) };
  }

  private apply(X: Tensor, fn: string, f: (v: number, row: number) => number): Tensor {
    const [n, m] = assert2D(X, `Standardizer.${fn}`, 'X');
    if (n !== this.mean.length) {
      throw new ValueError(`Standardizer.${fn}: X has ${n} features (rows) but the standardizer was fitted on ${this.mean.length}`);
    }
    const out = X.dtype === 'float64' ? new Float64Array(X.size) : new Float32Array(X.size);
    for (let r = 0; r < n; r++) for (let j = 0; j < m; j++) out[r * m + j] = f(X.data[r * m + j], r);
    return new Tensor(out, [n, m]);
  }
}

/** Fits a Standardizer on X and returns the standardized X with it (keep it for the test set). */
export function standardize(X: Tensor): { X: Tensor; standardizer: Standardizer } {
  const standardizer = Standardizer.fit(X);
  return { X: standardizer.transform(X), standardizer };
}

/** X and Y with their columns in one seeded random order (numpy's `permutation(m)`). */
export function shuffleColumns(X: Tensor, Y: Tensor, rng: RngOption = 0): { X: Tensor; Y: Tensor; permutation: number[] } {
  const m = assertSameM(X, Y, 'shuffleColumns');
  const permutation = toRng(rng, 0, 'shuffleColumns').permutation(m);
  return { X: takeColumns(X, permutation), Y: takeColumns(Y, permutation), permutation };
}

export interface SplitOptions {
  /** Fraction in (0, 1) or a count of test examples (default 0.25, sklearn's). */
  testSize?: number;
  /** Shuffle before splitting (default true); false takes the last columns as the test set. */
  shuffle?: boolean;
  rng?: RngOption;
}

export interface Split {
  trainX: Tensor;
  trainY: Tensor;
  testX: Tensor;
  testY: Tensor;
}

/**
 * scikit-learn's `train_test_split` on columns: n_test = ceil(testSize·m),
 * `perm = rng.permutation(m)`, test = perm[:n_test], train = perm[n_test:].
 */
export function trainTestSplit(X: Tensor, Y: Tensor, options: SplitOptions = {}): Split {
  const fn = 'trainTestSplit';
  const m = assertSameM(X, Y, fn);
  const size = options.testSize ?? 0.25;
  const nTest = Number.isInteger(size) && size >= 1 ? size : size > 0 && size < 1 ? Math.ceil(size * m) : Number.NaN;
  if (!(nTest >= 1 && nTest < m)) {
    throw new ValueError(
      `${fn}: testSize must be a fraction in (0, 1) or a count leaving both sets non-empty for m = ${m}, received ${size}`,
    );
  }
  if (options.shuffle === false) {
    return {
      trainX: sliceColumns(X, 0, m - nTest),
      trainY: sliceColumns(Y, 0, m - nTest),
      testX: sliceColumns(X, m - nTest, m),
      testY: sliceColumns(Y, m - nTest, m),
    };
  }
  const perm = toRng(options.rng, 0, fn).permutation(m);
  const test = perm.slice(0, nTest);
  const train = perm.slice(nTest);
  return { trainX: takeColumns(X, train), trainY: takeColumns(Y, train), testX: takeColumns(X, test), testY: takeColumns(Y, test) };
}

export interface MiniBatch {
  X: Tensor;
  Y: Tensor;
}

/**
 * The course's `random_mini_batches(X, Y, mini_batch_size=64, seed=0)`:
 * `np.random.seed(seed); permutation = np.random.permutation(m)`, the columns of X
 * and Y in that order, cut into batches of `miniBatchSize`, the last one smaller.
 * A number seeds a fresh numpy-legacy generator, so the order equals numpy's.
 */
export function randomMiniBatches(X: Tensor, Y: Tensor, miniBatchSize = 64, seed: RngOption = 0): MiniBatch[] {
  const fn = 'randomMiniBatches';
  const m = assertSameM(X, Y, fn);
  if (!Number.isInteger(miniBatchSize) || miniBatchSize < 1) {
    throw new ValueError(`${fn}: miniBatchSize must be an integer >= 1, received ${miniBatchSize}`);
  }
  const permutation = toRng(seed, 0, fn).permutation(m);
  const batches: MiniBatch[] = [];
  for (let start = 0; start < m; start += miniBatchSize) {
    const idx = permutation.slice(start, Math.min(start + miniBatchSize, m));
    batches.push({ X: takeColumns(X, idx), Y: takeColumns(Y, idx) });
  }
  return batches;
}

/**
 * Class labels to a one-hot (classes, m) matrix: `oneHot([2, 0, 1], 3)` has a 1 in row
 * 2 of column 0. Labels are integers in [0, classes).
 */
export function oneHot(labels: Tensor | ArrayLike<number>, classes?: number, dtype: FloatDType = 'float32'): Tensor {
  const fn = 'oneHot';
  const values = isTensor(labels) ? labels.data : labels;
  if (isTensor(labels) && labels.rank === 2 && labels.shape[0] !== 1) {
    throw new ValueError(`${fn}: labels must be (1, m) or (m,), received shape (${labels.shape.join(', ')})`);
  }
  const m = values.length;
  let max = -1;
  for (let j = 0; j < m; j++) {
    const v = values[j];
    if (!Number.isInteger(v) || v < 0) throw new ValueError(`${fn}: label at index ${j} must be a non-negative integer, received ${v}`);
    if (v > max) max = v;
  }
  const C = classes ?? max + 1;
  if (!Number.isInteger(C) || C < 1) throw new ValueError(`${fn}: classes must be an integer >= 1, received ${C}`);
  if (max >= C) throw new ValueError(`${fn}: label ${max} is out of range for ${C} classes`);
  const out = dtype === 'float64' ? new Float64Array(C * m) : new Float32Array(C * m);
  for (let j = 0; j < m; j++) out[values[j] * m + j] = 1;
  return new Tensor(out, [C, m]);
}

/** Labels of any kind (strings or numbers) to indices into a sorted class list, the class list kept. */
export function encodeLabels(labels: readonly (string | number)[], classes?: readonly string[]): { indices: number[]; classes: string[] } {
  const fn = 'encodeLabels';
  if (!Array.isArray(labels)) throw new ValueError(`${fn}: labels must be an array, received ${typeof labels}`);
  const names = labels.map(String);
  const list = classes ? [...classes] : sortClasses([...new Set(names)]);
  const index = new Map(list.map((c, i) => [c, i]));
  const indices = names.map((name, j) => {
    const i = index.get(name);
    if (i === undefined) throw new ValueError(`${fn}: label '${name}' at index ${j} is not one of the classes [${list.join(', ')}]`);
    return i;
  });
  return { indices, classes: list };
}

/** Numeric class names sort numerically ("2" before "10"), others as strings. */
function sortClasses(names: string[]): string[] {
  const numeric = names.every((n) => n.trim() !== '' && Number.isFinite(Number(n)));
  return numeric ? names.sort((a, b) => Number(a) - Number(b)) : names.sort();
}

function isTensor(x: unknown): x is Tensor {
  if (x instanceof Tensor) return true;
  if (x === null || typeof x !== 'object')
    throw new NeuriteError(`oneHot: labels must be a Tensor or an array of integers, received ${typeof x}`);
  return false;
}
