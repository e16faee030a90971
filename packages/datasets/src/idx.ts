import { type FloatDType, NeuriteError, Tensor } from '@neurite/tensor';
import { flattenImages } from './images/flatten.ts';
import { oneHot } from './transforms.ts';
import { allocate, floatDType } from './util.ts';

/** An IDX file (MNIST's format) that is malformed, truncated or inconsistent. */
export class IdxError extends NeuriteError {
  override name = 'IdxError';
}

/** IDX type codes: byte size and big-endian reader. */
const TYPES: Record<number, { name: string; size: number; read: (v: DataView, o: number) => number }> = {
  8: { name: 'uint8', size: 1, read: (v, o) => v.getUint8(o) },
  9: { name: 'int8', size: 1, read: (v, o) => v.getInt8(o) },
  11: { name: 'int16', size: 2, read: (v, o) => v.getInt16(o) },
  12: { name: 'int32', size: 4, read: (v, o) => v.getInt32(o) },
  13: { name: 'float32', size: 4, read: (v, o) => v.getFloat32(o) },
  14: { name: 'float64', size: 8, read: (v, o) => v.getFloat64(o) },
};

export interface IdxArray {
  shape: number[];
  /** The IDX element type ('uint8' for MNIST). */
  type: string;
  /** Values in C order; uint8 data is returned without copying. */
  data: ArrayLike<number>;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Parses uncompressed IDX bytes (see `gunzip` / the Node loader for .gz files). */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw new IdxError(`parseIdx: bytes must be a Uint8Array, received ${typeof bytes}`);
  if (isGzip(bytes))
    throw new IdxError(
      `parseIdx: '${source}' is gzip-compressed; decompress it first (gunzip, or readIdx / loadMnist in @neurite/datasets/node)`,
    );
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || !(bytes[2] in TYPES)) {
    throw new IdxError(
      `parseIdx: '${source}' is not an IDX file (magic bytes ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')})`,
    );
  }
  const type = TYPES[bytes[2]];
  const ndim = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerEnd = 4 + 4 * ndim;
  if (ndim === 0 || bytes.length < headerEnd)
    throw new IdxError(`parseIdx: '${source}' is truncated in its header (${bytes.length} bytes, ${ndim} dimensions)`);
  const shape = Array.from({ length: ndim }, (_, d) => view.getUint32(4 + 4 * d));
  const size = shape.reduce((a, b) => a * b, 1);
  const expected = headerEnd + size * type.size;
  if (bytes.length < expected) {
    throw new IdxError(
      `parseIdx: '${source}' is truncated: shape (${shape.join(', ')}) of ${type.name} needs ${expected} bytes, the file has ${bytes.length}`,
    );
  }
  if (type.size === 1 && type.name === 'uint8') return { shape, type: type.name, data: bytes.subarray(headerEnd, expected) };
  const data = new Float64Array(size);
  for (let i = 0; i < size; i++) data[i] = type.read(view, headerEnd + i * type.size);
  return { shape, type: type.name, data };
}

/** Decompresses gzip bytes with the platform's DecompressionStream (browsers, Node 18+, Deno). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export interface MnistOptions {
  /** Divide pixels by 255 (default true). */
  scale?: boolean;
  /** Y as one-hot (10, m) instead of (1, m) digits (default false). */
  oneHot?: boolean;
  dtype?: FloatDType;
}

/**
 * MNIST images (m, 28, 28) and labels (m,) as IDX bytes to the course's layout:
 * X (784, m) with column i image i in row-major pixel order, Y (1, m) or (10, m).
 */
export function mnistFromIdx(
  images: Uint8Array,
  labels: Uint8Array,
  options: MnistOptions = {},
  names = ['images', 'labels'],
): { X: Tensor; Y: Tensor } {
  const fn = 'mnistFromIdx';
  const dtype = floatDType(options.dtype, fn);
  const img = parseIdx(images, names[0]);
  const lab = parseIdx(labels, names[1]);
  if (img.shape.length < 2)
    throw new IdxError(`${fn}: '${names[0]}' must hold images (m, rows, cols), received shape (${img.shape.join(', ')})`);
  if (lab.shape.length !== 1)
    throw new IdxError(`${fn}: '${names[1]}' must hold one label per image (m,), received shape (${lab.shape.join(', ')})`);
  const m = img.shape[0];
  if (lab.shape[0] !== m) throw new IdxError(`${fn}: '${names[0]}' has ${m} images but '${names[1]}' has ${lab.shape[0]} labels`);
  const shape = img.shape.length === 3 ? [...img.shape, 1] : img.shape;
  const X = flattenImages(img.data, shape, { scale: options.scale ?? true, dtype });
  if (options.oneHot) return { X, Y: oneHot(lab.data, 10, dtype) };
  const Y = allocate(dtype, m);
  for (let i = 0; i < m; i++) Y[i] = lab.data[i];
  return { X, Y: new Tensor(Y, [1, m]) };
}
