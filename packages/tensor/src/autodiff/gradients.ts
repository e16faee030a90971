import type { Activation, Conv2dGeometry, Pool2dGeometry } from '../backend.ts';
import { zeros } from '../creation.ts';
import { activationBackward } from '../ops/activations.ts';
import { backpropFilterWith, backpropInputWith, conv2dWith } from '../ops/conv.ts';
import { add, div, equal, exp, greater, greaterEqual, less, log, mul, neg, pow, sign, sub, where } from '../ops/elementwise.ts';
import { cast, concat, reshape, slice, transpose } from '../ops/layout.ts';
import { matmul } from '../ops/linalg.ts';
import { pool2dWith, poolBackwardWith } from '../ops/pool.ts';
import { sum } from '../ops/reduce.ts';
import { keptShape } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import type { TapeNode } from './tape.ts';

/**
 * Every op's derivative, in one table, written with ops so that any backend can train.
 * Each entry maps the output's gradient dy to one gradient per input (null where the
 * input has none, such as a condition, or where `needs` says nobody asked for it).
 * Broadcast inputs get their gradient summed back to their own shape.
 *
 * At the edges of an op's domain the table follows PyTorch's conventions (checked against
 * torch in packages/tensor/scripts/gen_edge_gradients.py), so a model differentiates the
 * same way in both:
 * - pow: d/da a^b = b·a^(b−1), and 0 where b = 0 (x^0 is constant); at a = 0 this is 0 for
 *   b > 1, 1 for b = 1, inf for 0 < b < 1. d/db = a^b·ln a, and 0 at a = 0 with b ≥ 0 (the
 *   limit from the right); NaN for a < 0, where a^b is not differentiable in b.
 * - sqrt at 0: inf (dy / 2√x); log at 0: dy/0 = ±inf; div by 0: ±inf, or NaN for 0/0.
 * - abs at 0: 0 (the sign); relu at 0: 0; leakyRelu at 0: alpha (the output is not > 0).
 * - maximum/minimum at a tie: each operand gets half of dy; max/min reductions: the tied
 *   maxima share dy equally; clip at a bound: 0 (only the inside passes dy, as relu at 0).
 * - softmax / logSoftmax: the exact Jacobian-vector products, finite for any finite input.
 */
type Vjp = (dy: Tensor, node: TapeNode, needs: readonly boolean[]) => (Tensor | null)[];

const act =
  (name: Activation | 'elu' | 'selu' | 'softplus'): Vjp =>
  (dy, { output, attrs }) => [activationBackward(name, dy, output, attrs.alpha as number)];
/** gelu's and silu's slopes come from the input Z: their output does not determine them. */
const fromZ =
  (name: 'gelu' | 'silu'): Vjp =>
  (dy, { inputs: [x] }) => [activationBackward(name, dy, x)];

