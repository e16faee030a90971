import * as op from '../ops/index.ts';
import { Generator } from '../random/generator.ts';
import type { Tensor } from '../tensor.ts';

/*
 * Gradient checks for the image ops: fixed cases for each op (used by autodiff-cases.ts beside
 * the other ops'), and seeded random conv networks whose shapes, strides, paddings and
 * dilations are drawn, so that many geometries meet the finite differences.
 */

type F = (...xs: Tensor[]) => Tensor;

/** A weighted sum, so every output element's gradient matters (a plain sum hides transposed terms). */
function weighted(y: Tensor, seed: number): Tensor {
  return op.sum(op.mul(y, new Generator(seed).uniform(-1, 2, y.shape, 'float64')));
}

export const CONV_OP_CHECKS: [string, F, number[][]][] = [
  [
    'conv2d valid',
    (x, W) => weighted(op.conv2d(x, W), 1),
    [
      [2, 5, 4, 3],
      [3, 2, 3, 2],
    ],
  ],
  [
    'conv2d same stride 2 with bias',
    (x, W, b) => weighted(op.conv2d(x, W, { padding: 'same', stride: 2, bias: b }), 2),
    [
      [2, 5, 6, 2],
      [3, 3, 2, 3],
      [1, 1, 1, 3],
    ],
  ],
  [
    'conv2d dilation [2, 1], per-side padding',
    (x, W) =>
      weighted(
        op.conv2d(x, W, {
          dilation: [2, 1],
          padding: [
            [2, 0],
            [1, 2],
          ],
          stride: [1, 2],
        }),
        3,
      ),
    [
      [1, 6, 5, 2],
      [2, 3, 2, 2],
    ],
  ],
  [
    'conv2dBackpropInput (both arguments)',
    (dZ, W) => weighted(op.conv2dBackpropInput(dZ, W, [2, 5, 5, 2], { stride: 2, padding: 1 }), 4),
    [
      [2, 3, 3, 3],
      [3, 3, 2, 3],
    ],
  ],
  [
    'conv2dBackpropFilter (both arguments)',
    (x, dZ) => weighted(op.conv2dBackpropFilter(x, dZ, [2, 3, 2, 3], { dilation: 2 }), 5),
    [
      [2, 5, 6, 2],
      [2, 3, 2, 3],
    ],
  ],
  ['maxPool2d f 2 stride 1', (x) => weighted(op.maxPool2d(x, { poolSize: 2, stride: 1 }), 6), [[2, 4, 5, 2]]],
  ['maxPool2d same [3, 2] stride 2', (x) => weighted(op.maxPool2d(x, { poolSize: [3, 2], stride: 2, padding: 'same' }), 7), [[1, 5, 5, 3]]],
  ['avgPool2d padding 1', (x) => weighted(op.avgPool2d(x, { poolSize: 3, stride: 2, padding: 1 }), 8), [[2, 5, 4, 2]]],
  [
    'avgPool2d counting the padding',
    (x) =>
      weighted(
        op.avgPool2d(x, {
          poolSize: 2,
          padding: [
            [1, 0],
            [0, 1],
          ],
          countIncludePad: true,
        }),
        9,
      ),
    [[1, 5, 5, 2]],
  ],
  ['avgPool2dBackward', (dA) => weighted(op.avgPool2dBackward(dA, [2, 5, 5, 2], { poolSize: 3, stride: 2 }), 10), [[2, 2, 2, 2]]],
  [
    'pad rank 3',
    (x) =>
      weighted(
        op.pad(
          x,
          [
            [1, 0],
            [0, 2],
            [1, 1],
          ],
          0.5,
        ),
        11,
      ),
    [[2, 3, 2]],
  ],
  [
    'conv -> relu -> max pool -> conv -> average pool',
    (x, W1, b1, W2) => {
      const A1 = op.relu(op.conv2d(x, W1, { padding: 'same', bias: b1 }));
      const P1 = op.maxPool2d(A1, { poolSize: 2 });
      return weighted(op.avgPool2d(op.tanh(op.conv2d(P1, W2, { padding: 1 })), { poolSize: 2, stride: 1 }), 12);
    },
    [
      [2, 6, 6, 2],
      [3, 3, 2, 3],
      [1, 1, 1, 3],
      [2, 2, 3, 2],
    ],
  ],
];

