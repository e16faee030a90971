import { existsSync, statSync } from 'node:fs';
import { blobs, gaussianQuantiles, moons, noisyCircles, planarFlower, spiral, trainTestSplit, xor } from '@neurite/datasets';
import { loadCatDataset } from '@neurite/datasets/node';
import { type FloatDType, NeuriteError, Tensor } from '@neurite/tensor';
import { statInputFile } from '@neurite/tensor/node';
import { FileError, fileErrorFor, UsageError } from '../errors.ts';
import { loadCsv } from './csv.ts';
import { loadDigits, loadMnist } from './mnist.ts';
import { type DataSpec, describeSpec, type GeneratorName, parseDataSpec } from './spec.ts';

/**
 * How raw inputs become a column of X; saved with the model so `predict` prepares a photo
 * or a CSV row exactly as training did.
 */
export type InputSpec =
  | { kind: 'features'; names: string[]; mean?: number[]; std?: number[] }
  | { kind: 'image'; height: number; width: number; channels: number; divide: number };

export interface Dataset {
  description: string;
  /** (n_x, m), one column per example. */
  X: Tensor;
  /** (1, m) class indices 0..classes-1. */
  Y: Tensor;
  test?: { X: Tensor; Y: Tensor };
  /** Held out of the training data by --validation-split. */
  validation?: { X: Tensor; Y: Tensor };
  classes: string[];
  input: InputSpec;
}

export interface LoadOptions {
  data: string;
  testData?: string;
  testSplit?: number;
  validationSplit?: number;
  label?: string;
  dtype: FloatDType;
  /** A trained model's inputs and classes: new data is read to match them (CSV columns, scaling, class order). */
  like?: Pick<Dataset, 'input' | 'classes'>;
}

export async function loadData(options: LoadOptions): Promise<Dataset> {
  const spec = parseDataSpec(options.data);
  const data = await loadSpec(spec, options, '--data', options.like);
  // Training needs two classes; evaluating a model (options.like) on examples of one class is fine.
  const present = new Set(data.Y.data);
  if (present.size < 2 && !options.like) {
    const only = data.classes[Number([...present][0])] ?? String([...present][0]);
    throw new UsageError(
      `--data ${data.description}: all ${data.Y.size} examples are of one class ('${only}'); a classifier needs two or more`,
    );
  }
  if (options.testData) {
    if (data.test) throw new UsageError(`--test-data: ${describeSpec(spec)} already brings its own test set`);
    const test = await loadSpec(parseDataSpec(options.testData, '--test-data'), options, '--test-data', options.like ?? data);
    if (test.X.shape[0] !== data.X.shape[0]) {
      throw new UsageError(`--test-data: its examples have ${test.X.shape[0]} features, the training data's have ${data.X.shape[0]}`);
    }
    data.test = { X: test.X, Y: test.Y };
  }
  if (options.testSplit) {
    if (data.test) throw new UsageError(`--test-split: ${describeSpec(spec)} already has a test set`);
    // A fixed seed: the same command holds out the same examples, so runs compare.
    const split = trainTestSplit(data.X, data.Y, { testSize: options.testSplit, rng: 0 });
    data.X = split.trainX;
    data.Y = split.trainY;
    data.test = { X: split.testX, Y: split.testY };
  }
  if (options.validationSplit) {
    // Another fixed seed than the test split's: the data sets are often ordered by class, so
    // the held-out part is a seeded random pick, not the tail (which fit's validationSplit takes).
    const split = trainTestSplit(data.X, data.Y, { testSize: options.validationSplit, rng: 1 });
    if (split.trainX.shape[1] < 1 || split.testX.shape[1] < 1)
      throw new UsageError(`--validation-split ${options.validationSplit} of ${data.X.shape[1]} examples leaves none on one side`);
    data.X = split.trainX;
    data.Y = split.trainY;
    data.validation = { X: split.testX, Y: split.testY };
  }
  return data;
}

