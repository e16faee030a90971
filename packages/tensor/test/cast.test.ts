import { describe, expect, it } from 'vitest';
import { ValueError } from '../src/errors.ts';
import { cast } from '../src/ops/index.ts';
import { Tensor } from '../src/tensor.ts';

describe('cast', () => {
  it('float to int32 truncates toward zero, as numpy astype, up to the ends of the range', () => {
    const x = new Tensor(Float64Array.from([2.7, -2.7, 0.5, -0.5, 2147483647.9, -2147483648.9]), [6]);
    // Hand-derived: trunc of each value.
    expect(Array.from(cast(x, 'int32').data)).toEqual([2, -2, 0, 0, 2147483647, -2147483648]);
  });

  it('refuses a value int32 cannot hold, naming it, where a typed array would wrap it', () => {
    for (const v of [3e9, -2147483649, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      // float64: in float32, -2147483649 would round to -2**31, which fits.
      const x = new Tensor(Float64Array.from([1, v]), [2]);
      expect(() => cast(x, 'int32')).toThrow(ValueError);
      expect(() => cast(x, 'int32')).toThrow(/cast: element 1 is .*int32 cannot hold/);
    }
  });

  it('int32 to float is exact, float64 to float32 rounds to nearest', () => {
    const i = new Tensor(Int32Array.from([-(2 ** 24), 2 ** 24, 7]), [3]);
    expect(Array.from(cast(i, 'float64').data)).toEqual([-(2 ** 24), 2 ** 24, 7]);
    const third = cast(new Tensor(Float64Array.from([1 / 3]), [1]), 'float32');
    expect(third.data[0]).toBe(Math.fround(1 / 3));
  });
});
