import { assertImage, ImageError, type RgbImage } from './image.ts';

/**
 * 'area' averages every source pixel an output pixel covers (right for shrinking a
 * photo to 64x64: no aliasing); 'bilinear' interpolates between the four nearest
 * pixel centres (right for enlarging). 'auto' picks area when shrinking an axis.
 */
export type ResizeMethod = 'auto' | 'area' | 'bilinear';

interface Taps {
  first: Int32Array;
  weights: Float64Array[];
}

/** For each output index, the first source index it reads and the weights from there. */
function taps(inSize: number, outSize: number, method: 'area' | 'bilinear'): Taps {
  const scale = inSize / outSize;
  const first = new Int32Array(outSize);
  const weights: Float64Array[] = [];
  for (let o = 0; o < outSize; o++) {
    if (method === 'area' && scale > 1) {
      const lo = o * scale;
      const hi = lo + scale;
      const k0 = Math.floor(lo);
      const k1 = Math.min(Math.ceil(hi), inSize);
      const w = new Float64Array(k1 - k0);
      for (let k = k0; k < k1; k++) w[k - k0] = (Math.min(hi, k + 1) - Math.max(lo, k)) / scale;
      first[o] = k0;
      weights.push(w);
    } else {
      // Pixel centres at +0.5, as PIL and OpenCV align them.
      const x = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), inSize - 1);
      const k0 = Math.floor(x);
      const frac = x - k0;
      first[o] = k0;
      weights.push(k0 + 1 < inSize ? Float64Array.of(1 - frac, frac) : Float64Array.of(1));
    }
  }
  return { first, weights };
}

/** Resamples an RGB image to width x height, separably (rows, then columns), rounding to 8 bits. */
export function resizeImage(image: RgbImage, width: number, height: number, method: ResizeMethod = 'auto'): RgbImage {
  const img = assertImage(image, 'resizeImage');
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ImageError(`resizeImage: ${name} must be an integer >= 1, received ${v}`);
  }
  if (method !== 'auto' && method !== 'area' && method !== 'bilinear') {
    throw new ImageError(`resizeImage: method must be 'auto', 'area' or 'bilinear', received ${JSON.stringify(method)}`);
  }
  if (img.width === width && img.height === height) return { width, height, data: img.data.slice() };
  const pick = (inSize: number, outSize: number) => (method === 'auto' ? (outSize < inSize ? 'area' : 'bilinear') : method);
  const tx = taps(img.width, width, pick(img.width, width));
  const ty = taps(img.height, height, pick(img.height, height));
  // Horizontal pass: (img.height, width, 3) in float.
  const mid = new Float64Array(img.height * width * 3);
  for (let r = 0; r < img.height; r++) {
    for (let o = 0; o < width; o++) {
      const w = tx.weights[o];
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let k = 0; k < w.length; k++) s += w[k] * img.data[(r * img.width + tx.first[o] + k) * 3 + c];
        mid[(r * width + o) * 3 + c] = s;
      }
    }
  }
  const out = new Uint8Array(height * width * 3);
  for (let o = 0; o < height; o++) {
    const w = ty.weights[o];
    for (let col = 0; col < width; col++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let k = 0; k < w.length; k++) s += w[k] * mid[((ty.first[o] + k) * width + col) * 3 + c];
        out[(o * width + col) * 3 + c] = Math.min(255, Math.max(0, Math.round(s)));
      }
    }
  }
  return { width, height, data: out };
}