export const GRADIENTS: Record<string, Vjp> = {
  add: (dy, { inputs: [a, b] }) => [unbroadcast(dy, a), unbroadcast(dy, b)],
  sub: (dy, { inputs: [a, b] }) => [unbroadcast(dy, a), unbroadcast(neg(dy), b)],
  mul: (dy, { inputs: [a, b] }) => [unbroadcast(mul(dy, b), a), unbroadcast(mul(dy, a), b)],
  // −dy·a/b² as −dy·(a/b)/b: b·b would overflow float32 for |b| > 1.8e19 and give 0.
  div: (dy, { inputs: [a, b], output }) => [unbroadcast(div(dy, b), a), unbroadcast(neg(div(mul(dy, output), b)), b)],
  // Not b·a^b/a, which is 0/0 at a = 0; see the conventions above.
  pow: (dy, { inputs: [a, b], output }, needs) => [
    needs[0] ? unbroadcast(mul(dy, where(equal(b, 0), 0, mul(b, pow(a, sub(b, 1))))), a) : null,
    needs[1] ? unbroadcast(mul(dy, where(mul(equal(a, 0), greaterEqual(b, 0)), 0, mul(output, log(a)))), b) : null,
  ],
  maximum: (dy, { inputs: [a, b] }) => tieSplit(dy, a, b, less, greater),
  minimum: (dy, { inputs: [a, b] }) => tieSplit(dy, a, b, greater, less),
  neg: (dy) => [neg(dy)],
  abs: (dy, { inputs: [x] }) => [mul(dy, sign(x))],
  exp: (dy, { output }) => [mul(dy, output)],
  log: (dy, { inputs: [x] }) => [div(dy, x)],
  sqrt: (dy, { output }) => [div(dy, mul(output, 2))],
  square: (dy, { inputs: [x] }) => [mul(dy, mul(x, 2))],
  sigmoid: act('sigmoid'),
  tanh: act('tanh'),
  relu: act('relu'),
  leakyRelu: act('leakyRelu'),
  elu: act('elu'),
  selu: act('selu'),
  softplus: act('softplus'),
  gelu: fromZ('gelu'),
  silu: fromZ('silu'),
  // d erf/dx = (2/√π)·e^(−x²)
  erf: (dy, { inputs: [x] }) => [mul(dy, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI)))],
  softmax: (dy, { output, attrs }) => [mul(output, sub(dy, sum(mul(dy, output), attrs.axis as number, true)))],
  logSoftmax: (dy, { output, attrs }) => [sub(dy, mul(exp(output), sum(dy, attrs.axis as number, true)))],
  // Strictly inside only, as PyTorch's clamp: clip(x, 0, Infinity) is relu and has its slope 0 at 0.
  clip: (dy, { inputs: [x], attrs }) => [mul(dy, mul(greater(x, attrs.min as number), less(x, attrs.max as number)))],
  where: (dy, { inputs: [cond, a, b] }) => [null, unbroadcast(where(cond, dy, 0), a), unbroadcast(where(cond, 0, dy), b)],
  sum: (dy, { inputs: [x], attrs }) => [expandTo(dy, x, attrs.axes as number[])],
  // Ties share the gradient equally, so the total stays that of one maximum.
  max: (dy, node) => [extremumGrad(dy, node)],
  min: (dy, node) => [extremumGrad(dy, node)],
  matmul: (dy, { inputs: [a, b], attrs }) => matmulGrad(dy, a, b, attrs.transA as boolean, attrs.transB as boolean),
  linear: (dy, { inputs: [W, A, b], output, attrs }) => {
    const dZ = activationBackward(attrs.activation as Activation, dy, output, attrs.alpha as number);
    const grads = [matmul(dZ, A, { transB: true }), matmul(W, dZ, { transA: true })];
    return b ? [...grads, sum(dZ, 1, true)] : grads;
  },
  reshape: (dy, { inputs: [x] }) => [reshape(dy, x.shape)],
  transpose: (dy, { attrs }) => {
    const perm = attrs.perm as number[];
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [transpose(dy, inverse)];
  },
  slice: (dy, { inputs: [x], attrs }) => [padTo(dy, x, attrs.begin as number[])],
  concat: (dy, { attrs }) => {
    const axis = attrs.axis as number;
    let start = 0;
    return (attrs.sizes as number[]).map((size) => {
      const begin = dy.shape.map((_, i) => (i === axis ? start : 0));
      const extent = dy.shape.map((d, i) => (i === axis ? size : d));
      start += size;
      return slice(dy, begin, extent);
    });
  },
  gather: (dy, { inputs: [x], attrs }) => [scatterAdd(dy, x, attrs.axis as number, attrs.indices as Int32Array)],
  cast: (dy, { inputs: [x] }) => [x.dtype === 'int32' ? null : cast(dy, x.dtype)],
  pad: (dy, { inputs: [x], attrs }) => [slice(dy, attrs.begin as number[], x.shape)],
  // Z = conv(x, W) is bilinear, so each gradient is the adjoint in one argument:
  // <dy, conv(x, W)> = <backpropInput(dy, W), x> = <backpropFilter(x, dy), W>.
  conv2d: (dy, { inputs: [x, W, bias], attrs }) => {
    const g = attrs.g as Conv2dGeometry;
    const grads = [backpropInputWith(dy, W, g), backpropFilterWith(x, dy, g)];
    return bias ? [...grads, reshape(sum(dy, [0, 1, 2]), bias.shape)] : grads;
  },
  conv2dBackpropInput: (dy, { inputs: [dZ, W], attrs }) => {
    const g = attrs.g as Conv2dGeometry;
    return [conv2dWith(dy, W, null, g), backpropFilterWith(dy, dZ, g)];
  },
  conv2dBackpropFilter: (dy, { inputs: [x, dZ], attrs }) => {
    const g = attrs.g as Conv2dGeometry;
    return [backpropInputWith(dZ, dy, g), conv2dWith(x, dy, null, g)];
  },
  // The course's mask x == max(x) per window: ties all receive the gradient.
  maxPool2d: (dy, { inputs: [x], attrs }) => [poolBackwardWith('max', dy, x, attrs.g as Pool2dGeometry)],
  avgPool2d: (dy, { attrs }) => [poolBackwardWith('avg', dy, null, attrs.g as Pool2dGeometry)],
  // Spreading dA evenly is linear; its adjoint averages each window again.
  avgPool2dBackward: (dy, { attrs }) => [pool2dWith('avg', dy, attrs.g as Pool2dGeometry)],
};

