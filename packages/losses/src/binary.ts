import { abs, add, clip, exp, log, maximum, mul, neg, sigmoid, sub, sum, type Tensor } from '@neurite/tensor';
import { assertPair, epsilonOf, outLike, softplus } from './util.ts';

/**
 * Binary cross-entropy, the course's cost:
 *   J = −(1/m) Σ [Y·log(A) + (1 − Y)·log(1 − A)].
 * Probabilities are clipped to [ε, 1 − ε] so predictions of exactly 0 or 1 give a large
 * finite cost instead of NaN; ε = 0 gives the course's unclipped formula.
 */
export interface ProbabilityOptions {
  /** Clipping bound; default 1e-15 for float64, 1e-7 for float32. */
  epsilon?: number;
}

/** The cost as a plain number, in one pass, for training loops. */
export function binaryCrossEntropyValue(A: Tensor, Y: Tensor, options?: ProbabilityOptions): number {
  const m = assertPair('binaryCrossEntropyValue', A, Y);
  const eps = epsilonOf('binaryCrossEntropyValue', options, A);
  const a = A.data;
  const y = Y.data;
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i] < eps ? eps : a[i] > 1 - eps ? 1 - eps : a[i];
    total += y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
  }
  return -total / m;
}

/** The same cost as a scalar tensor built from ops, so `grad` can differentiate it. */
export function binaryCrossEntropy(A: Tensor, Y: Tensor, options?: ProbabilityOptions): Tensor {
  const m = assertPair('binaryCrossEntropy', A, Y);
  const eps = epsilonOf('binaryCrossEntropy', options, A);
  const P = eps > 0 ? clip(A, eps, 1 - eps) : A;
  const terms = add(mul(Y, log(P)), mul(sub(1, Y), log(sub(1, P))));
  return mul(sum(terms), -1 / m);
}

/**
 * The course's dAL = −(Y/A − (1 − Y)/(1 − A)): the derivative of each example's loss,
 * without the 1/m, which the backward pass applies in dW and db.
 */
export function binaryCrossEntropyGradient(A: Tensor, Y: Tensor, options?: ProbabilityOptions, out?: Tensor): Tensor {
  assertPair('binaryCrossEntropyGradient', A, Y);
  const eps = epsilonOf('binaryCrossEntropyGradient', options, A);
  const dA = outLike(A, out, 'binaryCrossEntropyGradient');
  const a = A.data;
  const y = Y.data;
  const d = dA.data;
  for (let i = 0; i < a.length; i++) {
    const p = a[i] < eps ? eps : a[i] > 1 - eps ? 1 - eps : a[i];
    d[i] = -(y[i] / p - (1 - y[i]) / (1 - p));
  }
  return dA;
}

/**
 * Cross-entropy from logits Z (A = sigmoid(Z) never materialized):
 *   loss = max(z, 0) − z·y + log(1 + e^−|z|),
 * finite for any |z|, and its derivative is sigmoid(z) − y.
 */
export function binaryCrossEntropyFromLogitsValue(Z: Tensor, Y: Tensor): number {
  const m = assertPair('binaryCrossEntropyFromLogitsValue', Z, Y, ['Z', 'Y']);
  const z = Z.data;
  const y = Y.data;
  let total = 0;
  for (let i = 0; i < z.length; i++) total += (z[i] > 0 ? z[i] : 0) - z[i] * y[i] + softplus(-Math.abs(z[i]));
  return total / m;
}

export function binaryCrossEntropyFromLogits(Z: Tensor, Y: Tensor): Tensor {
  const m = assertPair('binaryCrossEntropyFromLogits', Z, Y, ['Z', 'Y']);
  // log(1 + e^−|z|) written with ops: e^−|z| is at most 1, so nothing overflows.
  const terms = add(sub(maximum(Z, 0), mul(Z, Y)), log(add(1, exp(neg(abs(Z))))));
  return mul(sum(terms), 1 / m);
}

/** sigmoid(Z) − Y per example (no 1/m). */
export function binaryCrossEntropyFromLogitsGradient(Z: Tensor, Y: Tensor, out?: Tensor): Tensor {
  assertPair('binaryCrossEntropyFromLogitsGradient', Z, Y, ['Z', 'Y']);
  const dZ = outLike(Z, out, 'binaryCrossEntropyFromLogitsGradient');
  const S = sigmoid(Z).data;
  const y = Y.data;
  for (let i = 0; i < S.length; i++) dZ.data[i] = S[i] - y[i];
  return dZ;
}