export interface RandomConvNet {
  f: F;
  args: Tensor[];
  text: string;
}

const pick = <T>(g: Generator, xs: readonly T[]): T => xs[g.randint(0, xs.length)[0]];

/**
 * A seeded random network: conv (random filter, stride, padding, dilation, bias or not) ->
 * tanh -> a pool (max or average, random window, stride, padding) -> conv -> weighted sum.
 * Inputs are float64 N(0, 1); the shapes stay small so the finite differences are quick.
 */
export function randomConvNet(seed: number): RandomConvNet {
  const g = new Generator(seed);
  const m = g.randint(1, 3)[0];
  const H = g.randint(5, 9)[0];
  const Wd = g.randint(5, 9)[0];
  const C = g.randint(1, 4)[0];
  const F1 = g.randint(1, 4)[0];
  const f1 = [g.randint(1, 4)[0], g.randint(1, 4)[0]] as [number, number];
  const stride1 = [g.randint(1, 3)[0], g.randint(1, 3)[0]] as [number, number];
  const dilation1 = [g.randint(1, 3)[0], g.randint(1, 3)[0]] as [number, number];
  const padding1 = pick(g, [
    'valid',
    'same',
    1,
    [
      [1, 0],
      [0, 2],
    ],
  ] as const);
  const bias = g.randint(0, 2)[0] === 1;
  const opts1 = { stride: stride1, dilation: dilation1, padding: padding1 };
  const shape1 = op.conv2d(
    op.reshape(new Generator(0).randn([m * H * Wd * C], 'float64'), [m, H, Wd, C]),
    new Generator(0).randn([...f1, C, F1], 'float64'),
    opts1,
  ).shape;
  const poolSize = Math.min(2, shape1[1], shape1[2]);
  const mode = pick(g, ['max', 'avg'] as const);
  const poolOpts = { poolSize, stride: g.randint(1, poolSize + 1)[0], padding: pick(g, ['valid', 'same'] as const) };
  const pooled = op.maxPool2d(op.reshape(new Generator(0).randn([shape1.reduce((a, b) => a * b, 1)], 'float64'), shape1), poolOpts).shape;
  const f2 = Math.min(2, pooled[1], pooled[2]);
  const F2 = g.randint(1, 3)[0];
  const text = `conv2d ${JSON.stringify({ x: [m, H, Wd, C], W: [...f1, C, F1], ...opts1, bias })} -> tanh -> ${mode}Pool2d ${JSON.stringify(poolOpts)} -> conv2d ${f2}x${f2}x${F2} same`;
  const args = [g.randn([m, H, Wd, C], 'float64'), g.randn([...f1, C, F1], 'float64'), g.randn([f2, f2, F1, F2], 'float64')];
  if (bias) args.push(g.randn([1, 1, 1, F1], 'float64'));
  // Outputs computed only from padding equal tanh(b) exactly, and would tie in the max pool, where
  // the course's mask (every tie gets the gradient) is not the derivative: a fixed jitter breaks ties.
  const jitter = new Generator(seed + 1000).uniform(-0.1, 0.1, shape1, 'float64');
  const f: F = (x, W1, W2, b1) => {
    const A1 = op.tanh(op.add(op.conv2d(x, W1, { ...opts1, ...(b1 ? { bias: b1 } : {}) }), jitter));
    const P = mode === 'max' ? op.maxPool2d(A1, poolOpts) : op.avgPool2d(A1, poolOpts);
    return weighted(op.conv2d(P, W2, { padding: 'same' }), seed);
  };
  return { f, args, text };
}
