import { conformanceCases } from '@neurite/tensor/testing';
import { describe, it } from 'vitest';
import './setup.ts';

describe('conformance: wasm backend as shipped', () => {
  for (const c of conformanceCases('wasm')) it(c.name, c.fn);
});

describe('conformance: every op through the wasm kernels', () => {
  for (const c of conformanceCases('wasm-all')) it(c.name, c.fn);
});
