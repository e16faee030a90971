import { record } from '../autodiff/tape.ts';
import { ACTIVATIONS, type Activation } from '../backend.ts';
import { allocate } from '../dtype.ts';
import { ShapeError } from '../errors.ts';
import { formatShape, sameShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { checkAxis, checkOneOf, checkPositive } from '../validate.ts';
import { unary } from './elementwise.ts';
import { assertTensor, backend, castData, floatOf } from './util.ts';

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
 * `sigmoid_backward`, `relu_backward` and friends, without keeping Z around.
 */
export function activationBackward(act: Activation, dA: Tensor, A: Tensor, alpha = 0.01): Tensor {
  checkOneOf(act, 'activationBackward', 'act', ACTIVATIONS);
  const fn = `${act}Backward`;
  assertTensor(dA, fn, 'dA');
  assertTensor(A, fn, 'A');
  if (act === 'leakyRelu') checkPositive(alpha, fn, 'alpha');
  if (!sameShape(dA.shape, A.shape)) {
    throw new ShapeError(`${fn}: dA ${formatShape(dA.shape)} and A ${formatShape(A.shape)} must have the same shape`);
  }
  const dtype = dA.dtype === 'float64' || A.dtype === 'float64' ? 'float64' : 'float32';
  const out = allocate(dtype, dA.size, fn);
  backend().activationBackward(act, castData(dA, dtype), castData(A, dtype), out, alpha);
  return new Tensor(out, dA.shape);
}

export const sigmoidBackward = (dA: Tensor, A: Tensor): Tensor => activationBackward('sigmoid', dA, A);
export const tanhBackward = (dA: Tensor, A: Tensor): Tensor => activationBackward('tanh', dA, A);
export const reluBackward = (dA: Tensor, A: Tensor): Tensor => activationBackward('relu', dA, A);
export const leakyReluBackward = (dA: Tensor, A: Tensor, alpha = 0.01): Tensor => activationBackward('leakyRelu', dA, A, alpha);
