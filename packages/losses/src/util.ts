import { checkNumber, checkOptions, checkTensor, formatShape, ShapeError, Tensor, ValueError, wrongType } from '@neurite/tensor';

/** Examples are columns: m is the last dimension of a 2-D tensor (the size of a 1-D one). */
export function examplesOf(A: Tensor): number {
  return A.rank === 0 ? 1 : A.shape[A.rank - 1];
}

export function assertPair(fn: string, A: Tensor, Y: Tensor, names: [string, string] = ['A', 'Y']): number {
  checkTensor(A, fn, names[0]);
  checkTensor(Y, fn, names[1]);
  if (A.shape.length !== Y.shape.length || A.shape.some((d, i) => d !== Y.shape[i])) {
    throw new ShapeError(`${fn}: ${names[0]} ${formatShape(A.shape)} and ${names[1]} ${formatShape(Y.shape)} must have the same shape`);
  }
  const m = examplesOf(A);
  if (m === 0) throw new ValueError(`${fn}: expected at least one example (column), received shape ${formatShape(A.shape)}`);
  return m;
}

const PROBABILITY_KEYS = ['epsilon'] as const;

/** The options of a probability loss ({ epsilon }), unknown keys refused. */
export function probabilityOptions(fn: string, options: ProbabilityOptionsLike | undefined): ProbabilityOptionsLike {
  return checkOptions(options, fn, PROBABILITY_KEYS);
}

/**
 * Clipping bound for probabilities: the smallest epsilon for which 1 − epsilon is still
 * below 1 in the tensor's dtype, so log(1 − A) stays finite.
 */
export function defaultEpsilon(A: Tensor): number {
  return A.dtype === 'float64' ? 1e-15 : 1e-7;
}

const EPSILON = { min: 0, below: 0.5 };

export function assertEpsilon(fn: string, epsilon: number): number {
  return checkNumber(epsilon, fn, 'options.epsilon', EPSILON);
}

/** The clipping bound of `options` (only undefined means the dtype's default), checked. */
export function epsilonOf(fn: string, options: ProbabilityOptionsLike | undefined, A: Tensor): number {
  const { epsilon } = probabilityOptions(fn, options);
  return epsilon === undefined ? defaultEpsilon(A) : assertEpsilon(fn, epsilon);
}

/** A tensor to write into: `out` when it fits, a new one otherwise. */
export function outLike(A: Tensor, out?: Tensor, fn = 'gradient'): Tensor {
  if (out !== undefined && !(out instanceof Tensor)) wrongType(fn, 'out', 'a Tensor to write into, or undefined', out);
  if (out && out.dtype === A.dtype && out.size === A.size) return out;
  return new Tensor(A.dtype === 'float64' ? new Float64Array(A.size) : new Float32Array(A.size), A.shape);
}

/** log(1 + e^x) without overflow. */
export interface ProbabilityOptionsLike {
  epsilon?: number;
}

export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}
