import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, tensor } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import { fromOnnx } from '../src/index.ts';
import { loadOnnx } from '../src/node.ts';
import { outputBound } from './bound.ts';

/*
 * Models exported by torch.onnx.export (scripts/gen_onnx_fixtures.py wrote them, with
 * PyTorch's outputs, in test/fixtures/torch.json): imported, they predict what PyTorch
 * predicts, and they keep training as PyTorch trains.
 */

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
interface Arr {
  shape: number[];
  data: number[];
}
interface Fixture {
  input: Arr;
  output: Arr;
  exporter: string;
  train?: { labels: number[]; lr: number; steps: number; losses: number[]; outputTrainMode: Arr };
}
const torch = JSON.parse(readFileSync(join(fixtures, 'torch.json'), 'utf8')) as {
  versions: Record<string, string>;
  models: Record<string, Fixture>;
};

/** PyTorch's (batch, n) rows as Neurite's (n, m) columns; NCHW images as (m, H, W, C). */
function toNeurite(a: Arr, dtype: 'float32' | 'float64'): Tensor {
  if (a.shape.length === 2) {
    const [m, n] = a.shape;
    return tensor(
      Float64Array.from({ length: m * n }, (_, k) => a.data[(k % m) * n + Math.floor(k / m)]),
      dtype,
      [n, m],
    );
  }
  const [m, C, H, W] = a.shape;
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < m; i++)
    for (let c = 0; c < C; c++)
      for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) out[((i * H + h) * W + w) * C + c] = a.data[((i * C + c) * H + h) * W + w];
  return tensor(out, dtype, [m, H, W, C]);
}

describe(`PyTorch ${torch.versions.torch} exports import and predict as PyTorch does`, () => {
  const inference = Object.entries(torch.models).filter(([, f]) => !f.train);
  it.each(inference)('%s', (name, f) => {
    const model = loadOnnx(join(fixtures, name));
    const X = toNeurite(f.input, 'float32');
    const ours = model.predictProba(X);
    const theirs = toNeurite(f.output, 'float32');
    expect(ours.shape).toEqual(theirs.shape);
    // Both are float32 evaluations of one network: within the running error bound of
    // test/bound.ts (PyTorch's vectorized exp, tanh and erf err no more than ONNX Runtime's).
    const { bound } = outputBound(model, X);
    for (let i = 0; i < ours.size; i++) expect(Math.abs(ours.data[i] - theirs.data[i])).toBeLessThanOrEqual(bound.data[i]);
  });

  it('fromOnnx takes the external weights file torch.onnx.export writes beside the model', () => {
    const bytes = readFileSync(join(fixtures, 'torch-cnn.onnx'));
    const data = readFileSync(join(fixtures, 'torch-cnn.onnx.data'));
    const model = fromOnnx(bytes, { externalData: { 'torch-cnn.onnx.data': data } });
    const again = loadOnnx(join(fixtures, 'torch-cnn.onnx'));
    const X = toNeurite(torch.models['torch-cnn.onnx'].input, 'float32');
    expect(Array.from(model.predictProba(X).data)).toEqual(Array.from(again.predictProba(X).data));
    expect(() => fromOnnx(bytes)).toThrow(/external file 'torch-cnn.onnx.data'.*loadOnnx/);
  });

  it('the imported layers are the ones PyTorch exported, with their weights converted', () => {
    const model = loadOnnx(join(fixtures, 'torch-mlp.onnx'));
    const kinds = model.layers.map((l) => l.describe());
    expect(kinds).toEqual([
      'Dense (relu)',
      'Dense (gelu)',
      'Dense (silu)',
      'BatchNormalization',
      'Dense (leakyRelu)',
      'Dense (elu)',
      'Dense (selu)',
      'Dense (tanh)',
      'Dense (linear)',
    ]);
    const cnn = loadOnnx(join(fixtures, 'torch-cnn-opset13.onnx'));
    expect(cnn.layers.map((l) => l.describe())).toEqual([
      'Conv2D (4 3x3, leakyRelu)',
      'MaxPool2D (2x2)',
      // The exporter folded BatchNorm2d into the Conv before it.
      'Conv2D (5 3x2, tanh)',
      'AveragePool2D (2x2)',
      'GlobalAveragePooling2D',
      'Dense (linear)',
    ]);
  });
});

describe('imported PyTorch models keep training as PyTorch trains them', () => {
  const training = Object.entries(torch.models).filter(([, f]) => f.train);
  it.each(training)('%s: the same SGD steps on mean cross-entropy', (name, f) => {
    const t = f.train as NonNullable<Fixture['train']>;
    const model = loadOnnx(join(fixtures, name));
    expect(model.dtype).toBe('float64');
    const X = toNeurite(f.input, 'float64');
    const m = f.input.shape[0];
    const classes = f.output.shape[1];
    const Y = tensor(
      Float64Array.from({ length: classes * m }, (_, k) => (t.labels[k % m] === Math.floor(k / m) ? 1 : 0)),
      'float64',
      [classes, m],
    );
    // Before training, the import predicts PyTorch's logits.
    const before = model.predictProba(X);
    const start = toNeurite(f.output, 'float64');
    for (let i = 0; i < before.size; i++)
      expect(Math.abs(before.data[i] - start.data[i])).toBeLessThan(1e-12 * (1 + Math.abs(start.data[i])));
    // PyTorch's CrossEntropyLoss (mean over the batch) is Neurite's softmaxCrossEntropy, and SGD is gradientDescent.
    const history = model.fit(X, Y, { iterations: t.steps, loss: 'softmaxCrossEntropy', learningRate: t.lr, printEvery: 1 });
    // float64 on both sides, a few hundred operations per value, summed in other orders: ~1e-14;
    // 1e-10 leaves room for the 3 steps to amplify it, and is far below any real difference.
    expect(history.costs).toHaveLength(t.steps);
    for (const [k, c] of history.costs.entries()) expect(Math.abs(c - t.losses[k])).toBeLessThan(1e-10 * t.losses[k]);
    // BatchNormalization in training mode normalizes with the batch's statistics in both.
    const after = model.forward(X, { training: true }).AL;
    const expected = toNeurite(t.outputTrainMode, 'float64');
    expect(after).toBeInstanceOf(Tensor);
    for (let i = 0; i < after.size; i++)
      expect(Math.abs(after.data[i] - expected.data[i])).toBeLessThan(1e-10 * (1 + Math.abs(expected.data[i])));
  });
});
