import { clip, log, logSoftmax, mul, softmax, sum, type Tensor } from '@neurite/tensor';
import { assertPair, epsilonOf, outLike, type ProbabilityOptionsLike } from './util.ts';

/**
 * Softmax cross-entropy for (classes, m) scores and one-hot (or soft) labels Y:
 *   J = −(1/m) Σ Y·log softmax(Z),
 * with log-softmax shifted by each column's maximum, so |z| = 1000 stays finite.
 */
export function softmaxCrossEntropyValue(Z: Tensor, Y: Tensor): number {
  const m = assertPair('softmaxCrossEntropyValue', Z, Y, ['Z', 'Y']);
  const L = logSoftmax(Z, 0).data;
  let total = 0;
  for (let i = 0; i < L.length; i++) if (Y.data[i] !== 0) total += Y.data[i] * L[i];
  return -total / m;
}

export function softmaxCrossEntropy(Z: Tensor, Y: Tensor): Tensor {
  const m = assertPair('softmaxCrossEntropy', Z, Y, ['Z', 'Y']);
  return mul(sum(mul(Y, logSoftmax(Z, 0))), -1 / m);
}

/** softmax(Z) − Y per example (no 1/m); assumes each column of Y sums to 1. */
export function softmaxCrossEntropyGradient(Z: Tensor, Y: Tensor, out?: Tensor): Tensor {
  assertPair('softmaxCrossEntropyGradient', Z, Y, ['Z', 'Y']);
  const dZ = outLike(Z, out, 'softmaxCrossEntropyGradient');
  const S = softmax(Z, 0).data;
  for (let i = 0; i < S.length; i++) dZ.data[i] = S[i] - Y.data[i];
  return dZ;
}

/** Cross-entropy of probabilities A (a softmax output), clipped at ε like the binary one. */
export function categoricalCrossEntropyValue(A: Tensor, Y: Tensor, options?: ProbabilityOptionsLike): number {
  const m = assertPair('categoricalCrossEntropyValue', A, Y);
  const eps = epsilonOf('categoricalCrossEntropyValue', options, A);
  let total = 0;
  for (let i = 0; i < A.size; i++) if (Y.data[i] !== 0) total += Y.data[i] * Math.log(Math.max(A.data[i], eps));
  return -total / m;
}

export function categoricalCrossEntropy(A: Tensor, Y: Tensor, options?: ProbabilityOptionsLike): Tensor {
  const m = assertPair('categoricalCrossEntropy', A, Y);
  const eps = epsilonOf('categoricalCrossEntropy', options, A);
  const P = eps > 0 ? clip(A, eps, 1) : A;
  return mul(sum(mul(Y, log(P))), -1 / m);
}

/** −Y/A per example; with a softmax output layer, training uses the fused A − Y instead. */
export function categoricalCrossEntropyGradient(A: Tensor, Y: Tensor, options?: ProbabilityOptionsLike, out?: Tensor): Tensor {
  assertPair('categoricalCrossEntropyGradient', A, Y);
  const eps = epsilonOf('categoricalCrossEntropyGradient', options, A);
  const dA = outLike(A, out, 'categoricalCrossEntropyGradient');
  for (let i = 0; i < A.size; i++) dA.data[i] = -Y.data[i] / Math.max(A.data[i], eps);
  return dA;
}
