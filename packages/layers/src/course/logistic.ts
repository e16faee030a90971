import { type FloatDType, formatShape, matmul, NeuriteError, ShapeError, Tensor, ValueError, zeros } from '@neurite/tensor';

/**
 * Week 2: logistic regression as a one-neuron network, with the notebook's functions:
 * w (n_x, 1), b a number, X (n_x, m), Y (1, m); A = σ(wᵀX + b).
 */
export interface LogisticGrads {
  dw: Tensor;
  db: number;
}

export function initializeWithZeros(dim: number, dtype: FloatDType = 'float64'): { w: Tensor; b: number } {
  if (!Number.isInteger(dim) || dim <= 0)
    throw new ValueError(`initializeWithZeros: dim must be a positive integer, received ${String(dim)}`);
  return { w: zeros([dim, 1], dtype), b: 0 };
}

function check(w: Tensor, b: number, X: Tensor, Y?: Tensor): void {
  if (!(w instanceof Tensor) || !(X instanceof Tensor)) throw new NeuriteError('w and X must be Tensors');
  if (typeof b !== 'number') throw new ValueError(`b must be a number, received ${typeof b}`);
  if (w.rank !== 2 || w.shape[1] !== 1 || X.rank !== 2 || X.shape[0] !== w.shape[0]) {
    throw new ShapeError(`w must be (n_x, 1) and X (n_x, m), received w ${formatShape(w.shape)} and X ${formatShape(X.shape)}`);
  }
  if (Y && Y.size !== X.shape[1]) throw new ShapeError(`Y must be (1, ${X.shape[1]}), received ${formatShape(Y.shape)}`);
}

/** A = σ(wᵀX + b) in one pass over the (1, m) product. */
function activations(w: Tensor, b: number, X: Tensor): Float64Array {
  const Z = matmul(w, X, { transA: true }).data;
  const A = new Float64Array(Z.length);
  for (let i = 0; i < Z.length; i++) A[i] = 1 / (1 + Math.exp(-(Z[i] + b)));
  return A;
}

/**
 * Forward and backward propagation: cost = −(1/m)·Σ(Y·log A + (1−Y)·log(1−A)),
 * dw = (1/m)·X·(A−Y)ᵀ, db = (1/m)·Σ(A−Y).
 */
export function propagate(w: Tensor, b: number, X: Tensor, Y: Tensor): { grads: LogisticGrads; cost: number } {
  check(w, b, X, Y);
  const m = X.shape[1];
  const A = activations(w, b, X);
  const y = Y.data;
  let cost = 0;
  let db = 0;
  const dZ = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    cost += y[i] * Math.log(A[i]) + (1 - y[i]) * Math.log(1 - A[i]);
    dZ[i] = A[i] - y[i];
    db += dZ[i];
  }
  const dZt = new Tensor(w.dtype === 'float64' ? dZ : Float32Array.from(dZ), [1, m]);
  const dw = matmul(X, dZt, { transB: true }).mul(1 / m);
  return { grads: { dw, db: (1 / m) * db }, cost: (-1 / m) * cost };
}

/**
 * Gradient descent for `numIterations` steps; records the cost every 100 iterations
 * and prints "Cost after iteration i: c" when `printCost`.
 */
export function optimize(
  w: Tensor,
  b: number,
  X: Tensor,
  Y: Tensor,
  numIterations = 100,
  learningRate = 0.009,
  printCost: boolean | ((line: string) => void) = false,
): { params: { w: Tensor; b: number }; grads: LogisticGrads; costs: number[] } {
  if (!Number.isInteger(numIterations) || numIterations < 0)
    throw new ValueError(`optimize: numIterations must be a non-negative integer, received ${String(numIterations)}`);
  const costs: number[] = [];
  const log = printCost === true ? console.log : printCost || null;
  let grads: LogisticGrads = { dw: zeros(w.shape, w.dtype), db: 0 };
  let wc = w;
  let bc = b;
  for (let i = 0; i < numIterations; i++) {
    const r = propagate(wc, bc, X, Y);
    grads = r.grads;
    wc = wc.sub(grads.dw.mul(learningRate));
    bc = bc - learningRate * grads.db;
    if (i % 100 === 0) {
      costs.push(r.cost);
      log?.(`Cost after iteration ${i}: ${r.cost.toFixed(6)}`);
    }
  }
  return { params: { w: wc, b: bc }, grads, costs };
}

/** 0/1 predictions, A > 0.5, shape (1, m). */
export function logisticPredict(w: Tensor, b: number, X: Tensor): Tensor {
  check(w, b, X);
  const A = activations(w, b, X);
  const out = w.dtype === 'float64' ? new Float64Array(A.length) : new Float32Array(A.length);
  for (let i = 0; i < A.length; i++) out[i] = A[i] > 0.5 ? 1 : 0;
  return new Tensor(out, [1, A.length]);
}
