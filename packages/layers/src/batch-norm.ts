import { type FloatArray, formatShape, ShapeError, type Tensor, ValueError } from '@neurite/tensor';
import { floatDTypeOf, reuseBuffer } from './buffers.ts';
import { type BackwardContext, type BackwardResult, type ForwardContext, type ForwardResult, Layer, type LayerConfig } from './layer.ts';
import { checkKeys } from './options.ts';
import { batchAxis, formatLayerShape, type LayerShape } from './shapes.ts';
import type { Weight } from './weight.ts';

export interface BatchNormalizationOptions {
  /** Moving statistics: moving = momentum·moving + (1 − momentum)·batch. Default 0.99 (PyTorch's momentum is 1 − this). */
  momentum?: number;
  /** Added to the variance before the square root. Default 1e-3. */
  epsilon?: number;
  /** Learn the shift β (default true). */
  center?: boolean;
  /** Learn the scale γ (default true). */
  scale?: boolean;
  name?: string;
}

/** x̂ = (x − μ)/√(σ² + ε) and 1/√(σ² + ε) per feature, from the batch (training) or the moving statistics. */
export interface BatchNormalizationCache {
  xhat: Tensor;
  invStd: Float64Array;
  training: boolean;
}

/**
 * Batch normalization (Ioffe and Szegedy 2015; the course's Course 2, week 3):
 * A = γ·(Z − μ)/√(σ² + ε) + β per feature. In training μ and σ² are the batch's (biased
 * variance), and the moving averages are updated; at inference the moving ones are used.
 * Features are the rows in the course's (n, m) layout, with γ, β and the statistics of
 * shape (n, 1); the channels for images (m, n_H, n_W, n_C), with shape (1, 1, 1, n_C) and
 * statistics over (m, n_H, n_W). γ and β are trainable; movingMean and movingVariance are
 * state, saved in model files.
 */
export class BatchNormalization extends Layer<BatchNormalizationCache> {
  static readonly className = 'BatchNormalization';
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  #gamma: Weight | null = null;
  #beta: Weight | null = null;
  #mean: Weight | null = null;
  #variance: Weight | null = null;
  /** Features lead (the course's (n, m)) or trail (images). */
  #rowMajor = true;
  #A: Tensor | null = null;
  #xhat: Tensor | null = null;
  #dA_prev: Tensor | null = null;

  constructor(options: BatchNormalizationOptions = {}) {
    checkKeys(options, 'BatchNormalization', ['momentum', 'epsilon', 'center', 'scale', 'name']);
    super(options);
    this.momentum = options.momentum ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-3;
    this.center = options.center ?? true;
    this.scale = options.scale ?? true;
    if (typeof this.momentum !== 'number' || !(this.momentum >= 0 && this.momentum < 1)) {
      throw new ValueError(`BatchNormalization: momentum must be in [0, 1), received ${String(options.momentum)}`);
    }
    if (typeof this.epsilon !== 'number' || !(this.epsilon > 0) || !Number.isFinite(this.epsilon)) {
      throw new ValueError(`BatchNormalization: epsilon must be a positive number, received ${String(options.epsilon)}`);
    }
    for (const k of ['center', 'scale'] as const) {
      if (typeof this[k] !== 'boolean')
        throw new ValueError(`BatchNormalization: ${k} must be true or false, received ${JSON.stringify(options[k])}`);
    }
  }

  override build(inputShape: LayerShape): void {
    const batch = batchAxis(inputShape);
    this.#rowMajor = batch === inputShape.length - 1;
    if (!this.#rowMajor && batch !== 0) {
      throw new ShapeError(
        `BatchNormalization: the batch must be the last axis of (n, m) or the first of (m, ..., n_C), received ${formatLayerShape(inputShape)}`,
      );
    }
    const n = (this.#rowMajor ? inputShape[0] : inputShape[inputShape.length - 1]) as number;
    const shape = this.#rowMajor ? [n, 1] : [...inputShape.slice(0, -1).map(() => 1), n];
    if (this.scale) this.#gamma = this.addWeight('gamma', shape, 'ones');
    if (this.center) this.#beta = this.addWeight('beta', shape, 'zeros');
    this.#mean = this.addWeight('movingMean', shape, 'zeros', { trainable: false });
    this.#variance = this.addWeight('movingVariance', shape, 'ones', { trainable: false });
  }

  computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }

