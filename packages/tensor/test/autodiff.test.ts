import { describe, it } from 'vitest';
import { jsBackend, registerBackend } from '../src/index.ts';
import { autodiffCases, coreOnly } from '../src/testing/index.ts';

describe('autodiff on the js backend', () => {
  for (const c of autodiffCases('js')) it(c.name, c.fn);
});

// Gradients use activationBackward and softmax; check them composed by defineBackend too.
registerBackend('js-core-only', () => coreOnly(jsBackend, 'js-core-only'), -1);

describe('autodiff on core ops only', () => {
  for (const c of autodiffCases('js-core-only')) it(c.name, c.fn);
});
