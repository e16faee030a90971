import { getLoss, type LossName } from '@neurite/losses';
import { Generator, type Tensor, tensor } from '@neurite/tensor';
import { numericGrad, relativeError } from '@neurite/tensor/testing';
import { describe, expect, it } from 'vitest';
import {
  Activation,
  type ActivationName,
  AveragePool2D,
  BatchNormalization,
  Conv2D,
  Dense,
  Flatten,
  fromBytes,
  GlobalAveragePooling2D,
  type Layer,
  type LayerShape,
  MaxPool2D,
  Sequential,
  toBytes,
  Unflatten,
} from '../src/index.ts';

/**
 * Every built-in layer against central differences in float64, alone (dA_prev and each
 * weight's gradient, training and inference mode) and stacked in random small conv nets,
 * plus its buffered training path against its allocating one.
 */
const GOOD = 1e-7;
const build = (layer: Layer, shape: LayerShape, seed = 1) => layer.ensureBuilt(shape, { rng: new Generator(seed), dtype: 'float64' });

/** Random values away from 0, so that kinks (relu, max) sit far from the differences. */
function input(shape: number[], seed: number): Tensor {
  const x = new Generator(seed).randn(shape, 'float64');
  for (let i = 0; i < x.size; i++) if (Math.abs(x.data[i]) < 0.05) x.data[i] += 0.1;
  return x;
}

/**
 * With a random C, f = Σ C ⊙ forward(A_prev): backward(C) must give df/dA_prev as dA_prev and
 * (1/m)·df/dW for each trainable weight (the course's convention: dA per example, dW a mean).
 */
function checkLayer(layer: Layer, x: Tensor, m: number, training: boolean): void {
  const ctx = { training, reuse: false, rng: new Generator(3) };
  const out = layer.forward(x, ctx) as { A: Tensor; cache: unknown };
  const C = input([...out.A.shape], 99);
  const f = () => {
    const A = (layer.forward(x, ctx) as { A: Tensor }).A;
    let s = 0;
    for (let i = 0; i < A.size; i++) s += C.data[i] * A.data[i];
    return s;
  };
  const { cache } = layer.forward(x, ctx) as { A: Tensor; cache: unknown };
  const result = (layer.backward as NonNullable<Layer['backward']>).call(layer, C, cache, { needInput: true, reuse: false, m });
  expect(relativeError((result.dA_prev as Tensor).data, numericGrad(f, x)), `${layer.describe()} dA_prev`).toBeLessThan(GOOD);
  for (const w of layer.weights.filter((v) => v.trainable)) {
    const numeric = numericGrad(f, w.value).map((v) => v / m);
    expect(relativeError((result.grads as Record<string, Tensor>)[w.name].data, numeric), `${layer.describe()} d${w.name}`).toBeLessThan(
      GOOD,
    );
  }
  // The training path (reuse buffers) computes the same values.
  const fresh = (result.dA_prev as Tensor).data.slice();
  const again = layer.forward(x, { ...ctx, reuse: true }) as { A: Tensor; cache: unknown };
  expect(Array.from(again.A.data)).toEqual(Array.from(out.A.data));
  const buffered = (layer.backward as NonNullable<Layer['backward']>).call(layer, C, again.cache, { needInput: true, reuse: true, m });
  expect(relativeError((buffered.dA_prev as Tensor).data, fresh)).toBeLessThan(1e-15);
}

const image = [null, 5, 6, 2] as const;

