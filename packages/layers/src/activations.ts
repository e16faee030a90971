import {
  type Activation,
  activationBackward,
  elu,
  type FloatArray,
  gelu,
  getBackend,
  leakyRelu,
  mul,
  type PointwiseActivation,
  relu,
  selu,
  sigmoid,
  silu,
  softmax,
  softplus,
  sub,
  sum,
  type Tensor,
  tanh,
  ValueError,
  zeros,
} from '@neurite/tensor';
import { floatDTypeOf } from './buffers.ts';

/** The activations Dense, Conv2D and the Activation layer take ('swish' is another name for 'silu'). */
export type ActivationName =
  | 'linear'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'softmax'
  | 'elu'
  | 'selu'
  | 'gelu'
  | 'softplus'
  | 'silu'
  | 'swish';
export const ACTIVATIONS: readonly ActivationName[] = [
  'linear',
  'sigmoid',
  'tanh',
  'relu',
  'leakyRelu',
  'softmax',
  'elu',
  'selu',
  'gelu',
  'softplus',
  'silu',
  'swish',
];

/** Whether the backend's fused `linear` and `linearBackward` take `act` (their slope comes from the output A). */
export function isFused(act: ActivationName): act is Activation {
  return act === 'linear' || act === 'sigmoid' || act === 'tanh' || act === 'relu' || act === 'leakyRelu';
}

/** gelu and silu are not monotonic: their slope needs Z, which a layer then keeps. */
export function slopeNeedsZ(act: ActivationName): boolean {
  return act === 'gelu' || act === 'silu' || act === 'swish';
}

/** The tensor op's name: swish is silu. */
function kernel(act: Exclude<ActivationName, 'linear' | 'softmax'>): Exclude<PointwiseActivation, 'linear'> {
  return act === 'swish' ? 'silu' : act;
}

/**
 * Checks an activation and its α for `who`; returns the α to use: leakyRelu's slope (default
 * 0.01) or elu's α (default 1); the others ignore it.
 */
export function checkActivation(act: unknown, alpha: number | undefined, who: string): number {
  if (!ACTIVATIONS.includes(act as ActivationName)) {
    throw new ValueError(`${who}: activation must be one of ${ACTIVATIONS.join(', ')}, received ${JSON.stringify(act)}`);
  }
  const a = alpha ?? (act === 'elu' ? 1 : 0.01);
  if (typeof a !== 'number' || !(a > 0) || !Number.isFinite(a))
    throw new ValueError(`${who}: alpha must be a positive number, received ${String(alpha)}`);
  return a;
}

/**
 * A = g(Z) as a fresh tensor. Softmax runs over `featureAxis`: 0 (the classes) in the course's
 * (n, m) layout, the last axis (channels) for batch-first layouts.
 */
export function activate(act: ActivationName, Z: Tensor, alpha: number, featureAxis = 0): Tensor {
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
      return softmax(Z, featureAxis);
    case 'elu':
      return elu(Z, alpha);
    case 'selu':
      return selu(Z);
    case 'gelu':
      return gelu(Z);
    case 'softplus':
      return softplus(Z);
    case 'silu':
    case 'swish':
      return silu(Z);
  }
}

/** A = g(Z) into `out` (same shape and dtype as Z), through the backend: the training path. */
export function activateInto(act: ActivationName, Z: Tensor, alpha: number, out: Tensor, featureAxis = 0): Tensor {
  const backend = getBackend();
  if (act === 'softmax') backend.softmax(Z, featureAxis < 0 ? Z.rank + featureAxis : featureAxis, out.data as FloatArray);
  else if (act === 'linear') (out.data as FloatArray).set(Z.data);
  else backend.unary(kernel(act), Z, out.data as FloatArray, alpha);
  return out;
}

/**
 * dZ = dA·g'(Z), the course's `sigmoid_backward` and friends: from the saved output A, or from
 * Z for gelu and silu (pass it then); softmax through its Jacobian over `featureAxis`. Into
 * `out` when given (the training path), fresh otherwise.
 */
export function activationGrad(
  act: ActivationName,
  dA: Tensor,
  A: Tensor,
  Z: Tensor | null,
  alpha: number,
  out: Tensor | null,
  featureAxis = 0,
): Tensor {
  if (act === 'softmax') return softmaxBackward(dA, A, out, featureAxis);
  if (act === 'linear' && !out) return dA;
  const saved = slopeNeedsZ(act) ? Z : A;
  if (!saved) throw new ValueError(`${act}'s backward needs Z, which the layer did not keep`);
  const name = act === 'linear' ? 'linear' : kernel(act);
  if (!out) return activationBackward(name, dA, saved, alpha);
  getBackend().activationBackward(name, dA, saved, out.data as FloatArray, alpha);
  return out;
}

/** dZ = A ⊙ (dA − Σ_features dA ⊙ A): the softmax Jacobian-vector product. */
function softmaxBackward(dA: Tensor, A: Tensor, out: Tensor | null, featureAxis: number): Tensor {
  if (A.rank !== 2 || featureAxis !== 0) {
    const dZ = mul(A, sub(dA, sum(mul(dA, A), featureAxis, true)));
    if (out) (out.data as FloatArray).set(dZ.data);
    return out ?? dZ;
  }
  // The course's layout, column by column, without temporaries.
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
