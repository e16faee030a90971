import { describe, expect, it } from 'vitest';
import { sigmoid32, tanh32 } from '../src/backends/js/math32.ts';

/**
 * tanh32 and sigmoid32 against Math.tanh and 1 / (1 + Math.exp(-z)), whose building blocks
 * (fdlibm) are within an ulp of the exact values. tanh32 against Math.tanh (fdlibm, within an ulp of the exact value) over every range its
 * code distinguishes: within 1e-12 relative in doubles, and the same float32 value in all
 * but a handful of rounding-boundary cases.
 */
const f32 = Math.fround;

/**
 * f against its reference over seeded random points at each scale: the worst relative error
 * where `compared` holds, and the share of points whose float32 values differ.
 */
function sweep(seed: number, scales: number[], f: (x: number) => number, ref: (x: number) => number, compared: (x: number) => boolean) {
  let worst = 0;
  let mismatches = 0;
  let n = 0;
  for (const scale of scales) {
    for (let i = 0; i < 40000; i++, n++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const x = ((seed / 2 ** 31) * 2 - 1) * scale;
      const want = ref(x);
      const got = f(x);
      if (want !== 0 && compared(x)) worst = Math.max(worst, Math.abs(got - want) / Math.abs(want));
      if (f32(got) !== f32(want)) mismatches++;
    }
  }
  return { worst, mismatchRate: mismatches / n };
}

describe('tanh32 (the js backend tanh for float32 outputs)', () => {
  it('is within 1e-12 of Math.tanh below 9.1 and has its float32 value everywhere', () => {
    const scales = [1e-6, 0.1, 0.124, 0.13, 1, 5, 9.09, 9.2, 19.9, 25, 100];
    const { worst, mismatchRate } = sweep(12345, scales, tanh32, Math.tanh, (x) => Math.abs(x) < 9.1);
    expect(worst).toBeLessThan(1e-12);
    expect(mismatchRate).toBeLessThan(1e-4);
  });

  it('edges: signed zeros, the branch points, saturation, infinities and NaN', () => {
    expect(Object.is(tanh32(0), 0)).toBe(true);
    expect(Object.is(tanh32(-0), -0)).toBe(true);
    for (const x of [1e-30, -1e-30, 0.125, -0.125, 9.0999, -9.0999, 9.1, -9.1, 19.999, -19.999, 20, -20, 1000, -1000]) {
      expect(f32(tanh32(x)), `tanh32(${x})`).toBe(f32(Math.tanh(x)));
    }
    expect(tanh32(Number.POSITIVE_INFINITY)).toBe(1);
    expect(tanh32(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(tanh32(Number.NaN)).toBeNaN();
  });
});

describe('sigmoid32 (the js backend sigmoid for float32 outputs)', () => {
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  it('is within 1e-12 of 1 / (1 + Math.exp(-z)) where it is not below float32, and the same float32 value', () => {
    const scales = [1e-6, 0.3, 0.35, 1, 5, 17.4, 17.6, 30, 87, 119, 500];
    const { worst, mismatchRate } = sweep(777, scales, sigmoid32, sigmoid, (z) => z < 17.5 && z > -100);
    expect(worst).toBeLessThan(1e-12);
    expect(mismatchRate).toBeLessThan(1e-4);
  });

  it('edges: zeros, the cut-offs at 17.5 and -120, float32 underflow, infinities and NaN', () => {
    expect(sigmoid32(0)).toBe(0.5);
    expect(sigmoid32(-0)).toBe(0.5);
    for (const z of [17.4999, 17.5, 17.6, 119.99, -119.99, 120, -120, -87.3, -103.9, -104, 1000, -1000]) {
      expect(f32(sigmoid32(z)), `sigmoid32(${z})`).toBe(f32(sigmoid(z)));
    }
    expect(sigmoid32(Number.POSITIVE_INFINITY)).toBe(1);
    expect(sigmoid32(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(sigmoid32(Number.NaN)).toBeNaN();
  });
});
