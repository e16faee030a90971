import { badInputCases } from '@neurite/tensor/testing';
import { describe, it } from 'vitest';
import './setup.ts';

// The probe every backend runs: refusals happen in the op layer, before any kernel; the valid
// edges (IEEE pow) reach the wasm kernels through wasm-all.
describe('bad inputs are refused by name: wasm backend as shipped', () => {
  for (const c of badInputCases('wasm')) it(c.name, c.fn);
});

describe('bad inputs are refused by name: every op through the wasm kernels', () => {
  for (const c of badInputCases('wasm-all')) it(c.name, c.fn);
});
