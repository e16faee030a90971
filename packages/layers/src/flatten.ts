import { type FloatArray, formatShape, ShapeError, type Tensor } from '@neurite/tensor';
import { floatDTypeOf, reuseBuffer } from './buffers.ts';
import { type BackwardContext, type BackwardResult, type ForwardContext, type ForwardResult, Layer } from './layer.ts';
import { formatLayerShape, type LayerShape } from './shapes.ts';

/** The input's shape, to give the gradient back its image layout. */
export interface FlattenCache {
  inputShape: readonly number[];
}

/**
 * The bridge from images to Dense: (m, n_H, n_W, n_C) → (n_H·n_W·n_C, m), one example per
 * column, each flattened in C order (row, column, channel), as the course flattens its cat
 * images (`X.reshape(X.shape[0], -1).T`). Any batch-first rank; a (n, m) input passes through.
 */
export class Flatten extends Layer<FlattenCache> {
  static readonly className = 'Flatten';
  #A: Tensor | null = null;
  #dA_prev: Tensor | null = null;

  override build(inputShape: LayerShape): void {
    const ok = inputShape[0] === null || (inputShape.length === 2 && inputShape[1] === null);
    if (!ok)
      throw new ShapeError(
        `Flatten: the batch must be the first axis (m, ...) or the last of (n, m), received ${formatLayerShape(inputShape)}`,
      );
  }

  computeOutputShape(inputShape: LayerShape): LayerShape {
    if (inputShape[0] !== null) return inputShape;
    return [(inputShape.slice(1) as number[]).reduce((p, d) => p * d, 1), null];
  }

  forward(A_prev: Tensor, ctx: ForwardContext): ForwardResult<FlattenCache> {
    const cache = { inputShape: A_prev.shape };
    if (this.inputShape[0] !== null) return { A: A_prev, cache };
    const m = A_prev.shape[0];
    const n = m === 0 ? 0 : A_prev.size / m;
    const A = reuseBuffer(ctx.reuse ? this.#A : null, [n, m], floatDTypeOf(A_prev));
    if (ctx.reuse) this.#A = A;
    transposeInto(A_prev.data as FloatArray, m, n, A.data as FloatArray);
    return { A, cache };
  }

  override backward(dA: Tensor, cache: FlattenCache, ctx: BackwardContext): BackwardResult {
    if (!ctx.needInput) return { dA_prev: null };
    if (this.inputShape[0] !== null) return { dA_prev: dA };
    const m = cache.inputShape[0];
    const n = dA.shape[0];
    if (dA.rank !== 2 || dA.shape[1] !== m || n * m !== dA.size) {
      throw new ShapeError(`Flatten.backward: dA must have shape (${n}, ${m}), received ${formatShape(dA.shape)}`);
    }
    const dA_prev = reuseBuffer(ctx.reuse ? this.#dA_prev : null, cache.inputShape, floatDTypeOf(dA));
    if (ctx.reuse) this.#dA_prev = dA_prev;
    transposeInto(dA.data as FloatArray, n, m, dA_prev.data as FloatArray);
    return { dA_prev };
  }
}

/** out (cols, rows) = xᵀ for x (rows, cols), row-major. */
function transposeInto(x: FloatArray, rows: number, cols: number, out: FloatArray): void {
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = x[r + j];
  }
}
