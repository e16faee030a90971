import { type FloatDType, Tensor } from '@neurite/tensor';
import { flattenImages } from '../images/flatten.ts';
import { floatDType } from '../util.ts';
import { getDataset, Hdf5Error, numericValues, withHdf5 } from './hdf5.ts';

export interface CatDataset {
  /** (12288, 209): column i is image i, pixels in (row, column, channel) order. */
  trainX: Tensor;
  /** (1, 209): 1 = cat, 0 = non-cat. */
  trainY: Tensor;
  testX: Tensor;
  testY: Tensor;
  /** ['non-cat', 'cat'], indexed by label. */
  classes: string[];
}

export interface LoadCatOptions {
  /** Divide pixels by 255 so X is in [0, 1], as the course does (default true). */
  scale?: boolean;
  dtype?: FloatDType;
}

interface Split {
  X: Tensor;
  Y: Tensor;
  classes: string[];
}

function readSplit(path: string, split: 'train' | 'test', scale: boolean, dtype: FloatDType): Promise<Split> {
  const fn = 'loadCatDataset';
  return withHdf5(path, fn, (file) => {
    const xName = `${split}_set_x`;
    const yName = `${split}_set_y`;
    const xs = getDataset(file, path, xName, fn);
    const ys = getDataset(file, path, yName, fn);
    const shape = xs.shape ?? [];
    if (shape.length < 2)
      throw new Hdf5Error(`${fn}: dataset '${xName}' in '${path}' must have shape (m, ...), received (${shape.join(', ')})`);
    const m = shape[0];
    const yValues = numericValues(ys, path, yName, fn);
    if (yValues.length !== m) {
      throw new Hdf5Error(`${fn}: '${yName}' in '${path}' has ${yValues.length} labels but '${xName}' has ${m} images`);
    }
    const X = flattenImages(numericValues(xs, path, xName, fn), shape, { scale, dtype });
    const Y = new Tensor(dtype === 'float64' ? Float64Array.from(yValues) : Float32Array.from(yValues), [1, m]);
    let classes: string[] = [];
    if (file.keys().includes('list_classes')) {
      const raw = getDataset(file, path, 'list_classes', fn).value as unknown;
      classes = (Array.isArray(raw) ? raw : [raw]).map((c) => String(c).replace(/\0+$/, ''));
    }
    return { X, Y, classes };
  });
}

/**
 * The course's cat / non-cat images (train_catvnoncat.h5, test_catvnoncat.h5) in the
 * course's layout: `X = x.reshape(m, -1).T / 255`, Y of shape (1, m).
 */
export async function loadCatDataset(trainPath: string, testPath: string, options: LoadCatOptions = {}): Promise<CatDataset> {
  const dtype = floatDType(options.dtype, 'loadCatDataset');
  const scale = options.scale ?? true;
  const train = await readSplit(trainPath, 'train', scale, dtype);
  const test = await readSplit(testPath, 'test', scale, dtype);
  if (test.X.shape[0] !== train.X.shape[0]) {
    throw new Hdf5Error(
      `loadCatDataset: images in '${testPath}' have ${test.X.shape[0]} values each, those in '${trainPath}' ${train.X.shape[0]}`,
    );
  }
  return { trainX: train.X, trainY: train.Y, testX: test.X, testY: test.Y, classes: train.classes.length ? train.classes : test.classes };
}
