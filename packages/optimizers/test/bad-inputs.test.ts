import { ArgumentTypeError, DTypeError, ShapeError, tensor, ValueError } from '@neurite/tensor';
import { expectRefusal, NON_FINITE, NOT_NUMBERS, NOT_OPTIONS, NOT_TENSORS, numberRefusal, show } from '@neurite/tensor/testing';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  constant,
  exponentialDecay,
  GradientDescent,
  getOptimizer,
  inverseTimeDecay,
  Momentum,
  type Optimizer,
  optimizerFromConfig,
  RMSProp,
  scheduledDecay,
  scheduleFromConfig,
  stepDecay,
  toSchedule,
} from '../src/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: the probe passes what TypeScript would refuse, as JavaScript callers can.
const any = (v: unknown): any => v;

const CLASSES: [string, (lr: unknown, options?: unknown) => Optimizer, string[]][] = [
  ['GradientDescent', (lr, o) => new GradientDescent(any(lr), any(o)), []],
  ['Momentum', (lr, o) => new Momentum(any(lr), any(o)), ['beta']],
  ['RMSProp', (lr, o) => new RMSProp(any(lr), any(o)), ['beta', 'epsilon']],
  ['Adam', (lr, o) => new Adam(any(lr), any(o)), ['beta1', 'beta2', 'epsilon']],
];
const BAD_RATES = [...NOT_NUMBERS, 0, -0.1, ...NON_FINITE, { at: () => 0.1 }];

