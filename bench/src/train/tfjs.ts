import * as tf from '@tensorflow/tfjs-core';
import type { Iterate } from '../measure.ts';
import type { TrainSpec } from '../workloads.ts';
import { initialWeights, trainArrays } from './data.ts';

/*
 * The training workloads in TensorFlow.js ops, written as the course writes them: forward with
 * tf.matMul, the manual gradients (dZ_L = A − Y, dW = (1/m)·dZ·A_prevᵀ with matMul's transposeB
 * flag, db = (1/m)·Σ dZ, dA_prev = Wᵀ·dZ with transposeA, skipped for the first layer as in
 * Neurite), then W −= lr·dW through tf.Variable.assign. One iteration is one tf.tidy; the cost is
 * read back with dataSync() every costEvery iterations. Manual gradients rather than
 * tf.variableGrads: they are the course's algorithm op for op, and tfjs-core alone registers no
 * gradient functions (they come with the @tensorflow/tfjs union package).
 */

export function tfjsTrainer(spec: TrainSpec): { iterate: Iterate; dispose: () => void } {
  const { X: Xa, Y: Ya } = trainArrays(spec);
  const { m, learningRate: lr, costEvery } = spec;
  const X = tf.tensor2d(Xa, [spec.dims[0], m], 'float32');
  const Y = tf.tensor2d(Ya, [1, m], 'float32');
  const params = initialWeights(spec).map(({ W, b, shape }) => ({
    W: tf.variable(tf.tensor2d(W, shape, 'float32')),
    b: tf.variable(tf.tensor2d(b, [shape[0], 1], 'float32')),
  }));
  const acts = spec.activations;
  const L = params.length;

  const cost = (A: tf.Tensor): number =>
    -tf.sum(tf.add(tf.mul(Y, tf.log(A)), tf.mul(tf.sub(1, Y), tf.log(tf.sub(1, A))))).dataSync()[0] / m;

  const iterate: Iterate = (i) =>
    tf.tidy(() => {
      let A: tf.Tensor2D = X;
      const caches: { A_prev: tf.Tensor2D; Z: tf.Tensor2D; A: tf.Tensor2D }[] = [];
      params.forEach(({ W, b }, l) => {
        const Z = tf.add(tf.matMul(W, A), b) as tf.Tensor2D;
        const A_prev = A;
        A = acts[l] === 'relu' ? tf.relu(Z) : acts[l] === 'tanh' ? tf.tanh(Z) : tf.sigmoid(Z);
        caches.push({ A_prev, Z, A });
      });
      const J = i % costEvery === 0 ? cost(A) : undefined;
      let dZ: tf.Tensor2D = tf.sub(A, Y);
      let dA: tf.Tensor2D | null = null;
      const grads: { dW: tf.Tensor; db: tf.Tensor }[] = [];
      for (let l = L - 1; l >= 0; l--) {
        const c = caches[l];
        if (dA) dZ = acts[l] === 'relu' ? tf.mul(dA, tf.step(c.Z)) : tf.mul(dA, tf.sub(1, tf.square(c.A)));
        grads[l] = { dW: tf.mul(tf.matMul(dZ, c.A_prev, false, true), 1 / m), db: tf.mul(tf.sum(dZ, 1, true), 1 / m) };
        dA = l > 0 ? tf.matMul(params[l].W, dZ, true, false) : null;
      }
      params.forEach(({ W, b }, l) => {
        W.assign(tf.sub(W, tf.mul(grads[l].dW, lr)));
        b.assign(tf.sub(b, tf.mul(grads[l].db, lr)));
      });
      return J;
    });

  return {
    iterate,
    dispose: () => {
      tf.dispose([X, Y]);
      for (const p of params) tf.dispose([p.W, p.b]);
    },
  };
}
