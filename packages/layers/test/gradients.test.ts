import { getLoss, type LossName } from '@neurite/losses';
import { type Activation, Generator, grad, linear, softmax, type Tensor, tensor } from '@neurite/tensor';
import { numericGrad, relativeError as relError } from '@neurite/tensor/testing';
import { describe, expect, it } from 'vitest';
import { type ActivationName, Dense, Dropout, type DropoutCache, Sequential } from '../src/index.ts';

/**
 * Every layer, activation and loss, checked three ways on small float64 networks: the
 * explicit-cache backward pass (Sequential.backward, the course's formulas), central
 * differences of the cost, and autodiff (`grad`) of the same cost written with ops.
 */
function network(hidden: ActivationName, output: ActivationName, outUnits: number, seed: number): Sequential {
  return new Sequential({ inputUnits: 3, dtype: 'float64', seed })
    .add(new Dense(4, { activation: hidden, kernelInitializer: 'glorotNormal', biasInitializer: 'glorotNormal', alpha: 0.1 }))
    .add(new Dense(3, { activation: hidden, kernelInitializer: 'heNormal', biasInitializer: 'glorotNormal', alpha: 0.1 }))
    .add(new Dense(outUnits, { activation: output, kernelInitializer: 'glorotNormal', biasInitializer: 'glorotNormal' }));
}

const denseLayers = (model: Sequential): Dense[] => model.layers.filter((l): l is Dense => l instanceof Dense);

function data(outUnits: number, kind: 'binary' | 'onehot' | 'real', seed: number): { X: Tensor; Y: Tensor } {
  const g = new Generator(seed);
  const m = 5;
  const X = g.randn([3, m], 'float64');
  const Y = g.rand([outUnits, m], 'float64');
  if (kind === 'binary') for (let i = 0; i < Y.size; i++) Y.data[i] = Y.data[i] > 0.5 ? 1 : 0;
  if (kind === 'onehot') {
    Y.data.fill(0);
    for (let j = 0; j < m; j++) Y.data[((j * 2) % outUnits) * m + j] = 1;
  }
  return { X, Y };
}

const cases: [string, ActivationName, ActivationName, number, LossName, 'binary' | 'onehot' | 'real', number][] = [
  ['tanh + sigmoid, binary cross-entropy (fused dZ = A − Y)', 'tanh', 'sigmoid', 1, 'binaryCrossEntropy', 'binary', 0],
  ['relu + sigmoid, binary cross-entropy, L2', 'relu', 'sigmoid', 1, 'binaryCrossEntropy', 'binary', 0.7],
  ['leakyRelu + softmax, categorical cross-entropy (fused)', 'leakyRelu', 'softmax', 3, 'categoricalCrossEntropy', 'onehot', 0],
  ['sigmoid + linear, mean squared error', 'sigmoid', 'linear', 2, 'meanSquaredError', 'real', 0.3],
  ['tanh + linear logits, cross-entropy from logits', 'tanh', 'linear', 1, 'binaryCrossEntropyFromLogits', 'binary', 0],
  ['relu + linear logits, softmax cross-entropy from logits', 'relu', 'linear', 3, 'softmaxCrossEntropy', 'onehot', 0],
  ['relu + softmax, mean squared error (unfused: through the softmax Jacobian)', 'relu', 'softmax', 3, 'meanSquaredError', 'onehot', 0],
  ['leakyRelu + sigmoid, mean squared error (unfused sigmoid backward)', 'leakyRelu', 'sigmoid', 2, 'meanSquaredError', 'real', 0],
];

