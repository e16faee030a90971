import { NeuriteError } from '@neurite/tensor';

/** An 8-bit RGB image, row-major, 3 bytes per pixel: data[(row·width + column)·3 + channel]. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** An image that cannot be decoded or resized; names the source when known. */
export class ImageError extends NeuriteError {
  override name = 'ImageError';
}

export function assertImage(img: unknown, fn: string): RgbImage {
  const i = img as RgbImage;
  const ok =
    i !== null &&
    typeof i === 'object' &&
    Number.isInteger(i.width) &&
    Number.isInteger(i.height) &&
    i.width > 0 &&
    i.height > 0 &&
    i.data instanceof Uint8Array &&
    i.data.length === i.width * i.height * 3;
  if (!ok) throw new ImageError(`${fn}: expected an RgbImage { width, height, data: Uint8Array of width·height·3 bytes }`);
  return i;
}
