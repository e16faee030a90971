/**
 * A digit drawn on a canvas, made into the 28x28 image the network was trained on, the way
 * MNIST's digits were made (LeCun et al.: "size normalized to fit in a 20x20 pixel box while
 * preserving their aspect ratio", anti-aliased, then "centered in a 28x28 image by computing
 * the center of mass of the pixels"):
 *
 * 1. ink in [0, 1] per canvas pixel (the pad's alpha channel);
 * 2. the bounding box of every pixel with ink, scaled by s = 20 / its longer side, so that the
 *    longer side becomes 20 pixels and the shorter one keeps the aspect ratio;
 * 3. resampled by area averaging: each output pixel is the mean ink over the part of the box it
 *    covers (the exact integral of the piecewise-constant drawing, so strokes get grey edges as
 *    MNIST's anti-aliasing gave them), the scaled box roughly centred in the 28x28 field, its
 *    top-left corner on a whole pixel;
 * 4. moved by whole pixels so that its centre of mass, in pixel indices, lands on (14, 14).
 *
 * Step 4's target is measured, not guessed: over the 10,000 digits of the mnist package the
 * centre of mass is at row 13.996, column 14.004 on average, each within ±0.5 of 14 (standard
 * deviation 0.289, that of a uniform rounding error), so MNIST moved its digits by whole pixels
 * to index 14. Their bounding boxes' longer side is 20 pixels (19 for under 5% of them).
 */
export const SIZE = 28;
export const BOX = 20;
export const CENTER = 14;

/** The ink of an RGBA canvas image (the pad draws opaque strokes on a transparent canvas): alpha / 255. */
export function inkFromRgba(rgba: ArrayLike<number>, width: number, height: number): Float64Array {
  if (rgba.length !== 4 * width * height) {
    throw new Error(`inkFromRgba: ${width}x${height} RGBA needs ${4 * width * height} bytes, received ${rgba.length}`);
  }
  const ink = new Float64Array(width * height);
  for (let p = 0; p < ink.length; p++) ink[p] = rgba[4 * p + 3] / 255;
  return ink;
}

/**
 * For each output index i in [0, n), the source indices it covers and by how much: the output
 * interval [i, i + 1) is the source interval [from + (i − offset)/s, from + (i + 1 − offset)/s),
 * clipped to the box's source indices [from, to].
 */
function overlaps(n: number, from: number, to: number, s: number, offset: number): { index: number; weight: number }[][] {
  const out: { index: number; weight: number }[][] = [];
  for (let i = 0; i < n; i++) {
    const a = from + (i - offset) / s;
    const b = from + (i + 1 - offset) / s;
    const cells: { index: number; weight: number }[] = [];
    for (let r = Math.max(from, Math.floor(a)); r <= Math.min(to, Math.ceil(b) - 1); r++) {
      const w = Math.min(b, r + 1) - Math.max(a, r);
      if (w > 0) cells.push({ index: r, weight: w });
    }
    out.push(cells);
  }
  return out;
}

/**
 * Steps 2 and 3: the bounding box of the ink scaled into a 20x20 box centred in 28x28, by area
 * averaging. Returns null when nothing is drawn.
 */
export function fitBox(ink: ArrayLike<number>, width: number, height: number): Float64Array | null {
  if (ink.length !== width * height)
    throw new Error(`fitBox: a ${width}x${height} image has ${width * height} pixels, received ${ink.length}`);
  let r0 = height;
  let r1 = -1;
  let c0 = width;
  let c1 = -1;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (ink[r * width + c] > 0) {
        if (r < r0) r0 = r;
        if (r > r1) r1 = r;
        if (c < c0) c0 = c;
        if (c > c1) c1 = c;
      }
    }
  }
  if (r1 < 0) return null;
  const s = BOX / Math.max(r1 - r0 + 1, c1 - c0 + 1);
  // The box starts on a whole pixel: a side of whole pixels (13 columns) then stays sharp
  // instead of being split across two pixels at a half-pixel offset. Step 4 centres it anyway.
  const start = (extent: number) => Math.floor((SIZE - extent) / 2 + 1e-9);
  const rows = overlaps(SIZE, r0, r1, s, start((r1 - r0 + 1) * s));
  const cols = overlaps(SIZE, c0, c1, s, start((c1 - c0 + 1) * s));
  const out = new Float64Array(SIZE * SIZE);
  // Separable: sum the covered source rows first, then the covered columns of that sum.
  const rowSum = new Float64Array(width);
  for (let i = 0; i < SIZE; i++) {
    if (rows[i].length === 0) continue;
    rowSum.fill(0, c0, c1 + 1);
    for (const { index: r, weight } of rows[i]) for (let c = c0; c <= c1; c++) rowSum[c] += weight * ink[r * width + c];
    for (let j = 0; j < SIZE; j++) {
      let v = 0;
      for (const { index: c, weight } of cols[j]) v += weight * rowSum[c];
      // The covered area is 1/s² source pixels; the mean of values in [0, 1] stays in it, up to rounding.
      out[i * SIZE + j] = Math.min(1, v * s * s);
    }
  }
  return out;
}

/** The centre of mass of a 28x28 image, in pixel indices (row, column). */
export function centerOfMass(image: ArrayLike<number>): [number, number] {
  let mass = 0;
  let r = 0;
  let c = 0;
  for (let i = 0; i < SIZE; i++) {
    for (let j = 0; j < SIZE; j++) {
      const v = image[i * SIZE + j];
      mass += v;
      r += i * v;
      c += j * v;
    }
  }
  return mass > 0 ? [r / mass, c / mass] : [CENTER, CENTER];
}

/**
 * Whole pixels to move by: the offset rounded, half up. Rounded to 1e-9 first, because a digit
 * whose centre is exactly half-way (13.5) comes out of the float sums as 13.5 ± 1e-14, and a
 * tie should break the same way whatever the rounding of the sums.
 */
const shiftTo = (center: number): number => Math.round(Math.round((CENTER - center) * 1e9) / 1e9);

/** Step 4: the image moved by whole pixels so that its centre of mass is at (14, 14). */
export function centerByMass(image: ArrayLike<number>): Float32Array {
  const [cr, cc] = centerOfMass(image);
  const dr = shiftTo(cr);
  const dc = shiftTo(cc);
  const out = new Float32Array(SIZE * SIZE);
  for (let i = 0; i < SIZE; i++) {
    const from = i - dr;
    if (from < 0 || from >= SIZE) continue;
    for (let j = 0; j < SIZE; j++) {
      const fj = j - dc;
      if (fj >= 0 && fj < SIZE) out[i * SIZE + j] = image[from * SIZE + fj];
    }
  }
  return out;
}

/** The whole preprocessing: canvas ink (width x height, row-major) to a 28x28 MNIST-style digit, or null when blank. */
export function toDigit(ink: ArrayLike<number>, width: number, height: number): Float32Array | null {
  const boxed = fitBox(ink, width, height);
  return boxed && centerByMass(boxed);
}