describe('each layer alone matches central differences (float64)', () => {
  const acts: ActivationName[] = [
    'linear',
    'sigmoid',
    'tanh',
    'relu',
    'leakyRelu',
    'softmax',
    'elu',
    'selu',
    'gelu',
    'softplus',
    'silu',
    'swish',
  ];
  for (const act of acts) {
    it(`Dense (${act})`, () =>
      checkLayer(
        build(new Dense(3, { activation: act, biasInitializer: 'glorotNormal', alpha: 0.3 }), [4, null]),
        input([4, 5], 2),
        5,
        true,
      ));
    it(`Activation (${act}), columns and images`, () => {
      checkLayer(build(new Activation(act, { alpha: 0.3 }), [4, null]), input([4, 5], 3), 5, true);
      checkLayer(build(new Activation(act), [...image]), input([3, 5, 6, 2], 4), 3, true);
    });
  }
  for (const [label, layer] of [
    ['valid, stride 1', new Conv2D(3, 3, { biasInitializer: 'glorotNormal' })],
    ['same, stride 2, tanh', new Conv2D(2, [3, 2], { strides: 2, padding: 'same', activation: 'tanh' })],
    [
      'explicit padding, dilation 2, gelu',
      new Conv2D(2, 2, {
        padding: [
          [1, 0],
          [2, 1],
        ],
        dilation: 2,
        activation: 'gelu',
      }),
    ],
    ['no bias, stride [2, 1], softmax over channels', new Conv2D(3, 1, { strides: [2, 1], useBias: false, activation: 'softmax' })],
  ] as const) {
    it(`Conv2D ${label}`, () => checkLayer(build(layer, [...image]), input([3, 5, 6, 2], 5), 3, true));
  }
  it('MaxPool2D and AveragePool2D, overlapping, padded and plain', () => {
    for (const layer of [
      new MaxPool2D(2),
      new MaxPool2D(3, { strides: 1, padding: 'same' }),
      new AveragePool2D(2, { strides: 1 }),
      new AveragePool2D([2, 3], { padding: 1 }),
      new AveragePool2D(3, { padding: 'same', strides: 2, countIncludePad: true }),
    ]) {
      checkLayer(build(layer, [...image]), input([3, 5, 6, 2], 6), 3, true);
    }
  });
  it('GlobalAveragePooling2D, to columns and kept as an image', () => {
    checkLayer(build(new GlobalAveragePooling2D(), [...image]), input([3, 5, 6, 2], 7), 3, true);
    checkLayer(build(new GlobalAveragePooling2D({ keepDims: true }), [...image]), input([3, 5, 6, 2], 7), 3, true);
  });
  it('Flatten', () => checkLayer(build(new Flatten(), [...image]), input([3, 5, 6, 2], 8), 3, true));
  it('Unflatten', () => checkLayer(build(new Unflatten([5, 6, 2]), [60, null]), input([60, 3], 9), 3, true));
  for (const training of [true, false]) {
    it(`BatchNormalization in ${training ? 'training' : 'inference'} mode, columns and images`, () => {
      const columns = build(new BatchNormalization(), [4, null]);
      const images = build(new BatchNormalization({ center: false }), [...image]);
      // Non-trivial γ, β and moving statistics.
      for (const layer of [columns, images]) {
        for (const w of layer.weights) {
          const r = new Generator(w.value.size).rand([...w.shape], 'float64');
          for (let i = 0; i < w.value.size; i++) w.value.data[i] = w.name === 'movingVariance' ? 0.5 + r.data[i] : r.data[i] - 0.3;
        }
      }
      checkLayer(columns, input([4, 6], 9), 6, training);
      checkLayer(images, input([3, 5, 6, 2], 10), 3, training);
    });
  }
});

