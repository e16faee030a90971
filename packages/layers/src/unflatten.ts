import { checkInteger, type FloatArray, formatShape, ShapeError, type Tensor, ValueError } from '@neurite/tensor';
import { floatDTypeOf, reuseBuffer } from './buffers.ts';
import { type BackwardContext, type BackwardResult, type ForwardContext, type ForwardResult, Layer, type LayerConfig } from './layer.ts';
import { checkKeys } from './options.ts';
import { formatLayerShape, type LayerShape } from './shapes.ts';

export interface UnflattenOptions {
  name?: string;
}

/**
 * Flatten's inverse, for a convolutional network fed with columns: (n_H·n_W·n_C, m) →
 * (m, n_H, n_W, n_C), each column read in C order (row, column, channel), which is how the
 * course flattens its images and how the IDX and cat loaders give them. As a first layer it
 * lets a model that starts with Conv2D take the same X (n_x, m) as a Dense model.
 */
export class Unflatten extends Layer {
  static readonly className = 'Unflatten';
  readonly targetShape: number[];
  #A: Tensor | null = null;
  #dA_prev: Tensor | null = null;

  /** `targetShape`: one example's shape, `[n_H, n_W, n_C]` for images. */
  constructor(targetShape: readonly number[], options: UnflattenOptions = {}) {
    checkKeys(options, 'Unflatten', ['name']);
    super(options);
    if (!Array.isArray(targetShape) || targetShape.length === 0) {
      throw new ValueError(
        `Unflatten: targetShape must be a non-empty array of sizes such as [28, 28, 1], received ${JSON.stringify(targetShape)}`,
      );
    }
    this.targetShape = targetShape.map((d, i) => checkInteger(d, 'Unflatten', `targetShape[${i}]`, 1));
  }

  static fromConfig(config: LayerConfig): Unflatten {
    const { targetShape, ...options } = config;
    return new Unflatten(targetShape as number[], options as UnflattenOptions);
  }

  get #n(): number {
    return this.targetShape.reduce((p, d) => p * d, 1);
  }

  override build(inputShape: LayerShape): void {
    if (inputShape.length !== 2 || inputShape[1] !== null || inputShape[0] !== this.#n) {
      throw new ShapeError(
        `${this.describe()}: the input must be columns (${this.#n}, m), one example of ${this.targetShape.join('x')} = ${this.#n} values per column, received ${formatLayerShape(inputShape)}`,
      );
    }
  }

  computeOutputShape(): LayerShape {
    return [null, ...this.targetShape];
  }

  forward(A_prev: Tensor, ctx: ForwardContext): ForwardResult<null> {
    const n = this.#n;
    if (A_prev.rank !== 2 || A_prev.shape[0] !== n) {
      throw new ShapeError(`${this.describe()}: input must have shape (${n}, m), received ${formatShape(A_prev.shape)}`);
    }
    const m = A_prev.shape[1];
    const A = reuseBuffer(ctx.reuse ? this.#A : null, [m, ...this.targetShape], floatDTypeOf(A_prev));
    if (ctx.reuse) this.#A = A;
    transposeInto(A_prev.data as FloatArray, n, m, A.data as FloatArray);
    return { A, cache: null };
  }

  override backward(dA: Tensor, _cache: null, ctx: BackwardContext): BackwardResult {
    if (!ctx.needInput) return { dA_prev: null };
    const n = this.#n;
    const m = dA.shape[0];
    if (dA.rank !== this.targetShape.length + 1 || dA.size !== n * m) {
      throw new ShapeError(`Unflatten.backward: dA must have shape (m, ${this.targetShape.join(', ')}), received ${formatShape(dA.shape)}`);
    }
    const dA_prev = reuseBuffer(ctx.reuse ? this.#dA_prev : null, [n, m], floatDTypeOf(dA));
    if (ctx.reuse) this.#dA_prev = dA_prev;
    transposeInto(dA.data as FloatArray, m, n, dA_prev.data as FloatArray);
    return { dA_prev };
  }

  override getConfig(): LayerConfig {
    return { targetShape: [...this.targetShape], ...super.getConfig() };
  }

  override describe(): string {
    return `${this.className} (${this.targetShape.join('x')})`;
  }
}

/** out (cols, rows) = xᵀ for x (rows, cols), row-major. */
function transposeInto(x: FloatArray, rows: number, cols: number, out: FloatArray): void {
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = x[r + j];
  }
}
