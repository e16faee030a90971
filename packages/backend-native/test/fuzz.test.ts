import { describe, expect, it } from 'vitest';
import { describeFailure, runProgram, TEST_OPTIONS } from './fuzz.ts';
import { nativeCalls } from './setup.ts';

/**
 * A fast slice of the differential fuzz (scripts/fuzz.ts runs 10,000 programs): random
 * programs over shapes up to 70,000 elements, js against native with every op through Rust
 * and as shipped. Any failure names the seed, the program and the first op that disagreed.
 */
describe('differential fuzz: random op programs, js vs native', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const backend of ['native-all', 'native']) {
      it(`${dtype} on ${backend}: 120 programs agree within each op's error bound`, () => {
        const before = nativeCalls.count;
        const failures = [];
        for (let seed = 0; seed < 120; seed++) {
          const f = runProgram(seed + (dtype === 'float64' ? 50_000 : 0), dtype, backend, TEST_OPTIONS);
          if (f) failures.push(describeFailure(f));
        }
        expect(failures).toEqual([]);
        if (backend === 'native-all') expect(nativeCalls.count - before).toBeGreaterThan(300);
      }, 120_000);
    }
  }
});