describe('BatchNormalization', () => {
  it('normalizes with the batch in training, updates the moving statistics, and uses them at inference (numpy)', () => {
    const bn = build(new BatchNormalization({ momentum: 0.9, epsilon: 1e-3 }), [2, null]);
    const Z = tensor(
      [
        [1, 2, 3, 6],
        [-1, 0, 0.5, 4.5],
      ],
      'float64',
    );
    const A = (bn.forward(Z, { training: true, reuse: false, rng: new Generator(0) }) as { A: Tensor }).A;
    // numpy: mu = Z.mean(1, keepdims=True); var = Z.var(1, keepdims=True); (Z - mu) / np.sqrt(var + 1e-3)
    const want = [
      [-1.0688922796581097, -0.5344461398290549, 0.0, 1.6033384194871645],
      [-0.9560736281530443, -0.47803681407652215, -0.23901840703826108, 1.6731288492678276],
    ];
    want.flat().forEach((v, i) => {
      expect(A.data[i]).toBeCloseTo(v, 12);
    });
    // moving = 0.9·moving + 0.1·batch, from mean 0 and variance 1 (numpy: batch mean [3, 1], variance [3.5, 4.375]).
    const movingMean = Array.from(bn.getWeight('movingMean').value.data);
    [0.3, 0.1].forEach((v, i) => {
      expect(movingMean[i]).toBeCloseTo(v, 15);
    });
    const movingVariance = Array.from(bn.getWeight('movingVariance').value.data);
    [1.25, 1.3375].forEach((v, i) => {
      expect(movingVariance[i]).toBeCloseTo(v, 15);
    });
    // numpy: (Z - moving_mean) / np.sqrt(moving_var + 1e-3), first entry.
    const inference = (bn.forward(Z, { training: false, reuse: false, rng: new Generator(0) }) as { A: Tensor }).A;
    expect(inference.data[0]).toBeCloseTo(0.6258487442501234, 14);
  });

  it('its moving statistics are saved in model files and loaded back', () => {
    const g = new Generator(5);
    const X = g.randn([3, 16], 'float64');
    const Y = tensor([Array.from({ length: 16 }, (_, j) => (X.data[j] > 0 ? 1 : 0))], 'float64');
    const model = new Sequential({ inputUnits: 3, dtype: 'float64', seed: 1 })
      .add(new Dense(4))
      .add(new BatchNormalization())
      .add(new Activation('relu'))
      .add(new Dense(1, { activation: 'sigmoid' }));
    model.fit(X, Y, { iterations: 5, learningRate: 0.1 });
    const state = model.state();
    expect(Object.keys(state)).toEqual(['batchNormalization1.movingMean', 'batchNormalization1.movingVariance']);
    expect(Object.keys(model.params())).toEqual(['W1', 'b1', 'batchNormalization1.gamma', 'batchNormalization1.beta', 'W2', 'b2']);
    expect(state['batchNormalization1.movingMean'].data.some((v) => v !== 0)).toBe(true);
    const artifacts = toBytes(model);
    expect(artifacts.modelJson.weights.tensors).toContain('batchNormalization1.movingVariance');
    const copy = fromBytes(artifacts);
    expect(Array.from(copy.state()['batchNormalization1.movingVariance'].data)).toEqual(
      Array.from(state['batchNormalization1.movingVariance'].data),
    );
    expect(Array.from(copy.predictProba(X).data)).toEqual(Array.from(model.predictProba(X).data));
    expect(model.summary()).toMatch(/Trainable params: 29\nNon-trainable params: 8/);
  });
});

describe('random small conv nets: backward matches central differences (float64)', () => {
  const smooth: ActivationName[] = ['tanh', 'sigmoid', 'elu', 'selu', 'gelu', 'softplus', 'silu'];
  for (let seed = 1; seed <= 8; seed++) {
    it(`net ${seed}`, () => {
      const g = new Generator(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(g.random() * xs.length)];
      const m = 2 + Math.floor(g.random() * 2);
      const shape = [m, 5 + Math.floor(g.random() * 3), 5 + Math.floor(g.random() * 3), 1 + Math.floor(g.random() * 2)];
      const classes = pick([1, 3]);
      const model = new Sequential({ dtype: 'float64', seed });
      model.add(
        new Conv2D(1 + Math.floor(g.random() * 3), pick([1, 2, 3] as const), {
          strides: pick([1, 2] as const),
          padding: pick(['valid', 'same', 1] as const),
          dilation: pick([1, 1, 2] as const),
          activation: pick(smooth),
          biasInitializer: 'glorotNormal',
        }),
      );
      if (g.random() < 0.5) model.add(new BatchNormalization({ center: g.random() < 0.7 }));
      model.add(
        pick([new AveragePool2D(2, { strides: 1 }), new MaxPool2D(2, { strides: 1, padding: 'same' }), new Activation(pick(smooth))]),
      );
      if (g.random() < 0.5) model.add(new Conv2D(2, 2, { activation: pick(smooth), padding: 'same' }));
      model.add(g.random() < 0.5 ? new Flatten() : new GlobalAveragePooling2D());
      if (g.random() < 0.5) model.add(new Dense(3, { activation: pick(smooth), biasInitializer: 'glorotNormal' }));
      model.add(new Dense(classes, { activation: classes === 1 ? 'sigmoid' : 'softmax' }));
      const X = input(shape, seed + 100);
      const Y = tensor(
        Array.from({ length: classes === 1 ? 1 : classes }, (_, c) =>
          Array.from({ length: m }, (_, j) => (classes === 1 ? j % 2 : j % classes === c ? 1 : 0)),
        ),
        'float64',
      );
      const lossName: LossName = classes === 1 ? 'binaryCrossEntropy' : 'categoricalCrossEntropy';
      const loss = getLoss(lossName);
      // Training mode in both, so BatchNormalization differentiates through its batch statistics.
      const cost = () => loss.value(model.forward(X, { training: true }).AL, Y);
      model.forward(X, { training: true });
      const grads = model.backward(Y, { loss });
      for (const [name, p] of Object.entries(model.params())) {
        expect(
          relativeError(grads[`d${name}`].data, numericGrad(cost, p)),
          `${model.layers.map((l) => l.describe()).join(' → ')}: ${name}`,
        ).toBeLessThan(GOOD);
      }
    });
  }
});

