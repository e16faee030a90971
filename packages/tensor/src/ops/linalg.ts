import { record } from '../autodiff/tape.ts';
import { ACTIVATIONS, type Activation } from '../backend.ts';
import { promote } from '../dtype.ts';
import { ShapeError } from '../errors.ts';
import { formatShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { checkOneOf, checkOptions, checkPositive, optionalBoolean, wrongType } from '../validate.ts';
import { assertTensor, backend, castData, overwrittenOutput } from './util.ts';

export interface MatmulOptions {
  /** Use aᵀ without materializing it. */
  transA?: boolean;
  /** Use bᵀ without materializing it. */
  transB?: boolean;
}

/**
 * op(a)·op(b) for 2-D tensors, with BLAS's transpose flags: the course's
 * dW = (1/m)·dZ·A_prevᵀ is `matmul(dZ, A_prev, { transB: true })`, no copy of A_prev.
 */
export function matmul(a: Tensor, b: Tensor, options?: MatmulOptions): Tensor {
  assertTensor(a, 'matmul', 'a');
  assertTensor(b, 'matmul', 'b');
  const o = checkOptions(options, 'matmul', MATMUL_OPTIONS);
  const transA = optionalBoolean(o.transA, false, 'matmul', 'options.transA');
  const transB = optionalBoolean(o.transB, false, 'matmul', 'options.transB');
  const [m, n] = matmulShape(a, b, transA, transB);
  const dtype = promote(a.dtype, b.dtype);
  const out = overwrittenOutput(dtype, m * n, 'matmul', [m, n]);
  backend().matmul(castData(a, dtype), castData(b, dtype), out, { transA, transB, alpha: 1, beta: 0 });
  return record('matmul', [a, b], new Tensor(out, [m, n]), { transA, transB });
}

const MATMUL_OPTIONS = ['transA', 'transB'] as const;

function matmulShape(a: Tensor, b: Tensor, transA: boolean, transB: boolean): [number, number] {
  if (a.rank !== 2 || b.rank !== 2) {
    throw new ShapeError(`matmul: expected 2-D operands, received a ${formatShape(a.shape)} and b ${formatShape(b.shape)}`);
  }
  const [m, ka] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kb, n] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (ka !== kb) {
    const ta = transA ? 'aᵀ' : 'a';
    const tb = transB ? 'bᵀ' : 'b';
    throw new ShapeError(
      `matmul: inner dimensions differ: ${ta} is (${m}, ${ka}) and ${tb} is (${kb}, ${n}); ${ta} needs as many columns as ${tb} has rows`,
    );
  }
  return [m, n];
}

/**
 * The Dense layer's forward step in one call: A = g(W·A_prev + b). Backends fuse it
 * (one pass over the output instead of three); b is (n, 1) or null.
 */
export function linear(W: Tensor, A: Tensor, b: Tensor | null = null, activation: Activation = 'linear', alpha = 0.01): Tensor {
  assertTensor(W, 'linear', 'W');
  assertTensor(A, 'linear', 'A');
  if (b !== null && !(b instanceof Tensor)) wrongType('linear', 'b', 'a Tensor of shape (n, 1) or null (no bias)', b);
  checkOneOf(activation, 'linear', 'activation', ACTIVATIONS);
  checkPositive(alpha, 'linear', 'alpha');
  const [n, m] = matmulShape(W, A, false, false);
  if (b !== null) {
    assertTensor(b, 'linear', 'b');
    if (b.rank !== 2 || b.shape[0] !== n || b.shape[1] !== 1) {
      throw new ShapeError(`linear: b must have shape (${n}, 1) to match W ${formatShape(W.shape)}, received ${formatShape(b.shape)}`);
    }
  }
  const dtype = promote(promote(W.dtype, A.dtype), b?.dtype ?? W.dtype);
  const out = overwrittenOutput(dtype, n * m, 'linear', [n, m]);
  backend().linear(castData(W, dtype), castData(A, dtype), b && castData(b, dtype), activation, alpha, out);
  const inputs = b ? [W, A, b] : [W, A];
  return record('linear', inputs, new Tensor(out, [n, m]), { activation, alpha });
}
