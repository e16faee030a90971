import { badInputCases } from '@neurite/tensor/testing';
import { describe, it } from 'vitest';
import './setup.ts';

// The same probe as the js backend's: refusals happen in the op layer, before any kernel runs,
// so both backends must refuse every case alike; the valid edges (IEEE pow) reach the Rust
// kernels through native-all.
describe('bad inputs are refused by name: native backend as shipped', () => {
  for (const c of badInputCases('native')) it(c.name, c.fn);
});

describe('bad inputs are refused by name: every op through the Rust kernels', () => {
  for (const c of badInputCases('native-all')) it(c.name, c.fn);
});
