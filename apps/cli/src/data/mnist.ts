import { existsSync, statSync } from 'node:fs';
import { loadMnist as readMnist } from '@neurite/datasets/node';
import type { FloatDType } from '@neurite/tensor';
import { FileError } from '../errors.ts';
import type { Dataset } from './load.ts';

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
