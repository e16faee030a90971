import { describe, expect, it } from 'vitest';
import { centerOfMass, fitBox, inkFromRgba, toDigit } from '../src/digits/preprocess.ts';

/** A width x height canvas with ink v over rows [r0, r1] and columns [c0, c1] (inclusive). */
function canvas(width: number, height: number, blocks: [number, number, number, number, number][]): Float64Array {
  const ink = new Float64Array(width * height);
  for (const [r0, r1, c0, c1, v] of blocks) for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) ink[r * width + c] = v;
  return ink;
}

/** The 28x28 image with value v over rows [r0, r1] and columns [c0, c1], as a plain array. */
function expected(blocks: [number, number, number, number, number][]): number[] {
  return Array.from(canvas(28, 28, blocks));
}

// The values below are derived by hand in each comment. The code computes in float64 and
// stores float32: an exact 0 or 1 stays exact, 1/3 or 2/3 is off by float32's rounding (2^-24
// relative) plus a few float64 roundings of the weights' sums, far below 1e-6.
const close = (got: ArrayLike<number>, want: number[]) => {
  expect(got.length).toBe(want.length);
  const worst = Math.max(...Array.from(got, (g, i) => Math.abs(g - want[i])));
  expect(worst).toBeLessThan(1e-6);
};

describe('canvas to a 28x28 MNIST-style digit', () => {
  it('a blank canvas is no digit', () => {
    expect(toDigit(new Float64Array(40 * 40), 40, 40)).toBeNull();
  });

  it('ink is the alpha channel over 255', () => {
    expect(Array.from(inkFromRgba([0, 0, 0, 255, 9, 9, 9, 0, 0, 0, 0, 51], 3, 1))).toEqual([1, 0, 0.2]);
    expect(() => inkFromRgba([0, 0, 0], 1, 1)).toThrow(/needs 4 bytes, received 3/);
  });

  it('a 20-tall, 10-wide block keeps its size, is centred, then moved to centre of mass (14, 14)', () => {
    // Rows 5..24, columns 3..12 of a 40x40 canvas: the longer side is already 20, s = 1.
    // Centred in 28x28: rows (28 − 20)/2 = 4 .. 23, columns (28 − 10)/2 = 9 .. 18.
    const ink = canvas(40, 40, [[5, 24, 3, 12, 1]]);
    close(fitBox(ink, 40, 40)!, expected([[4, 23, 9, 18, 1]]));
    // Its centre of mass is (13.5, 13.5); Math.round(14 − 13.5) = 1 pixel down and right.
    close(toDigit(ink, 40, 40)!, expected([[5, 24, 10, 19, 1]]));
  });

  it('a larger drawing is scaled down by area averaging, with a grey edge where a pixel is partly covered', () => {
    // A 30-tall, 5-wide block: s = 20/30 = 2/3, so it becomes 20 x 10/3 pixels. Its columns
    // start at ⌊(28 − 10/3)/2⌋ = ⌊12.333⌋ = 12 and span [12, 15.333]: columns 12..14 fully
    // covered, column 15 one third; rows 4..23 fully.
    const ink = canvas(64, 48, [[9, 38, 30, 34, 1]]);
    const boxed = expected([
      [4, 23, 12, 14, 1],
      [4, 23, 15, 15, 1 / 3],
    ]);
    close(fitBox(ink, 64, 48)!, boxed);
    // Column centre of mass (12 + 13 + 14 + 15/3) / (10/3) = 13.2: Math.round(0.8) = 1 to the
    // right. Rows: 13.5 up to the float sums' rounding, a tie, broken upwards: 1 down.
    const [cr, cc] = centerOfMass(fitBox(ink, 64, 48)!);
    expect(Math.abs(cr - 13.5)).toBeLessThan(1e-12);
    expect(Math.abs(cc - 13.2)).toBeLessThan(1e-12);
    close(
      toDigit(ink, 64, 48)!,
      expected([
        [5, 24, 13, 15, 1],
        [5, 24, 16, 16, 1 / 3],
      ]),
    );
  });

  it('a 2x downscale averages each 2x2 block of the drawing', () => {
    // A 40-tall, 40-wide box whose left half has ink 1 and right half ink 0.5 (both count as
    // ink for the bounding box). s = 1/2, each output pixel the mean of a 2x2 block: columns
    // 4..13 are 1, columns 14..23 are 0.5.
    // Column centre of mass: (Σ_{4..13} j + 0.5·Σ_{14..23} j) / (10 + 5) = (85 + 92.5) / 15
    // = 11.8333, so Math.round(14 − 11.8333) = 2 pixels right; rows (13.5) one pixel down.
    const ink = canvas(50, 50, [
      [3, 42, 5, 24, 1],
      [3, 42, 25, 44, 0.5],
    ]);
    close(
      fitBox(ink, 50, 50)!,
      expected([
        [4, 23, 4, 13, 1],
        [4, 23, 14, 23, 0.5],
      ]),
    );
    close(
      toDigit(ink, 50, 50)!,
      expected([
        [5, 24, 6, 15, 1],
        [5, 24, 16, 25, 0.5],
      ]),
    );
  });

  it('a small drawing is scaled up: whole pixels inside a source pixel, a fraction at an edge', () => {
    // A 3x3 block: s = 20/3, the box is 20x20 at 4..23, and every output pixel lies inside one
    // source pixel (a source pixel spans 6.667 output pixels), so every value is exactly 1.
    close(fitBox(canvas(10, 10, [[2, 4, 6, 8, 1]]), 10, 10)!, expected([[4, 23, 4, 23, 1]]));
    // A 3-tall, 1-wide line: s = 20/3, its width becomes 20/3 = 6.667 pixels starting at
    // ⌊(28 − 6.667)/2⌋ = 10: columns 10..15 fully covered, column 16 two thirds.
    close(
      fitBox(canvas(10, 10, [[2, 4, 6, 6, 1]]), 10, 10)!,
      expected([
        [4, 23, 10, 15, 1],
        [4, 23, 16, 16, 2 / 3],
      ]),
    );
  });

  it('refuses an ink array of the wrong size', () => {
    expect(() => toDigit(new Float64Array(10), 4, 4)).toThrow(/a 4x4 image has 16 pixels, received 10/);
  });
});

