import { getLoss } from '@neurite/losses';
import {
  activationBackward,
  Generator,
  matmul,
  NeuriteError,
  reshape,
  ShapeError,
  sum,
  type Tensor,
  tanh,
  tensor,
  transpose,
} from '@neurite/tensor';
import { numericGrad, relativeError } from '@neurite/tensor/testing';
import { describe, expect, it } from 'vitest';
import {
  type BackwardContext,
  type BackwardResult,
  Dense,
  Dropout,
  type ForwardContext,
  type ForwardResult,
  fromBytes,
  Layer,
  type LayerConfig,
  type LayerShape,
  ModelFormatError,
  registeredLayers,
  registerLayer,
  Sequential,
  toBytes,
} from '../src/index.ts';

/** A = tanh(V·A_prev), no bias, a user's layer with a W-less name: autodiff derives its backward. */
class TanhMix extends Layer<Tensor> {
  readonly units: number;
  constructor(config: { units: number; name?: string }) {
    super(config);
    if (!Number.isInteger(config?.units) || config.units <= 0)
      throw new NeuriteError(`TanhMix: units must be a positive integer, received ${config?.units}`);
    this.units = config.units;
  }
  override build(inputShape: LayerShape): void {
    this.addWeight('V', [this.units, inputShape[0] as number], 'glorotNormal', { regularized: true });
  }
  computeOutputShape(): LayerShape {
    return [this.units, null];
  }
  forward(A_prev: Tensor): Tensor | ForwardResult<Tensor> {
    return tanh(matmul(this.getWeight('V').value, A_prev));
  }
  override getConfig(): LayerConfig {
    return { units: this.units, ...super.getConfig() };
  }
}
registerLayer('test>TanhMix', TanhMix);

/** (m, h, w, c) → (h·w·c, m) with reshape and transpose ops, C order per example, as Flatten does. */
class ColumnsOf extends Layer {
  computeOutputShape(s: LayerShape): LayerShape {
    return [(s as number[]).slice(1).reduce((p, d) => p * d, 1), null];
  }
  forward(A_prev: Tensor): Tensor {
    return transpose(reshape(A_prev, [A_prev.shape[0], -1]));
  }
}

const data = (n = 3, m = 8, seed = 2) => {
  const g = new Generator(seed);
  const X = g.randn([n, m], 'float64');
  const Y = tensor([Array.from({ length: m }, (_, j) => (X.data[j] > 0 ? 1 : 0))], 'float64');
  return { X, Y };
};

describe('registerLayer', () => {
  it('lists the built-in layers and refuses bad or taken names', () => {
    expect(registeredLayers()).toEqual(expect.arrayContaining(['Dense', 'Dropout', 'test>TanhMix']));
    class Other extends TanhMix {}
    expect(() => registerLayer('', Other)).toThrow(/non-empty string/);
    expect(() => registerLayer('has space', Other)).toThrow(/without spaces/);
    expect(() => registerLayer('Dense', Other)).toThrow(/'Dense' is a built-in layer; register yours as 'my-package>Dense'/);
    expect(() => registerLayer('test>TanhMix', Other)).toThrow(/already registered to another class/);
    expect(() => registerLayer('test>TanhMix', TanhMix)).not.toThrow();
    expect(() => registerLayer('test>TanhMix2', TanhMix)).toThrow(/already registered as 'test>TanhMix'/);
  });

  it('an unregistered layer trains, but saving it says how to register it', () => {
    const { X, Y } = data();
    const model = new Sequential({ dtype: 'float64' }).add(new Dense(2)).add(new (class Unsaved extends TanhMix {})({ units: 1 }));
    model.add(new Dense(1, { activation: 'sigmoid' }));
    model.fit(X, Y, { iterations: 2 });
    expect(() => toBytes(model)).toThrow(/Unsaved is not a registered layer class.*registerLayer\('my-package>Unsaved', Unsaved\)/);
  });
});

