import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Activation,
  AveragePool2D,
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  GlobalAveragePooling2D,
  MaxPool2D,
  Sequential,
} from '@neurite/layers';
import { saveModel } from '@neurite/layers/node';
import { Generator, type Tensor, tensor } from '@neurite/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOnnx } from '../src/node.ts';
import { outputBound } from './bound.ts';
import { needsPython, python, pythonHas } from './python.ts';

/*
 * The README's guide, run: its Python builds PyTorch models from Neurite's model folders and
 * they predict what Neurite predicts; its torch.onnx.export snippet writes a file that Neurite
 * imports and that predicts PyTorch's logits. Skipped (saying why) without torch.
 */

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const snippets = [...readme.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]);
const dir = mkdtempSync(join(tmpdir(), 'neurite-onnx-guide-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Neurite's (n, m) or (m, H, W, C) data as PyTorch's rows or NCHW, as nested lists. */
function torchLayout(X: Tensor): unknown {
  const t = X.rank === 2 ? X.transpose([1, 0]) : X.transpose([0, 3, 1, 2]);
  return t.toArray();
}

const models: [string, () => { model: Sequential; X: Tensor }][] = [
  [
    'a dense net with BatchNormalization, Dropout and every kind of activation',
    () => {
      const model = new Sequential({ inputUnits: 5, seed: 3 })
        .add(new Dense(8, { activation: 'leakyRelu', alpha: 0.2, biasInitializer: 'glorotUniform' }))
        .add(new BatchNormalization({ momentum: 0.5 }))
        .add(new Dropout(0.3))
        .add(new Dense(6, { activation: 'gelu' }))
        .add(new Activation('elu', { alpha: 0.5 }))
        .add(new Dense(5, { activation: 'selu', useBias: false }))
        .add(new Dense(3, { activation: 'softmax' }));
      const X = new Generator(4).randn([5, 12]);
      const Y = tensor([0, 1, 2].map((k) => Array.from({ length: 12 }, (_, j) => (j % 3 === k ? 1 : 0))));
      model.fit(X, Y, { loss: 'categoricalCrossEntropy', iterations: 3, learningRate: 0.1 });
      return { model, X };
    },
  ],
  [
    'a CNN with padding, strides, dilation, pools, BatchNormalization and Flatten',
    () => {
      const model = new Sequential({ inputShape: [null, 9, 8, 2], seed: 5 })
        .add(new Conv2D(3, 3, { padding: 'same', strides: 2, activation: 'relu', biasInitializer: 'glorotUniform' }))
        .add(new BatchNormalization({ momentum: 0.5 }))
        .add(
          new Conv2D(4, [2, 3], {
            padding: [
              [1, 0],
              [0, 2],
            ],
            dilation: [1, 2],
            activation: 'silu',
          }),
        )
        .add(new MaxPool2D(2))
        .add(new AveragePool2D([2, 1], { strides: 1 }))
        .add(new Flatten())
        .add(new Dense(3, { activation: 'tanh' }));
      const X = new Generator(6).randn([4, 9, 8, 2]);
      model.fit(X, new Generator(7).randn([3, 4]), { loss: 'meanSquaredError', iterations: 3, learningRate: 0.05 });
      return { model, X };
    },
  ],
  [
    'a CNN ending in global average pooling',
    () => {
      const model = new Sequential({ inputShape: [null, 6, 6, 3], seed: 8 })
        .add(new Conv2D(4, 3, { activation: 'softplus' }))
        .add(new GlobalAveragePooling2D())
        .add(new Dense(2, { activation: 'sigmoid' }));
      return { model: model.build(), X: new Generator(9).randn([3, 6, 6, 3]) };
    },
  ],
];

describe('2. PyTorch through safetensors: the README builds the equivalent nn.Sequential', () => {
  const title = needsPython(models.map(([name]) => name).join('; '), 'torch', 'safetensors');
  it.skipIf(!pythonHas('torch', 'safetensors'))(title, async () => {
    const made = models.map(([name, make]) => ({ ...make(), folder: join(dir, name.replace(/\W+/g, '-')) }));
    for (const { model, folder } of made) await saveModel(model, folder);
    // One python process for all of them: importing torch takes seconds.
    const run = `${snippets[0]}\nimport sys\nout = []\nfor folder, x in json.loads(sys.stdin.read()):\n    with torch.no_grad(): out.append(neurite_to_torch(folder)(torch.tensor(x, dtype=torch.float32)).tolist())\nprint(json.dumps(out))`;
    const outputs = JSON.parse(python(run, [], JSON.stringify(made.map(({ folder, X }) => [folder, torchLayout(X)])))) as number[][][];
    made.forEach(({ model, X }, i) => {
      const ours = model.predictProba(X); // (n_L, m)
      const { bound } = outputBound(model, X);
      const [n, m] = ours.shape;
      for (let j = 0; j < m; j++)
        for (let k = 0; k < n; k++) expect(Math.abs(outputs[i][j][k] - ours.data[k * m + j])).toBeLessThanOrEqual(bound.data[k * m + j]);
    });
  });
});

describe('3. PyTorch to Neurite through ONNX: the README export snippet', () => {
  it.skipIf(!pythonHas('torch', 'onnxscript'))(needsPython('imports and predicts PyTorch logits', 'torch', 'onnxscript'), () => {
    const printed = python(`import os\nos.chdir(${JSON.stringify(dir)})\n${snippets[2]}`);
    const logits = JSON.parse(printed.match(/tensor\((\[\[.*?\]\])/s)?.[1].replace(/\s/g, '') ?? 'null') as number[][];
    const model = loadOnnx(join(dir, 'mlp.onnx'));
    expect(model.layers.map((l) => l.describe())).toEqual(['Dense (relu)', 'Dense (linear)']);
    const ours = model.predictProba(tensor([[1], [2], [3], [4]]));
    // PyTorch prints 4 decimals.
    for (let k = 0; k < 3; k++) expect(Math.abs(ours.data[k] - logits[0][k])).toBeLessThanOrEqual(5e-5 + 1e-6);
    const X = new Generator(1).randn([4, 64]);
    const Y = tensor([0, 1, 2].map((k) => Array.from({ length: 64 }, (_, j) => (j % 3 === k ? 1 : 0))));
    const history = model.fit(X, Y, {
      loss: 'softmaxCrossEntropy',
      optimizer: 'adam',
      learningRate: 0.01,
      iterations: 200,
      printEvery: 199,
    });
    expect(history.costs[history.costs.length - 1]).toBeLessThan(history.costs[0]);
  });
});
