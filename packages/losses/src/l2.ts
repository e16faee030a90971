import { add, checkArray, checkInteger, checkNonNegative, checkTensor, mul, scalar, square, sum, type Tensor } from '@neurite/tensor';

/**
 * The L2 penalty of the course's regularized cost, (λ/2m)·Σ_l ‖W[l]‖²_F, added to the
 * cross-entropy; its gradient adds (λ/m)·W[l] to dW[l]. Biases are not penalized.
 */
function check(fn: string, weights: readonly Tensor[], lambda: number, m: number): void {
  checkArray(weights, fn, 'weights');
  for (let i = 0; i < weights.length; i++) checkTensor(weights[i], fn, `weights[${i}]`);
  checkNonNegative(lambda, fn, 'lambda');
  checkInteger(m, fn, 'm (the number of examples)', 1);
}

export function l2PenaltyValue(weights: readonly Tensor[], lambda: number, m: number): number {
  check('l2PenaltyValue', weights, lambda, m);
  let total = 0;
  for (const W of weights) for (let i = 0; i < W.size; i++) total += W.data[i] * W.data[i];
  return (lambda / (2 * m)) * total;
}

export function l2Penalty(weights: readonly Tensor[], lambda: number, m: number): Tensor {
  check('l2Penalty', weights, lambda, m);
  const dtype = weights.some((W) => W.dtype === 'float64') ? 'float64' : 'float32';
  const total = weights.reduce<Tensor>((acc, W) => add(acc, sum(square(W))), scalar(0, dtype));
  return mul(total, lambda / (2 * m));
}

/** (λ/m)·W, the term the penalty adds to dW. */
export function l2PenaltyGradient(W: Tensor, lambda: number, m: number): Tensor {
  checkTensor(W, 'l2PenaltyGradient', 'W');
  check('l2PenaltyGradient', [W], lambda, m);
  return mul(W, lambda / m);
}
