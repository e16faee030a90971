import {
  type Activation,
  activationBackward,
  type FloatArray,
  getBackend,
  leakyRelu,
  relu,
  sigmoid,
  softmax,
  type Tensor,
  tanh,
  ValueError,
  zeros,
} from '@neurite/tensor';
import { floatDTypeOf } from './buffers.ts';

/** The activations Dense and the Activation layer take. */
export type ActivationName = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'softmax';
export const ACTIVATIONS: readonly ActivationName[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'softmax'];

/** Whether the backend's fused `linear` and `linearBackward` take `act` (their slope comes from the output A). */
export function isFused(act: ActivationName): act is Activation {
  return act === 'linear' || act === 'sigmoid' || act === 'tanh' || act === 'relu' || act === 'leakyRelu';
}

/** Checks an activation and its α for `who`; returns the α to use (leakyRelu's default slope is 0.01). */
export function checkActivation(act: unknown, alpha: number | undefined, who: string): number {
  if (!ACTIVATIONS.includes(act as ActivationName)) {
    throw new ValueError(`${who}: activation must be one of ${ACTIVATIONS.join(', ')}, received ${JSON.stringify(act)}`);
  }
  const a = alpha ?? 0.01;
  if (!(a > 0)) throw new ValueError(`${who}: alpha must be positive, received ${String(alpha)}`);
  return a;
}

/** A = g(Z) as a fresh tensor (softmax over axis 0, the classes). */
export function activate(act: ActivationName, Z: Tensor, alpha: number): Tensor {
  switch (act) {
    case 'linear':
      return Z;
    case 'sigmoid':
      return sigmoid(Z);
    case 'tanh':
      return tanh(Z);
    case 'relu':
      return relu(Z);
    case 'leakyRelu':
      return leakyRelu(Z, alpha);
    case 'softmax':
      return softmax(Z, 0);
  }
}

/** A = g(Z) into `out` (same shape and dtype as Z), through the backend: the training path. */
export function activateInto(act: ActivationName, Z: Tensor, alpha: number, out: Tensor): Tensor {
  const backend = getBackend();
  if (act === 'softmax') backend.softmax(Z, 0, out.data as FloatArray);
  else if (act === 'linear') (out.data as FloatArray).set(Z.data);
  else backend.unary(act, Z, out.data as FloatArray, alpha);
  return out;
}

/**
 * dZ = dA·g'(Z) from the saved output A, the course's `sigmoid_backward` and friends (softmax
 * through its Jacobian), into `out` when given (the training path), fresh otherwise.
 */
export function activationGrad(act: ActivationName, dA: Tensor, A: Tensor, alpha: number, out: Tensor | null): Tensor {
  if (act === 'softmax') return softmaxBackward(dA, A, out);
  if (!out) return activationBackward(act, dA, A, alpha);
  getBackend().activationBackward(act, dA, A, out.data as FloatArray, alpha);
  return out;
}

/** dZ = A ⊙ (dA − Σ_classes dA ⊙ A), column by column (the softmax Jacobian-vector product). */
function softmaxBackward(dA: Tensor, A: Tensor, out: Tensor | null): Tensor {
  const [n, m] = A.shape;
  const dZ = out ?? zeros(A.shape, floatDTypeOf(A));
  const a = A.data;
  const d = dA.data;
  const z = dZ.data;
  for (let j = 0; j < m; j++) {
    let dot = 0;
    for (let i = 0; i < n; i++) dot += d[i * m + j] * a[i * m + j];
    for (let i = 0; i < n; i++) z[i * m + j] = a[i * m + j] * (d[i * m + j] - dot);
  }
  return dZ;
}
