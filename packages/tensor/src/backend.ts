import type { FloatArray, TypedArray } from './dtype.ts';
import type { Shape } from './shape.ts';
import type { Tensor } from './tensor.ts';

/**
 * The contract every backend implements. The op layer has already checked shapes and
 * dtypes, promoted operands to one float dtype and allocated `out` with the result's
 * shape, so a backend only computes: it never validates and never allocates results.
 * Inputs are contiguous row-major tensors; a backend may read `x.data` and `x.shape`
 * and must not write to inputs.
 */

export type UnaryOp = 'neg' | 'abs' | 'exp' | 'log' | 'sqrt' | 'square' | 'sign' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu';

export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'equal'
  | 'notEqual'
  | 'less'
  | 'lessEqual'
  | 'greater'
  | 'greaterEqual';

export type ReduceOp = 'sum' | 'max' | 'min';

/** Activations whose derivative the backend computes from the saved output A. */
export type Activation = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu';

export interface Gemm {
  transA: boolean;
  transB: boolean;
  /** out = alpha * op(A) * op(B) + beta * out, as in BLAS. */
  alpha: number;
  beta: number;
}

export interface AdamStep {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1-based step count, for the bias correction. */
  t: number;
}

/** What a backend must provide. */
export interface BackendCore {
  readonly name: string;
  /** `alpha` is leakyRelu's slope and is ignored by the other ops. */
  unary(op: UnaryOp, x: Tensor, out: FloatArray, alpha: number): void;
  /** numpy broadcasting: a and b are read as if expanded to `outShape`. Comparisons write 1 or 0. */
  binary(op: BinaryOp, a: Tensor, b: Tensor, out: FloatArray, outShape: Shape): void;
  /** out = cond != 0 ? a : b, all three broadcast to `outShape`. */
  where(cond: Tensor, a: Tensor, b: Tensor, out: FloatArray, outShape: Shape): void;
  clip(x: Tensor, min: number, max: number, out: FloatArray): void;
  /** Reduce over `axes` (sorted, unique); `out` has the kept-dims size. */
  reduce(op: ReduceOp, x: Tensor, axes: readonly number[], out: FloatArray): void;
  argMax(x: Tensor, axis: number, out: Int32Array): void;
  /** 2-D GEMM on row-major operands; transposed operands are read in place, never copied. */
  matmul(a: Tensor, b: Tensor, out: FloatArray, gemm: Gemm): void;
  transpose(x: Tensor, perm: readonly number[], out: TypedArray): void;
  slice(x: Tensor, begin: readonly number[], out: TypedArray, outShape: Shape): void;
  concat(xs: readonly Tensor[], axis: number, out: TypedArray): void;
  gather(x: Tensor, indices: Int32Array, axis: number, out: TypedArray): void;
}

/** What a backend may override; `defineBackend` fills the rest from the core. */
export interface BackendOptional {
  /** dZ = dA * g'(Z), with g' written in terms of the saved output A = g(Z). */
  activationBackward(act: Activation, dA: Tensor, A: Tensor, out: FloatArray, alpha: number): void;
  softmax(x: Tensor, axis: number, out: FloatArray): void;
  logSoftmax(x: Tensor, axis: number, out: FloatArray): void;
  /** The Dense hot path: out = g(W·A + b), b of shape (n, 1) or null. */
  linear(W: Tensor, A: Tensor, b: Tensor | null, act: Activation, alpha: number, out: FloatArray): void;
  /**
   * Its backward hot path: out = (Wᵀ·dZ) ⊙ g'(A_prev), the gradient of the layer below with
   * respect to its Z, with g' from its saved output A_prev (as activationBackward).
   */
  linearBackward(W: Tensor, dZ: Tensor, A_prev: Tensor, act: Activation, alpha: number, out: FloatArray): void;
  /** In place: param -= lr * grad. */
  sgdUpdate(param: FloatArray, grad: FloatArray, lr: number): void;
  /** In place Adam with bias correction; m and v are updated too. */
  adamUpdate(param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, step: AdamStep): void;
}

export type Backend = BackendCore & BackendOptional;
