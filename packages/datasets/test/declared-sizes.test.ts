import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PIXELS, decodeImage, ImageError } from '../src/index.ts';
import { Hdf5Error, loadCatDataset, loadCsv, readHdf5, readIdx, readImage } from '../src/node/index.ts';
import { tmp } from './h5files.ts';

const at = (name: string) => join(tmp, name);

/** A PNG of IHDR, IDAT and IEND chunks (CRCs right), declaring any size over any IDAT. */
function png(width: number, height: number, idat: Uint8Array): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]));
}

/** A baseline JPEG's first segments, up to a SOF0 declaring width x height. */
function jpegHeader(width: number, height: number): Uint8Array {
  return new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xc0,
    0,
    17,
    8,
    height >> 8,
    height & 255,
    width >> 8,
    width & 255,
    3,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ]);
}

describe('images: the declared size is checked before decoding', () => {
  const saved = process.env.NEURITE_MAX_IMAGE_PIXELS;
  afterEach(() => {
    if (saved === undefined) delete process.env.NEURITE_MAX_IMAGE_PIXELS;
    else process.env.NEURITE_MAX_IMAGE_PIXELS = saved;
  });

  it('a PNG declaring 10000x10000 is refused by its header, with the limit and how to raise it', () => {
    const bytes = png(10000, 10000, deflateSync(Buffer.alloc(30001)));
    expect(() => decodeImage(bytes, 'huge.png')).toThrow(ImageError);
    expect(() => decodeImage(bytes, 'huge.png')).toThrow(
      /PNG 'huge\.png' declares 10000x10000 pixels \(100000000\), more than the 50000000 allowed; .*maxPixels option or NEURITE_MAX_IMAGE_PIXELS/,
    );
    expect(DEFAULT_MAX_PIXELS).toBe(50_000_000);
  });

  it('a PNG declaring more rows than its compressed bytes can inflate to is refused, whatever the limit', () => {
    // 4000 x 4000 RGB is 48,004,000 bytes of rows; 30 bytes of deflate data inflate to at most 30,960.
    const bytes = png(4000, 4000, deflateSync(Buffer.alloc(100)));
    expect(() => decodeImage(bytes, 'cut.png', { maxPixels: 1e9 })).toThrow(
      /declares 4000x4000 pixels \(48004000 bytes of rows\), more than its \d+ compressed bytes can hold \(deflate expands at most 1032 times\)/,
    );
  });

  it('a JPEG declaring 10000x10000 is refused by its frame header', () => {
    expect(() => decodeImage(jpegHeader(10000, 10000), 'huge.jpg')).toThrow(/JPEG 'huge\.jpg' declares 10000x10000 pixels/);
  });

  it('the limit is the maxPixels option, else NEURITE_MAX_IMAGE_PIXELS; bad values are refused by name', () => {
    const small = png(4, 4, deflateSync(Buffer.alloc(4 * 13)));
    expect(decodeImage(small, 'ok.png').width).toBe(4);
    expect(() => decodeImage(small, 'ok.png', { maxPixels: 15 })).toThrow(/declares 4x4 pixels \(16\), more than the 15 allowed/);
    process.env.NEURITE_MAX_IMAGE_PIXELS = '10';
    expect(() => decodeImage(small, 'ok.png')).toThrow(/more than the 10 allowed/);
    expect(decodeImage(small, 'ok.png', { maxPixels: 16 }).height).toBe(4);
    process.env.NEURITE_MAX_IMAGE_PIXELS = 'lots';
    expect(() => decodeImage(small, 'ok.png')).toThrow(/NEURITE_MAX_IMAGE_PIXELS must be a positive integer, received 'lots'/);
    expect(() => decodeImage(small, 'ok.png', { maxPixels: 0 })).toThrow(/maxPixels must be a positive integer, received 0/);
  });
});

