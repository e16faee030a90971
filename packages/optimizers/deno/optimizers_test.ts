// Deno suite for @neurite/optimizers: one or two steps of each optimizer against its update
// rule worked out by hand, the learning-rate schedules, and state that round-trips.
// Run from packages/optimizers: ../../node_modules/.bin/deno test --conditions=source deno/
import { tensor } from '@neurite/tensor';
import { Adam, GradientDescent, inverseTimeDecay, Momentum, RMSProp, scheduledDecay } from '../src/index.ts';

function close(actual: number, expected: number, what: string): void {
  if (!(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)))) {
    throw new Error(`${what}: expected ${expected}, received ${actual}`);
  }
}

const param = () => ({ W: tensor([[1, -2]], 'float64') });
const grads = { W: tensor([[0.5, -4]], 'float64') };

Deno.test('gradient descent: W -= lr·dW', () => {
  const p = param();
  new GradientDescent(0.1).step(p, grads);
  close(p.W.data[0] as number, 1 - 0.05, 'W[0]');
  close(p.W.data[1] as number, -2 + 0.4, 'W[1]');
});

Deno.test('momentum: v = βv + (1 - β)dW, W -= lr·v, over two steps', () => {
  const p = param();
  const opt = new Momentum(0.1, { beta: 0.9 });
  opt.step(p, grads);
  opt.step(p, grads);
  // v1 = 0.1·g, v2 = 0.9·0.1·g + 0.1·g = 0.19·g; W = W0 - 0.1·(0.1 + 0.19)·g
  close(p.W.data[0] as number, 1 - 0.1 * 0.29 * 0.5, 'W[0]');
});

Deno.test('RMSProp: s = βs + (1 - β)dW², W -= lr·dW/(√s + ε)', () => {
  const p = param();
  new RMSProp(0.01, { beta: 0.9, epsilon: 1e-8 }).step(p, grads);
  // s = 0.1·g², √s = √0.1·|g|
  close(p.W.data[1] as number, -2 - (0.01 * -4) / (Math.sqrt(0.1) * 4 + 1e-8), 'W[1]');
});

Deno.test("Adam's first step moves each weight by lr (bias correction), against the gradient", () => {
  const p = param();
  new Adam(0.001).step(p, grads);
  // m̂ = g, v̂ = g²: the step is lr·g/(|g| + ε)
  close(p.W.data[0] as number, 1 - (0.001 * 0.5) / (0.5 + 1e-8), 'W[0]');
  close(p.W.data[1] as number, -2 + (0.001 * 4) / (4 + 1e-8), 'W[1]');
});

Deno.test("learning-rate schedules: inverse time decay and the course's scheduled decay", () => {
  const inverse = inverseTimeDecay(0.5, { decayRate: 1 });
  close(inverse.at(3), 0.5 / 4, 'inverse at epoch 3');
  const scheduled = scheduledDecay(0.5, 1, 1000);
  close(scheduled.at(999), 0.5, 'scheduled at 999');
  close(scheduled.at(1000), 0.25, 'scheduled at 1000');
});

Deno.test('optimizer state round-trips: a restored Adam takes the same next step', () => {
  const [a, b] = [param(), param()];
  const first = new Adam(0.01);
  first.step(a, grads);
  const second = new Adam(0.01);
  // The state as a saved model carries it: the counters and copies of the slot tensors.
  const state = first.getState();
  const slots = Object.fromEntries(Object.entries(state.slots).map(([k, t]) => [k, tensor(t.data.slice(), t.dtype, t.shape)]));
  second.setState({ ...state, slots });
  b.W.data.set(a.W.data);
  first.step(a, grads);
  second.step(b, grads);
  for (let i = 0; i < 2; i++) close(b.W.data[i] as number, a.W.data[i] as number, `W[${i}]`);
});
