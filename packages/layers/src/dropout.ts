import { type FloatDType, Generator, type Tensor, ValueError } from '@neurite/tensor';
import { floatDTypeOf, reuseBuffer } from './buffers.ts';
import { ModelError } from './errors.ts';
import type { Layer, LayerCache, LayerConfig } from './layer.ts';

/**
 * Inverted dropout, as in the course: during training keep each unit with probability
 * keep = 1 − rate (D = rand(shape) < keep, drawn from a seeded Generator), then scale by
 * 1/keep so the expected activation is unchanged; at inference it is the identity.
 */
export class Dropout implements Layer {
  readonly type = 'Dropout';
  readonly rate: number;
  readonly seed: number | undefined;
  readonly name: string | undefined;
  private rng: Generator | null = null;
  private mask: Tensor | null = null;
  private A_prev: Tensor | null = null;
  private A: Tensor | null = null;
  private dA_prev: Tensor | null = null;
  private units = 0;

  constructor(rate: number, options: { seed?: number; name?: string } = {}) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1))
      throw new ValueError(`Dropout: rate must be in [0, 1), received ${String(rate)}`);
    this.rate = rate;
    this.seed = options.seed;
    this.name = options.name;
  }

  get built(): boolean {
    return this.units > 0;
  }

  outputUnits(inputUnits: number): number {
    return inputUnits;
  }

  countParams(): number {
    return 0;
  }

  /** Without its own seed the layer continues the model's generator stream. */
  build(inputUnits: number, rng: Generator, _dtype: FloatDType): void {
    this.units = inputUnits;
    this.rng = this.seed === undefined ? rng : new Generator(this.seed);
  }

  /** Reseeds the mask stream (fit's `seed` does this so runs repeat). */
  setGenerator(rng: Generator): void {
    this.rng = rng;
  }

  params(): Record<string, Tensor> {
    return {};
  }

  grads(): Record<string, Tensor> {
    return {};
  }

  cache(): LayerCache | null {
    return this.A_prev && this.A ? { A_prev: this.A_prev, A: this.A } : null;
  }

  forward(A_prev: Tensor, training: boolean, reuse: boolean): Tensor {
    this.A_prev = A_prev;
    if (!training || this.rate === 0) {
      this.mask = null;
      this.A = A_prev;
      return A_prev;
    }
    if (!this.rng) throw new ModelError('Dropout: the layer is not built');
    const shape = [A_prev.shape[0], A_prev.shape[1]] as const;
    const dtype = floatDTypeOf(A_prev);
    const keep = 1 - this.rate;
    this.mask = reuseBuffer(reuse ? this.mask : null, shape, dtype);
    const A = reuseBuffer(reuse ? this.A : null, shape, dtype);
    const d = this.mask.data;
    for (let i = 0; i < d.length; i++) {
      d[i] = this.rng.random() < keep ? 1 : 0;
      A.data[i] = (A_prev.data[i] * d[i]) / keep;
    }
    this.A = A;
    return A;
  }

  backward(dA: Tensor, needInput: boolean, reuse: boolean): Tensor | null {
    if (!needInput) return null;
    if (!this.mask) return dA;
    const keep = 1 - this.rate;
    const out = reuseBuffer(reuse ? this.dA_prev : null, [dA.shape[0], dA.shape[1]], floatDTypeOf(dA));
    for (let i = 0; i < out.size; i++) out.data[i] = (dA.data[i] * this.mask.data[i]) / keep;
    if (reuse) this.dA_prev = out;
    return out;
  }

  getConfig(): LayerConfig {
    return {
      type: 'Dropout',
      rate: this.rate,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
      ...(this.name ? { name: this.name } : {}),
    };
  }
}
