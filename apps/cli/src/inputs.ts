import { extname } from 'node:path';
import { decodeImage, resizeImage, Standardizer } from '@neurite/datasets';
import { loadCsv as readCsvFile } from '@neurite/datasets/node';
import { type FloatDType, Tensor } from '@neurite/tensor';
import { readInputFile } from '@neurite/tensor/node';
import type { InputSpec } from './data/load.ts';
import { requireFile } from './data/load.ts';
import { FileError, UsageError } from './errors.ts';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(path).toLowerCase());
}

/**
 * Image files to the model's input columns, as training saw them: decoded, resized to the
 * model's size, flattened in (row, column, channel) order and divided by 255. For a
 * one-channel model (MNIST) the RGB pixels are averaged to grey.
 */
export function imagesToX(paths: string[], input: Extract<InputSpec, { kind: 'image' }>, dtype: FloatDType): Tensor {
  const m = paths.length;
  const n = input.height * input.width * input.channels;
  const X = new Tensor(dtype === 'float64' ? new Float64Array(n * m) : new Float32Array(n * m), [n, m]);
  paths.forEach((path, j) => {
    requireFile(path, 'predict');
    let image: ReturnType<typeof decodeImage>;
    try {
      const bytes = readInputFile(path, { fn: 'predict', expected: 'an image file (PNG or JPEG)' });
      image = resizeImage(decodeImage(bytes, path), input.width, input.height);
    } catch (error) {
      throw new FileError(path, `cannot read image '${path}': ${(error as Error).message}`);
    }
    const pixels = input.height * input.width;
    for (let p = 0; p < pixels; p++) {
      if (input.channels === 1) {
        const grey = (image.data[3 * p] + image.data[3 * p + 1] + image.data[3 * p + 2]) / 3;
        X.data[p * m + j] = grey / input.divide;
      } else {
        for (let c = 0; c < 3; c++) X.data[(3 * p + c) * m + j] = image.data[3 * p + c] / input.divide;
      }
    }
  });
  return X;
}

/**
 * A CSV of examples to X, columns matched by the names the model was trained with (extra
 * columns, such as the label, are ignored), standardized with the training statistics.
 * Returns the rows' labels too when the file has the label column.
 */
export async function csvToX(path: string, input: InputSpec, dtype: FloatDType): Promise<Tensor> {
  if (input.kind !== 'features')
    throw new UsageError(`predict: this model takes ${input.height}x${input.width} images, received the CSV file '${path}'`);
  requireFile(path, 'predict');
  let X: Tensor;
  try {
    const csv = await readCsvFile(path, { label: null, features: input.names, dtype });
    X = csv.X;
  } catch (error) {
    throw new FileError(path, `cannot read '${path}': ${(error as Error).message}`);
  }
  return input.mean && input.std ? new Standardizer({ mean: input.mean, std: input.std }).transform(X) : X;
}