  forward(A_prev: Tensor, ctx: ForwardContext): ForwardResult<BatchNormalizationCache> {
    const mean = (this.#mean as Weight).value.data;
    const variance = (this.#variance as Weight).value.data;
    const F = mean.length;
    const N = A_prev.size / F;
    if (!Number.isInteger(N) || (this.#rowMajor ? A_prev.shape[0] : A_prev.shape[A_prev.rank - 1]) !== F) {
      throw new ShapeError(`BatchNormalization: input must have ${F} features, received ${formatShape(A_prev.shape)}`);
    }
    const dtype = floatDTypeOf(A_prev);
    const A = reuseBuffer(ctx.reuse ? this.#A : null, A_prev.shape, dtype);
    const xhat = reuseBuffer(ctx.reuse ? this.#xhat : null, A_prev.shape, dtype);
    if (ctx.reuse) {
      this.#A = A;
      this.#xhat = xhat;
    }
    const x = A_prev.data;
    const [base, step] = this.#strides(F, N);
    const gamma = this.#gamma?.value.data;
    const beta = this.#beta?.value.data;
    const invStd = new Float64Array(F);
    for (let f = 0; f < F; f++) {
      const b0 = base(f);
      let mu = mean[f];
      let v = variance[f];
      if (ctx.training) {
        let s = 0;
        for (let k = 0; k < N; k++) s += x[b0 + k * step];
        mu = s / N;
        let q = 0;
        for (let k = 0; k < N; k++) {
          const d = x[b0 + k * step] - mu;
          q += d * d;
        }
        v = q / N;
        mean[f] = this.momentum * mean[f] + (1 - this.momentum) * mu;
        variance[f] = this.momentum * variance[f] + (1 - this.momentum) * v;
      }
      const r = 1 / Math.sqrt(v + this.epsilon);
      invStd[f] = r;
      const g = gamma ? gamma[f] : 1;
      const c = beta ? beta[f] : 0;
      for (let k = 0; k < N; k++) {
        const i = b0 + k * step;
        const h = (x[i] - mu) * r;
        xhat.data[i] = h;
        A.data[i] = g * h + c;
      }
    }
    return { A, cache: { xhat, invStd, training: ctx.training } };
  }

  /**
   * With N values per feature: dγ = (1/m)·Σ dA·x̂, dβ = (1/m)·Σ dA, and in training
   * dZ = (γ/√(σ² + ε))·(dA − mean(dA) − x̂·mean(dA·x̂)), the batch statistics' own
   * derivatives included; at inference dZ = γ·dA/√(σ² + ε).
   */
  override backward(dA: Tensor, cache: BatchNormalizationCache, ctx: BackwardContext): BackwardResult {
    const { xhat, invStd, training } = cache;
    const F = invStd.length;
    const N = dA.size / F;
    if (dA.size !== xhat.size)
      throw new ShapeError(
        `BatchNormalization.backward: dA must have the output's shape ${formatShape(xhat.shape)}, received ${formatShape(dA.shape)}`,
      );
    const dtype = floatDTypeOf(dA);
    const shape = (this.#mean as Weight).shape;
    const dgamma = this.#gamma ? reuseBuffer(null, shape, dtype) : null;
    const dbeta = this.#beta ? reuseBuffer(null, shape, dtype) : null;
    let dA_prev: Tensor | null = null;
    if (ctx.needInput) {
      dA_prev = reuseBuffer(ctx.reuse ? this.#dA_prev : null, dA.shape, dtype);
      if (ctx.reuse) this.#dA_prev = dA_prev;
    }
    const d = dA.data;
    const h = xhat.data;
    const [base, step] = this.#strides(F, N);
    const gamma = this.#gamma?.value.data;
    for (let f = 0; f < F; f++) {
      const b0 = base(f);
      let sd = 0;
      let sdh = 0;
      for (let k = 0; k < N; k++) {
        const i = b0 + k * step;
        sd += d[i];
        sdh += d[i] * h[i];
      }
      if (dgamma) dgamma.data[f] = sdh / ctx.m;
      if (dbeta) dbeta.data[f] = sd / ctx.m;
      if (!dA_prev) continue;
      const k0 = (gamma ? gamma[f] : 1) * invStd[f];
      const out = dA_prev.data as FloatArray;
      if (!training) {
        for (let k = 0; k < N; k++) out[b0 + k * step] = k0 * d[b0 + k * step];
        continue;
      }
      const md = sd / N;
      const mdh = sdh / N;
      for (let k = 0; k < N; k++) {
        const i = b0 + k * step;
        out[i] = k0 * (d[i] - md - h[i] * mdh);
      }
    }
    const grads: Record<string, Tensor> = {};
    if (dgamma) grads.gamma = dgamma;
    if (dbeta) grads.beta = dbeta;
    return { dA_prev, grads };
  }

  override getConfig(): LayerConfig {
    return { momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale, ...super.getConfig() };
  }

  /** Where feature f's k-th value sits: f·N + k for (n, m), k·F + f for (m, ..., n_C). */
  #strides(F: number, N: number): [(f: number) => number, number] {
    return this.#rowMajor ? [(f) => f * N, 1] : [(f) => f, F];
  }
}
