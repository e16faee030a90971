import { tensor } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import { differentialCases, disagreement } from './differential-cases.ts';
import './setup.ts';

describe('differential: random op sequences, js vs wasm', () => {
  for (const c of differentialCases(['wasm-all', 'wasm'])) it(c.name, c.fn);

  it('a wrong kernel would be caught: the comparison sees a one-ulp-scale error in float64', () => {
    const a = tensor([1, 2, 3], 'float64');
    const b = tensor([1, 2, 3 + 1e-10], 'float64');
    expect(disagreement(a, b)).toBeGreaterThan(1e-12);
  });
});
