import { type Tensor, tensor } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  exponentialDecay,
  GradientDescent,
  getOptimizer,
  inverseTimeDecay,
  Momentum,
  type Optimizer,
  optimizerFromConfig,
  RMSProp,
  scheduledDecay,
  stepDecay,
} from '../src/index.ts';

const grads = [
  [0.5, -1, 2],
  [-0.25, 0.5, 1],
  [1, 1, -3],
];
const start = [1, 2, 3];

function run(opt: Optimizer, steps = 3): number[] {
  const W = tensor(start, 'float64');
  for (let t = 0; t < steps; t++) opt.step({ W }, { W: tensor(grads[t], 'float64') });
  return Array.from(W.data);
}

/** The course's update rules (course 2, week 2), written out with plain arrays. */
function reference(kind: 'gd' | 'momentum' | 'rmsprop' | 'adam', lr: number): number[] {
  const W = [...start];
  const v = [0, 0, 0];
  const s = [0, 0, 0];
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < 3; i++) {
      if (kind === 'gd') W[i] = W[i] - lr * g[i];
      if (kind === 'momentum') {
        v[i] = b1 * v[i] + (1 - b1) * g[i];
        W[i] = W[i] - lr * v[i];
      }
      if (kind === 'rmsprop') {
        s[i] = b2 * s[i] + (1 - b2) * g[i] ** 2;
        W[i] = W[i] - (lr * g[i]) / (Math.sqrt(s[i]) + eps);
      }
      if (kind === 'adam') {
        v[i] = b1 * v[i] + (1 - b1) * g[i];
        s[i] = b2 * s[i] + (1 - b2) * g[i] ** 2;
        const vc = v[i] / (1 - b1 ** t);
        const sc = s[i] / (1 - b2 ** t);
        W[i] = W[i] - (lr * vc) / (Math.sqrt(sc) + eps);
      }
    }
  });
  return W;
}

describe('update rules', () => {
  it.each([
    ['gd', () => new GradientDescent(0.1)],
    ['momentum', () => new Momentum(0.1)],
    ['rmsprop', () => new RMSProp(0.1)],
    ['adam', () => new Adam(0.1)],
  ] as const)('%s follows the course formulas over three steps', (kind, make) => {
    const got = run(make());
    const want = reference(kind, 0.1);
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i], 13);
    });
  });

  it("Adam's bias correction makes the first step lr·sign(g)", () => {
    const W = tensor([0, 0], 'float64');
    new Adam(0.01).step({ W }, { W: tensor([3, -0.002], 'float64') });
    expect(W.data[0]).toBeCloseTo(-0.01, 8);
    expect(W.data[1]).toBeCloseTo(0.01, 5);
  });

  it('rejects a gradient whose shape differs from its parameter, naming it', () => {
    const opt = new GradientDescent(0.1);
    expect(() => opt.step({ W1: tensor([1, 2], 'float64') }, { W1: tensor([1, 2, 3], 'float64') })).toThrow(/'W1'.*\(2,\)/);
    expect(() => opt.step({}, { b1: tensor([1], 'float64') })).toThrow(/'b1' has no parameter/);
  });
});

describe('state', () => {
  it('saves and restores mid-training: the resumed run equals the uninterrupted one', () => {
    const whole = run(new Adam(0.05), 3);
    const first = new Adam(0.05);
    const W = tensor(start, 'float64');
    first.step({ W }, { W: tensor(grads[0], 'float64') });
    const state = first.getState();
    const copy = (t: Tensor) => tensor(Array.from(t.data), 'float64');
    const resumed = optimizerFromConfig(JSON.parse(JSON.stringify(state.config)));
    resumed.setState({
      iterations: state.iterations,
      epoch: state.epoch,
      slots: Object.fromEntries(Object.entries(state.slots).map(([k, t]) => [k, copy(t)])),
    });
    expect(Object.keys(state.slots).sort()).toEqual(['m.W', 'v.W']);
    resumed.step({ W }, { W: tensor(grads[1], 'float64') });
    resumed.step({ W }, { W: tensor(grads[2], 'float64') });
    Array.from(W.data).forEach((v, i) => {
      expect(v).toBeCloseTo(whole[i], 14);
    });
  });
  it('refuses state from another optimizer', () => {
    const state = new Momentum(0.1).getState();
    expect(() => new Adam(0.1).setState(state)).toThrow(/'momentum'/);
  });
});

describe('learning-rate schedules', () => {
  it("inverse time decay is the course's update_lr and schedule_lr_decay", () => {
    // update_lr(0.5, epoch_num=2, decay_rate=1) = 0.5 / 3
    expect(inverseTimeDecay(0.5, { decayRate: 1 }).at(2)).toBeCloseTo(0.16666666666666666, 15);
    // schedule_lr_decay(0.5, epoch_num=100, decay_rate=1, time_interval=100) = 0.25
    expect(scheduledDecay(0.5, 1, 100).at(100)).toBe(0.25);
    expect(scheduledDecay(0.5, 1, 100).at(199)).toBe(0.25);
  });
  it('exponential and step decay', () => {
    expect(exponentialDecay(0.1, { decayRate: 0.5, decaySteps: 10 }).at(20)).toBeCloseTo(0.025, 15);
    expect(stepDecay(0.1, { factor: 0.1, every: 5 }).at(14)).toBeCloseTo(0.001, 15);
  });
  it('drives the optimizer through endEpoch and survives a config round trip', () => {
    const opt = new GradientDescent(inverseTimeDecay(1, { decayRate: 1 }));
    opt.endEpoch();
    opt.endEpoch();
    expect(opt.learningRate).toBeCloseTo(1 / 3, 15);
    const again = optimizerFromConfig(JSON.parse(JSON.stringify(opt.getConfig())));
    again.setState({ iterations: 0, epoch: 2, slots: {} });
    expect(again.learningRate).toBeCloseTo(1 / 3, 15);
  });
  it('validates names and hyperparameters', () => {
    expect(getOptimizer('adam', 0.02).learningRate).toBe(0.02);
    expect(() => getOptimizer('lbfgs' as never)).toThrow(/getOptimizer: optimizer must be one of .*received "lbfgs"/);
    expect(() => new Momentum(0.1, { beta: 1.5 })).toThrow(/options.beta must be a finite number in \[0, 1\)/);
    expect(() => new GradientDescent(-1)).toThrow(/learningRate/);
  });
});