describe('a user layer whose backward autodiff derives', () => {
  const model = () =>
    new Sequential({ inputUnits: 3, dtype: 'float64', seed: 5 })
      .add(new TanhMix({ units: 4 }))
      .add(new Dense(2, { activation: 'relu', biasInitializer: 'glorotNormal' }))
      .add(new TanhMix({ units: 3, name: 'mix' }))
      .add(new Dense(1, { activation: 'sigmoid' }));

  it('names weights W1, b1 for layers with a W and <layer>.<weight> for the others', () => {
    expect(Object.keys(model().build().params())).toEqual(['tanhMix1.V', 'W1', 'b1', 'mix.V', 'W2', 'b2']);
  });

  it('gradients (with L2 on the regularized weights) match central differences; the first layer gets no dA', () => {
    const { X, Y } = data();
    const net = model();
    const loss = getLoss('binaryCrossEntropy');
    const l2 = 0.3;
    const cost = () => {
      let penalty = 0;
      for (const { weight } of net.namedWeights()) if (weight.regularized) for (const w of weight.value.data) penalty += w * w;
      return loss.value(net.predictProba(X), Y) + (l2 / (2 * X.shape[1])) * penalty;
    };
    net.forward(X);
    const grads = net.backward(Y, { l2 });
    for (const [name, p] of Object.entries(net.params())) {
      expect(relativeError(grads[`d${name}`].data, numericGrad(cost, p)), name).toBeLessThan(1e-7);
    }
  });

  it('round-trips through model files, with its config', () => {
    const { X, Y } = data();
    const net = model();
    net.fit(X, Y, { iterations: 3, learningRate: 0.3 });
    const artifacts = toBytes(net);
    expect(artifacts.modelJson.layers[2]).toEqual({ type: 'test>TanhMix', units: 3, name: 'mix' });
    const copy = fromBytes(artifacts);
    expect(Array.from(copy.predictProba(X).data)).toEqual(Array.from(net.predictProba(X).data));
  });

  it('loading refuses unknown config keys and invalid values, naming the layer', () => {
    const net = model().build();
    const { modelJson, weights } = toBytes(net);
    const edit = (i: number, patch: object) => ({
      ...modelJson,
      layers: modelJson.layers.map((l, j) => (j === i ? { ...l, ...patch } : l)),
    });
    expect(() => fromBytes({ modelJson: edit(1, { activaton: 'tanh' }), weights })).toThrow(
      /layers\[1\] \(Dense\) has unknown config key 'activaton'; Dense takes units, activation/,
    );
    expect(() => fromBytes({ modelJson: edit(0, { units: -1 }), weights })).toThrow(
      /layers\[0\] \(test>TanhMix\) has an invalid config: TanhMix: units/,
    );
    expect(() => fromBytes({ modelJson: edit(1, { activation: 'swoosh' }), weights })).toThrow(ModelFormatError);
  });

  it('a forward that is not made of ops cannot be differentiated, and says so', () => {
    class Raw extends TanhMix {
      override forward(A_prev: Tensor): Tensor {
        const out = tanh(matmul(this.getWeight('V').value, A_prev));
        return tensor(Array.from(out.data), 'float64').reshape(out.shape);
      }
    }
    const { X, Y } = data();
    const net = new Sequential({ inputUnits: 3, dtype: 'float64' }).add(new Raw({ units: 1 }));
    expect(() => net.fit(X, Y, { iterations: 1, loss: 'meanSquaredError' })).toThrow(
      /has no backward\(\).*write forward with ops, or implement backward/,
    );
  });
});

