import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, tensor } from '@neurite/tensor';
import { relativeError } from '@neurite/tensor/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchNormalization, Conv2D, Dense, Flatten, MaxPool2D, Sequential } from '../src/index.ts';
import { saveModel } from '../src/node.ts';

const hasNumpy = (() => {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const root = mkdtempSync(join(tmpdir(), 'neurite-torch-map-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * The README's table of PyTorch equivalents, checked: numpy reads weights.safetensors, converts
 * each tensor as the table says, and runs the network the way PyTorch computes it (NCHW images,
 * OIHW filters, x·Wᵀ + b on rows, Flatten in (channel, row, column) order, BatchNorm2d in eval
 * mode), written here independently of Neurite. Its class probabilities must equal Neurite's.
 */
const TORCH_STYLE = `
import json, struct, sys, numpy as np
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
T = {}
for name, e in header.items():
    if name == '__metadata__': continue
    b, end = e['data_offsets']
    T[name] = np.frombuffer(raw[8 + n + b: 8 + n + end], dtype='<f8').reshape(e['shape'])
X = np.array(json.loads(sys.stdin.read()))                      # Neurite's (m, H, W, C)
x = X.transpose(0, 3, 1, 2)                                      # PyTorch's (m, C, H, W)

def conv2d(x, weight, bias, pad):                                # nn.Conv2d, stride 1
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    O, I, fh, fw = weight.shape
    H, W = x.shape[2] - fh + 1, x.shape[3] - fw + 1
    out = np.zeros((x.shape[0], O, H, W))
    for i in range(H):
        for j in range(W):
            out[:, :, i, j] = np.einsum('mchw,ochw->mo', x[:, :, i:i + fh, j:j + fw], weight)
    return out + bias[None, :, None, None]

state = {
    'conv.weight': T['W1'].transpose(3, 2, 0, 1), 'conv.bias': T['b1'].reshape(-1),
    'bn.weight': T['batchNormalization1.gamma'].reshape(-1), 'bn.bias': T['batchNormalization1.beta'].reshape(-1),
    'bn.running_mean': T['batchNormalization1.movingMean'].reshape(-1),
    'bn.running_var': T['batchNormalization1.movingVariance'].reshape(-1),
}
C = state['conv.weight'].shape[0]
z = np.maximum(conv2d(x, state['conv.weight'], state['conv.bias'], 1), 0)
m, _, H, W = z.shape
z = z.reshape(m, C, H // 2, 2, W // 2, 2).max(axis=(3, 5))      # nn.MaxPool2d(2)
shape = lambda v: v[None, :, None, None]
z = (z - shape(state['bn.running_mean'])) / np.sqrt(shape(state['bn.running_var']) + 1e-3) * shape(state['bn.weight']) + shape(state['bn.bias'])
flat = z.reshape(m, -1)                                          # nn.Flatten: (C, H, W) order
nH, nW = H // 2, W // 2
W2 = T['W2']
linear1 = W2.reshape(W2.shape[0], nH, nW, C).transpose(0, 3, 1, 2).reshape(W2.shape[0], -1)
h = np.tanh(flat @ linear1.T + T['b2'].reshape(-1))
logits = h @ T['W3'].T + T['b3'].reshape(-1)                     # nn.Linear: weight is W as is
p = np.exp(logits - logits.max(1, keepdims=True))
print(json.dumps((p / p.sum(1, keepdims=True)).tolist()))
`;

describe('weights map to a PyTorch state_dict as the README says', () => {
  it.skipIf(!hasNumpy)('Conv2D, BatchNormalization, Flatten and Dense, through numpy in PyTorch conventions', async () => {
    const g = new Generator(12);
    const X = g.randn([5, 6, 6, 2], 'float64');
    const Y = tensor(
      [0, 1].map((c) => Array.from({ length: 5 }, (_, j) => (j % 2 === c ? 1 : 0))),
      'float64',
    );
    const model = new Sequential({ dtype: 'float64', seed: 4 })
      .add(new Conv2D(3, 3, { activation: 'relu', padding: 'same', biasInitializer: 'glorotNormal' }))
      .add(new MaxPool2D(2))
      .add(new BatchNormalization({ momentum: 0.5 }))
      .add(new Flatten())
      .add(new Dense(4, { activation: 'tanh' }))
      .add(new Dense(2, { activation: 'softmax' }));
    // Training moves γ, β and the moving statistics away from their initial values.
    model.fit(X, Y, { iterations: 4, loss: 'categoricalCrossEntropy', learningRate: 0.3 });
    const dir = join(root, 'cnn');
    await saveModel(model, dir);
    const torch = JSON.parse(
      execFileSync('python3', ['-c', TORCH_STYLE, join(dir, 'weights.safetensors')], {
        input: JSON.stringify(
          Array.from({ length: 5 }, (_, i) =>
            Array.from({ length: 6 }, (_, r) =>
              Array.from({ length: 6 }, (_, c) => [0, 1].map((k) => X.data[((i * 6 + r) * 6 + c) * 2 + k])),
            ),
          ),
        ),
        encoding: 'utf8',
      }),
    ) as number[][];
    const ours = model.predictProba(X); // (2, m): classes are rows
    const theirs = [0, 1].flatMap((k) => torch.map((row) => row[k]));
    // float64 on both sides, summed in different orders: agreement far below any float32 effect.
    expect(relativeError(ours.data, theirs)).toBeLessThan(1e-12);
  });
});
