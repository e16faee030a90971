import type { FloatDType, Tensor } from '@neurite/tensor';
import { floatDType } from '../util.ts';
import { decodeImage } from './decode.ts';
import { flattenImages } from './flatten.ts';
import type { ImageLimitOptions } from './header.ts';
import { assertImage, ImageError, type RgbImage } from './image.ts';
import { type ResizeMethod, resizeImage } from './resize.ts';

export interface ImageToColumnOptions {
  /** Divide by 255 (default true, as the course's X). */
  scale?: boolean;
  dtype?: FloatDType;
}

/**
 * RGB images of one size to the course's (height·width·3, m): column i is image i,
 * pixels in (row, column, channel) order.
 */
export function imagesToMatrix(images: readonly RgbImage[], options: ImageToColumnOptions = {}): Tensor {
  const fn = 'imagesToMatrix';
  if (!Array.isArray(images) || images.length === 0) throw new ImageError(`${fn}: images must be a non-empty array`);
  const first = assertImage(images[0], fn);
  const n = first.data.length;
  const all = new Uint8Array(n * images.length);
  images.forEach((img, i) => {
    assertImage(img, fn);
    if (img.width !== first.width || img.height !== first.height) {
      throw new ImageError(`${fn}: image ${i} is ${img.width}x${img.height}, image 0 is ${first.width}x${first.height}; resize them first`);
    }
    all.set(img.data, i * n);
  });
  return flattenImages(all, [images.length, first.height, first.width, 3], {
    scale: options.scale ?? true,
    dtype: floatDType(options.dtype, fn),
  });
}

/** One RGB image to a (height·width·3, 1) column. */
export function imageToColumn(image: RgbImage, options: ImageToColumnOptions = {}): Tensor {
  return imagesToMatrix([image], options);
}

export interface PrepareImageOptions extends ImageToColumnOptions, ImageLimitOptions {
  /** The model's input size (default 64 x 64, the cat model's). */
  width?: number;
  height?: number;
  method?: ResizeMethod;
  /** The file's name, for error messages. */
  source?: string;
}

/**
 * The course's "test with your own image" step: decode PNG/JPEG bytes, resize to the
 * model's input (64x64 RGB by default), and flatten to a (12288, 1) column scaled to [0, 1].
 */
export function prepareImage(bytes: Uint8Array | ArrayBuffer, options: PrepareImageOptions = {}): Tensor {
  const img = decodeImage(bytes, options.source, options);
  const resized = resizeImage(img, options.width ?? 64, options.height ?? 64, options.method ?? 'auto');
  return imageToColumn(resized, options);
}
