import { record } from '../autodiff/tape.ts';
import { POINTWISE_ACTIVATIONS, type PointwiseActivation } from '../backend.ts';
import { allocate } from '../dtype.ts';
import { ShapeError } from '../errors.ts';
import { formatShape, sameShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { checkAxis, checkOneOf, checkPositive } from '../validate.ts';
import { unary } from './elementwise.ts';
import { assertTensor, backend, castData, floatOf, overwrittenOutput } from './util.ts';

/** 1 / (1 + e^-z), computed so that neither tail overflows to NaN. */
export const sigmoid = (z: Tensor): Tensor => unary('sigmoid', z);
export const tanh = (z: Tensor): Tensor => unary('tanh', z);
export const relu = (z: Tensor): Tensor => unary('relu', z);
/** z for z > 0, alpha·z otherwise; alpha must be positive so the output's sign is the input's. */
export function leakyRelu(z: Tensor, alpha = 0.01): Tensor {
  assertTensor(z, 'leakyRelu', 'z');
  checkPositive(alpha, 'leakyRelu', 'alpha');
  return unary('leakyRelu', z, alpha);
}

/** z for z > 0, alpha·(e^z − 1) otherwise (Clevert et al. 2015); alpha > 0, default 1. */
export function elu(z: Tensor, alpha = 1): Tensor {
  assertTensor(z, 'elu', 'z');
  checkPositive(alpha, 'elu', 'alpha');
  return unary('elu', z, alpha);
}
/** λ·elu(z, α) with the self-normalizing constants λ ≈ 1.0507, α ≈ 1.6733 (Klambauer et al. 2017). */
export const selu = (z: Tensor): Tensor => unary('selu', z);
/** z·Φ(z), Φ the standard normal CDF: the exact GELU (Hendrycks and Gimpel 2016), PyTorch's default. */
export const gelu = (z: Tensor): Tensor => unary('gelu', z);
/** log(1 + e^z), never overflowing. */
export const softplus = (z: Tensor): Tensor => unary('softplus', z);
/** z·σ(z) (Elfwing et al. 2017; Ramachandran et al.'s swish with β = 1). */
export const silu = (z: Tensor): Tensor => unary('silu', z);
/** The same function as silu, under the name Keras and TensorFlow also use. */
export const swish = silu;

/**
 * Softmax along `axis`. The default is axis 0 because Neurite lays examples out as
 * columns, as the course does: scores have shape (classes, m).
 */
export function softmax(z: Tensor, axis = 0): Tensor {
  return normalized('softmax', z, axis);
}

export function logSoftmax(z: Tensor, axis = 0): Tensor {
  return normalized('logSoftmax', z, axis);
}

function normalized(op: 'softmax' | 'logSoftmax', z: Tensor, axis: number): Tensor {
  assertTensor(z, op, 'z');
  const ax = checkAxis(axis, z.rank, op);
  const dtype = floatOf(z);
  const out = allocate(dtype, z.size, op);
  backend()[op](castData(z, dtype), ax, out);
  return record(op, [z], new Tensor(out, z.shape), { axis: ax });
}

/**
 * dZ = dA * g'(Z), with g' computed from the saved output A = g(Z): the course's
 * `sigmoid_backward`, `relu_backward` and friends, without keeping Z around. gelu and silu
 * are not monotonic, so their output does not determine the slope: for those pass Z as `A`.
 * alpha is leakyRelu's slope or elu's α.
 */
export function activationBackward(act: PointwiseActivation, dA: Tensor, A: Tensor, alpha = 0.01): Tensor {
  checkOneOf(act, 'activationBackward', 'act', POINTWISE_ACTIVATIONS);
  const fn = `${act}Backward`;
  assertTensor(dA, fn, 'dA');
  assertTensor(A, fn, act === 'gelu' || act === 'silu' ? 'Z' : 'A');
  if (act === 'leakyRelu' || act === 'elu') checkPositive(alpha, fn, 'alpha');
  if (!sameShape(dA.shape, A.shape)) {
    throw new ShapeError(`${fn}: dA ${formatShape(dA.shape)} and A ${formatShape(A.shape)} must have the same shape`);
  }
  const dtype = dA.dtype === 'float64' || A.dtype === 'float64' ? 'float64' : 'float32';
  const out = overwrittenOutput(dtype, dA.size, fn, dA.shape);
  backend().activationBackward(act, castData(dA, dtype), castData(A, dtype), out, alpha);
  return new Tensor(out, dA.shape);
}

export const sigmoidBackward = (dA: Tensor, A: Tensor): Tensor => activationBackward('sigmoid', dA, A);
export const tanhBackward = (dA: Tensor, A: Tensor): Tensor => activationBackward('tanh', dA, A);
export const reluBackward = (dA: Tensor, A: Tensor): Tensor => activationBackward('relu', dA, A);
export const leakyReluBackward = (dA: Tensor, A: Tensor, alpha = 0.01): Tensor => activationBackward('leakyRelu', dA, A, alpha);
export const eluBackward = (dA: Tensor, A: Tensor, alpha = 1): Tensor => activationBackward('elu', dA, A, alpha);
export const seluBackward = (dA: Tensor, A: Tensor): Tensor => activationBackward('selu', dA, A);
export const softplusBackward = (dA: Tensor, A: Tensor): Tensor => activationBackward('softplus', dA, A);
/** From Z, not from the output. */
export const geluBackward = (dA: Tensor, Z: Tensor): Tensor => activationBackward('gelu', dA, Z);
/** From Z, not from the output. */
export const siluBackward = (dA: Tensor, Z: Tensor): Tensor => activationBackward('silu', dA, Z);
