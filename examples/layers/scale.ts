import { type BackwardContext, type BackwardResult, Layer, type LayerConfig, type LayerShape, registerLayer } from '@neurite/layers';
import { ShapeError, sum, type Tensor, ValueError } from '@neurite/tensor';

export interface ScaleOptions {
  /** Learn a shift β as well as the scale γ (default true). */
  center?: boolean;
  name?: string;
}

/** What both versions share: the weights, the shapes and the config. */
abstract class ScaleLayer extends Layer<Tensor> {
  readonly center: boolean;

  constructor(options: ScaleOptions = {}) {
    super(options);
    if (options.center !== undefined && typeof options.center !== 'boolean') {
      throw new ValueError(`Scale: center must be true or false, received ${JSON.stringify(options.center)}`);
    }
    this.center = options.center ?? true;
  }

  override build(inputShape: LayerShape): void {
    // Examples are columns: the input is (n, m), one γ and one β per feature (row).
    if (inputShape.length !== 2 || inputShape[1] !== null) throw new ShapeError(`Scale: input must be (n, m), received [${inputShape}]`);
    const n = inputShape[0] as number;
    this.addWeight('gamma', [n, 1], 'ones');
    if (this.center) this.addWeight('beta', [n, 1], 'zeros');
  }

  computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  /** A = γ ⊙ A_prev + β, made of @neurite/tensor ops (broadcasting (n, 1) over the m columns). */
  protected scale(A_prev: Tensor): Tensor {
    const A = A_prev.mul(this.getWeight('gamma').value);
    return this.center ? A.add(this.getWeight('beta').value) : A;
  }

  override getConfig(): LayerConfig {
    return { center: this.center, ...super.getConfig() };
  }
}

/** A learned scale and shift per feature. No backward: the model derives it from forward with autodiff. */
export class Scale extends ScaleLayer {
  forward(A_prev: Tensor): Tensor {
    return this.scale(A_prev);
  }
}

/** The same layer with its own backward, the course's way: the cache is A_prev. */
export class ScaleWithBackward extends ScaleLayer {
  forward(A_prev: Tensor): { A: Tensor; cache: Tensor } {
    return { A: this.scale(A_prev), cache: A_prev };
  }

  override backward(dA: Tensor, A_prev: Tensor, ctx: BackwardContext): BackwardResult {
    const gamma = this.getWeight('gamma').value;
    // dγ = (1/m)·Σ_examples dA ⊙ A_prev, dβ = (1/m)·Σ_examples dA, dA_prev = γ ⊙ dA.
    const grads: Record<string, Tensor> = { gamma: sum(dA.mul(A_prev), 1, true).mul(1 / ctx.m) };
    if (this.center) grads.beta = sum(dA, 1, true).mul(1 / ctx.m);
    return { dA_prev: ctx.needInput ? dA.mul(gamma) : null, grads };
  }
}

// Model files name the class; loading looks the name up here.
registerLayer('my-package>Scale', Scale);
registerLayer('my-package>ScaleWithBackward', ScaleWithBackward);
