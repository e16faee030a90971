import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Tensor } from '@neurite/tensor';
import { type IdxArray, IdxError, isGzip, type MnistOptions, mnistFromIdx, parseIdx } from '../idx.ts';

async function readMaybeGzip(path: string, fn: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new IdxError(`${fn}: cannot read IDX file '${path}': ${code === 'ENOENT' ? 'file not found' : String(err)}`);
  }
  if (!isGzip(bytes)) return bytes;
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch (err) {
    throw new IdxError(`${fn}: '${path}' is a damaged gzip file: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** One IDX file (gzip'd or not). */
export async function readIdx(path: string): Promise<IdxArray> {
  return parseIdx(await readMaybeGzip(path, 'readIdx'), path);
}

export interface MnistDataset {
  trainX: Tensor;
  trainY: Tensor;
  testX: Tensor;
  testY: Tensor;
  classes: string[];
}

/** MNIST's file names, and the common variants of them (a dot instead of a dash, .gz). */
function find(files: string[], prefix: string, kind: 'images' | 'labels'): string | undefined {
  const stem = new RegExp(`^${prefix}-${kind}[-.]idx${kind === 'images' ? 3 : 1}-ubyte(\\.gz)?$`);
  return files.find((f) => stem.test(f));
}

/**
 * MNIST from the directory a user downloaded it to: train-images-idx3-ubyte,
 * train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each may
 * be .gz). X is (784, m) scaled to [0, 1], Y (1, m) digits or one-hot (10, m).
 */
export async function loadMnist(dir: string, options: MnistOptions = {}): Promise<MnistDataset> {
  const fn = 'loadMnist';
  let files: string[];
  try {
    files = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new IdxError(`${fn}: cannot read MNIST directory '${dir}': ${code === 'ENOENT' ? 'not found' : String(err)}`);
  }
  const split = async (prefix: string) => {
    const images = find(files, prefix, 'images');
    const labels = find(files, prefix, 'labels');
    if (!images || !labels) {
      throw new IdxError(
        `${fn}: '${dir}' lacks ${prefix}-images-idx3-ubyte[.gz] or ${prefix}-labels-idx1-ubyte[.gz] (found: ${files.join(', ') || 'nothing'})`,
      );
    }
    const [ip, lp] = [join(dir, images), join(dir, labels)];
    return mnistFromIdx(await readMaybeGzip(ip, fn), await readMaybeGzip(lp, fn), options, [ip, lp]);
  };
  const train = await split('train');
  const test = await split('t10k');
  return { trainX: train.X, trainY: train.Y, testX: test.X, testY: test.Y, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] };
}
