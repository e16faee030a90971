import { describe, it } from 'vitest';
import { badInputCases } from '../src/testing/index.ts';

describe('bad inputs are refused by name (js backend)', () => {
  for (const c of badInputCases('js')) it(c.name, c.fn);
});
