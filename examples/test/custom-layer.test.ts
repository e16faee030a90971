import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dense, Sequential } from '@neurite/layers';
import { loadModel, saveModel } from '@neurite/layers/node';
import { Adam } from '@neurite/optimizers';
import { Generator, setBackend, type Tensor, tensor } from '@neurite/tensor';
import { numericGrad, relativeError } from '@neurite/tensor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scale, ScaleWithBackward } from '../layers/scale.ts';
import { BACKENDS } from './backends.ts';

/**
 * The user-written layer of packages/layers/README.md (examples/layers/scale.ts): it trains,
 * saves and loads, with its own backward and with the one autodiff derives from its forward.
 */
const root = mkdtempSync(join(tmpdir(), 'neurite-custom-layer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function data(): { X: Tensor; Y: Tensor } {
  const g = new Generator(7);
  const X = g.randn([3, 40], 'float64');
  const Y = tensor([Array.from({ length: 40 }, (_, j) => (X.data[j] - 0.5 * X.data[40 + j] + 0.3 > 0 ? 1 : 0))], 'float64');
  return { X, Y };
}

function model(kind: typeof Scale | typeof ScaleWithBackward, seed = 3): Sequential {
  return new Sequential({ inputUnits: 3, dtype: 'float64', seed })
    .add(new Dense(4, { activation: 'tanh' }))
    .add(new kind())
    .add(new Dense(1, { activation: 'sigmoid' }));
}

it('the README shows examples/layers/scale.ts verbatim', () => {
  const readme = readFileSync(new URL('../../packages/layers/README.md', import.meta.url), 'utf8');
  const source = readFileSync(new URL('../layers/scale.ts', import.meta.url), 'utf8');
  expect(readme).toContain(source.trim());
});

describe.each(BACKENDS)('a user-written layer (%s backend)', (backend) => {
  beforeAll(() => {
    setBackend(backend);
  });

  describe.each([
    ['its own backward', ScaleWithBackward],
    ['the autodiff-derived backward', Scale],
  ] as const)('with %s', (_, kind) => {
    // Unnamed layers without a W are named after their class: scale1.gamma, scaleWithBackward1.gamma.
    const prefix = kind === Scale ? 'scale1' : 'scaleWithBackward1';
    it('its gradients match central differences (float64, relative error < 1e-7)', () => {
      const { X, Y } = data();
      const net = model(kind);
      // Move γ and β off their initial 1 and 0, so that a gradient mixed up with another shows.
      const { [`${prefix}.gamma`]: gamma, [`${prefix}.beta`]: beta } = net.params();
      gamma.data.set([0.5, -1.5, 2, 0.8]);
      beta.data.set([0.1, -0.2, 0.3, 0.05]);
      net.forward(X);
      const grads = net.backward(Y);
      const cost = () => net.evaluate(X, Y).cost;
      for (const [name, p] of Object.entries(net.params())) {
        expect(relativeError(grads[`d${name}`].data, numericGrad(cost, p)), name).toBeLessThan(1e-7);
      }
    });

    it('trains, saves and loads: predictions bit for bit, then training goes on identically', async () => {
      const { X, Y } = data();
      const net = model(kind);
      expect(Object.keys(net.params())).toEqual(['W1', 'b1', `${prefix}.gamma`, `${prefix}.beta`, 'W2', 'b2']);
      const history = net.fit(X, Y, { iterations: 60, optimizer: new Adam(0.05), printEvery: 59 });
      expect(history.costs[1]).toBeLessThan(history.costs[0] * 0.8);
      expect(net.params()[`${prefix}.gamma`].data.some((v) => v !== 1)).toBe(true);
      const dir = join(root, `${kind.name}-${backend}`);
      await saveModel(net, dir);
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      expect(json.layers[1]).toEqual({ type: `my-package>${kind.name}`, center: true });
      const loaded = await loadModel(dir);
      expect(loaded.layers[1]).toBeInstanceOf(kind);
      expect(Array.from(loaded.predictProba(X).data)).toEqual(Array.from(net.predictProba(X).data));
      net.fit(X, Y, { iterations: 5 });
      loaded.fit(X, Y, { iterations: 5 });
      for (const [k, t] of Object.entries(net.params())) expect(Array.from(loaded.params()[k].data), k).toEqual(Array.from(t.data));
    });
  });

  it('both backwards give the same gradients and the same training run', () => {
    const { X, Y } = data();
    const own = model(ScaleWithBackward);
    const auto = model(Scale);
    own.fit(X, Y, { iterations: 20, learningRate: 0.5 });
    auto.fit(X, Y, { iterations: 20, learningRate: 0.5 });
    // Autodiff sums dA ⊙ A_prev in another order than the hand-written sum: rounding apart, the same.
    const theirs = Object.values(auto.params());
    Object.entries(own.params()).forEach(([k, t], i) => {
      expect(relativeError(theirs[i].data, t.data), k).toBeLessThan(1e-12);
    });
  });
});