describe('a user layer with its own backward', () => {
  class Broken extends TanhMix {
    constructor(private readonly mode: 'none' | 'shape') {
      super({ units: 1 });
    }
    override forward(A_prev: Tensor): { A: Tensor; cache: Tensor } {
      return { A: tanh(matmul(this.getWeight('V').value, A_prev)), cache: A_prev };
    }
    override backward(dA: Tensor): BackwardResult {
      return { dA_prev: null, grads: this.mode === 'none' ? {} : { V: sum(dA) } };
    }
  }
  it('a missing or misshapen gradient is an error naming the weight', () => {
    const { X, Y } = data();
    for (const [mode, pattern] of [
      ['none', /returned no gradient for its trainable weight 'V'/],
      ['shape', /the gradient of 'V' has shape \(\), the weight \(1, 3\)/],
    ] as const) {
      const net = new Sequential({ inputUnits: 3, dtype: 'float64' }).add(new Broken(mode));
      expect(() => net.fit(X, Y, { iterations: 1, loss: 'meanSquaredError' })).toThrow(pattern);
    }
  });
});

describe('fast paths are capabilities a layer declares', () => {
  /** A sigmoid output layer of the user's: declares its activation, so the loss gradient arrives as dZ = A − Y. */
  class SigmoidOut extends TanhMix {
    override readonly outputActivation = { activation: 'sigmoid' as const, alpha: 0 };
    seen: Tensor | null = null;
    override forward(A_prev: Tensor, _ctx?: ForwardContext): { A: Tensor; cache: Tensor } {
      const Z = matmul(this.getWeight('V').value, A_prev);
      return { A: Z.sigmoid(), cache: A_prev };
    }
    override backward(dA: Tensor, A_prev: Tensor, ctx: BackwardContext): BackwardResult {
      throw new Error(`backward should not run: ${dA.shape} ${A_prev.shape} ${ctx.m}`);
    }
    override backwardFromZ(dZ: Tensor, A_prev: Tensor, ctx: BackwardContext): BackwardResult {
      this.seen = dZ;
      const V = this.getWeight('V').value;
      const dA_prev = ctx.needInput ? matmul(V, dZ, { transA: true }) : null;
      // Take up the layer below's activation when offered: hand it dZ instead of dA.
      if (dA_prev && ctx.below)
        return {
          dZ_prev: activationBackward(ctx.below.activation as 'tanh', dA_prev, A_prev, ctx.below.alpha),
          grads: this.grads(dZ, A_prev, ctx),
        };
      return { dA_prev, grads: this.grads(dZ, A_prev, ctx) };
    }
    grads(dZ: Tensor, A_prev: Tensor, ctx: BackwardContext): Record<string, Tensor> {
      return { V: matmul(dZ, A_prev, { transB: true }).mul(1 / ctx.m) };
    }
  }

  it('dZ = A − Y for a declared sigmoid output; on the training path it hands the Dense below its dZ', () => {
    const { X, Y } = data();
    const out = new SigmoidOut({ units: 1 });
    const net = new Sequential({ inputUnits: 3, dtype: 'float64', seed: 1 }).add(new Dense(4, { activation: 'tanh' })).add(out);
    const AL = net.forward(X).AL;
    net.backward(Y);
    expect(Array.from((out.seen as Tensor).data)).toEqual(Array.from(AL.data).map((a, i) => a - Y.data[i]));
    expect(net.predict(X).data.every((v) => v === 0 || v === 1)).toBe(true);
    // The training path offers ctx.below (Dense declares tanh); the Dense below then trains from the dZ handed down.
    const loss = getLoss('binaryCrossEntropy');
    net.forward(X, { training: true, reuse: true });
    net.backpropagate(Y, loss, 0, true);
    const grads = net.gradsByParam();
    const cost = () => loss.value(net.predictProba(X), Y);
    for (const [name, p] of Object.entries(net.params()))
      expect(relativeError(grads[name].data, numericGrad(cost, p)), name).toBeLessThan(1e-7);
  });
});

