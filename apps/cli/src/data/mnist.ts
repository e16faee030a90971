import { existsSync, statSync } from 'node:fs';
import { flattenImages, loadDigitsSplit, MissingDependencyError, takeExamples } from '@neurite/datasets';
import { loadMnist as readMnist } from '@neurite/datasets/node';
import { type FloatDType, Tensor } from '@neurite/tensor';
import { FileError, UsageError } from '../errors.ts';
import type { Dataset } from './load.ts';
import { type DataSpec, describeSpec } from './spec.ts';

/** MNIST from a folder of the four IDX files (gzip'd or not): 60000 train and 10000 test digits, 784 pixels / 255. */
export async function loadMnist(dir: string, options: { dtype: FloatDType; flag: string }): Promise<Dataset> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new FileError(dir, `${options.flag} mnist: folder '${dir}' does not exist`);
  const mnist = await readMnist(dir, { dtype: options.dtype });
  return {
    description: `mnist:${dir}`,
    X: mnist.trainX,
    Y: mnist.trainY,
    test: { X: mnist.testX, Y: mnist.testY },
    classes: mnist.classes,
    input: { kind: 'image', height: 28, width: 28, channels: 1, divide: 255 },
  };
}

/**
 * The 10,000 digits of the mnist package, split by class (8,000 / 2,000 by default, seed 0),
 * as columns (784, m) like the IDX loader's, so every model takes them; a cnn unflattens them.
 * `train=N` keeps the first N of the (shuffled) training set, for a quick run.
 */
export async function loadDigits(
  spec: Extract<DataSpec, { kind: 'digits' }>,
  options: { dtype: FloatDType; flag: string },
): Promise<Dataset> {
  let split: Awaited<ReturnType<typeof loadDigitsSplit>>;
  try {
    split = await loadDigitsSplit({ testSize: spec.test, rng: spec.seed, dtype: options.dtype });
  } catch (error) {
    if (error instanceof MissingDependencyError) throw new UsageError(`${options.flag} digits: ${error.message}`);
    throw error;
  }
  if (spec.train !== undefined) {
    const first = Array.from({ length: spec.train }, (_, i) => i);
    split = { ...split, trainX: takeExamples(split.trainX, first), trainLabels: takeExamples(split.trainLabels, first) };
  }
  const columns = (X: Tensor) => flattenImages(X.data, X.shape, { dtype: options.dtype });
  const row = (labels: Tensor) => new Tensor(Float64Array.from(labels.data), [1, labels.size]).cast(options.dtype);
  return {
    description: describeSpec(spec),
    X: columns(split.trainX),
    Y: row(split.trainLabels),
    test: { X: columns(split.testX), Y: row(split.testLabels) },
    classes: split.classes,
    input: { kind: 'image', height: 28, width: 28, channels: 1, divide: 255 },
  };
}
