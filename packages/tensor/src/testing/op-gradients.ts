import type { Activation } from '../backend.ts';
import { tensor } from '../creation.ts';
import * as op from '../ops/index.ts';
import { Generator } from '../random/generator.ts';
import type { Tensor } from '../tensor.ts';

/** Every differentiable op, as a scalar cost of its inputs, for gradient checks. */
type F = (...xs: Tensor[]) => Tensor;

/** Inputs: 'pos' in [0.5, 2] (log, sqrt, div, pow bases), 'any' N(0, 1) away from 0. */
export type Domain = 'any' | 'pos';

export function inputsFor(name: string, shapes: number[][], domain: Domain): Tensor[] {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const g = new Generator(h);
  return shapes.map((s) => {
    const x = domain === 'pos' ? g.uniform(0.5, 2, s, 'float64') : g.randn(s, 'float64');
    // Keep |x| >= 0.05 so kinks (abs, relu, clip, maximum) sit far from the finite differences.
    if (domain === 'any') for (let i = 0; i < x.size; i++) if (Math.abs(x.data[i]) < 0.05) x.data[i] += 0.1;
    return x;
  });
}

/**
 * A random weight per output element turns any op into a scalar cost whose gradient
 * depends on every output element (a plain sum would hide many bugs, e.g. in softmax).
 */
function weighted(y: Tensor): Tensor {
  const w = new Generator(y.size + 1000).uniform(-1, 2, [...y.shape], 'float64');
  return op.sum(op.mul(y, w));
}

