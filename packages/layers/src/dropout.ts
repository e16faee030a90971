import { Generator, type Tensor, ValueError } from '@neurite/tensor';
import { floatDTypeOf, reuseBuffer } from './buffers.ts';
import {
  type BackwardContext,
  type BackwardResult,
  type BuildContext,
  type ForwardContext,
  type ForwardResult,
  Layer,
  type LayerConfig,
} from './layer.ts';
import { checkKeys } from './options.ts';
import type { LayerShape } from './shapes.ts';

/** The mask D of the last training forward (null at inference, or with rate 0: the identity). */
export interface DropoutCache {
  mask: Tensor | null;
}

/**
 * Inverted dropout, as in the course: during training keep each unit with probability
 * keep = 1 − rate (D = rand(shape) < keep), then scale by 1/keep so the expected activation
 * is unchanged; at inference it is the identity. Masks come from the layer's own seed when it
 * has one, otherwise from the model's training generator (`ctx.rng`). Any layout.
 */
export class Dropout extends Layer<DropoutCache> {
  static readonly className = 'Dropout';
  readonly rate: number;
  readonly seed: number | undefined;
  #own: Generator | null = null;
  #mask: Tensor | null = null;
  #A: Tensor | null = null;
  #dA_prev: Tensor | null = null;

  constructor(rate: number, options: { seed?: number; name?: string } = {}) {
    checkKeys(options, 'Dropout', ['seed', 'name']);
    super(options);
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1))
      throw new ValueError(`Dropout: rate must be in [0, 1), received ${String(rate)}`);
    if (options.seed !== undefined && !(Number.isInteger(options.seed) && options.seed >= 0 && options.seed < 2 ** 32)) {
      throw new ValueError(`Dropout: seed must be an integer in [0, 2^32), received ${String(options.seed)}`);
    }
    this.rate = rate;
    this.seed = options.seed;
  }

  static fromConfig(config: LayerConfig): Dropout {
    // Only the keys Dropout takes: model loading names any other key in its own message.
    const options = Object.fromEntries(['seed', 'name'].filter((k) => k in config).map((k) => [k, config[k]]));
    return new Dropout(config.rate as number, options as { seed?: number; name?: string });
  }

  /** A seeded layer starts its own mask stream here (again on every load: masks are not saved). */
  override build(_inputShape: LayerShape, _ctx: BuildContext): void {
    this.#own = this.seed === undefined ? null : new Generator(this.seed);
  }

  computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  forward(A_prev: Tensor, ctx: ForwardContext): ForwardResult<DropoutCache> {
    if (!ctx.training || this.rate === 0) return { A: A_prev, cache: { mask: null } };
    const rng = this.#own ?? ctx.rng;
    const dtype = floatDTypeOf(A_prev);
    const keep = 1 - this.rate;
    const mask = reuseBuffer(ctx.reuse ? this.#mask : null, A_prev.shape, dtype);
    const A = reuseBuffer(ctx.reuse ? this.#A : null, A_prev.shape, dtype);
    if (ctx.reuse) {
      this.#mask = mask;
      this.#A = A;
    }
    const d = mask.data;
    const a = A.data;
    const x = A_prev.data;
    for (let i = 0; i < d.length; i++) {
      d[i] = rng.random() < keep ? 1 : 0;
      a[i] = (x[i] * d[i]) / keep;
    }
    return { A, cache: { mask } };
  }

  override backward(dA: Tensor, cache: DropoutCache, ctx: BackwardContext): BackwardResult {
    if (!ctx.needInput) return { dA_prev: null };
    const { mask } = cache;
    if (!mask) return { dA_prev: dA };
    const keep = 1 - this.rate;
    const out = reuseBuffer(ctx.reuse ? this.#dA_prev : null, dA.shape, floatDTypeOf(dA));
    if (ctx.reuse) this.#dA_prev = out;
    for (let i = 0; i < out.size; i++) out.data[i] = (dA.data[i] * mask.data[i]) / keep;
    return { dA_prev: out };
  }

  override getConfig(): LayerConfig {
    return { rate: this.rate, ...(this.seed === undefined ? {} : { seed: this.seed }), ...super.getConfig() };
  }
}
