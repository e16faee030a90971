import type { FloatArray } from '../../../dtype.ts';

/*
 * How a product C += alpha·op(A)·op(B) is cut into shares, and the copies that move a share's
 * operands into the arena and its result back. The product is cut along its longest side:
 * - N (columns of C): each share needs all of op(A) and a column strip of op(B) and C;
 * - M (rows of C): a row strip of op(A) and C, all of op(B);
 * - K (the sum): a strip of op(A)'s columns and op(B)'s rows, and a partial C added at the end.
 * The deep net's Z1 = W1·X (K = 12288) is cut along K and its dW1 = dZ1·Xᵀ along N, so a
 * worker's strip of X is whole rows: one contiguous copy, half of X with two threads.
 *
 * Only the main thread can read the operands, so it copies every worker's share before
 * computing its own. Each share is copied and posted in a few slices, so that a worker starts
 * on its first slice while the rest are still being copied, and the main thread's own share
 * is made smaller by about the time it spends copying.
 */

export type Dim = 'M' | 'N' | 'K';

export function longestSide(M: number, N: number, K: number): Dim {
  if (K > M && K > N) return 'K';
  return N >= M ? 'N' : 'M';
}

/** Boundaries of `parts` near-equal parts of [from, to), multiples of 4 (the register tile) from `from`. */
export function cuts(from: number, to: number, parts: number): number[] {
  const edges = [from];
  for (let s = 1; s < parts; s++) edges.push(Math.min(to, from + Math.round(((to - from) * s) / parts / 4) * 4));
  edges.push(to);
  return edges;
}

/** One job for a worker: the (m, n, k) sub-product at (i0, j0, k0), its operands' offsets in the arena. */
export interface Piece {
  readonly worker: number;
  readonly i0: number;
  readonly j0: number;
  readonly k0: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** False where this worker's earlier piece already put the same region there. */
  readonly fillA: boolean;
  readonly fillB: boolean;
  readonly fillC: boolean;
}

export interface Plan {
  readonly dim: Dim;
  /** The main thread's share is [0, first) along dim. */
  readonly first: number;
  readonly pieces: readonly Piece[];
  /** Arena elements the pieces use. */
  readonly elements: number;
}

/**
 * Cuts the product: the main thread takes `mainShare` of the longest side, each worker an
 * equal part of the rest in `slices` pieces, posted slice by slice across the workers.
 * Regions start on `line`-element boundaries (64-byte cache lines: no false sharing).
 */
export function plan(M: number, N: number, K: number, workers: number, mainShare: number, slices: number, line: number): Plan {
  const dim = longestSide(M, N, K);
  const extent = dim === 'M' ? M : dim === 'N' ? N : K;
  const first = Math.min(extent, Math.max(4, Math.round((extent * mainShare) / 4) * 4));
  const ranges = cuts(first, extent, workers);
  let end = 0;
  const region = (length: number): number => {
    const at = end;
    end = Math.ceil((end + length) / line) * line;
    return at;
  };
  const perWorker = Array.from({ length: workers }, (_, w) => {
    const edges = cuts(ranges[w] as number, ranges[w + 1] as number, slices);
    // The region every slice shares: all of op(A) (N), all of op(B) (M), the partial C (K).
    const common = region(dim === 'N' ? M * K : dim === 'M' ? K * N : M * N);
    return { edges, common };
  });
  const pieces: Piece[] = [];
  for (let s = 0; s < slices; s++) {
    perWorker.forEach(({ edges, common }, worker) => {
      const lo = edges[s] as number;
      const size = (edges[s + 1] as number) - lo;
      if (size <= 0) return;
      const [m, n, k] = dim === 'M' ? [size, N, K] : dim === 'N' ? [M, size, K] : [M, N, size];
      const [i0, j0, k0] = dim === 'M' ? [lo, 0, 0] : dim === 'N' ? [0, lo, 0] : [0, 0, lo];
      const isFirst = !pieces.some((p) => p.worker === worker);
      const a = dim === 'N' ? common : region(m * k);
      const b = dim === 'M' ? common : region(k * n);
      const c = dim === 'K' ? common : region(m * n);
      pieces.push({
        worker,
        i0,
        j0,
        k0,
        m,
        n,
        k,
        a,
        b,
        c,
        fillA: dim !== 'N' || isFirst,
        fillB: dim !== 'M' || isFirst,
        fillC: dim !== 'K' || isFirst,
      });
    });
  }
  return { dim, first, pieces, elements: end };
}

/** Strides [sr, sc] of a rows × cols window of a matrix with strides (sr, sc) once `extract` packs it. */
export function packedStrides(sr: number, sc: number, rows: number, cols: number): [number, number] {
  // Row-major stays row-major (a single row counts as row-major), column-major stays column-major.
  return sc === 1 && (sr !== 1 || rows === 1) ? [cols, 1] : [1, rows];
}

/** Copies rows × cols of the strided matrix X(r, c) = X[x + r·sr + c·sc] (sr = 1 or sc = 1) densely to dst[d...]. */
export function extract(X: FloatArray, x: number, sr: number, sc: number, rows: number, cols: number, dst: FloatArray, d: number): void {
  if (packedStrides(sr, sc, rows, cols)[1] === 1) copyRuns(X, x, rows, sr, cols, dst, d);
  else copyRuns(X, x, cols, sc, rows, dst, d);
}

/** `count` runs of `width` values, `stride` apart in src, packed one after another in dst. */
function copyRuns(src: FloatArray, s: number, count: number, stride: number, width: number, dst: FloatArray, d: number): void {
  if (stride === width || count === 1) {
    dst.set(src.subarray(s, s + count * width), d);
    return;
  }
  for (let r = 0; r < count; r++) dst.set(src.subarray(s + r * stride, s + r * stride + width), d + r * width);
}

/** The dense rows × cols block src[s...] back into C[c + i·ldc + j]: `extract`'s reverse, for results. */
export function placeRows(src: FloatArray, s: number, rows: number, cols: number, C: FloatArray, c: number, ldc: number): void {
  for (let i = 0; i < rows; i++) C.set(src.subarray(s + i * cols, s + (i + 1) * cols), c + i * ldc);
}

/** C[i] += P[p + i] for i < n: a K-share's partial product. */
export function addInto(C: FloatArray, P: FloatArray, p: number, n: number): void {
  for (let i = 0; i < n; i++) C[i] += P[p + i];
}
