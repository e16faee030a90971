import { describe, it } from 'vitest';
import { generatorCases } from '../src/testing/index.ts';

describe('Generator reproduces numpy legacy RandomState', () => {
  for (const c of generatorCases()) it(c.name, c.fn);
});
