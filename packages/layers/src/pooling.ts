import {
  avgPool2d,
  avgPool2dBackward,
  type FloatArray,
  formatShape,
  maxPool2d,
  maxPool2dBackward,
  type Padding,
  type Pair,
  type Pool2dOptions,
  ShapeError,
  type Tensor,
  ValueError,
} from '@neurite/tensor';
import { floatDTypeOf, reuseBuffer } from './buffers.ts';
import { type BackwardContext, type BackwardResult, type ForwardContext, type ForwardResult, Layer, type LayerConfig } from './layer.ts';
import { checkKeys, pickKeys } from './options.ts';
import type { LayerShape } from './shapes.ts';
import { asPair, checkImageInput, checkPadding, pairOf, windowOutput } from './windows.ts';

const POOL_KEYS = ['strides', 'padding', 'name'];
const AVERAGE_POOL_KEYS = [...POOL_KEYS, 'countIncludePad'];

export interface Pool2DOptions {
  /** Step between windows; default the window (non-overlapping windows, as the course pools). */
  strides?: Pair;
  /** 'valid' (default), 'same', or explicit padding; padded positions never win a max and are left out of an average. */
  padding?: Padding;
  name?: string;
}

/** The pooled input (max pooling's backward finds each window's maximum in it again). */
export interface Pool2DCache {
  A_prev: Tensor;
}

/** What MaxPool2D and AveragePool2D share: the window, shapes and config. */
abstract class Pool2D extends Layer<Pool2DCache> {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  protected readonly options: Pool2dOptions;

  constructor(kind: string, poolSize: Pair, options: Pool2DOptions, keys: readonly string[] = POOL_KEYS) {
    checkKeys(options, kind, keys);
    super(options);
    this.poolSize = pairOf(poolSize, 'poolSize', kind);
    this.strides = pairOf(options.strides ?? this.poolSize, 'strides', kind);
    this.padding = checkPadding(options.padding ?? 'valid', kind);
    this.options = { poolSize: asPair(this.poolSize), stride: asPair(this.strides), padding: this.padding };
  }

  computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageInput(this.describe(), inputShape, '');
    const [n_H, n_W] = windowOutput(this.describe(), inputShape, this.poolSize, this.strides, [1, 1], this.padding);
    return [null, n_H, n_W, inputShape[3]];
  }

  override build(inputShape: LayerShape): void {
    checkImageInput(this.describe(), inputShape, '');
  }

  protected checkInput(A_prev: Tensor): void {
    const c = this.inputShape[3];
    if (A_prev.rank !== 4 || A_prev.shape[3] !== c) {
      throw new ShapeError(`${this.describe()}: input must have shape (m, n_H, n_W, ${c}), received ${formatShape(A_prev.shape)}`);
    }
  }

  override getConfig(): LayerConfig {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding, ...super.getConfig() };
  }

  override describe(): string {
    return `${this.className} (${this.poolSize.join('x')})`;
  }
}

/** The maximum of each f x f window, per channel: the course's pool_forward in mode 'max'. */
export class MaxPool2D extends Pool2D {
  static readonly className = 'MaxPool2D';

  constructor(poolSize: Pair, options: Pool2DOptions = {}) {
    super('MaxPool2D', poolSize, options);
  }

  static fromConfig(config: LayerConfig): MaxPool2D {
    return new MaxPool2D(config.poolSize as Pair, pickKeys(config, POOL_KEYS) as Pool2DOptions);
  }

  forward(A_prev: Tensor, _ctx: ForwardContext): ForwardResult<Pool2DCache> {
    this.checkInput(A_prev);
    return { A: maxPool2d(A_prev, this.options), cache: { A_prev } };
  }

  /** Each dA goes to the elements of its window equal to the window's maximum (the course's mask; ties share it). */
  override backward(dA: Tensor, cache: Pool2DCache, ctx: BackwardContext): BackwardResult {
    return { dA_prev: ctx.needInput ? maxPool2dBackward(dA, cache.A_prev, this.options) : null };
  }
}

export interface AveragePool2DOptions extends Pool2DOptions {
  /** Divide by the whole window, padding included (PyTorch's count_include_pad). Default false. */
  countIncludePad?: boolean;
}

/** The mean of each window, per channel: the course's pool_forward in mode 'average'. */
export class AveragePool2D extends Pool2D {
  static readonly className = 'AveragePool2D';
  readonly countIncludePad: boolean;

