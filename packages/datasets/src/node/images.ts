import type { Tensor } from '@neurite/tensor';
import { readInputFile } from '@neurite/tensor/node';
import { decodeImage } from '../images/decode.ts';
import type { ImageLimitOptions } from '../images/header.ts';
import { ImageError, type RgbImage } from '../images/image.ts';
import { imagesToMatrix, type PrepareImageOptions } from '../images/prepare.ts';
import { resizeImage } from '../images/resize.ts';

async function readBytes(path: string, fn: string): Promise<Uint8Array> {
  if (typeof path !== 'string' || path.length === 0)
    throw new ImageError(`${fn}: path must be a non-empty string, received ${String(path)}`);
  return readInputFile(path, { fn, expected: 'an image file (PNG or JPEG)', error: ImageError });
}

/** A PNG or JPEG file decoded to 8-bit RGB at its own size (at most `maxPixels`, see decodeImage). */
export async function readImage(path: string, options: ImageLimitOptions = {}): Promise<RgbImage> {
  return decodeImage(await readBytes(path, 'readImage'), path, options);
}

/**
 * Image files to the model's input, one column each: decoded, resized (64x64 by
 * default), flattened in (row, column, channel) order and scaled to [0, 1].
 * `loadImages(['my_image.jpg'])` is the course's "test with your own image" X.
 */
export async function loadImages(paths: readonly string[], options: PrepareImageOptions = {}): Promise<Tensor> {
  if (!Array.isArray(paths) || paths.length === 0) throw new ImageError('loadImages: paths must be a non-empty array of file paths');
  return readImages(paths, options, 'loadImages');
}

/** One image file as a (height·width·3, 1) column; see loadImages. */
export async function loadImage(path: string, options: PrepareImageOptions = {}): Promise<Tensor> {
  return readImages([path], options, 'loadImage');
}

/** The files decoded, resized and stacked as columns; errors are labelled with the caller's name `fn`. */
async function readImages(paths: readonly string[], options: PrepareImageOptions, fn: string): Promise<Tensor> {
  const images: RgbImage[] = [];
  for (const path of paths) {
    const img = decodeImage(await readBytes(path, fn), path, options);
    images.push(resizeImage(img, options.width ?? 64, options.height ?? 64, options.method ?? 'auto'));
  }
  return imagesToMatrix(images, options);
}
