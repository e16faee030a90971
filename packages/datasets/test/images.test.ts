import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeImage, ImageError, imagesToMatrix, imageToColumn, prepareImage, resizeImage, sniffFormat } from '../src/index.ts';
import { loadImage, loadImages, readImage } from '../src/node/index.ts';
import { tmp } from './h5files.ts';

/** A PNG whose pixel (r, c) is RGBA (10r, 10c, r + c, 255 - r): every pixel says where it is. */
function patternPng(width: number, height: number): Uint8Array {
  const png = new PNG({ width, height });
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) png.data.set([10 * r, 10 * c, r + c, 255 - r], 4 * (r * width + c));
  }
  return new Uint8Array(PNG.sync.write(png));
}

/** A PNG built from its specification: IHDR, optional PLTE, IDAT of filter-0 rows, IEND. */
function rawPng(width: number, height: number, colorType: number, bitDepth: number, rows: number[][], palette?: number[]): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
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
  ihdr.set([bitDepth, colorType, 0, 0, 0], 8);
  const raw = Buffer.concat(rows.map((r) => Buffer.from([0, ...r])));
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (palette) parts.push(chunk('PLTE', Buffer.from(palette)));
  parts.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)));
  return new Uint8Array(Buffer.concat(parts));
}

const rgb = (width: number, height: number, f: (r: number, c: number) => [number, number, number]) => {
  const data = new Uint8Array(width * height * 3);
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) data.set(f(r, c), 3 * (r * width + c));
  return { width, height, data };
};

describe('decodeImage', () => {
  it('decodes PNG pixels exactly, row-major RGB, alpha dropped', () => {
    const bytes = patternPng(5, 3);
    expect(sniffFormat(bytes)).toBe('png');
    const img = decodeImage(bytes);
    expect([img.width, img.height]).toEqual([5, 3]);
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 5; c++) expect(Array.from(img.data.slice(3 * (r * 5 + c), 3 * (r * 5 + c) + 3))).toEqual([10 * r, 10 * c, r + c]);
  });

  it('expands a greyscale PNG to three equal channels', () => {
    const png = new PNG({ width: 2, height: 1, colorType: 0, inputColorType: 0, bitDepth: 8 });
    const grey = PNG.sync.write(Object.assign(png, { data: Buffer.from([7, 200]) }), { colorType: 0, inputColorType: 0 });
    expect(Array.from(decodeImage(new Uint8Array(grey)).data)).toEqual([7, 7, 7, 200, 200, 200]);
  });

  it('scales 16-bit PNG samples to 8 bits and expands palette PNGs', () => {
    // One 16-bit RGB pixel (0x0000, 0x8080, 0xffff) -> (0, 128, 255).
    expect(Array.from(decodeImage(rawPng(1, 1, 2, 16, [[0, 0, 0x80, 0x80, 0xff, 0xff]])).data)).toEqual([0, 128, 255]);
    // Palette of two colours, pixels [1, 0].
    const indexed = rawPng(2, 1, 3, 8, [[1, 0]], [10, 20, 30, 200, 150, 100]);
    expect(Array.from(decodeImage(indexed).data)).toEqual([200, 150, 100, 10, 20, 30]);
    // 1-bit grey: bits 1,0 -> 255, 0.
    expect(Array.from(decodeImage(rawPng(2, 1, 0, 1, [[0b10000000]])).data)).toEqual([255, 255, 255, 0, 0, 0]);
    // 4-bit grey, 3 wide (rows padded to 2 bytes): row 0 = 15, 0, 8; row 1 = 0, 15, 0; v·255/15.
    const grey4 = decodeImage(
      rawPng(3, 2, 0, 4, [
        [0xf0, 0x80],
        [0x0f, 0x00],
      ]),
    );
    expect(Array.from(grey4.data).filter((_, i) => i % 3 === 0)).toEqual([255, 0, 136, 0, 255, 0]);
  });

  it('decodes a JPEG to within JPEG error of the encoded colours', () => {
    // Left half red-ish, right half blue-ish, 16x8 so each half is whole 8x8 blocks.
    const width = 16;
    const height = 8;
    const data = Buffer.alloc(width * height * 4);
    for (let p = 0; p < width * height; p++) data.set(p % width < 8 ? [200, 30, 40, 255] : [20, 60, 220, 255], 4 * p);
    const bytes = new Uint8Array(jpeg.encode({ width, height, data }, 100).data);
    expect(sniffFormat(bytes)).toBe('jpeg');
    const img = decodeImage(bytes);
    expect([img.width, img.height]).toEqual([16, 8]);
    const at = (r: number, c: number) => Array.from(img.data.slice(3 * (r * width + c), 3 * (r * width + c) + 3));
    for (const [k, v] of at(4, 2).entries()) expect(Math.abs(v - [200, 30, 40][k])).toBeLessThanOrEqual(4);
    for (const [k, v] of at(4, 13).entries()) expect(Math.abs(v - [20, 60, 220][k])).toBeLessThanOrEqual(4);
  });

  it('names the source for bytes that are not an image or are truncated', () => {
    expect(() => decodeImage(new TextEncoder().encode('hello'), 'notes.txt')).toThrow(
      "decodeImage: 'notes.txt' is neither PNG nor JPEG (unrecognised signature)",
    );
    const cut = patternPng(8, 8).slice(0, 40);
    expect(() => decodeImage(cut, 'cut.png')).toThrow(ImageError);
    expect(() => decodeImage(cut, 'cut.png')).toThrow(/cannot decode PNG 'cut.png'/);
  });
});

