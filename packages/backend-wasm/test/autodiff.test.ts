import { autodiffCases } from '@neurite/tensor/testing';
import { describe, it } from 'vitest';
import './setup.ts';

// Gradients (the course's graph, every op's derivative, seeded random programs) against
// central differences, computed on the wasm kernels.
describe('autodiff on every wasm kernel', () => {
  for (const c of autodiffCases('wasm-all')) it(c.name, c.fn);
});