describe('against MNIST itself', () => {
  it('a real digit drawn 10x larger comes back pixel for pixel when its longer side is 20', async () => {
    // MNIST's own preprocessing produced these digits: a 20-pixel box, centre of mass moved by
    // whole pixels to (14, 14). Drawn at 10x (each pixel a 10x10 square of its value), the
    // area averages give back each value exactly (100 equal values times 1/100), and the box
    // lands where MNIST's did, so the result must be the original, up to float32 rounding.
    const { loadDigits } = await import('@neurite/datasets');
    const { X } = await loadDigits();
    let compared = 0;
    for (let k = 0; k < X.shape[0]; k += 97) {
      const digit = X.data.subarray(k * 784, (k + 1) * 784);
      let [r0, r1, c0, c1] = [28, -1, 28, -1];
      digit.forEach((v, p) => {
        if (v > 0) [r0, r1, c0, c1] = [Math.min(r0, (p / 28) | 0), Math.max(r1, (p / 28) | 0), Math.min(c0, p % 28), Math.max(c1, p % 28)];
      });
      if (Math.max(r1 - r0 + 1, c1 - c0 + 1) !== 20) continue;
      const big = new Float64Array(280 * 280);
      for (let r = 0; r < 280; r++) for (let c = 0; c < 280; c++) big[r * 280 + c] = digit[((r / 10) | 0) * 28 + ((c / 10) | 0)];
      const back = toDigit(big, 280, 280)!;
      // float32 values through float64 sums of 100 products: off by at most a few float64 ulps
      // before the float32 store, which rounds back to the same float32 (differences < 1e-7).
      const worst = Math.max(...Array.from(back, (v, p) => Math.abs(v - digit[p])));
      expect(worst, `digit ${k}`).toBeLessThan(1e-7);
      compared++;
    }
    expect(compared).toBeGreaterThan(90);
  }, 30_000);
});
