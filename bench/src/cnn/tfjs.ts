import * as tf from '@tensorflow/tfjs-core';
import type { CnnSpec } from '../workloads.ts';
import { digitArrays, readF32 } from './data.ts';

/*
 * The LeNet workloads in TensorFlow.js, NHWC (the course's layout and TensorFlow's default):
 * forward with tf.conv2d, tf.maxPool, tf.matMul and log-softmax cross-entropy, the gradients by
 * hand with the kernels tfjs's own gradients run (Conv2DBackpropInput / Conv2DBackpropFilter,
 * MaxPoolGrad, tf.step for ReLU), since tfjs-core alone registers no gradient functions (the
 * training workloads' note), and tf.train.adam's applyGradients for the update. One step is one
 * tf.tidy; its loss is read back with dataSync().
 *
 * tfjs-wasm 4.22 has no Conv2DBackpropFilter kernel, so a convolutional network cannot train on it
 * through tfjs's own gradients. There dW is computed with the standard rewriting as a forward
 * convolution: dW[a, b, c, f] = Σ_{m,i,j} x_pad[m, i + a, j + b, c]·dZ[m, i, j, f] is conv2d of
 * x_pad transposed to (C, H, W, m) (batch C, channels m) with dZ transposed to (H', W', m, F) as
 * the filter, transposed back to (f, f, C, F). The legend says so.
 */

let instance = 0;
const SLOW_STEP_MS = 1000;
const ESTIMATE_BATCHES = 5;

interface Layer {
  W: tf.Variable;
  b: tf.Variable;
}

const CONV = { strides: [1, 1], dataFormat: 'NHWC', dimRoundingMode: undefined, dilations: [1, 1] };
const kernel = (name: string, inputs: Record<string, tf.Tensor>, attrs: object): tf.Tensor =>
  tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;