async function loadSpec(spec: DataSpec, options: LoadOptions, flag: string, like?: Pick<Dataset, 'input' | 'classes'>): Promise<Dataset> {
  switch (spec.kind) {
    case 'generated':
      try {
        return generated(spec.name, spec.params, options.dtype);
      } catch (error) {
        // The generators refuse bad parameters with a NeuriteError; they came from --data.
        if (error instanceof NeuriteError) throw new UsageError(`${flag} ${spec.name}: ${error.message.replace(/^\w+: /, '')}`);
        throw error;
      }
    case 'cats': {
      for (const path of [spec.train, spec.test]) requireFile(path, flag);
      const cats = await loadCatDataset(spec.train, spec.test, { dtype: options.dtype });
      return {
        description: describeSpec(spec),
        X: cats.trainX,
        Y: cats.trainY,
        test: { X: cats.testX, Y: cats.testY },
        classes: cats.classes.length ? cats.classes : ['non-cat', 'cat'],
        input: { kind: 'image', height: 64, width: 64, channels: 3, divide: 255 },
      };
    }
    case 'csv':
      requireFile(spec.path, flag);
      return loadCsv(spec.path, { label: options.label, dtype: options.dtype, like });
    case 'mnist':
      return loadMnist(spec.dir, { dtype: options.dtype, flag });
    case 'digits':
      return loadDigits(spec, { dtype: options.dtype, flag });
  }
}

export function requireFile(path: string, flag: string): void {
  if (!existsSync(path)) throw new FileError(path, `${flag}: file '${path}' does not exist`);
  if (statSync(path).isDirectory()) throw new FileError(path, `${flag}: '${path}' is a folder, expected a file`);
  // A FIFO or a device is refused by name: reading it would block or never end.
  statInputFile(path, { fn: flag, expected: 'a regular file', error: fileErrorFor(path) });
}

/**
 * The course's generated sets at the course's sizes: the flower (week 3) and the "other
 * datasets" of its last exercise (noisy circles, moons, blobs with Y % 2, Gaussian quantiles),
 * plus TensorFlow Playground's xor and spiral. Labels are 0/1 unless classes= says more.
 */
function generated(name: GeneratorName, p: Record<string, number>, dtype: FloatDType): Dataset {
  const seed = p.seed;
  let set: { X: Tensor; Y: Tensor };
  switch (name) {
    case 'planar':
      set = planarFlower({ m: p.m ?? 400, a: p.a ?? 4, rng: seed ?? 1, dtype });
      break;
    case 'circles':
      set = noisyCircles({ m: p.m ?? 200, factor: p.factor ?? 0.5, noise: p.noise ?? 0.3, rng: seed ?? 0, dtype });
      break;
    case 'moons':
      set = moons({ m: p.m ?? 200, noise: p.noise ?? 0.2, rng: seed ?? 0, dtype });
      break;
    case 'blobs': {
      const b = blobs({ m: p.m ?? 200, centers: p.centers ?? 6, clusterStd: p.std ?? 1, rng: seed ?? 5, dtype });
      // The course folds its 6 blobs into two classes with Y % 2.
      set = {
        X: b.X,
        Y: new Tensor(
          b.Y.data.map((y) => y % 2),
          [1, b.Y.size],
        ),
      };
      break;
    }
    case 'xor':
      set = xor({ m: p.m ?? 400, noise: p.noise ?? 0, rng: seed ?? 0, dtype });
      break;
    case 'spiral':
      set = spiral({ m: p.m ?? 400, classes: p.classes ?? 2, noise: p.noise ?? 0, turns: p.turns, rng: seed ?? 0, dtype });
      break;
    case 'gaussian':
      set = gaussianQuantiles({ m: p.m ?? 200, classes: p.classes ?? 2, cov: p.cov ?? 0.5, rng: seed ?? 0, dtype });
      break;
  }
  let k = 0;
  for (const y of set.Y.data) k = Math.max(k, y + 1);
  const params = Object.entries(p).map(([key, v]) => `${key}=${v}`);
  return {
    description: params.length ? `${name}:${params.join(',')}` : name,
    X: set.X,
    Y: set.Y,
    classes: Array.from({ length: Math.max(k, 2) }, (_, i) => String(i)),
    input: { kind: 'features', names: Array.from({ length: set.X.shape[0] }, (_, i) => `x${i + 1}`) },
  };
}
