import { ArgumentTypeError, ShapeError, type Tensor, tensor, ValueError } from '@neurite/tensor';
import { expectRefusal, NON_FINITE, NOT_NUMBERS, NOT_OPTIONS, NOT_TENSORS, numberRefusal, sample, show } from '@neurite/tensor/testing';
import { describe, it } from 'vitest';
import * as losses from '../src/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: the probe passes what TypeScript would refuse, as JavaScript callers can.
const any = (v: unknown): any => v;
const L: Record<string, (...args: unknown[]) => unknown> = { ...losses } as never;

/** Each loss with its argument names and whether it takes a probability options object. */
const PAIRS: [string, [string, string], 'epsilon' | 'half' | null][] = [
  ['binaryCrossEntropy', ['A', 'Y'], 'epsilon'],
  ['binaryCrossEntropyValue', ['A', 'Y'], 'epsilon'],
  ['binaryCrossEntropyGradient', ['A', 'Y'], 'epsilon'],
  ['binaryCrossEntropyFromLogits', ['Z', 'Y'], null],
  ['binaryCrossEntropyFromLogitsValue', ['Z', 'Y'], null],
  ['binaryCrossEntropyFromLogitsGradient', ['Z', 'Y'], null],
  ['meanSquaredError', ['A', 'Y'], 'half'],
  ['meanSquaredErrorValue', ['A', 'Y'], 'half'],
  ['meanSquaredErrorGradient', ['A', 'Y'], 'half'],
  ['categoricalCrossEntropy', ['A', 'Y'], 'epsilon'],
  ['categoricalCrossEntropyValue', ['A', 'Y'], 'epsilon'],
  ['categoricalCrossEntropyGradient', ['A', 'Y'], 'epsilon'],
  ['softmaxCrossEntropy', ['Z', 'Y'], null],
  ['softmaxCrossEntropyValue', ['Z', 'Y'], null],
  ['softmaxCrossEntropyGradient', ['Z', 'Y'], null],
  ['fusedOutputGradient', ['A', 'Y'], null],
];

const probs = (dtype: 'float32' | 'float64', shape = [2, 3]): Tensor =>
  tensor(
    Float64Array.from({ length: shape[0] * shape[1] }, (_, i) => (i + 1) / 10),
    dtype,
    shape,
  );

