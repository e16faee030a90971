import { execFileSync } from 'node:child_process';
import { Generator, tensor } from '@neurite/tensor';
import { numericGrad, relativeError as relError } from '@neurite/tensor/testing';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  computeCost,
  Dense,
  initializeParameters,
  initializeParametersDeep,
  linearActivationBackward,
  linearActivationForward,
  modelBackward,
  modelForward,
  optimize,
  predict,
  propagate,
  Sequential,
  updateParameters,
} from '../src/index.ts';

const hasNumpy = (() => {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const numpy = (code: string): number[] =>
  JSON.parse(execFileSync('python3', ['-c', `import numpy as np, json\n${code}`], { encoding: 'utf8' }));

describe("week 2: propagate and optimize (the notebook's unit example)", () => {
  const w = tensor([[1], [2]], 'float64');
  const b = 1.5;
  const X = tensor(
    [
      [1, -2, -1],
      [3, 0.5, -3.2],
    ],
    'float64',
  );
  const Y = tensor([[1, 1, 0]], 'float64');

  it('propagate gives the published dw, db and cost', () => {
    const { grads, cost } = propagate(w, b, X, Y);
    expect(grads.dw.data[0]).toBeCloseTo(0.25071532, 8);
    expect(grads.dw.data[1]).toBeCloseTo(-0.06604096, 8);
    expect(grads.db).toBeCloseTo(-0.1250040450043965, 15);
    expect(cost).toBeCloseTo(0.15900537707692405, 15);
  });

  it('optimize (100 iterations, learning rate 0.009) gives the published parameters, grads and costs', () => {
    const { params, grads, costs } = optimize(w, b, X, Y, 100, 0.009);
    expect(params.w.data[0]).toBeCloseTo(0.80956046, 8);
    expect(params.w.data[1]).toBeCloseTo(2.0508202, 7);
    expect(params.b).toBeCloseTo(1.5948713189708588, 14);
    expect(grads.dw.data[0]).toBeCloseTo(0.17860505, 8);
    expect(grads.dw.data[1]).toBeCloseTo(-0.04840656, 8);
    expect(grads.db).toBeCloseTo(-0.08888460336847771, 14);
    expect(costs).toHaveLength(1);
    expect(costs[0]).toBeCloseTo(0.15900538, 8);
  });

  it('rejects a w that does not fit X', () => {
    expect(() => propagate(tensor([[1], [2], [3]], 'float64'), 0, X, Y)).toThrow(/w must be \(n_x, 1\) and X \(n_x, m\)/);
  });
});

describe('initializers reproduce numpy legacy seeding', () => {
  it('initializeParameters(2, 4, 1) with seed 2 draws W1 then W2 as randn·0.01', () => {
    const p = initializeParameters(2, 4, 1, 2);
    const g = new Generator(2);
    const z = g.randn([12], 'float64').data;
    expect(Array.from(p.W1.data)).toEqual(Array.from(z.slice(0, 8), (v) => v * 0.01));
    expect(Array.from(p.W2.data)).toEqual(Array.from(z.slice(8, 12), (v) => v * 0.01));
    expect(Array.from(p.b1.data)).toEqual([0, 0, 0, 0]);
  });

  it('the first weights for seed 1 are the reference check values', () => {
    const p = initializeParametersDeep([5, 4, 3], 1);
    expect(p.W1.data[0]).toBeCloseTo(1.6243453636632417 / Math.sqrt(5), 15);
    expect(p.W1.data[1]).toBeCloseTo(-0.6117564136500754 / Math.sqrt(5), 15);
    expect(p.W1.data[2]).toBeCloseTo(-0.5281717522634557 / Math.sqrt(5), 15);
  });

  it.skipIf(!hasNumpy)('initializeParametersDeep([5, 4, 3, 1], seed 3) equals numpy (python3 with numpy)', () => {
    const p = initializeParametersDeep([5, 4, 3, 1], 3);
    const want = numpy(
      'np.random.seed(3)\nd=[5,4,3,1]\nout=[]\nfor l in range(1,4): out += (np.random.randn(d[l], d[l-1]) / np.sqrt(d[l-1])).ravel().tolist()\nprint(json.dumps(out))',
    );
    const got = [...p.W1.data, ...p.W2.data, ...p.W3.data];
    expect(got.length).toBe(want.length);
    got.forEach((v, i) => {
      expect(Math.abs(v - want[i])).toBeLessThan(1e-15);
    });
  });

  it.skipIf(!hasNumpy)('Sequential with He init draws the same weights as numpy, layer by layer, W before b', () => {
    const model = new Sequential({ inputUnits: 6, dtype: 'float64', seed: 9 })
      .add(new Dense(4, { activation: 'relu', kernelInitializer: 'heNormal' }))
      .add(new Dense(2, { activation: 'sigmoid', kernelInitializer: 'heNormal' }))
      .build();
    const want = numpy(
      'np.random.seed(9)\nd=[6,4,2]\nout=[]\nfor l in range(1,3): out += (np.random.randn(d[l], d[l-1]) * np.sqrt(2. / d[l-1])).ravel().tolist()\nprint(json.dumps(out))',
    );
    const { W1, W2 } = model.params();
    [...W1.data, ...W2.data].forEach((v, i) => {
      expect(Math.abs(v - want[i])).toBeLessThan(1e-15);
    });
  });
});

describe('week 4: the step-by-step functions', () => {
  const g = new Generator(11);
  const X = g.randn([4, 6], 'float64');
  const Y = tensor([[1, 0, 1, 1, 0, 0]], 'float64');
  const params = initializeParametersDeep([4, 3, 2, 1], 4);
  // Nonzero biases keep every Z off the ReLU kink at exactly 0, where finite differences see half a slope.
  for (const b of [params.b1, params.b2, params.b3]) b.data.fill(0.05);

  it('linearActivationForward caches ((A_prev, W, b), Z) and applies the activation', () => {
    const { A, cache } = linearActivationForward(X, params.W1, params.b1, 'relu');
    expect(cache.linearCache.A).toBe(X);
    expect(cache.activationCache.shape).toEqual([3, 6]);
    A.data.forEach((v, i) => {
      expect(v).toBe(Math.max(0, cache.activationCache.data[i]));
    });
  });

  it('modelBackward matches central differences of computeCost', () => {
    const { AL, caches } = modelForward(X, params);
    const grads = modelBackward(AL, Y, caches);
    for (const name of ['W1', 'b1', 'W2', 'b2', 'W3', 'b3']) {
      const numeric = numericGrad(() => computeCost(modelForward(X, params).AL, Y), params[name]);
      expect(relError(grads[`d${name}`].data, numeric), name).toBeLessThan(1e-7);
    }
    expect(grads.dA0.shape).toEqual([4, 6]);
  });

  it('tanh hidden layers (week 3) also check', () => {
    const { AL, caches } = modelForward(X, params, { hiddenActivation: 'tanh' });
    const grads = modelBackward(AL, Y, caches, { hiddenActivation: 'tanh' });
    const numeric = numericGrad(() => computeCost(modelForward(X, params, { hiddenActivation: 'tanh' }).AL, Y), params.W1);
    expect(relError(grads.dW1.data, numeric)).toBeLessThan(1e-7);
    const lin = linearActivationBackward(grads.dA2, caches[1], 'tanh');
    expect(relError(lin.dW.data, grads.dW2.data)).toBe(0);
  });

  it('three steps of the notebook loop equal three Sequential.fit iterations', () => {
    let p = params;
    const costs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { AL, caches } = modelForward(X, p);
      costs.push(computeCost(AL, Y));
      p = updateParameters(p, modelBackward(AL, Y, caches), 0.1);
    }
    const model = new Sequential({ inputUnits: 4, dtype: 'float64' })
      .add(new Dense(3, { activation: 'relu' }))
      .add(new Dense(2, { activation: 'relu' }))
      .add(new Dense(1, { activation: 'sigmoid' }))
      .setParams(Object.fromEntries(Object.entries(params).map(([k, t]) => [k, t.mul(1)])));
    const history = model.fit(X, Y, { iterations: 3, learningRate: 0.1, printEvery: 1 });
    history.costs.forEach((c, i) => {
      expect(c).toBeCloseTo(costs[i], 14);
    });
    for (const [k, t] of Object.entries(model.params())) expect(relError(t.data, p[k].data), k).toBeLessThan(1e-13);
    expect(accuracy(predict(p, X), Y)).toBe(model.evaluate(X, Y).accuracy);
  });
});
