import { describe, expect, it } from 'vitest';
import { parseSizes } from '../src/course/dims.ts';
import { graphValues } from '../src/course/graph.ts';
import { compute } from '../src/course/propagation.ts';
import { accuracy, crossEntropy } from '../src/playground/metrics.ts';

describe('course page numbers', () => {
  it('J = 3(a + bc): the course values 33 and 3, 6, 9 at a = 5, b = 3, c = 2', () => {
    expect(graphValues(5, 3, 2)).toEqual({ u: 6, v: 11, J: 33, da: 3, db: 6, dc: 9 });
  });

  it('J = 3(a + bc) elsewhere: ∂J/∂b = 3c and ∂J/∂c = 3b (hand derivation)', () => {
    const g = graphValues(1, -2, 4);
    expect([g.J, g.da, g.db, g.dc]).toEqual([3 * (1 - 8), 3, 12, -6]);
  });

  it('the hand-written backward pass agrees with autodiff, and J starts near ln 2 with tiny weights', () => {
    const v = compute();
    expect(v.gap).toBeLessThan(1e-12);
    // W = randn·0.01 gives ŷ ≈ 0.5 for every example, so J ≈ −log 0.5.
    expect(Math.abs(v.J.item() - Math.LN2)).toBeLessThan(1e-3);
    expect(v.dW1.shape).toEqual([4, 2]);
    expect(v.dZ1.shape).toEqual([4, 4]);
  });

  it('parses layer sizes and names what is wrong', () => {
    expect(parseSizes('12288, 20, 7, 5, 1')).toEqual([12288, 20, 7, 5, 1]);
    expect(parseSizes('2 4  1')).toEqual([2, 4, 1]);
    expect(() => parseSizes('3')).toThrow(/at least two sizes/);
    expect(() => parseSizes('2, 0, 1')).toThrow(/n\[1\] must be a whole number.*"0"/);
  });

  it('cross-entropy and accuracy match a hand computation', () => {
    expect(crossEntropy([0.8, 0.4], [1, 0])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
    expect(accuracy([0.8, 0.6, 0.2], [1, 0, 0])).toBeCloseTo(2 / 3, 12);
  });
});