describe('@neurite/losses refuses bad input by name', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [fn, [a, y], opt] of PAIRS) {
      const f = L[fn];
      for (const v of NOT_TENSORS) {
        it(`${fn}(${show(v)}, Y) (${dtype})`, () => expectRefusal(() => f(any(v), probs(dtype)), ArgumentTypeError, fn, a));
        it(`${fn}(A, ${show(v)}) (${dtype})`, () => expectRefusal(() => f(probs(dtype), any(v)), ArgumentTypeError, fn, y));
      }
      it(`${fn}: (2, 3) and (3, 2) (${dtype})`, () =>
        expectRefusal(() => f(probs(dtype), probs(dtype, [3, 2])), ShapeError, fn, a, y, '(2, 3)', '(3, 2)'));
      it(`${fn}: no examples (${dtype})`, () =>
        expectRefusal(() => f(sample(dtype, [2, 0]), sample(dtype, [2, 0])), ValueError, fn, 'example'));
      if (opt !== null) {
        for (const o of NOT_OPTIONS)
          it(`${fn}(A, Y, ${show(o)}) (${dtype})`, () =>
            expectRefusal(() => f(probs(dtype), probs(dtype), any(o)), ArgumentTypeError, fn, 'options'));
        it(`${fn}(A, Y, { unknown: 1 }) (${dtype})`, () =>
          expectRefusal(() => f(probs(dtype), probs(dtype), any({ eps: 1e-7 })), ValueError, fn, "'eps'"));
        if (opt === 'epsilon') {
          for (const e of [-1, 0.5, 2, ...NON_FINITE, '1e-7', null]) {
            it(`${fn}(A, Y, { epsilon: ${show(e)} }) (${dtype})`, () =>
              expectRefusal(() => f(probs(dtype), probs(dtype), any({ epsilon: e })), numberRefusal(e), fn, 'epsilon'));
          }
        } else {
          for (const h of ['yes', 1, null]) {
            it(`${fn}(A, Y, { half: ${show(h)} }) (${dtype})`, () =>
              expectRefusal(() => f(probs(dtype), probs(dtype), any({ half: h })), ArgumentTypeError, fn, 'half'));
          }
        }
      }
      if (fn.endsWith('Gradient')) {
        const outIndex = opt === null ? 2 : 3;
        for (const out of ['x', 5, [1]]) {
          it(`${fn}(..., out = ${show(out)}) (${dtype})`, () => {
            const args: unknown[] = [probs(dtype), probs(dtype), undefined];
            args[outIndex] = out;
            expectRefusal(() => f(...args.slice(0, outIndex + 1)), ArgumentTypeError, fn, 'out');
          });
        }
      }
    }
    for (const fn of ['l2Penalty', 'l2PenaltyValue'] as const) {
      const f = L[fn];
      for (const w of ['W', null, 5, {}])
        it(`${fn}(${show(w)}, 0.1, 4)`, () => expectRefusal(() => f(any(w), 0.1, 4), ArgumentTypeError, fn, 'weights'));
      it(`${fn}([W, 'x'], 0.1, 4)`, () => expectRefusal(() => f([probs(dtype), 'x'], 0.1, 4), ArgumentTypeError, fn, 'weights[1]'));
      for (const l of [-0.1, ...NON_FINITE, ...NOT_NUMBERS.slice(0, 4)]) {
        it(`${fn}([W], ${show(l)}, 4) (${dtype})`, () => expectRefusal(() => f([probs(dtype)], any(l), 4), numberRefusal(l), fn, 'lambda'));
      }
      for (const m of [0, -1, 2.5, Number.NaN, '4', null]) {
        it(`${fn}([W], 0.1, ${show(m)}) (${dtype})`, () => expectRefusal(() => f([probs(dtype)], 0.1, any(m)), numberRefusal(m), fn, 'm'));
      }
    }
    it(`l2PenaltyGradient('W', 0.1, 4)`, () =>
      expectRefusal(() => losses.l2PenaltyGradient(any('W'), 0.1, 4), ArgumentTypeError, 'l2PenaltyGradient', 'W'));
  }
  for (const name of ['hinge', 'BinaryCrossEntropy', '', 5, null, [], () => 1]) {
    it(`getLoss(${show(name)})`, () =>
      expectRefusal(() => losses.getLoss(any(name)), typeof name === 'string' ? ValueError : ArgumentTypeError, 'getLoss', 'loss'));
  }
  it('getLoss did-you-mean', () =>
    expectRefusal(() => losses.getLoss(any('binarycrossentropy')), ValueError, 'getLoss', "'binaryCrossEntropy'"));
  it('getLoss(mse, { epsilon }) does not apply', () =>
    expectRefusal(() => losses.getLoss('meanSquaredError', any({ epsilon: 0.1 })), ValueError, 'getLoss', "'epsilon'"));
  it('getLoss(bce, { half })', () =>
    expectRefusal(() => losses.getLoss('binaryCrossEntropy', any({ half: true })), ValueError, 'getLoss', "'half'"));
  it('getLoss(bce, { epsilon: 2 })', () =>
    expectRefusal(() => losses.getLoss('binaryCrossEntropy', { epsilon: 2 }), ValueError, 'getLoss', 'epsilon'));
  it('getLoss(a custom loss without gradient)', () =>
    expectRefusal(
      () => losses.getLoss(any({ name: 'mine', value: () => 0, tensor: () => 0 })),
      ArgumentTypeError,
      'getLoss',
      'loss.gradient',
    ));
  it('getLoss(a custom loss with a bad fusedActivation)', () =>
    expectRefusal(
      () => losses.getLoss(any({ name: 'mine', value: () => 0, tensor: () => 0, gradient: () => 0, fusedActivation: 'tanh' })),
      ValueError,
      'getLoss',
      'fusedActivation',
    ));
});
