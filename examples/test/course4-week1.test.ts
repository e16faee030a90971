import {
  convBackward,
  convForward,
  convSingleStep,
  createMaskFromWindow,
  distributeValue,
  poolBackward,
  poolForward,
  zeroPad,
} from '@neurite/layers';
import { Generator, setBackend, type Tensor } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import { BACKENDS } from './backends.ts';

/*
 * Course 4, week 1 ("Convolution model, step by step"): every value the notebook prints
 * (../shared/reference/README.md, Course 4 section), in float64, drawing with numpy's legacy
 * generator seeded 1 as each cell does. The notebook prints 8 to 12 significant digits;
 * the tolerances allow one unit in the last printed place.
 */

/** The values of t at [i, j, ...], flattened. */
function at(t: Tensor, ...index: number[]): number[] {
  let offset = 0;
  let stride = t.size;
  for (let a = 0; a < index.length; a++) {
    stride /= t.shape[a];
    offset += index[a] * stride;
  }
  return Array.from(t.data.subarray(offset, offset + stride));
}

function close(actual: number[], printed: number[], lastPlace: number) {
  expect(actual.length).toBe(printed.length);
  for (const [i, v] of actual.entries()) expect(Math.abs(v - printed[i])).toBeLessThanOrEqual(lastPlace);
}

const mean = (t: Tensor) => t.mean().item();

for (const backend of BACKENDS) {
  describe(`Course 4 week 1 on ${backend}`, () => {
    const randn = (g: Generator, ...shape: number[]) => g.randn(shape, 'float64');

    it('zero_pad: x_pad.shape = (4, 7, 7, 2), x_pad[1, 1] all zeros, x inside', () => {
      setBackend(backend);
      const g = new Generator(1);
      const x = randn(g, 4, 3, 3, 2);
      const x_pad = zeroPad(x, 2);
      expect(x_pad.shape).toEqual([4, 7, 7, 2]);
      expect(at(x_pad, 1, 1)).toEqual(new Array(14).fill(0));
      // The notebook also prints x[1, 1]; it sits at x_pad[1, 3] from column 2 on.
      close(at(x, 1, 1), [0.90085595, -0.68372786, -0.12289023, -0.93576943, -0.26788808, 0.53035547], 1e-8);
      expect(at(x_pad, 1, 3).slice(4, 10)).toEqual(at(x, 1, 1));
    });

    it('conv_single_step: Z = -6.99908945068', () => {
      setBackend(backend);
      const g = new Generator(1);
      const a_slice_prev = randn(g, 4, 4, 3);
      const W = randn(g, 4, 4, 3);
      const b = randn(g, 1, 1, 1);
      expect(Math.abs(convSingleStep(a_slice_prev, W, b) - -6.99908945068)).toBeLessThanOrEqual(1e-11);
    });

    it("conv_forward: Z's mean, Z[3, 2, 1], cache_conv[0][1][2][3]", () => {
      setBackend(backend);
      const g = new Generator(1);
      const A_prev = randn(g, 10, 4, 4, 3);
      const W = randn(g, 2, 2, 3, 8);
      const b = randn(g, 1, 1, 1, 8);
      const { Z, cache } = convForward(A_prev, W, b, { pad: 2, stride: 2 });
      expect(Math.abs(mean(Z) - 0.0489952035289)).toBeLessThanOrEqual(1e-13);
      close(at(Z, 3, 2, 1), [-0.61490741, -6.7439236, -2.55153897, 1.75698377, 3.56208902, 0.53036437, 5.18531798, 8.75898442], 1e-8);
      close(at(cache.A_prev, 1, 2, 3), [-0.20075807, 0.18656139, 0.41005165], 1e-8);
    });

    it('pool_forward: max and average', () => {
      setBackend(backend);
      const g = new Generator(1);
      const A_prev = randn(g, 2, 4, 4, 3);
      const hparameters = { stride: 2, f: 3 };
      const max = poolForward(A_prev, hparameters).A;
      expect(max.shape).toEqual([2, 1, 1, 3]);
      close(Array.from(max.data), [1.74481176, 0.86540763, 1.13376944, 1.13162939, 1.51981682, 2.18557541], 1e-8);
      const average = poolForward(A_prev, hparameters, 'average').A;
      close(Array.from(average.data), [0.02105773, -0.20328806, -0.40389855, -0.22154621, 0.51716526, 0.48155844], 1e-8);
    });

    it('conv_backward: dA_mean, dW_mean, db_mean', () => {
      setBackend(backend);
      const g = new Generator(1);
      const A_prev = randn(g, 10, 4, 4, 3);
      const W = randn(g, 2, 2, 3, 8);
      const b = randn(g, 1, 1, 1, 8);
      const { Z, cache } = convForward(A_prev, W, b, { pad: 2, stride: 2 });
      const { dA_prev, dW, db } = convBackward(Z, cache);
      expect(dA_prev.shape).toEqual([10, 4, 4, 3]);
      expect(dW.shape).toEqual([2, 2, 3, 8]);
      expect(db.shape).toEqual([1, 1, 1, 8]);
      expect(Math.abs(mean(dA_prev) - 1.45243777754)).toBeLessThanOrEqual(1e-11);
      expect(Math.abs(mean(dW) - 1.72699145831)).toBeLessThanOrEqual(1e-11);
      expect(Math.abs(mean(db) - 7.83923256462)).toBeLessThanOrEqual(1e-11);
    });

    it('create_mask_from_window and distribute_value', () => {
      setBackend(backend);
      // The notebook's own examples: x = randn(2, 3) with seed 1; distribute_value(2, (2, 2)).
      const x = randn(new Generator(1), 2, 3);
      expect(Array.from(createMaskFromWindow(x).data)).toEqual([1, 0, 0, 0, 0, 0]);
      expect(Array.from(distributeValue(2, [2, 2]).data)).toEqual([0.5, 0.5, 0.5, 0.5]);
    });

    it('pool_backward: mean of dA, dA_prev[1, 1] for max and average', () => {
      setBackend(backend);
      const g = new Generator(1);
      const A_prev = randn(g, 5, 5, 3, 2);
      const hparameters = { stride: 1, f: 2 };
      const { cache } = poolForward(A_prev, hparameters);
      const dA = randn(g, 5, 4, 2, 2);
      expect(Math.abs(mean(dA) - 0.145713902729)).toBeLessThanOrEqual(1e-12);
      const dA_max = poolBackward(dA, cache, 'max');
      close(at(dA_max, 1, 1), [0, 0, 5.05844394, -1.68282702, 0, 0], 1e-8);
      const dA_avg = poolBackward(dA, cache, 'average');
      close(at(dA_avg, 1, 1), [0.08485462, 0.2787552, 1.26461098, -0.25749373, 1.17975636, -0.53624893], 1e-8);
    });
  });
}
