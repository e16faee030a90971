import { describe, it } from 'vitest';
import { type BackendCore, jsBackend, registerBackend } from '../src/index.ts';
import { autodiffCases } from '../src/testing/index.ts';

describe('autodiff on the js backend', () => {
  for (const c of autodiffCases('js')) it(c.name, c.fn);
});

// Gradients use activationBackward and softmax; check them composed by defineBackend too.
const CORE: (keyof BackendCore)[] = [
  'unary',
  'binary',
  'where',
  'clip',
  'reduce',
  'argMax',
  'matmul',
  'transpose',
  'slice',
  'concat',
  'gather',
];
registerBackend(
  'js-core-only',
  () => ({ ...(Object.fromEntries(CORE.map((k) => [k, jsBackend[k]])) as unknown as BackendCore), name: 'js-core-only' }),
  -1,
);

describe('autodiff on core ops only', () => {
  for (const c of autodiffCases('js-core-only')) it(c.name, c.fn);
});