  constructor(poolSize: Pair, options: AveragePool2DOptions = {}) {
    super('AveragePool2D', poolSize, options, AVERAGE_POOL_KEYS);
    this.countIncludePad = options.countIncludePad ?? false;
    if (typeof this.countIncludePad !== 'boolean') {
      throw new ValueError(`AveragePool2D: countIncludePad must be true or false, received ${JSON.stringify(options.countIncludePad)}`);
    }
  }

  static fromConfig(config: LayerConfig): AveragePool2D {
    return new AveragePool2D(config.poolSize as Pair, pickKeys(config, AVERAGE_POOL_KEYS) as AveragePool2DOptions);
  }

  forward(A_prev: Tensor, _ctx: ForwardContext): ForwardResult<Pool2DCache> {
    this.checkInput(A_prev);
    return { A: avgPool2d(A_prev, { ...this.options, countIncludePad: this.countIncludePad }), cache: { A_prev } };
  }

  /** Each dA spread evenly over its window (the course's distribute_value). */
  override backward(dA: Tensor, cache: Pool2DCache, ctx: BackwardContext): BackwardResult {
    if (!ctx.needInput) return { dA_prev: null };
    return { dA_prev: avgPool2dBackward(dA, cache.A_prev.shape, { ...this.options, countIncludePad: this.countIncludePad }) };
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), countIncludePad: this.countIncludePad };
  }
}

/** The input's shape, for the gradient. */
export interface GlobalPoolCache {
  inputShape: readonly number[];
}

/**
 * The mean over each channel's n_H x n_W map: (m, n_H, n_W, n_C) → (n_C, m), one example per
 * column, so Dense can follow directly; with keepDims, (m, 1, 1, n_C) instead.
 */
export class GlobalAveragePooling2D extends Layer<GlobalPoolCache> {
  static readonly className = 'GlobalAveragePooling2D';
  readonly keepDims: boolean;
  #A: Tensor | null = null;
  #dA_prev: Tensor | null = null;

  constructor(options: { keepDims?: boolean; name?: string } = {}) {
    checkKeys(options, 'GlobalAveragePooling2D', ['keepDims', 'name']);
    super(options);
    this.keepDims = options.keepDims ?? false;
    if (typeof this.keepDims !== 'boolean')
      throw new ValueError(`GlobalAveragePooling2D: keepDims must be true or false, received ${JSON.stringify(options.keepDims)}`);
  }

  override build(inputShape: LayerShape): void {
    checkImageInput('GlobalAveragePooling2D', inputShape, '');
  }

  computeOutputShape(inputShape: LayerShape): LayerShape {
    checkImageInput('GlobalAveragePooling2D', inputShape, '');
    return this.keepDims ? [null, 1, 1, inputShape[3]] : [inputShape[3], null];
  }

  forward(A_prev: Tensor, ctx: ForwardContext): ForwardResult<GlobalPoolCache> {
    const [m, h, w, c] = A_prev.shape;
    if (A_prev.rank !== 4 || c !== this.inputShape[3]) {
      throw new ShapeError(
        `GlobalAveragePooling2D: input must have shape (m, n_H, n_W, ${this.inputShape[3]}), received ${formatShape(A_prev.shape)}`,
      );
    }
    const A = reuseBuffer(ctx.reuse ? this.#A : null, this.keepDims ? [m, 1, 1, c] : [c, m], floatDTypeOf(A_prev));
    if (ctx.reuse) this.#A = A;
    const x = A_prev.data;
    const out = A.data as FloatArray;
    const hw = h * w;
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let p = 0; p < hw; p++) s += x[(i * hw + p) * c + k];
        out[this.keepDims ? i * c + k : k * m + i] = s / hw;
      }
    }
    return { A, cache: { inputShape: A_prev.shape } };
  }

  override backward(dA: Tensor, cache: GlobalPoolCache, ctx: BackwardContext): BackwardResult {
    if (!ctx.needInput) return { dA_prev: null };
    const [m, h, w, c] = cache.inputShape;
    const dA_prev = reuseBuffer(ctx.reuse ? this.#dA_prev : null, cache.inputShape, floatDTypeOf(dA));
    if (ctx.reuse) this.#dA_prev = dA_prev;
    const d = dA.data;
    const out = dA_prev.data as FloatArray;
    const hw = h * w;
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < c; k++) {
        const g = d[this.keepDims ? i * c + k : k * m + i] / hw;
        for (let p = 0; p < hw; p++) out[(i * hw + p) * c + k] = g;
      }
    }
    return { dA_prev };
  }

  override getConfig(): LayerConfig {
    return { keepDims: this.keepDims, ...super.getConfig() };
  }
}