describe('resizeImage', () => {
  it('area-averages when shrinking: 4x4 to 2x2 takes the mean of each 2x2 block', () => {
    const img = rgb(4, 4, (r, c) => [10 * r + c, 100, 4 * c]);
    const out = resizeImage(img, 2, 2);
    // Block (0,0): values 0,1,10,11 -> 5.5 rounds to 6; block (1,1): 22,23,32,33 -> 27.5 -> 28.
    expect(Array.from(out.data)).toEqual([6, 100, 2, 8, 100, 10, 26, 100, 2, 28, 100, 10]);
  });

  it('weights partial pixels: 3 to 2 columns of [0, 30, 60] gives [10, 50]', () => {
    const img = rgb(3, 1, (_r, c) => [30 * c, 0, 0]);
    expect(Array.from(resizeImage(img, 2, 1, 'area').data)).toEqual([10, 0, 0, 50, 0, 0]);
  });

  it('interpolates bilinearly with pixel centres when enlarging: [0, 100] to [0, 25, 75, 100]', () => {
    const img = rgb(2, 1, (_r, c) => [100 * c, 0, 0]);
    const out = resizeImage(img, 4, 1);
    expect([0, 1, 2, 3].map((i) => out.data[3 * i])).toEqual([0, 25, 75, 100]);
    expect(resizeImage(img, 2, 1).data).toEqual(img.data);
  });

  it('validates sizes and method', () => {
    const img = rgb(2, 2, () => [0, 0, 0]);
    expect(() => resizeImage(img, 0, 2)).toThrow(/width must be an integer >= 1, received 0/);
    expect(() => resizeImage(img, 2, 2, 'cubic' as never)).toThrow(/method must be/);
    expect(() => resizeImage({ width: 2, height: 2, data: new Uint8Array(3) }, 1, 1)).toThrow(/expected an RgbImage/);
  });
});

describe('flattening in the course pixel order', () => {
  it('column i is image i, rows in (row, column, channel) order, scaled by 255', () => {
    const a = rgb(2, 2, (r, c) => [10 * r + c, 100 + 10 * r + c, 200 + 10 * r + c]);
    const b = rgb(2, 2, () => [1, 2, 3]);
    const X = imagesToMatrix([a, b], { scale: false, dtype: 'float64' });
    expect(X.shape).toEqual([12, 2]);
    expect(Array.from({ length: 12 }, (_, p) => X.data[2 * p])).toEqual([0, 100, 200, 1, 101, 201, 10, 110, 210, 11, 111, 211]);
    expect(Array.from({ length: 3 }, (_, p) => X.data[2 * p + 1])).toEqual([1, 2, 3]);
    expect(imageToColumn(a, { dtype: 'float64' }).data[4]).toBe(101 / 255);
    expect(() => imagesToMatrix([a, rgb(1, 1, () => [0, 0, 0])])).toThrow(/image 1 is 1x1, image 0 is 2x2; resize them first/);
  });

  it('prepareImage: a 128x128 PNG becomes a (12288, 1) column for the 64x64 cat model', () => {
    const X = prepareImage(patternPng(128, 128), { dtype: 'float64' });
    expect(X.shape).toEqual([12288, 1]);
    // Output pixel (3, 5) averages source rows 6, 7 and columns 10, 11: red = mean(60, 70) = 65,
    // green = mean(100, 110) = 105, blue = mean(r + c) = mean(16, 17, 17, 18) = 17.
    const p = (3 * 64 + 5) * 3;
    expect([X.data[p], X.data[p + 1], X.data[p + 2]].map((v) => Math.round(v * 255))).toEqual([65, 105, 17]);
  });
});

describe('image files (Node)', () => {
  it('loads PNG and JPEG files to columns and names missing or bad files', async () => {
    const pngPath = join(tmp, 'pattern.png');
    writeFileSync(pngPath, patternPng(64, 64));
    const img = await readImage(pngPath);
    expect([img.width, img.height, img.data[3 * 65]]).toEqual([64, 64, 10]);
    const X = await loadImages([pngPath, pngPath], { scale: false });
    expect(X.shape).toEqual([12288, 2]);
    expect(X.data[2 * 3 * 65]).toBe(10);
    expect((await loadImage(pngPath, { width: 32, height: 32 })).shape).toEqual([3072, 1]);
    await expect(loadImage(join(tmp, 'absent.jpg'))).rejects.toThrow(
      /^loadImage: cannot read '.*absent\.jpg': it does not exist; expected an image file \(PNG or JPEG\)/,
    );
    const jpgPath = join(tmp, 'grey.jpg');
    const data = Buffer.alloc(16 * 16 * 4, 128);
    writeFileSync(jpgPath, jpeg.encode({ width: 16, height: 16, data }, 95).data);
    const J = await loadImage(jpgPath, { width: 4, height: 4, scale: false });
    expect(J.shape).toEqual([48, 1]);
    for (const v of J.data) expect(Math.abs(v - 128)).toBeLessThanOrEqual(2);
    const txt = join(tmp, 'fake.png');
    writeFileSync(txt, 'not a png');
    await expect(readImage(txt)).rejects.toThrow(`decodeImage: '${txt}' is neither PNG nor JPEG (unrecognised signature)`);
  });
});
