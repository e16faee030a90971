import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import type { Tensor } from '@neurite/tensor';
import { readInputFile } from '@neurite/tensor/node';
import { type IdxArray, IdxError, isGzip, type MnistOptions, mnistFromIdx, parseIdx } from '../idx.ts';

/**
 * Deflate expands at most 1032 times (258-byte matches coded in 2 bits): an IDX header that
 * declares more data than that from the file's real size is refused before decompressing.
 */
const DEFLATE_MAX_RATIO = 1032;

async function readMaybeGzip(path: string, fn: string): Promise<Uint8Array> {
  const bytes = readInputFile(path, { fn, expected: 'an IDX file (MNIST format, gzip or not)', error: IdxError });
  if (!isGzip(bytes)) return bytes;
  const declared = declaredIdxBytes(bytes, path, fn);
  if (declared > DEFLATE_MAX_RATIO * bytes.length + 1024) {
    throw new IdxError(
      `${fn}: '${path}' declares ${declared} bytes of IDX data, more than its ${bytes.length} gzip bytes can hold (deflate expands at most ${DEFLATE_MAX_RATIO} times): the header is corrupt`,
    );
  }
  try {
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: Math.max(declared, 1) }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === 'ERR_BUFFER_TOO_LARGE')
      throw new IdxError(`${fn}: '${path}' decompresses to more than the ${declared} bytes its IDX header declares`);
    throw new IdxError(`${fn}: '${path}' is a damaged gzip file: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The size an IDX header declares (header included), read from the start of the gzip stream. */
function declaredIdxBytes(gz: Uint8Array, path: string, fn: string): number {
  let head: Uint8Array;
  try {
    // Z_SYNC_FLUSH: a cut stream yields what it decoded instead of an error.
    head = new Uint8Array(gunzipSync(gz.subarray(0, 64 * 1024), { finishFlush: constants.Z_SYNC_FLUSH }));
  } catch (err) {
    throw new IdxError(`${fn}: '${path}' is a damaged gzip file: ${err instanceof Error ? err.message : String(err)}`);
  }
  const sizes: Record<number, number> = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 };
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0 || !(head[2] in sizes)) {
    const magic = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new IdxError(`${fn}: '${path}' decompresses to something that is not an IDX file (magic bytes ${magic})`);
  }
  const ndim = head[3];
  if (head.length < 4 + 4 * ndim) return 4 + 4 * ndim;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let size = sizes[head[2]];
  for (let d = 0; d < ndim; d++) size *= view.getUint32(4 + 4 * d);
  return 4 + 4 * ndim + size;
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
