import type { Tensor } from '@neurite/tensor';
import { type ActivationName, activate, activateInto, activationGrad, checkActivation, slopeNeedsZ } from './activations.ts';
import { floatDTypeOf, reuseBuffer } from './buffers.ts';
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
import { batchAxis, type LayerShape } from './shapes.ts';

export interface ActivationOptions {
  /** leakyRelu's slope (default 0.01), or elu's α (default 1). */
  alpha?: number;
  name?: string;
}

/** The activation's input Z (its slope's source for gelu and silu) and output A. */
export interface ActivationLayerCache {
  Z: Tensor;
  A: Tensor;
}

/**
 * A = g(A_prev) elementwise, as its own layer: Dense(10) then Activation('softmax') is
 * Dense(10, { activation: 'softmax' }). Any layout; softmax runs over the features: axis 0 in
 * the course's (n, m) layout, the channels (last axis) for images. It declares its
 * activation, so the loss gradient fuses into dZ = A − Y after it, and the layer above can
 * hand it dZ, which is its input's gradient as is.
 */
export class Activation extends Layer<ActivationLayerCache> {
  static readonly className = 'Activation';
  readonly activation: ActivationName;
  readonly alpha: number;
  override readonly outputActivation: OutputActivation;
  #featureAxis = 0;
  #A: Tensor | null = null;
  #dZ: Tensor | null = null;

  constructor(activation: ActivationName, options: ActivationOptions = {}) {
    checkKeys(options, 'Activation', ['alpha', 'name']);
    super(options);
    this.alpha = checkActivation(activation, options.alpha, 'Activation');
    this.activation = activation;
    this.outputActivation = { activation, alpha: this.alpha };
  }

  static fromConfig(config: LayerConfig): Activation {
    return new Activation(config.activation as ActivationName, pickKeys(config, ['alpha', 'name']) as ActivationOptions);
  }

  override build(inputShape: LayerShape): void {
    this.#featureAxis = batchAxis(inputShape) === inputShape.length - 1 ? 0 : -1;
  }

  computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  forward(A_prev: Tensor, ctx: ForwardContext): ForwardResult<ActivationLayerCache> {
    let A: Tensor;
    if (ctx.reuse && this.activation !== 'linear') {
      A = reuseBuffer(this.#A, A_prev.shape, floatDTypeOf(A_prev));
      this.#A = A;
      activateInto(this.activation, A_prev, this.alpha, A, this.#featureAxis);
    } else A = activate(this.activation, A_prev, this.alpha, this.#featureAxis);
    return { A, cache: { Z: A_prev, A } };
  }

  override backward(dA: Tensor, cache: ActivationLayerCache, ctx: BackwardContext): BackwardResult {
    if (!ctx.needInput) return { dA_prev: null };
    let out: Tensor | null = null;
    if (ctx.reuse && this.activation !== 'linear') {
      out = reuseBuffer(this.#dZ, dA.shape, floatDTypeOf(dA));
      this.#dZ = out;
    }
    const Z = slopeNeedsZ(this.activation) ? cache.Z : null;
    return { dA_prev: activationGrad(this.activation, dA, cache.A, Z, this.alpha, out, this.#featureAxis) };
  }

  /** The input is Z: its gradient is dZ itself. */
  override backwardFromZ(dZ: Tensor, _cache: ActivationLayerCache, ctx: BackwardContext): BackwardResult {
    return { dA_prev: ctx.needInput ? dZ : null };
  }

  override getConfig(): LayerConfig {
    return { activation: this.activation, alpha: this.alpha, ...super.getConfig() };
  }

  override describe(): string {
    return `Activation (${this.activation})`;
  }
}