describe('shapes', () => {
  it('an image-layout input (m, h, w, c) trains through a user flatten, in mini-batches along axis 0', () => {
    const g = new Generator(3);
    const X = g.randn([12, 2, 2, 1], 'float64');
    const Y = tensor([Array.from({ length: 12 }, (_, j) => (X.data[4 * j] + X.data[4 * j + 3] > 0 ? 1 : 0))], 'float64');
    const net = new Sequential({ dtype: 'float64', seed: 2 })
      .add(new ColumnsOf())
      .add(new Dense(3, { activation: 'tanh' }))
      .add(new Dense(1, { activation: 'sigmoid' }));
    const history = net.fit(X, Y, { epochs: 40, batchSize: 5, learningRate: 0.5, seed: 1, printEvery: 39 });
    expect(net.inputShape).toEqual([null, 2, 2, 1]);
    expect(history.steps).toBe(40 * 3);
    expect(history.costs[1]).toBeLessThan(history.costs[0]);
    expect(net.summary()).toMatch(/ColumnsOf\s+\(4, m\)\s+0/);
    expect(net.summary()).toMatch(/input \(m, 2, 2, 1\)/);
    expect(() => net.predict(g.randn([3, 2, 2, 2], 'float64'))).toThrow(
      /X must have shape \(m, 2, 2, 1\) \(m examples\), received \(3, 2, 2, 2\)/,
    );
  });

  it('Dense after an image-layout layer names itself and both shapes; fit needs an (n_L, m) output', () => {
    expect(() => new Sequential({ inputShape: [null, 4, 4, 1] }).add(new Dense(2)).build()).toThrow(
      /Dense\(2\): input must be \(n_prev, m\) with one example per column, received \(m, 4, 4, 1\); put a Flatten layer before it/,
    );
    class Same extends Layer {
      computeOutputShape(s: LayerShape): LayerShape {
        return s;
      }
      forward(A: Tensor): Tensor {
        return A;
      }
    }
    const X = new Generator(1).randn([2, 3, 3, 1], 'float64');
    expect(() => new Sequential({ dtype: 'float64' }).add(new Same()).fit(X, X, { iterations: 1 })).toThrow(
      /the losses need \(n_L, m\): end the model with Flatten and Dense/,
    );
  });

  it('a layer built for one shape refuses another, and bad output shapes are caught', () => {
    const dense = new Dense(2).ensureBuilt([3, null], { rng: new Generator(0), dtype: 'float32' });
    expect(() => dense.ensureBuilt([4, null], { rng: new Generator(0), dtype: 'float32' })).toThrow(
      /was built for input \(3, m\), received \(4, m\)/,
    );
    class Bad extends Layer {
      computeOutputShape(): LayerShape {
        return [3, 4];
      }
      forward(A: Tensor): Tensor {
        return A;
      }
    }
    expect(() => new Sequential({ inputUnits: 2 }).add(new Bad()).build()).toThrow(ShapeError);
  });

  it('weights are declared in build only, once per name', () => {
    class Twice extends Dropout {
      override build(): void {
        this.addWeight('w', [1], 'ones');
        this.addWeight('w', [1], 'ones');
      }
    }
    expect(() => new Twice(0.1).ensureBuilt([2, null], { rng: new Generator(0), dtype: 'float32' })).toThrow(/already has a weight 'w'/);
    class Late extends Dropout {
      late(): void {
        this.addWeight('w', [1], 'ones');
      }
    }
    expect(() => new Late(0.1).late()).toThrow(/declare weights in build\(\)/);
  });

  it('Sequential.add takes layers only, each once, with unique names', () => {
    expect(() => new Sequential().add({ forward: () => null } as never)).toThrow(/expected a Layer/);
    const d = new Dense(1);
    expect(() => new Sequential().add(d).add(d)).toThrow(/already in the model/);
    expect(() => new Sequential().add(new Dense(1, { name: 'a' })).add(new Dense(1, { name: 'a' }))).toThrow(/two layers named 'a'/);
  });
});