describe('HDF5: a dataset must be stored in the file it is read from', () => {
  /** A chunked dataset grown to `m` images after writing one: HDF5 stores no chunk for the rest. */
  async function unwritten(file: string, m: number, compression?: number): Promise<string> {
    const { File } = await import('h5wasm/node').then(async (mod) => {
      await mod.ready;
      return mod;
    });
    const path = at(file);
    const f = new File(path, 'w');
    const x = f.create_dataset({
      name: 'train_set_x',
      data: new Uint8Array(12288),
      shape: [1, 64, 64, 3],
      dtype: '<B',
      maxshape: [null, 64, 64, 3],
      chunks: [1, 64, 64, 3],
      ...(compression ? { compression } : {}),
    });
    x.resize([m, 64, 64, 3]);
    const y = f.create_dataset({ name: 'train_set_y', data: new Uint8Array(1), shape: [1], dtype: '<B', maxshape: [null], chunks: [1] });
    y.resize([m]);
    f.close();
    return path;
  }

  it('a small file declaring 20,000 images that were never written is refused before they are read', async () => {
    const path = await unwritten('declared.h5', 20000);
    await expect(readHdf5(path, 'train_set_x')).rejects.toThrow(Hdf5Error);
    await expect(readHdf5(path, 'train_set_x')).rejects.toThrow(
      /readHdf5: dataset 'train_set_x' in '.*declared\.h5' declares shape \(20000, 64, 64, 3\) of 1-byte values, 245760000 bytes, but the file has \d+ bytes: its data was never written/,
    );
    await expect(loadCatDataset(path, path)).rejects.toThrow(
      /loadCatDataset: dataset 'train_set_x' .* declares shape \(20000, 64, 64, 3\)/,
    );
  });

  it("a compressed dataset may hold up to deflate's ratio, no more", async () => {
    const ok = await unwritten('gzip-ok.h5', 3, 9);
    const X = await readHdf5(ok, 'train_set_x');
    expect(X.shape).toEqual([3, 64, 64, 3]);
    const bad = await unwritten('gzip-bad.h5', 20000, 9);
    await expect(readHdf5(bad, 'train_set_x')).rejects.toThrow(/and its compression expands at most 1032 times/);
  });
});

describe('IDX: a gzip file may not declare more than it can inflate to', () => {
  it('an IDX header declaring 10^6 28x28 images in 60 gzip bytes is refused before decompressing', async () => {
    const header = Buffer.from([0, 0, 8, 3, 0, 0x0f, 0x42, 0x40, 0, 0, 0, 28, 0, 0, 0, 28]);
    const path = at('bomb-idx3-ubyte.gz');
    writeFileSync(path, gzipSync(Buffer.concat([header, Buffer.alloc(10)])));
    await expect(readIdx(path)).rejects.toThrow(/declares 784000016 bytes of IDX data, more than its \d+ gzip bytes can hold/);
  });

  it('a gzip file inflating past what its header declares is refused', async () => {
    const header = Buffer.from([0, 0, 8, 1, 0, 0, 0, 4]);
    const path = at('long-idx1-ubyte.gz');
    writeFileSync(path, gzipSync(Buffer.concat([header, Buffer.alloc(100000)])));
    await expect(readIdx(path)).rejects.toThrow(/decompresses to more than the 12 bytes its IDX header declares/);
  });
});

describe('non-regular files are refused by name, without blocking or reading forever', () => {
  const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;
  const fifo = at('pipe');
  if (hasMkfifo && !existsSync(fifo)) execFileSync('mkfifo', [fifo]);
  const zero = at('zero.csv');
  if (existsSync('/dev/zero') && !existsSync(zero)) symlinkSync('/dev/zero', zero);

  it.skipIf(!hasMkfifo)('a FIFO as CSV, image, HDF5 or IDX', async () => {
    await expect(loadCsv(fifo)).rejects.toThrow(/loadCsv: '.*pipe' is a named pipe \(FIFO\), not a regular file; expected a CSV file/);
    await expect(readImage(fifo)).rejects.toThrow(
      /readImage: '.*pipe' is a named pipe \(FIFO\), not a regular file; expected an image file/,
    );
    await expect(readHdf5(fifo, 'x')).rejects.toThrow(
      /readHdf5: '.*pipe' is a named pipe \(FIFO\), not a regular file; expected an HDF5 file/,
    );
    await expect(readIdx(fifo)).rejects.toThrow(/readIdx: '.*pipe' is a named pipe \(FIFO\), not a regular file; expected an IDX file/);
  });

  it.skipIf(!existsSync('/dev/zero'))('/dev/zero, linked or named', async () => {
    await expect(loadCsv(zero)).rejects.toThrow(/'.*zero\.csv' is a character device, not a regular file/);
    await expect(readImage('/dev/zero')).rejects.toThrow(/'\/dev\/zero' is a character device, not a regular file/);
    await expect(readIdx('/dev/zero')).rejects.toThrow(/'\/dev\/zero' is a character device/);
  });
});