describe('a small CNN in one Sequential', () => {
  const lenet = () =>
    new Sequential({ inputShape: [null, 12, 12, 1], dtype: 'float64', seed: 3 })
      .add(new Conv2D(4, 5, { activation: 'relu', kernelInitializer: 'heNormal' }))
      .add(new MaxPool2D(2))
      .add(new Conv2D(6, 3, { activation: 'relu', padding: 'same', kernelInitializer: 'heNormal' }))
      .add(new BatchNormalization())
      .add(new Flatten())
      .add(new Dense(10, { activation: 'relu' }))
      .add(new Dense(3, { activation: 'softmax' }));

  it('summary shows each output shape and parameter count', () => {
    const text = lenet().summary();
    expect(text).toMatch(/Conv2D \(4 5x5, relu\)\s+\(m, 8, 8, 4\)\s+104\n/);
    expect(text).toMatch(/MaxPool2D \(2x2\)\s+\(m, 4, 4, 4\)\s+0\n/);
    expect(text).toMatch(/Conv2D \(6 3x3, relu\)\s+\(m, 4, 4, 6\)\s+222\n/);
    expect(text).toMatch(/BatchNormalization\s+\(m, 4, 4, 6\)\s+24\n/);
    expect(text).toMatch(/Flatten\s+\(96, m\)\s+0\n/);
    expect(text).toMatch(/Dense \(relu\)\s+\(10, m\)\s+970\n/);
    expect(text).toMatch(/Total params: 1,353\nTrainable params: 1,341\nNon-trainable params: 12/);
    expect(Object.keys(lenet().build().params())).toEqual([
      'W1',
      'b1',
      'W2',
      'b2',
      'batchNormalization1.gamma',
      'batchNormalization1.beta',
      'W3',
      'b3',
      'W4',
      'b4',
    ]);
  });

  it('trains in mini-batches, predicts classes, and saves and loads every layer type', () => {
    const g = new Generator(8);
    const X = g.rand([30, 12, 12, 1], 'float64');
    // The class is the brightest third of the image.
    const Y = tensor(
      [0, 1, 2].map((c) =>
        Array.from({ length: 30 }, (_, j) => {
          const band = [0, 1, 2].map((b) => Array.from({ length: 48 }, (__, k) => X.data[j * 144 + b * 48 + k]).reduce((s, v) => s + v, 0));
          return band.indexOf(Math.max(...band)) === c ? 1 : 0;
        }),
      ),
      'float64',
    );
    const model = lenet();
    const history = model.fit(X, Y, {
      epochs: 15,
      batchSize: 10,
      loss: 'categoricalCrossEntropy',
      optimizer: 'adam',
      learningRate: 0.01,
      seed: 2,
      printEvery: 14,
    });
    expect(history.costs[1]).toBeLessThan(history.costs[0] * 0.7);
    expect(model.predict(X).shape).toEqual([30]);
    const copy = fromBytes(toBytes(model));
    expect(copy.layers.map((l) => l.className)).toEqual([
      'Conv2D',
      'MaxPool2D',
      'Conv2D',
      'BatchNormalization',
      'Flatten',
      'Dense',
      'Dense',
    ]);
    expect(copy.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
    expect(Array.from(copy.predictProba(X).data)).toEqual(Array.from(model.predictProba(X).data));
  });

  it('shape errors name the layer and both shapes', () => {
    expect(() => new Sequential({ inputUnits: 784 }).add(new Conv2D(2, 3)).build()).toThrow(
      /Conv2D \(2 3x3\): input must be images \(m, n_H, n_W, n_C\), received \(784, m\); the course layout \(n, m\) holds no images/,
    );
    expect(() => new Sequential({ inputShape: [null, 4, 4, 1] }).add(new Conv2D(2, 5)).build()).toThrow(
      /Conv2D \(2 5x5\): the window spans 5 rows, but the input \(m, 4, 4, 1\) has 4 with padding/,
    );
    expect(() => new Sequential({ inputShape: [null, 6, 6, 3] }).add(new MaxPool2D(2)).add(new Dense(4)).build()).toThrow(
      /Dense\(4\): input must be \(n_prev, m\) with one example per column, received \(m, 3, 3, 3\); put a Flatten layer before it/,
    );
    expect(() => new Conv2D(2, 0)).toThrow(/kernelSize must be a positive integer/);
    expect(() => new Conv2D(2, 3, { padding: 'full' as never })).toThrow(/padding must be 'valid', 'same'/);
    expect(() => new BatchNormalization({ momentum: 1 })).toThrow(/momentum must be in \[0, 1\)/);
  });
});

describe('Unflatten', () => {
  it("reads each column in C order (row, column, channel) and is Flatten's inverse", () => {
    // X[(r·W + c)·C + ch, j] = 1000·j + 100·r + 10·c + ch: every value says where it belongs.
    const [H, W, C, m] = [2, 3, 2, 4];
    const X = tensor(
      Array.from({ length: H * W * C }, (_, p) =>
        Array.from({ length: m }, (_, j) => 1000 * j + 100 * Math.floor(p / (W * C)) + 10 * (Math.floor(p / C) % W) + (p % C)),
      ),
      'float64',
    );
    const ctx = { training: false, reuse: false, rng: new Generator(1) };
    const images = (build(new Unflatten([H, W, C]), [H * W * C, null]).forward(X, ctx) as { A: Tensor }).A;
    expect(images.shape).toEqual([m, H, W, C]);
    for (let i = 0; i < images.size; i++) {
      const [j, r, c, ch] = [Math.floor(i / (H * W * C)), Math.floor(i / (W * C)) % H, Math.floor(i / C) % W, i % C];
      expect(images.data[i]).toBe(1000 * j + 100 * r + 10 * c + ch);
    }
    const back = (build(new Flatten(), [null, H, W, C]).forward(images, ctx) as { A: Tensor }).A;
    expect(Array.from(back.data)).toEqual(Array.from(X.data));
  });

  it('lets a conv model take columns, saves and loads, and names wrong shapes', () => {
    const model = new Sequential({ inputUnits: 36, dtype: 'float64', seed: 3 })
      .add(new Unflatten([6, 6, 1]))
      .add(new Conv2D(2, 3, { activation: 'relu' }))
      .add(new Flatten())
      .add(new Dense(1, { activation: 'sigmoid' }));
    const X = new Generator(4).rand([36, 8], 'float64');
    const Y = tensor([[0, 1, 0, 1, 1, 0, 0, 1]], 'float64');
    model.fit(X, Y, { iterations: 3, learningRate: 0.1 });
    expect(model.summary()).toMatch(/Unflatten \(6x6x1\)\s+\(m, 6, 6, 1\)\s+0\n/);
    const copy = fromBytes(toBytes(model));
    expect(copy.layers[0].getConfig()).toEqual({ targetShape: [6, 6, 1] });
    expect(Array.from(copy.predictProba(X).data)).toEqual(Array.from(model.predictProba(X).data));
    expect(() => new Sequential({ inputUnits: 35 }).add(new Unflatten([6, 6, 1])).build()).toThrow(
      /Unflatten \(6x6x1\): the input must be columns \(36, m\), one example of 6x6x1 = 36 values per column, received \(35, m\)/,
    );
    expect(() => new Unflatten([6, 0])).toThrow(/targetShape\[1\]/);
    expect(() => new Unflatten([6, 6], { shape: 1 } as never)).toThrow(/unknown key 'shape'/);
  });
});
