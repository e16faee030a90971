import { planarFlower } from '@neurite/datasets';
import {
  add,
  Generator,
  gather,
  log,
  matmul,
  mul,
  sigmoid,
  square,
  sub,
  sum,
  type Tensor,
  tanh,
  valueAndGrad,
  zeros,
} from '@neurite/tensor';
import { matrixHtml, shapeText } from './matrix.ts';

/**
 * The week-3 planar classifier, forward and backward written as in the course, on a
 * batch of four flower points. Autodiff (valueAndGrad) checks the hand-derived gradients.
 */
interface Params {
  W1: Tensor;
  b1: Tensor;
  W2: Tensor;
  b2: Tensor;
}

const flower = planarFlower({ m: 400, rng: 1, dtype: 'float64' });
let offset = 0;
let params = init();
let steps = 0;

function init(): Params {
  // The course's initialize_parameters: np.random.seed(2), W = randn · 0.01, b = 0.
  const rng = new Generator(2);
  return {
    W1: mul(rng.randn([4, 2], 'float64'), 0.01),
    b1: zeros([4, 1], 'float64'),
    W2: mul(rng.randn([1, 4], 'float64'), 0.01),
    b2: zeros([1, 1], 'float64'),
  };
}

function batch(): { X: Tensor; Y: Tensor } {
  // Two points of each class, so the batch is never one-sided.
  const idx = [offset, offset + 200, offset + 1, offset + 201].map((i) => i % 400);
  return { X: gather(flower.X, idx, 1), Y: gather(flower.Y, idx, 1) };
}

function cost(A2: Tensor, Y: Tensor): Tensor {
  const m = Y.shape[1];
  return mul(sum(add(mul(Y, log(A2)), mul(sub(1, Y), log(sub(1, A2))))), -1 / m);
}

export function compute() {
  const { X, Y } = batch();
  const { W1, b1, W2, b2 } = params;
  const m = X.shape[1];
  const Z1 = add(matmul(W1, X), b1);
  const A1 = tanh(Z1);
  const Z2 = add(matmul(W2, A1), b2);
  const A2 = sigmoid(Z2);
  const J = cost(A2, Y);
  const dZ2 = sub(A2, Y);
  const dW2 = mul(matmul(dZ2, A1, { transB: true }), 1 / m);
  const db2 = mul(sum(dZ2, 1, true), 1 / m);
  const dZ1 = mul(matmul(W2, dZ2, { transA: true }), sub(1, square(A1)));
  const dW1 = mul(matmul(dZ1, X, { transB: true }), 1 / m);
  const db1 = mul(sum(dZ1, 1, true), 1 / m);
  const auto = valueAndGrad((w1: Tensor, c1: Tensor, w2: Tensor, c2: Tensor) =>
    cost(sigmoid(add(matmul(w2, tanh(add(matmul(w1, X), c1))), c2)), Y),
  )(W1, b1, W2, b2);
  let gap = 0;
  [dW1, db1, dW2, db2].forEach((g, i) => {
    g.data.forEach((v, k) => {
      gap = Math.max(gap, Math.abs(v - auto.grads[i].data[k]));
    });
  });
  return { X, Y, W1, b1, W2, b2, Z1, A1, Z2, A2, J, dZ2, dW2, db2, dZ1, dW1, db1, gap };
}

type Values = ReturnType<typeof compute>;

const row = (eq: string, t: Tensor, note = ''): string =>
  `<div class="eq-row"><div class="eq">${eq}${note ? `<span class="eq-note">${note}</span>` : ''}</div><code class="shape">${shapeText(t)}</code><div class="val">${matrixHtml(t)}</div></div>`;

const s = (name: string, l: number | string): string => `${name}<sup>[${l}]</sup>`;

export function renderPropagation(root: HTMLElement, status: HTMLElement): Values {
  const v = compute();
  root.innerHTML = `
    <div class="prop-col">
      <h3>Forward</h3>
      ${row('X = A<sup>[0]</sup>', v.X, 'the batch, one example per column')}
      ${row('Y', v.Y)}
      ${row(`${s('Z', 1)} = ${s('W', 1)}X + ${s('b', 1)}`, v.Z1, 'b broadcasts across the columns')}
      ${row(`${s('A', 1)} = tanh(${s('Z', 1)})`, v.A1)}
      ${row(`${s('Z', 2)} = ${s('W', 2)}${s('A', 1)} + ${s('b', 2)}`, v.Z2)}
      ${row(`ŷ = ${s('A', 2)} = σ(${s('Z', 2)})`, v.A2)}
      <div class="eq-row cost-row"><div class="eq">J = −<sup>1</sup>⁄<sub>m</sub> Σ y log ŷ + (1 − y) log(1 − ŷ)</div><code class="shape">()</code><div class="val"><output id="prop-cost" class="big-num">${v.J.item().toFixed(6)}</output></div></div>
    </div>
    <div class="prop-col">
      <h3>Backward</h3>
      ${row(`d${s('Z', 2)} = ${s('A', 2)} − Y`, v.dZ2)}
      ${row(`d${s('W', 2)} = <sup>1</sup>⁄<sub>m</sub> d${s('Z', 2)}${s('A', 1)}ᵀ`, v.dW2)}
      ${row(`d${s('b', 2)} = <sup>1</sup>⁄<sub>m</sub> Σ d${s('Z', 2)}`, v.db2)}
      ${row(`d${s('Z', 1)} = ${s('W', 2)}ᵀd${s('Z', 2)} ∗ (1 − ${s('A', 1)}²)`, v.dZ1, 'tanh′(z) = 1 − tanh²(z)')}
      ${row(`d${s('W', 1)} = <sup>1</sup>⁄<sub>m</sub> d${s('Z', 1)}Xᵀ`, v.dW1)}
      ${row(`d${s('b', 1)} = <sup>1</sup>⁄<sub>m</sub> Σ d${s('Z', 1)}`, v.db1)}
      <p class="agree ${v.gap < 1e-9 ? 'ok' : 'bad'}" id="prop-check">${v.gap < 1e-9 ? 'Autodiff agrees' : 'Autodiff disagrees'}: the largest difference between these gradients and <code>valueAndGrad</code>'s is ${v.gap.toExponential(1)}.</p>
    </div>`;
  status.textContent =
    steps === 0
      ? 'Parameters: randn · 0.01 with seed 2, as in the course.'
      : `${steps} gradient step${steps === 1 ? '' : 's'} taken on this batch.`;
  return v;
}

export function gradientStep(v: Values, alpha = 1.2): void {
  params = {
    W1: sub(params.W1, mul(v.dW1, alpha)),
    b1: sub(params.b1, mul(v.db1, alpha)),
    W2: sub(params.W2, mul(v.dW2, alpha)),
    b2: sub(params.b2, mul(v.db2, alpha)),
  };
  steps++;
}

export function nextBatch(): void {
  offset = (offset + 2) % 200;
  steps = 0;
  params = init();
}
