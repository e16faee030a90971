import {
  type Conv2dGradOptions,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  formatShape,
  type Padding,
  type Pair,
  ShapeError,
  sum,
  type Tensor,
  ValueError,
} from '@neurite/tensor';
import { type ActivationName, activate, activationGrad, checkActivation } from './activations.ts';
import { getInitializer, type Initializer, type InitializerConfig, type InitializerName } from './initializers.ts';
import {
  type BackwardContext,
  type BackwardResult,
  type ForwardContext,
  type ForwardResult,
  Layer,
  type LayerConfig,
  type OutputActivation,
} from './layer.ts';
import { checkKeys, pickKeys } from './options.ts';
import type { LayerShape } from './shapes.ts';
import type { Weight } from './weight.ts';
import { asPair, checkImageInput, checkPadding, pairOf, windowOutput } from './windows.ts';

export interface Conv2DOptions {
  /** Step between windows: n, or [rows, columns]. Default 1. */
  strides?: Pair;
  /** 'valid' (default), 'same' (output ceil(n / stride)), or explicit zero padding (the course's pad). */
  padding?: Padding;
  /** Spacing between the filter's taps; default 1. */
  dilation?: Pair;
  /** Default 'linear'; any of Dense's activations (softmax runs over the channels). */
  activation?: ActivationName;
  /** leakyRelu's slope (default 0.01), or elu's α (default 1). */
  alpha?: number;
  useBias?: boolean;
  /** Default glorotUniform, with fan-in f·f·n_C_prev and fan-out f·f·n_C. */
  kernelInitializer?: Initializer | InitializerName | InitializerConfig;
  biasInitializer?: Initializer | InitializerName | InitializerConfig;
  name?: string;
}

const CONV2D_KEYS = ['strides', 'padding', 'dilation', 'activation', 'alpha', 'useBias', 'kernelInitializer', 'biasInitializer', 'name'];

/** The course's conv cache, (A_prev, W, b, hparameters), with Z where the backward needs it and the output A. */
export interface Conv2DCache {
  A_prev: Tensor;
  W: Tensor;
  Z: Tensor;
  A: Tensor;
}

/**
 * A 2-D convolution layer in the course's layout: A_prev (m, n_H_prev, n_W_prev, n_C_prev),
 * filters W (f, f, n_C_prev, n_C), biases b (1, 1, 1, n_C), Z = conv(A_prev, W) + b,
 * A = g(Z) (m, n_H, n_W, n_C). Backward: dW = (1/m)·conv2dBackpropFilter(A_prev, dZ),
 * db = (1/m)·Σ dZ over (m, n_H, n_W), dA_prev = conv2dBackpropInput(dZ, W): the course's
 * conv_backward with the model's 1/m.
 */
export class Conv2D extends Layer<Conv2DCache> {
  static readonly className = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilation: [number, number];
  readonly activation: ActivationName;
  readonly alpha: number;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  override readonly outputActivation: OutputActivation;
  readonly #options: Conv2dGradOptions;
  #W: Weight | null = null;
  #b: Weight | null = null;

  /** `filters` is n_C; `kernelSize` is f (or [f_h, f_w]). */
  constructor(filters: number, kernelSize: Pair, options: Conv2DOptions = {}) {
    checkKeys(options, 'Conv2D', CONV2D_KEYS);
    super(options);
    if (!Number.isInteger(filters) || filters <= 0)
      throw new ValueError(`Conv2D: filters must be a positive integer, received ${String(filters)}`);
    this.filters = filters;
    this.kernelSize = pairOf(kernelSize, 'kernelSize', 'Conv2D');
    this.strides = pairOf(options.strides ?? 1, 'strides', 'Conv2D');
    this.dilation = pairOf(options.dilation ?? 1, 'dilation', 'Conv2D');
    this.padding = checkPadding(options.padding ?? 'valid', 'Conv2D');
    this.activation = options.activation ?? 'linear';
    this.alpha = checkActivation(this.activation, options.alpha, 'Conv2D');
    this.useBias = options.useBias ?? true;
    if (typeof this.useBias !== 'boolean')
      throw new ValueError(`Conv2D: useBias must be true or false, received ${JSON.stringify(options.useBias)}`);
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorotUniform', 'Conv2D: kernelInitializer');
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros', 'Conv2D: biasInitializer');
    this.outputActivation = { activation: this.activation, alpha: this.alpha };
    this.#options = { stride: asPair(this.strides), padding: this.padding, dilation: asPair(this.dilation) };
  }

  static fromConfig(config: LayerConfig): Conv2D {
    return new Conv2D(config.filters as number, config.kernelSize as Pair, pickKeys(config, CONV2D_KEYS) as Conv2DOptions);
  }

  override build(inputShape: LayerShape): void {
    checkImageInput(
      this.describe(),
      inputShape,
      inputShape.length === 2 ? '; the course layout (n, m) holds no images (start with Unflatten([n_H, n_W, n_C]) to take columns)' : '',
    );
    const [f_h, f_w] = this.kernelSize;
    this.#W = this.addWeight('W', [f_h, f_w, inputShape[3] as number, this.filters], this.kernelInitializer, { regularized: true });
    if (this.useBias) this.#b = this.addWeight('b', [1, 1, 1, this.filters], this.biasInitializer);
  }

  computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageInput(this.describe(), inputShape, '');
    const [n_H, n_W] = windowOutput(this.describe(), inputShape, this.kernelSize, this.strides, this.dilation, this.padding);
    return [null, n_H, n_W, this.filters];
  }

  get W(): Tensor | null {
    return this.#W?.value ?? null;
  }

  get b(): Tensor | null {
    return this.#b?.value ?? null;
  }

  forward(A_prev: Tensor, _ctx: ForwardContext): ForwardResult<Conv2DCache> {
    const W = (this.#W as Weight).value;
    if (A_prev.rank !== 4 || A_prev.shape[3] !== W.shape[2]) {
      throw new ShapeError(`${this.describe()}: input must have shape (m, n_H, n_W, ${W.shape[2]}), received ${formatShape(A_prev.shape)}`);
    }
    const Z = conv2d(A_prev, W, { ...this.#options, bias: this.#b?.value ?? null });
    const A = activate(this.activation, Z, this.alpha, -1);
    return { A, cache: { A_prev, W, Z, A } };
  }

  override backward(dA: Tensor, cache: Conv2DCache, ctx: BackwardContext): BackwardResult {
    return this.backwardFromZ(activationGrad(this.activation, dA, cache.A, cache.Z, this.alpha, null, -1), cache, ctx);
  }

  override backwardFromZ(dZ: Tensor, cache: Conv2DCache, ctx: BackwardContext): BackwardResult {
    const { A_prev, W } = cache;
    const m = ctx.m;
    const grads: Record<string, Tensor> = { W: conv2dBackpropFilter(A_prev, dZ, W.shape, this.#options).mul(1 / m) };
    if (this.useBias) grads.b = sum(dZ, [0, 1, 2], true).mul(1 / m);
    return { dA_prev: ctx.needInput ? conv2dBackpropInput(dZ, W, A_prev.shape, this.#options) : null, grads };
  }

  override getConfig(): LayerConfig {
    return {
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilation: this.dilation,
      activation: this.activation,
      alpha: this.alpha,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer.config,
      biasInitializer: this.biasInitializer.config,
      ...super.getConfig(),
    };
  }

  override describe(): string {
    return `Conv2D (${this.filters} ${this.kernelSize.join('x')}${this.activation === 'linear' ? '' : `, ${this.activation}`})`;
  }
}
