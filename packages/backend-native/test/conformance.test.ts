import { conformanceCases } from '@neurite/tensor/testing';
import { describe, it } from 'vitest';
import './setup.ts';

describe('conformance: native backend as shipped', () => {
  for (const c of conformanceCases('native')) it(c.name, c.fn);
});

describe('conformance: every op through the Rust kernels', () => {
  for (const c of conformanceCases('native-all')) it(c.name, c.fn);
});
