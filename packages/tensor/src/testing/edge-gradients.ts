import { valueAndGrad } from '../autodiff/grad.ts';
import { gradCheck } from '../autodiff/gradcheck.ts';
import { tensor } from '../creation.ts';
import * as op from '../ops/index.ts';
import type { Tensor } from '../tensor.ts';
import { assert, assertClose } from './assert.ts';
import { edgeGradients } from './fixtures/edge-gradients.ts';

type F = (...xs: Tensor[]) => Tensor;

const w = (...v: number[]) => tensor(v, 'float64');
const col = (...v: number[]) =>
  tensor(
    v.map((x) => [x]),
    'float64',
  );

/**
 * The functions of scripts/gen_edge_gradients.py, written with Neurite's ops; their points
 * sit where a derivative rule can divide 0 by 0 or subtract infinities.
 */
export const EDGE_FUNCTIONS: Record<string, F> = {
  'pow(x, 2)': (x) => op.sum(op.pow(x, 2)),
  'pow(x, 3)': (x) => op.sum(op.pow(x, 3)),
  'pow(x, 1)': (x) => op.sum(op.pow(x, 1)),
  'pow(x, 0)': (x) => op.sum(op.pow(x, 0)),
  'pow(x, 2.5)': (x) => op.sum(op.pow(x, 2.5)),
  'pow(x, 0.5)': (x) => op.sum(op.pow(x, 0.5)),
  'pow(x, -1)': (x) => op.sum(op.pow(x, -1)),
  'pow(a, b)': (a, b) => op.sum(op.pow(a, b)),
  'sqrt(pow(x, 2) + 1)': (x) => op.sum(op.sqrt(op.add(op.pow(x, 2), 1))),
  'L2 of zero weights, sum(pow(W, 2))': (W) => op.mul(op.sum(op.pow(W, 2)), 0.35),
  'L2 of zero weights, sum(square(W))': (W) => op.mul(op.sum(op.square(W)), 0.35),
  'sqrt(x)': (x) => op.sum(op.sqrt(x)),
  'log(x)': (x) => op.sum(op.log(x)),
  'div(a, b)': (a, b) => op.sum(op.div(a, b)),
  'maximum(a, b)': (a, b) => op.sum(op.mul(op.maximum(a, b), w(0.5, -1.25, 2, 3))),
  'minimum(a, b)': (a, b) => op.sum(op.mul(op.minimum(a, b), w(0.5, -1.25, 2, 3))),
  'maximum(x, 0)': (x) => op.sum(op.maximum(x, 0)),
  'abs(x)': (x) => op.sum(op.abs(x)),
  'relu(x)': (x) => op.sum(op.relu(x)),
  'leakyRelu(x, 0.01)': (x) => op.sum(op.leakyRelu(x, 0.01)),
  'max(x) with ties': (x) => op.max(x),
  'min(x, 1) with ties': (x) => op.sum(op.mul(op.min(x, 1), w(0.5, -1.25))),
  'clip(x, 0, 1)': (x) => op.sum(op.clip(x, 0, 1)),
  'softmax(x, 0) at ±1000': (x) => op.sum(op.mul(op.softmax(x, 0), col(0.5, -1.25, 2))),
  'logSoftmax(x, 0) at ±1000': (x) => op.sum(op.mul(op.logSoftmax(x, 0), col(0.5, -1.25, 2))),
  'sigmoid(x) at ±1000': (x) => op.sum(op.sigmoid(x)),
  'tanh(x) at ±1000': (x) => op.sum(op.tanh(x)),
  'exp(x) at -1000': (x) => op.sum(op.exp(x)),
  'mean(x)': (x) => op.mean(x),
};

/**
 * Cases where the function is smooth at the edge point, so central differences must agree
 * with the analytic gradient there too (0 for x² at 0, 1 for x at 0, 0 for √(x²+1) at 0).
 */
const SMOOTH_AT_EDGE = ['pow(x, 2)', 'pow(x, 3)', 'pow(x, 1)', 'sqrt(pow(x, 2) + 1)', 'L2 of zero weights, sum(pow(W, 2))', 'mean(x)'];

/** Every edge case against PyTorch, in float64 (as torch computed it) and in float32. */
export function edgeGradientChecks(): { name: string; fn: () => void }[] {
  const cases: { name: string; fn: () => void }[] = [];
  for (const [name, ref] of Object.entries(edgeGradients)) {
    const f = EDGE_FUNCTIONS[name];
    for (const dtype of ['float64', 'float32'] as const) {
      cases.push({
        name: `${name} at its edge points (${dtype}) matches PyTorch`,
        fn: () => {
          assert(f !== undefined, `no Neurite function for the edge case '${name}'`);
          const args = ref.inputs.map((a) => tensor(Float64Array.from(a.data), dtype, a.shape));
          const { value, grads } = valueAndGrad(f)(...args);
          // float64 follows torch's float64 to rounding; float32 rounds each step to 2^-24 relative.
          const tol = dtype === 'float64' ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 3e-6, atol: 1e-6 };
          if (!(dtype === 'float32' && name.startsWith('logSoftmax'))) assertClose(value, ref.value, tol, `${name} value`);
          ref.grads.forEach((g, i) => {
            // 2e-40 underflows to 0 in float32 (div by 1e20): compare there with the float32 value of torch's.
            const expected = dtype === 'float32' ? { shape: g.shape, data: g.data.map((v) => Math.fround(v)) } : g;
            assertClose(grads[i], expected, tol, `${name} gradient ${i}`);
          });
        },
      });
    }
    if (SMOOTH_AT_EDGE.includes(name)) {
      cases.push({
        name: `${name}: central differences agree at the edge points`,
        fn: () => {
          const args = ref.inputs.map((a) => tensor(Float64Array.from(a.data), 'float64', a.shape));
          const { relativeError } = gradCheck(f, args);
          assert(relativeError < 1e-7, `${name}: relative error ${relativeError} >= 1e-7`);
        },
      });
    }
  }
  return cases;
}