/**
 * maximum's (minimum's) gradient as PyTorch writes it: dy to the larger (smaller) operand,
 * half of dy to each at a tie; `loses(a, b)` is where a is not the result.
 */
function tieSplit(dy: Tensor, a: Tensor, b: Tensor, loses: typeof less, wins: typeof less): Tensor[] {
  const shared = where(equal(a, b), mul(dy, 0.5), dy);
  return [unbroadcast(where(loses(a, b), 0, shared), a), unbroadcast(where(wins(a, b), 0, shared), b)];
}

/** Sums a broadcast gradient back to the operand's shape. */
export function unbroadcast(g: Tensor, like: Tensor): Tensor {
  if (g.shape.length === like.shape.length && g.shape.every((d, i) => d === like.shape[i])) return g;
  const lead = g.rank - like.rank;
  const axes = g.shape.map((_, i) => i).filter((i) => i < lead || (like.shape[i - lead] === 1 && g.shape[i] !== 1));
  return reshape(sum(g, axes, true), like.shape);
}

function expandTo(dy: Tensor, x: Tensor, axes: number[]): Tensor {
  return add(zeros(x.shape, dy.dtype), reshape(dy, keptShape(x.shape, axes, true)));
}

function extremumGrad(dy: Tensor, { inputs: [x], output, attrs }: TapeNode): Tensor {
  const axes = attrs.axes as number[];
  const kept = keptShape(x.shape, axes, true);
  const mask = equal(x, reshape(output, kept));
  return div(mul(mask, reshape(dy, kept)), sum(mask, axes, true));
}

function matmulGrad(dy: Tensor, a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor[] {
  if (!transA && !transB) return [matmul(dy, b, { transB: true }), matmul(a, dy, { transA: true })];
  if (transA && !transB) return [matmul(b, dy, { transB: true }), matmul(a, dy)];
  if (!transA && transB) return [matmul(dy, b), matmul(dy, a, { transA: true })];
  return [matmul(b, dy, { transA: true, transB: true }), matmul(dy, a, { transA: true, transB: true })];
}

/** The slice's gradient: dy surrounded by zeros, built axis by axis with concat. */
function padTo(dy: Tensor, x: Tensor, begin: number[]): Tensor {
  let g = dy;
  for (let axis = 0; axis < x.rank; axis++) {
    const before = begin[axis];
    const after = x.shape[axis] - before - dy.shape[axis];
    const parts: Tensor[] = [];
    const block = (n: number) =>
      zeros(
        g.shape.map((d, i) => (i === axis ? n : d)),
        dy.dtype,
      );
    if (before > 0) parts.push(block(before));
    parts.push(g);
    if (after > 0) parts.push(block(after));
    g = parts.length > 1 ? concat(parts, axis) : g;
  }
  return g;
}

/**
 * gather's gradient adds each dy slice into the row it came from, repeats included:
 * a product with the one-hot matrix S (k, n), S[j, indices[j]] = 1, along `axis`.
 */
function scatterAdd(dy: Tensor, x: Tensor, axis: number, indices: Int32Array): Tensor {
  const n = x.shape[axis];
  const k = indices.length;
  const S = zeros([k, n], dy.dtype);
  indices.forEach((idx, j) => {
    S.data[j * n + idx] += 1;
  });
  const perm = [...x.shape.keys()].filter((i) => i !== axis).concat(axis);
  const moved = transpose(dy, perm);
  const flat = reshape(moved, [-1, k]);
  const back = reshape(
    matmul(flat, S),
    perm.map((p) => x.shape[p]),
  );
  return transpose(
    back,
    perm.map((_, i) => perm.indexOf(i)),
  );
}