describe('@neurite/optimizers refuses bad input by name', () => {
  for (const [cls, make, keys] of CLASSES) {
    for (const lr of BAD_RATES) {
      const Expected = typeof lr === 'number' ? ValueError : ArgumentTypeError;
      it(`new ${cls}(${show(lr)})`, () => expectRefusal(() => make(lr), Expected, cls, 'learningRate'));
    }
    for (const o of NOT_OPTIONS.filter((v) => v !== null || cls !== 'GradientDescent')) {
      it(`new ${cls}(0.1, ${show(o)})`, () => expectRefusal(() => make(0.1, o), ArgumentTypeError, cls, 'options'));
    }
    it(`new ${cls}(0.1, { learningRate: 0.1 }) is an unknown key`, () =>
      expectRefusal(() => make(0.1, { learningRate: 0.1 }), ValueError, cls, "'learningRate'"));
    for (const key of keys) {
      const bad = key === 'epsilon' ? [0, -1e-8, ...NON_FINITE, '1e-8', null] : [1, 1.5, -0.1, ...NON_FINITE, '0.9', null];
      for (const v of bad)
        it(`new ${cls}(0.1, { ${key}: ${show(v)} })`, () =>
          expectRefusal(() => make(0.1, { [key]: v }), numberRefusal(v), cls, `options.${key}`));
    }
    const W = () => tensor([1, 2, 3], 'float64');
    for (const p of ['W', null, [1], 5])
      it(`${cls}.step(${show(p)}, grads)`, () =>
        expectRefusal(() => make(0.1).step(any(p), { W: W() }), ArgumentTypeError, `${make(0.1).name}.step`, 'params'));
    for (const g of ['dW', null, 5])
      it(`${cls}.step(params, ${show(g)})`, () =>
        expectRefusal(() => make(0.1).step({ W: W() }, any(g)), ArgumentTypeError, `${make(0.1).name}.step`, 'grads'));
    for (const g of NOT_TENSORS)
      it(`${cls}.step: gradient ${show(g)}`, () =>
        expectRefusal(() => make(0.1).step({ W: W() }, { W: any(g) }), ShapeError, `${make(0.1).name}.step`, "'W'"));
    it(`${cls}.step: gradient of shape (3, 1) for a (3,) parameter`, () =>
      expectRefusal(
        () => make(0.1).step({ W: W() }, { W: tensor([[1], [2], [3]], 'float64') }),
        ShapeError,
        `${make(0.1).name}.step`,
        "'W'",
        '(3,)',
      ));
    it(`${cls}.step: float32 gradient for a float64 parameter`, () =>
      expectRefusal(() => make(0.1).step({ W: W() }, { W: tensor([1, 2, 3]) }), DTypeError, `${make(0.1).name}.step`, "'W'", 'float64'));
    it(`${cls}.step: an int32 parameter`, () =>
      expectRefusal(
        () => make(0.1).step({ W: tensor([1, 2], 'int32') }, { W: tensor([1, 2], 'int32') }),
        DTypeError,
        `${make(0.1).name}.step`,
        'params.W',
      ));
    it(`${cls}.step: a gradient without a parameter`, () =>
      expectRefusal(() => make(0.1).step({ W: W() }, { b: W() }), ValueError, `${make(0.1).name}.step`, "'b'"));
    it(`${cls}.step: nothing changes when one gradient is bad`, () => {
      const opt = make(0.1);
      const [A, B] = [W(), W()];
      expectRefusal(() => opt.step({ A, B }, { A: W(), B: tensor([1, 2]) }), ShapeError, `${opt.name}.step`, "'B'");
      expect(Array.from(A.data)).toEqual([1, 2, 3]);
      expect(opt.iterations).toBe(0);
    });
    it(`${cls}: a schedule returning NaN is named`, () => {
      const opt = make({ config: { name: 'mine' }, at: () => Number.NaN });
      expectRefusal(() => opt.step({ W: W() }, { W: W() }), ValueError, opt.name, 'schedule', 'NaN');
    });
    const opt = () => make(0.1);
    for (const s of [null, 'state', 5])
      it(`${cls}.setState(${show(s)})`, () =>
        expectRefusal(() => opt().setState(any(s)), ArgumentTypeError, `${opt().name}.setState`, 'state'));
    for (const [field, v] of [
      ['iterations', -1],
      ['iterations', 1.5],
      ['iterations', '3'],
      ['epoch', Number.NaN],
      ['epoch', null],
    ] as const) {
      it(`${cls}.setState({ ${field}: ${show(v)} })`, () =>
        expectRefusal(
          () => opt().setState(any({ iterations: 0, epoch: 0, slots: {}, [field]: v })),
          numberRefusal(v),
          `${opt().name}.setState`,
          `state.${field}`,
        ));
    }
    it(`${cls}.setState: an unknown key`, () =>
      expectRefusal(
        () => opt().setState(any({ iterations: 0, epoch: 0, slots: {}, step: 1 })),
        ValueError,
        `${opt().name}.setState`,
        "'step'",
      ));
    it(`${cls}.setState: another optimizer's state`, () =>
      expectRefusal(
        () => opt().setState(any({ iterations: 0, epoch: 0, slots: {}, config: { name: 'sgd' } })),
        ValueError,
        `${opt().name}.setState`,
        "'sgd'",
      ));
    it(`${cls}.setState: a slot of another optimizer`, () =>
      expectRefusal(
        () => opt().setState({ iterations: 1, epoch: 0, slots: { 'q.W': W() } }),
        ValueError,
        `${opt().name}.setState`,
        "'q.W'",
      ));
    for (const kind of keys.length ? [cls === 'Adam' ? 'm' : cls === 'Momentum' ? 'v' : 's'] : []) {
      it(`${cls}.setState: a slot that is not a Tensor`, () =>
        expectRefusal(
          () => opt().setState(any({ iterations: 1, epoch: 0, slots: { [`${kind}.W`]: [1, 2, 3] } })),
          ArgumentTypeError,
          `${opt().name}.setState`,
          `${kind}.W`,
        ));
      it(`${cls}.setState: an int32 slot`, () =>
        expectRefusal(
          () => opt().setState({ iterations: 1, epoch: 0, slots: { [`${kind}.W`]: tensor([1, 2, 3], 'int32') } }),
          DTypeError,
          `${opt().name}.setState`,
          `${kind}.W`,
        ));
      it(`${cls}.setState: a NaN slot`, () =>
        expectRefusal(
          () => opt().setState({ iterations: 1, epoch: 0, slots: { [`${kind}.W`]: tensor([1, Number.NaN, 3], 'float64') } }),
          ValueError,
          `${opt().name}.setState`,
          `${kind}.W`,
          'NaN',
        ));
      it(`${cls}.step: a restored slot of the wrong shape is named, not trained on`, () => {
        const o = opt();
        o.setState({ iterations: 1, epoch: 0, slots: { [`${kind}.W`]: tensor([1, 2], 'float64') } });
        expectRefusal(() => o.step({ W: W() }, { W: W() }), ShapeError, `${o.name}.step`, `${kind}.W`, '(2,)', '(3,)');
      });
      it(`${cls}.step: a restored slot of the wrong dtype is named`, () => {
        const o = opt();
        o.setState({ iterations: 1, epoch: 0, slots: { [`${kind}.W`]: tensor([1, 2, 3]) } });
        expectRefusal(() => o.step({ W: W() }, { W: W() }), ShapeError, `${o.name}.step`, `${kind}.W`, 'float32');
      });
    }
  }
  it('Adam.setState: a negative second moment', () =>
    expectRefusal(
      () => new Adam(0.1).setState({ iterations: 1, epoch: 0, slots: { 'v.W': tensor([-1], 'float64') } }),
      ValueError,
      'adam.setState',
      'v.W',
    ));
  it('RMSProp.setState: a negative mean square', () =>
    expectRefusal(
      () => new RMSProp(0.1).setState({ iterations: 1, epoch: 0, slots: { 's.W': tensor([-1], 'float64') } }),
      ValueError,
      'rmsprop.setState',
      's.W',
    ));

  for (const spec of ['sgd', 'Adam', '', 5, null, [], { name: 'lbfgs' }]) {
    const Expected =
      typeof spec === 'string' || (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) ? ValueError : ArgumentTypeError;
    it(`getOptimizer(${show(spec)})`, () => expectRefusal(() => getOptimizer(any(spec)), Expected, 'getOptimizer', 'optimizer'));
  }
  it("getOptimizer('adam', '0.1')", () =>
    expectRefusal(() => getOptimizer('adam', any('0.1')), ArgumentTypeError, 'getOptimizer', 'learningRate'));
  it("getOptimizer({ name: 'adam', learningRate: '0.1' })", () =>
    expectRefusal(() => getOptimizer(any({ name: 'adam', learningRate: '0.1' })), ArgumentTypeError, 'getOptimizer', 'learningRate'));
  it("getOptimizer({ name: 'adam', lr: 0.1 })", () =>
    expectRefusal(() => getOptimizer(any({ name: 'adam', lr: 0.1 })), ValueError, 'getOptimizer', "'lr'"));
  it("getOptimizer({ name: 'momentum', beta1: 0.9 })", () =>
    expectRefusal(() => getOptimizer(any({ name: 'momentum', beta1: 0.9 })), ValueError, 'getOptimizer', "'beta1'"));
  it("getOptimizer({ name: 'adam', epsilon: 0 })", () =>
    expectRefusal(() => getOptimizer(any({ name: 'adam', epsilon: 0 })), ValueError, 'Adam', 'epsilon'));
  for (const c of [null, 'adam', { name: 'adam' }, { name: 'adam', schedule: { name: 'constant', learningRate: 0.1 }, lr: 1 }]) {
    it(`optimizerFromConfig(${show(c)})`, () =>
      expectRefusal(
        () => optimizerFromConfig(any(c)),
        NeuriteLike(c),
        c !== null && typeof c === 'object' && !('schedule' in c) ? 'scheduleFromConfig' : 'optimizerFromConfig',
        'config',
      ));
  }
  for (const lr of BAD_RATES.slice(0, 8))
    it(`constant(${show(lr)})`, () => expectRefusal(() => constant(any(lr)), numberRefusal(lr), 'constant', 'learningRate'));
  for (const [fn, make] of [
    ['inverseTimeDecay', (o: unknown) => inverseTimeDecay(0.1, any(o))],
    ['exponentialDecay', (o: unknown) => exponentialDecay(0.1, any(o))],
  ] as const) {
    for (const o of [undefined, null, 'x', 5])
      it(`${fn}(0.1, ${show(o)})`, () => expectRefusal(() => make(o), ArgumentTypeError, fn, 'options'));
    it(`${fn}(0.1, { rate: 1 })`, () => expectRefusal(() => make({ decayRate: 1, rate: 1 }), ValueError, fn, "'rate'"));
    for (const v of [-1, ...NON_FINITE, '1', null])
      it(`${fn}(0.1, { decayRate: ${show(v)} })`, () => expectRefusal(() => make({ decayRate: v }), numberRefusal(v), fn, 'decayRate'));
    for (const v of [0, -1, Number.NaN, '2'])
      it(`${fn}(0.1, { decayRate: 1, decaySteps: ${show(v)} })`, () =>
        expectRefusal(() => make({ decayRate: 0.5, decaySteps: v }), numberRefusal(v), fn, 'decaySteps'));
    for (const v of ['yes', 1, null])
      it(`${fn}(0.1, { staircase: ${show(v)} })`, () =>
        expectRefusal(() => make({ decayRate: 0.5, staircase: v }), ArgumentTypeError, fn, 'staircase'));
    for (const e of [-1, 1.5, Number.NaN, '2'])
      it(`${fn}(...).at(${show(e)})`, () =>
        expectRefusal(() => make({ decayRate: 0.5 }).at(any(e)), numberRefusal(e), `${fn}.at`, 'epoch'));
  }
  for (const o of [undefined, { factor: 0.5 }, { factor: 0, every: 2 }, { factor: 0.5, every: -1 }, { factor: 0.5, every: 2, by: 1 }]) {
    it(`stepDecay(0.1, ${show(o)})`, () =>
      expectRefusal(
        () => stepDecay(0.1, any(o)),
        o === undefined ? ArgumentTypeError : ValueError,
        'stepDecay',
        o === undefined ? 'options' : o && 'by' in o ? "'by'" : 'options.',
      ));
  }
  it('scheduledDecay(0.1, -1)', () => expectRefusal(() => scheduledDecay(0.1, -1), ValueError, 'inverseTimeDecay', 'decayRate'));
  for (const c of [
    null,
    'constant',
    { name: 'cosine', learningRate: 0.1 },
    { name: 'constant', learningRate: 0.1, decayRate: 1 },
    { name: 'constant', learningRate: '0.1' },
  ]) {
    it(`scheduleFromConfig(${show(c)})`, () =>
      expectRefusal(
        () => scheduleFromConfig(any(c)),
        NeuriteLike(c),
        c && typeof c === 'object' && c.name === 'constant' && 'learningRate' in c && typeof c.learningRate === 'string'
          ? 'constant'
          : 'scheduleFromConfig',
        c && typeof c === 'object' && typeof c.learningRate === 'string' ? 'learningRate' : 'config',
      ));
  }
  for (const lr of ['0.1', [], { at: 'x' }, { at: () => 0.1 }])
    it(`toSchedule(${show(lr)})`, () => expectRefusal(() => toSchedule(any(lr), 'fit'), ArgumentTypeError, 'fit', 'learningRate'));
});

/** The class a refused config must have: a wrong kind of value, or a wrong value in the right kind. */
function NeuriteLike(c: unknown) {
  if (c === null || typeof c !== 'object') return ArgumentTypeError;
  const lr = (c as { learningRate?: unknown }).learningRate;
  return typeof lr === 'string' ? ArgumentTypeError : ValueError;
}
