import { convertIndexedToRgb, decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { checkImageHeader, type ImageLimitOptions, maxPixelsOf } from './header.ts';
import { ImageError, type RgbImage } from './image.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export type ImageFormat = 'png' | 'jpeg';

/** The format from the file's magic bytes, not its name. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/**
 * PNG (fast-png) or JPEG (jpeg-js) bytes to 8-bit RGB: alpha dropped, as PIL's
 * convert('RGB') does; grey and palette images expanded; 16-bit PNGs scaled to 8 bits. `source` names the
 * file in errors. An image declaring more than `maxPixels` (default 50,000,000, or
 * NEURITE_MAX_IMAGE_PIXELS) is refused from its header, before anything is decoded.
 */
export function decodeImage(bytes: Uint8Array | ArrayBuffer, source = 'image', options: ImageLimitOptions = {}): RgbImage {
  const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(data instanceof Uint8Array))
    throw new ImageError(`decodeImage: bytes must be a Uint8Array or ArrayBuffer, received ${typeof bytes}`);
  const format = sniffFormat(data);
  if (format === null) throw new ImageError(`decodeImage: '${source}' is neither PNG nor JPEG (unrecognised signature)`);
  const maxPixels = maxPixelsOf(options, 'decodeImage');
  checkImageHeader(data, format, source, maxPixels);
  let rgba: { width: number; height: number; data: Uint8Array; channels: number };
  try {
    if (format === 'png') {
      rgba = pngTo8Bit(data);
    } else {
      // jpeg-js's own limits, as a second line behind the header check: the same pixel budget,
      // and memory for its component planes and output (about 16 bytes per pixel at most).
      const img = jpeg.decode(data, {
        useTArray: true,
        formatAsRGBA: false,
        maxResolutionInMP: maxPixels / 1e6,
        maxMemoryUsageInMB: Math.max(512, Math.ceil((maxPixels * 16) / 2 ** 20)),
      });
      rgba = { width: img.width, height: img.height, data: img.data, channels: 3 };
    }
  } catch (err) {
    throw new ImageError(
      `decodeImage: cannot decode ${format.toUpperCase()} '${source}': ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const { width, height, channels } = rgba;
  if (!(width > 0 && height > 0) || rgba.data.length < width * height * channels) {
    throw new ImageError(`decodeImage: ${format.toUpperCase()} '${source}' decoded to no pixels (${width}x${height})`);
  }
  const rgb = new Uint8Array(width * height * 3);
  const src = rgba.data;
  for (let p = 0; p < width * height; p++) {
    // Grey (+ alpha) repeats its one value; colour keeps R, G, B; alpha is dropped.
    const o = p * channels;
    if (channels <= 2) rgb.fill(src[o], 3 * p, 3 * p + 3);
    else rgb.set(src.subarray(o, o + 3), 3 * p);
  }
  return { width, height, data: rgb };
}

/** fast-png's output (any bit depth, palette, grey or colour) as 8-bit samples. */
function pngTo8Bit(bytes: Uint8Array): { width: number; height: number; data: Uint8Array; channels: number } {
  const png = decodePng(bytes);
  const { width, height } = png;
  if (png.palette) {
    const data = convertIndexedToRgb(png);
    return { width, height, data, channels: data.length / (width * height) };
  }
  const { channels, depth } = png;
  const src = png.data;
  if (depth === 8) return { width, height, data: src as Uint8Array, channels };
  if (depth === 16) {
    const data = new Uint8Array(src.length);
    for (let i = 0; i < src.length; i++) data[i] = Math.round((src[i] * 255) / 65535);
    return { width, height, data, channels };
  }
  // 1-, 2- and 4-bit grey come packed, each row starting on a byte: unpack and stretch to 0..255.
  const perByte = 8 / depth;
  const rowBytes = Math.ceil(width / perByte);
  const max = 2 ** depth - 1;
  const data = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const byte = src[r * rowBytes + Math.floor(c / perByte)];
      const shift = 8 - depth * ((c % perByte) + 1);
      data[r * width + c] = Math.round((((byte >> shift) & max) * 255) / max);
    }
  }
  return { width, height, data, channels: 1 };
}
