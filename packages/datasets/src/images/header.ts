import { envVar } from '@neurite/tensor';
import { ImageError } from './image.ts';

/**
 * An image's size as its header declares it, checked before decoding allocates anything:
 * a 291 KB PNG may declare 10000x10000 pixels, and decoding it took 911 MB.
 */

/**
 * The default largest image, in pixels: 50 megapixels (a 48 MP phone photo fits), which decodes
 * in about 350 MB (RGBA, then RGB). Raise it with the maxPixels option or the
 * NEURITE_MAX_IMAGE_PIXELS environment variable.
 */
export const DEFAULT_MAX_PIXELS = 50_000_000;

/** Deflate expands at most 1032 times (258-byte matches coded in 2 bits). */
const DEFLATE_MAX_RATIO = 1032;

export interface ImageLimitOptions {
  /** Refuse images of more pixels than this (default NEURITE_MAX_IMAGE_PIXELS, else 50,000,000). */
  maxPixels?: number;
}

/** The pixel limit from the option, else the environment, else the default; a bad value is refused by name. */
export function maxPixelsOf(options: ImageLimitOptions | undefined, fn: string): number {
  const given = options?.maxPixels;
  if (given !== undefined) {
    if (typeof given !== 'number' || !Number.isSafeInteger(given) || given < 1)
      throw new ImageError(`${fn}: maxPixels must be a positive integer, received ${JSON.stringify(given) ?? String(given)}`);
    return given;
  }
  const env = envVar('NEURITE_MAX_IMAGE_PIXELS');
  if (env === undefined || env === '') return DEFAULT_MAX_PIXELS;
  const n = Number(env);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new ImageError(`${fn}: NEURITE_MAX_IMAGE_PIXELS must be a positive integer, received '${env}'`);
  return n;
}

interface Header {
  width: number;
  height: number;
  /** For a PNG: the bytes of its IDAT chunks (the compressed pixels), and of the rows once inflated. */
  compressed?: number;
  raw?: number;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function pngHeader(bytes: Uint8Array): Header | null {
  if (bytes.length < 33) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = bytes[24];
  const channels = CHANNELS[bytes[25]] ?? 4;
  let compressed = 0;
  // Chunks: length, type, data, CRC. A cut or garbled chunk list ends the count; the decoder names it.
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    if (type === 'IDAT') compressed += Math.min(length, bytes.length - at - 8);
    if (type === 'IEND') break;
    at += 12 + length;
  }
  // One filter byte per row, then the packed samples (interlaced images are a little larger).
  const raw = height * (1 + Math.ceil((width * channels * depth) / 8));
  return { width, height, compressed, raw };
}

function jpegHeader(bytes: Uint8Array): Header | null {
  for (let at = 2; at + 9 < bytes.length; ) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    // SOF0..SOF15 hold the frame's size; C4 (DHT), C8 (JPG) and CC (DAC) share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[at + 5] << 8) | bytes[at + 6], width: (bytes[at + 7] << 8) | bytes[at + 8] };
    }
    if (marker === 0xda) return null;
    at += 2 + length;
  }
  return null;
}

/**
 * Refuses an image whose declared size exceeds `maxPixels`, or (a PNG) whose pixels could not
 * come out of its compressed bytes, before it is decoded. Unknown headers pass: the decoder
 * then names what is wrong.
 */
export function checkImageHeader(bytes: Uint8Array, format: 'png' | 'jpeg', source: string, maxPixels: number): void {
  const header = format === 'png' ? pngHeader(bytes) : jpegHeader(bytes);
  if (!header) return;
  const { width, height } = header;
  const pixels = width * height;
  const name = format.toUpperCase();
  if (pixels > maxPixels) {
    throw new ImageError(
      `decodeImage: ${name} '${source}' declares ${width}x${height} pixels (${pixels}), more than the ${maxPixels} allowed; decoding would take about ${Math.ceil((pixels * 7) / 2 ** 20)} MB (raise the limit with the maxPixels option or NEURITE_MAX_IMAGE_PIXELS)`,
    );
  }
  if (header.raw !== undefined && header.compressed !== undefined && header.raw > DEFLATE_MAX_RATIO * header.compressed + 1024) {
    throw new ImageError(
      `decodeImage: ${name} '${source}' declares ${width}x${height} pixels (${header.raw} bytes of rows), more than its ${header.compressed} compressed bytes can hold (deflate expands at most ${DEFLATE_MAX_RATIO} times): the file is cut short or corrupt`,
    );
  }
}