const ACTS: Activation[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu'];

export const OP_CHECKS: [string, F, number[][], Domain][] = [
  [
    'add',
    (a, b) => weighted(op.add(a, b)),
    [
      [3, 4],
      [3, 4],
    ],
    'any',
  ],
  [
    'add (3,4)+(1,4)',
    (a, b) => weighted(op.add(a, b)),
    [
      [3, 4],
      [1, 4],
    ],
    'any',
  ],
  [
    'sub (3,4)-(3,1)',
    (a, b) => weighted(op.sub(a, b)),
    [
      [3, 4],
      [3, 1],
    ],
    'any',
  ],
  ['mul (2,3,4)*(4,)', (a, b) => weighted(op.mul(a, b)), [[2, 3, 4], [4]], 'any'],
  ['mul by scalar tensor', (a, b) => weighted(op.mul(a, b)), [[3, 2], []], 'any'],
  [
    'div',
    (a, b) => weighted(op.div(a, b)),
    [
      [3, 4],
      [3, 4],
    ],
    'pos',
  ],
  [
    'div (3,4)/(1,4)',
    (a, b) => weighted(op.div(a, b)),
    [
      [3, 4],
      [1, 4],
    ],
    'pos',
  ],
  [
    'pow (base and exponent)',
    (a, b) => weighted(op.pow(a, b)),
    [
      [3, 4],
      [3, 4],
    ],
    'pos',
  ],
  ['pow by a number', (a) => weighted(op.pow(a, 3)), [[3, 4]], 'any'],
  [
    'maximum',
    (a, b) => weighted(op.maximum(a, b)),
    [
      [3, 4],
      [3, 4],
    ],
    'any',
  ],
  [
    'minimum (3,4) vs (3,1)',
    (a, b) => weighted(op.minimum(a, b)),
    [
      [3, 4],
      [3, 1],
    ],
    'any',
  ],
  ['neg', (a) => weighted(op.neg(a)), [[3, 4]], 'any'],
  ['abs', (a) => weighted(op.abs(a)), [[3, 4]], 'any'],
  ['exp', (a) => weighted(op.exp(a)), [[3, 4]], 'any'],
  ['log', (a) => weighted(op.log(a)), [[3, 4]], 'pos'],
  ['sqrt', (a) => weighted(op.sqrt(a)), [[3, 4]], 'pos'],
  ['square', (a) => weighted(op.square(a)), [[3, 4]], 'any'],
  ['sigmoid', (a) => weighted(op.sigmoid(a)), [[3, 4]], 'any'],
  ['tanh', (a) => weighted(op.tanh(a)), [[3, 4]], 'any'],
  ['erf', (a) => weighted(op.erf(a)), [[3, 4]], 'any'],
  ['elu', (a) => weighted(op.elu(a)), [[3, 4]], 'any'],
  ['elu alpha 0.3', (a) => weighted(op.elu(a, 0.3)), [[3, 4]], 'any'],
  ['selu', (a) => weighted(op.selu(a)), [[3, 4]], 'any'],
  ['gelu', (a) => weighted(op.gelu(a)), [[3, 4]], 'any'],
  ['softplus', (a) => weighted(op.softplus(a)), [[3, 4]], 'any'],
  ['silu', (a) => weighted(op.silu(a)), [[3, 4]], 'any'],
  ['gelu of a scaled gelu', (a) => weighted(op.gelu(op.gelu(a).mul(2))), [[2, 3]], 'any'],
  ['relu', (a) => weighted(op.relu(a)), [[3, 4]], 'any'],
  ['leakyRelu', (a) => weighted(op.leakyRelu(a, 0.2)), [[3, 4]], 'any'],
  ['softmax axis 0', (a) => weighted(op.softmax(a, 0)), [[3, 4]], 'any'],
  ['softmax axis 1', (a) => weighted(op.softmax(a, 1)), [[3, 4]], 'any'],
  ['logSoftmax axis 0', (a) => weighted(op.logSoftmax(a, 0)), [[3, 4]], 'any'],
  ['logSoftmax axis -1', (a) => weighted(op.logSoftmax(a, -1)), [[3, 4]], 'any'],
  ['clip', (a) => weighted(op.clip(a, -0.5, 0.7)), [[3, 4]], 'any'],
  [
    'where (broadcast condition)',
    (a, b) => weighted(op.where(tensor([[1], [0], [1]]), a, b)),
    [
      [3, 4],
      [1, 4],
    ],
    'any',
  ],
  ['sum axis 1', (a) => weighted(op.sum(a, 1)), [[3, 4]], 'any'],
  ['sum axes [0, 2] keepDims', (a) => weighted(op.sum(a, [0, 2], true)), [[2, 3, 4]], 'any'],
  ['mean axis 0', (a) => weighted(op.mean(a, 0)), [[3, 4]], 'any'],
  ['mean all', (a) => op.mul(op.mean(a), 3), [[3, 4]], 'any'],
  ['max axis 1', (a) => weighted(op.max(a, 1)), [[3, 4]], 'any'],
  ['min axis 0 keepDims', (a) => weighted(op.min(a, 0, true)), [[3, 4]], 'any'],
  [
    'matmul',
    (a, b) => weighted(op.matmul(a, b)),
    [
      [3, 4],
      [4, 2],
    ],
    'any',
  ],
  [
    'matmul transA',
    (a, b) => weighted(op.matmul(a, b, { transA: true })),
    [
      [4, 3],
      [4, 2],
    ],
    'any',
  ],
  [
    'matmul transB',
    (a, b) => weighted(op.matmul(a, b, { transB: true })),
    [
      [3, 4],
      [2, 4],
    ],
    'any',
  ],
  [
    'matmul transA transB',
    (a, b) => weighted(op.matmul(a, b, { transA: true, transB: true })),
    [
      [4, 3],
      [2, 4],
    ],
    'any',
  ],
  ...ACTS.map((act): [string, F, number[][], Domain] => [
    `linear ${act}`,
    (W, A, b) => weighted(op.linear(W, A, b, act, 0.1)),
    [
      [3, 4],
      [4, 5],
      [3, 1],
    ],
    'any',
  ]),
  [
    'linear without bias',
    (W, A) => weighted(op.linear(W, A, null, 'sigmoid')),
    [
      [3, 4],
      [4, 5],
    ],
    'any',
  ],
  ['reshape', (a) => weighted(op.reshape(a, [2, -1])), [[3, 4]], 'any'],
  ['transpose', (a) => weighted(op.transpose(a)), [[3, 4]], 'any'],
  ['transpose perm [1, 2, 0]', (a) => weighted(op.transpose(a, [1, 2, 0])), [[2, 3, 4]], 'any'],
  ['slice', (a) => weighted(op.slice(a, [1, 0, 1], [1, 2, -1])), [[2, 3, 4]], 'any'],
  [
    'concat axis 1',
    (a, b) => weighted(op.concat([a, b, a], 1)),
    [
      [3, 2],
      [3, 4],
    ],
    'any',
  ],
  ['gather with repeats', (a) => weighted(op.gather(a, [2, 0, 2, -1], 1)), [[3, 4]], 'any'],
  ['gather axis 0 of rank 3', (a) => weighted(op.gather(a, [1, 1, 0], 0)), [[2, 3, 2]], 'any'],
  [
    'Tensor methods chain',
    (a, b) => a.matmul(b).sigmoid().mul(a.sum(1, true)).mean(),
    [
      [3, 4],
      [4, 2],
    ],
    'any',
  ],
];
