import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzip, IdxError, mnistFromIdx, parseIdx } from '../src/index.ts';
import { loadMnist, readIdx } from '../src/node/index.ts';
import { tmp } from './h5files.ts';

/** IDX bytes written by hand from the format: 0, 0, type, ndim, big-endian dims, big-endian data. */
function idx(type: number, shape: number[], values: number[]): Uint8Array {
  const size = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 }[type]!;
  const buf = Buffer.alloc(4 + 4 * shape.length + size * values.length);
  buf.set([0, 0, type, shape.length]);
  for (const [i, d] of shape.entries()) buf.writeUInt32BE(d, 4 + 4 * i);
  const at = 4 + 4 * shape.length;
  values.forEach((v, i) => {
    const o = at + i * size;
    if (type === 8) buf.writeUInt8(v, o);
    else if (type === 9) buf.writeInt8(v, o);
    else if (type === 11) buf.writeInt16BE(v, o);
    else if (type === 12) buf.writeInt32BE(v, o);
    else if (type === 13) buf.writeFloatBE(v, o);
    else buf.writeDoubleBE(v, o);
  });
  return new Uint8Array(buf);
}

// Three 2x3 "digits": image i pixel (r, c) = 50i + 10r + c; labels 7, 0, 9.
const pixels = Array.from({ length: 18 }, (_, j) => 50 * Math.floor(j / 6) + 10 * Math.floor((j % 6) / 3) + (j % 3));
const images = idx(8, [3, 2, 3], pixels);
const labels = idx(8, [3], [7, 0, 9]);

describe('parseIdx', () => {
  it('reads the shape and every element type big-endian', () => {
    expect(parseIdx(images)).toMatchObject({ shape: [3, 2, 3], type: 'uint8' });
    expect(Array.from(parseIdx(images).data)).toEqual(pixels);
    expect(Array.from(parseIdx(idx(9, [2], [-5, 7])).data)).toEqual([-5, 7]);
    expect(Array.from(parseIdx(idx(11, [2], [-300, 1000])).data)).toEqual([-300, 1000]);
    expect(Array.from(parseIdx(idx(12, [1, 2], [-70000, 123456])).data)).toEqual([-70000, 123456]);
    expect(Array.from(parseIdx(idx(13, [1], [1.5])).data)).toEqual([1.5]);
    expect(Array.from(parseIdx(idx(14, [2], [Math.PI, -2])).data)).toEqual([Math.PI, -2]);
  });

  it('rejects bad magic, truncation and gzip with the source named', () => {
    expect(() => parseIdx(new Uint8Array([1, 2, 3, 4]), 'x.bin')).toThrow("parseIdx: 'x.bin' is not an IDX file (magic bytes 01 02 03 04)");
    expect(() => parseIdx(images.slice(0, images.length - 1), 'cut')).toThrow(
      "parseIdx: 'cut' is truncated: shape (3, 2, 3) of uint8 needs 34 bytes, the file has 33",
    );
    expect(() => parseIdx(images.slice(0, 9), 'h')).toThrow(/'h' is truncated in its header/);
    expect(() => parseIdx(new Uint8Array(gzipSync(images)), 'z.gz')).toThrow(/'z.gz' is gzip-compressed/);
  });

  it('gunzip (DecompressionStream) restores gzip bytes', async () => {
    expect(Array.from(await gunzip(new Uint8Array(gzipSync(images))))).toEqual(Array.from(images));
  });
});

describe('mnistFromIdx', () => {
  it('flattens images to (rows·cols, m) columns in row-major order, scaled, with labels', () => {
    const { X, Y } = mnistFromIdx(images, labels, { dtype: 'float64' });
    expect(X.shape).toEqual([6, 3]);
    expect(Array.from({ length: 6 }, (_, p) => X.data[p * 3 + 2] * 255)).toEqual(
      [100, 101, 102, 110, 111, 112].map((v) => expect.closeTo(v, 10)),
    );
    expect(Y.toArray()).toEqual([[7, 0, 9]]);
    const hot = mnistFromIdx(images, labels, { oneHot: true, scale: false });
    expect(hot.Y.shape).toEqual([10, 3]);
    expect([hot.Y.data[7 * 3 + 0], hot.Y.data[0 * 3 + 1], hot.Y.data[9 * 3 + 2]]).toEqual([1, 1, 1]);
    expect(Array.from(hot.Y.data).reduce((a, b) => a + b)).toBe(3);
    expect(hot.X.data[3 * 5 + 1]).toBe(62);
  });

  it('rejects a label count that does not match', () => {
    expect(() => mnistFromIdx(images, idx(8, [2], [1, 2]))).toThrow(/'images' has 3 images but 'labels' has 2 labels/);
  });
});

describe('loadMnist / readIdx (Node)', () => {
  it('loads a directory of gzip and plain IDX files with the standard names', async () => {
    const dir = join(tmp, 'mnist');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(images));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(labels));
    writeFileSync(join(dir, 't10k-images.idx3-ubyte'), idx(8, [1, 2, 3], [0, 0, 0, 255, 255, 255]));
    writeFileSync(join(dir, 't10k-labels.idx1-ubyte'), idx(8, [1], [4]));
    const d = await loadMnist(dir);
    expect(d.trainX.shape).toEqual([6, 3]);
    expect(d.testX.shape).toEqual([6, 1]);
    expect(Array.from(d.testX.data)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(d.testY.toArray()).toEqual([[4]]);
    expect(d.classes).toHaveLength(10);
    expect((await readIdx(join(dir, 'train-labels-idx1-ubyte.gz'))).shape).toEqual([3]);
  });

  it('names what is missing or broken', async () => {
    const dir = join(tmp, 'mnist-partial');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), images);
    await expect(loadMnist(dir)).rejects.toThrow(
      /lacks train-images-idx3-ubyte\[\.gz\] or train-labels-idx1-ubyte\[\.gz\] \(found: train-images-idx3-ubyte\)/,
    );
    await expect(loadMnist(join(tmp, 'no-such-dir'))).rejects.toThrow(/cannot read MNIST directory '.*no-such-dir': not found/);
    const bad = join(tmp, 'bad.gz');
    writeFileSync(bad, gzipSync(images).subarray(0, 15));
    await expect(readIdx(bad)).rejects.toThrow(IdxError);
    await expect(readIdx(bad)).rejects.toThrow(/bad\.gz' is a damaged gzip file/);
  });
});