/** dW of a stride-1 convolution: tfjs's kernel where the backend has it, else the forward-conv rewriting above. */
function filterGrad(x: tf.Tensor4D, dZ: tf.Tensor4D, shape: [number, number, number, number], pad: 'same' | 'valid'): tf.Tensor {
  if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) {
    return kernel('Conv2DBackpropFilter', { x, dy: dZ }, { ...CONV, pad, filterShape: shape });
  }
  const p = pad === 'same' ? (shape[0] - 1) / 2 : 0;
  const xPad = p
    ? tf.pad(x, [
        [0, 0],
        [p, p],
        [p, p],
        [0, 0],
      ])
    : x;
  const dW = tf.conv2d(tf.transpose(xPad, [3, 1, 2, 0]) as tf.Tensor4D, tf.transpose(dZ, [1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid');
  return tf.transpose(dW, [1, 2, 0, 3]);
}

/** Whether this backend trains through the dW rewriting (for the legend). */
export function tfjsRewritesFilterGrad(): boolean {
  return !tf.getKernel('Conv2DBackpropFilter', tf.getBackend());
}

export function tfjsCnn(spec: CnnSpec): {
  step: () => unknown;
  dispose: () => void;
  loss0: number;
  estimate?: { batches: number; scale: number };
} {
  if (!spec.files) throw new Error('the LeNet workloads need their data files (main.ts writes them)');
  const n = spec.examples;
  const { X: xa, Y: ya } = digitArrays(spec.files, n);
  const X = tf.tensor4d(xa, [n, 28, 28, 1], 'float32');
  const Y = tf.tensor2d(ya, [n, 10], 'float32');
  const id = `lenet${instance++}`;
  const weights = new Map(spec.files.weights.map((w) => [w.name, tf.tensor(readF32(w.path), w.shape, 'float32')]));
  const layer = (l: number): Layer => {
    const W = weights.get(`W${l}`) as tf.Tensor;
    const b = weights.get(`b${l}`) as tf.Tensor;
    // Conv filters are HWIO as in Neurite; Dense W stays (n, n_prev) and multiplies rows with transposeB.
    return { W: tf.variable(W, true, `${id}.W${l}`), b: tf.variable(tf.reshape(b, [b.size]), true, `${id}.b${l}`) };
  };
  const [c1, c2, d1, d2, d3] = [1, 2, 3, 4, 5].map(layer);
  const optimizer = tf.train.adam(spec.learningRate, 0.9, 0.999, 1e-8);
  const pool = (A: tf.Tensor4D) => tf.maxPool(A, 2, 2, 'valid');
  const dense = (A: tf.Tensor2D, d: Layer) => tf.add(tf.matMul(A, d.W, false, true), d.b) as tf.Tensor2D;

  const forward = (x: tf.Tensor4D) => {
    const Z1 = tf.add(tf.conv2d(x, c1.W as tf.Tensor4D, 1, 'same'), c1.b) as tf.Tensor4D;
    const A1 = tf.relu(Z1);
    const P1 = pool(A1);
    const Z2 = tf.add(tf.conv2d(P1, c2.W as tf.Tensor4D, 1, 'valid'), c2.b) as tf.Tensor4D;
    const A2 = tf.relu(Z2);
    const P2 = pool(A2);
    const F = tf.reshape(P2, [x.shape[0], -1]) as tf.Tensor2D;
    const Z3 = dense(F, d1);
    const A3 = tf.relu(Z3);
    const Z4 = dense(A3, d2);
    const A4 = tf.relu(Z4);
    const Z5 = dense(A4, d3);
    return { Z1, A1, P1, Z2, A2, P2, F, Z3, A3, Z4, A4, Z5 };
  };
  const lossOf = (Z5: tf.Tensor2D, y: tf.Tensor2D) => tf.div(tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(Z5)))), y.shape[0]) as tf.Scalar;

  const trainOn = (x: tf.Tensor4D, y: tf.Tensor2D): number => {
    const loss = tf.tidy(() => {
      const f = forward(x);
      const m = x.shape[0];
      const relu = (dA: tf.Tensor, Z: tf.Tensor) => tf.mul(dA, tf.step(Z));
      const poolGrad = (dy: tf.Tensor, input: tf.Tensor, output: tf.Tensor) =>
        kernel('MaxPoolGrad', { dy, input, output }, { filterSize: [2, 2], strides: [2, 2], pad: 'valid', dimRoundingMode: undefined });
      const dZ5 = tf.div(tf.sub(tf.softmax(f.Z5), y), m) as tf.Tensor2D;
      const grads: Record<string, tf.Tensor> = {};
      const denseBack = (dZ: tf.Tensor2D, A_prev: tf.Tensor2D, d: Layer) => {
        grads[d.W.name] = tf.matMul(dZ, A_prev, true, false);
        grads[d.b.name] = tf.sum(dZ, 0);
        return tf.matMul(dZ, d.W) as tf.Tensor2D;
      };
      const dZ4 = relu(denseBack(dZ5, f.A4, d3), f.Z4) as tf.Tensor2D;
      const dZ3 = relu(denseBack(dZ4, f.A3, d2), f.Z3) as tf.Tensor2D;
      const dP2 = tf.reshape(denseBack(dZ3, f.F, d1), f.P2.shape);
      const dZ2 = relu(poolGrad(dP2, f.A2, f.P2), f.Z2) as tf.Tensor4D;
      grads[c2.W.name] = filterGrad(f.P1, dZ2, c2.W.shape as [number, number, number, number], 'valid');
      grads[c2.b.name] = tf.sum(dZ2, [0, 1, 2]);
      const dP1 = kernel('Conv2DBackpropInput', { dy: dZ2, filter: c2.W }, { ...CONV, pad: 'valid', inputShape: f.P1.shape });
      const dZ1 = relu(poolGrad(dP1, f.A1, f.P1), f.Z1) as tf.Tensor4D;
      grads[c1.W.name] = filterGrad(x, dZ1, c1.W.shape as [number, number, number, number], 'same');
      grads[c1.b.name] = tf.sum(dZ1, [0, 1, 2]);
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      return lossOf(f.Z5, y);
    });
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };

  const batch = (start: number) =>
    tf.tidy(() => [tf.slice(X, [start, 0, 0, 0], [spec.batch, 28, 28, 1]), tf.slice(Y, [start, 0], [spec.batch, 10])]) as [
      tf.Tensor4D,
      tf.Tensor2D,
    ];
  const loss0 = tf.tidy(() => {
    const [x, y] = batch(0);
    return lossOf(forward(x).Z5, y).dataSync()[0];
  });
  // An epoch is 125 steps: where one step takes seconds (tfjs-cpu's gradient kernels are plain
  // loops), the epoch is timed over its first ESTIMATE_BATCHES batches and scaled, and the table
  // marks the cell as an estimate. Steps cost the same from batch to batch (same shapes, no
  // data-dependent work), so the scaling is the time of the whole epoch up to the noise.
  let batches = Math.floor(n / spec.batch);
  let estimatedFrom: number | undefined;
  // One step first: the warm-up that a single timed run (see timeIt) would otherwise include.
  const [x0, y0] = batch(0);
  trainOn(x0, y0);
  if (spec.pass === 'epoch') {
    const t0 = performance.now();
    trainOn(x0, y0);
    if (performance.now() - t0 > SLOW_STEP_MS) {
      estimatedFrom = ESTIMATE_BATCHES;
      batches = ESTIMATE_BATCHES;
    }
  }
  tf.dispose([x0, y0]);
  const step =
    spec.pass === 'step'
      ? () => trainOn(X, Y)
      : () => {
          for (let k = 0; k < batches; k++) {
            const [x, y] = batch(k * spec.batch);
            trainOn(x, y);
            tf.dispose([x, y]);
          }
        };
  return {
    step,
    loss0,
    ...(estimatedFrom ? { estimate: { batches: estimatedFrom, scale: Math.floor(n / spec.batch) / estimatedFrom } } : {}),
    dispose: () => {
      tf.dispose([X, Y, ...weights.values()]);
      for (const d of [c1, c2, d1, d2, d3]) tf.dispose([d.W, d.b]);
      optimizer.dispose();
    },
  };
}
