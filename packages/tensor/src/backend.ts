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

export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'square'
  | 'sign'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'erf'
  | 'elu'
  | 'selu'
  | 'gelu'
  | 'softplus'
  | 'silu';

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

/**
 * The activations the fused `linear` and `linearBackward` take; their derivative comes from
 * the saved output A. The list is the type: an activation added here is known to the op
 * layer's validation at once.
 */
export const ACTIVATIONS = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/**
 * Every activation `activationBackward` differentiates: elu, selu and softplus from their
 * output A as well; gelu and silu from Z, because their output does not determine the slope
 * (neither is monotonic), so for those two the saved tensor passed as `A` is Z.
 */
export const POINTWISE_ACTIVATIONS = [...ACTIVATIONS, 'elu', 'selu', 'gelu', 'softplus', 'silu'] as const;
export type PointwiseActivation = (typeof POINTWISE_ACTIVATIONS)[number];

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

/**
 * A 2-D convolution's geometry, resolved by the op layer (conv2d's options): the input
 * x (m, inH, inW, inC), the filter W (fH, fW, inC, outC), the output (m, outH, outW, outC),
 * both in the course's channels-last layout. The input is read as if zero-padded by padTop
 * rows above and padLeft columns on the left (and padBottom, padRight after); output (i, j)
 * sums x[i·strideH + p·dilationH − padTop, j·strideW + q·dilationW − padLeft] over the
 * filter's (p, q). Reads outside the input are zeros.
 */
export interface Conv2dGeometry {
  m: number;
  inH: number;
  inW: number;
  inC: number;
  fH: number;
  fW: number;
  outC: number;
  outH: number;
  outW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
}

/**
 * A pooling window's geometry: x (m, inH, inW, c) to (m, outH, outW, c), windows of
 * fH x fW (outC = inC, no dilation). Every window holds at least one input element (the op
 * layer keeps each pad below the window's size). `countPad` (average pooling) divides by the
 * whole window, padding included, instead of by the input elements it covers.
 */
export type Pool2dGeometry = Omit<Conv2dGeometry, 'outC' | 'dilationH' | 'dilationW'> & { countPad: boolean };

export type PoolMode = 'max' | 'avg';

/** What a backend must provide. */
export interface BackendCore {
  readonly name: string;
  /**
   * True when unary, binary, where, clip, activationBackward, linear, matmul with beta = 0, conv2d
   * and pool2d write every element of `out`, whatever it held: ops may then hand them large outputs
   * uninitialized (under Node) instead of zero-filled. The conformance suite checks it with
   * NaN-filled outputs. Leave it unset when unsure: outputs are zero-filled then.
   */
  readonly overwritesOutputs?: boolean;
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
  /** dZ = dA * g'(Z), with g' written in terms of the saved output A = g(Z) (Z itself for gelu and silu). */
  activationBackward(act: PointwiseActivation, dA: Tensor, A: Tensor, out: FloatArray, alpha: number): void;
  softmax(x: Tensor, axis: number, out: FloatArray): void;
  logSoftmax(x: Tensor, axis: number, out: FloatArray): void;
  /** The Dense hot path: out = g(W·A + b), b of shape (n, 1) or null. */
  linear(W: Tensor, A: Tensor, b: Tensor | null, act: Activation, alpha: number, out: FloatArray): void;
  /**
   * Its backward hot path: out = (Wᵀ·dZ) ⊙ g'(A_prev), the gradient of the layer below with
   * respect to its Z, with g' from its saved output A_prev (as activationBackward).
   */
  linearBackward(W: Tensor, dZ: Tensor, A_prev: Tensor, act: Activation, alpha: number, out: FloatArray): void;
  /**
   * out = conv(x, W) (+ bias, (outC) values, or null), out (m, outH, outW, outC): the
   * cross-correlation of deep-learning libraries, without flipping W.
   */
  conv2d(x: Tensor, W: Tensor, bias: Tensor | null, g: Conv2dGeometry, out: FloatArray): void;
  /** conv2d's gradient with respect to x: out (m, inH, inW, inC) from dZ (m, outH, outW, outC). */
  conv2dBackpropInput(dZ: Tensor, W: Tensor, g: Conv2dGeometry, out: FloatArray): void;
  /** conv2d's gradient with respect to W: out (fH, fW, inC, outC) from x and dZ. */
  conv2dBackpropFilter(x: Tensor, dZ: Tensor, g: Conv2dGeometry, out: FloatArray): void;
  /** Max or average over each window, per channel: out (m, outH, outW, c). */
  pool2d(mode: PoolMode, x: Tensor, g: Pool2dGeometry, out: FloatArray): void;
  /**
   * Its gradient, out (m, inH, inW, c): average pooling spreads each dA over its window
   * (x unused); max pooling gives dA to every element equal to its window's maximum
   * (the course's mask x == max(x): ties all receive it). Windows may overlap: sums.
   */
  pool2dBackward(mode: PoolMode, dA: Tensor, x: Tensor, g: Pool2dGeometry, out: FloatArray): void;
  /** numpy's constant-mode pad: widths[axis] = [before, after]; out has the padded shape. */
  pad(x: Tensor, widths: readonly (readonly [number, number])[], value: number, out: TypedArray): void;
  /**
   * A tensor with t's values stored where this backend computes on them in place, for large
   * inputs that many ops read (a training set); t itself by default, for backends that read
   * every typed array where it is. The wasm backend copies t once into its memory instead of
   * into every op that reads it. Whatever it returns is an ordinary tensor that any backend reads.
   */
  adopt(t: Tensor): Tensor;
  /** In place: param -= lr * grad. */
  sgdUpdate(param: FloatArray, grad: FloatArray, lr: number): void;
  /** In place Adam with bias correction; m and v are updated too. */
  adamUpdate(param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, step: AdamStep): void;
}

export type Backend = BackendCore & BackendOptional;