describe.each(cases)('%s', (_name, hidden, output, outUnits, lossName, kind, l2) => {
  const model = network(hidden, output, outUnits, 3);
  const { X, Y } = data(outUnits, kind, 5);
  const loss = getLoss(lossName);
  const params = model.params();
  const m = X.shape[1];
  const cost = () => {
    const AL = model.forward(X).AL;
    let penalty = 0;
    if (l2 > 0) for (const l of denseLayers(model)) for (const w of l.W!.data) penalty += w * w;
    return loss.value(AL, Y) + (l2 / (2 * m)) * penalty;
  };

  it('explicit-cache backward matches central differences (relative error < 1e-7)', () => {
    model.forward(X);
    const grads = model.backward(Y, { loss, l2 });
    for (const [name, p] of Object.entries(params)) {
      const numeric = numericGrad(cost, p);
      expect(relError(grads[`d${name}`].data, numeric), name).toBeLessThan(1e-7);
    }
  });

  it('the buffered training backward agrees with the allocating one', () => {
    model.forward(X);
    const fresh = model.backward(Y, { loss, l2 });
    const copies = Object.fromEntries(Object.entries(fresh).map(([k, t]) => [k, Float64Array.from(t.data)]));
    model.forward(X, { training: true, reuse: true });
    model.backpropagate(Y, loss, l2, true);
    const buffered = model.gradsByParam();
    for (const [name, t] of Object.entries(buffered)) expect(relError(t.data, copies[`d${name}`])).toBeLessThan(1e-14);
  });

  it('autodiff of the same cost agrees with the explicit backward', () => {
    const dense = denseLayers(model);
    const f = (...ps: Tensor[]) => {
      let A = X;
      dense.forEach((layer, i) => {
        const act = layer.activation === 'softmax' ? 'linear' : layer.activation;
        A = linear(ps[2 * i], A, ps[2 * i + 1], act as Activation, layer.alpha);
        if (layer.activation === 'softmax') A = softmax(A, 0);
      });
      let c = loss.tensor(A, Y);
      if (l2 > 0)
        for (let i = 0; i < dense.length; i++)
          c = c.add(
            ps[2 * i]
              .square()
              .sum()
              .mul(l2 / (2 * m)),
          );
      return c;
    };
    const list = dense.flatMap((l) => [l.W!, l.b!]);
    const auto = grad(f)(...list);
    model.forward(X);
    const explicit = model.backward(Y, { loss, l2 });
    dense.forEach((_, i) => {
      expect(relError(auto[2 * i].data, explicit[`dW${i + 1}`].data)).toBeLessThan(1e-10);
      expect(relError(auto[2 * i + 1].data, explicit[`db${i + 1}`].data)).toBeLessThan(1e-10);
    });
  });
});

describe('a layer without bias', () => {
  it('has only W and its gradient checks', () => {
    const model = new Sequential({ inputUnits: 2, dtype: 'float64', seed: 4 })
      .add(new Dense(2, { activation: 'tanh', useBias: false }))
      .add(new Dense(1, { activation: 'sigmoid' }));
    const X = tensor(
      [
        [0.5, -1, 2],
        [1, 0.3, -0.7],
      ],
      'float64',
    );
    const Y = tensor([[1, 0, 1]], 'float64');
    expect(Object.keys(model.params())).toEqual(['W1', 'W2', 'b2']);
    model.forward(X);
    const grads = model.backward(Y);
    const loss = getLoss('binaryCrossEntropy');
    const numeric = numericGrad(() => loss.value(model.forward(X).AL, Y), model.params().W1);
    expect(relError(grads.dW1.data, numeric)).toBeLessThan(1e-7);
  });
});

describe('Dropout', () => {
  it('backward matches central differences with the mask held fixed (same seed each evaluation)', () => {
    const g = new Generator(8);
    const A = g.randn([4, 6], 'float64');
    const C = g.randn([4, 6], 'float64');
    const layer = new Dropout(0.3).ensureBuilt([4, null], { rng: new Generator(0), dtype: 'float64' });
    let cache: DropoutCache = { mask: null };
    const f = () => {
      const out = layer.forward(A, { training: true, reuse: false, rng: new Generator(21) });
      cache = out.cache;
      let s = 0;
      for (let i = 0; i < out.A.size; i++) s += C.data[i] * out.A.data[i];
      return s;
    };
    const numeric = numericGrad(f, A);
    f();
    const dA = layer.backward(C, cache, { needInput: true, reuse: false, m: 6 }).dA_prev as Tensor;
    expect(relError(dA.data, numeric)).toBeLessThan(1e-7);
    expect(Array.from(dA.data).some((v) => v === 0)).toBe(true);
  });
});
