import type { BackendCore, BackendOptional, Conv2dGeometry } from '../../backend.ts';
import { allocate, type FloatArray } from '../../dtype.ts';
import { Tensor } from '../../tensor.ts';
import { col2im, im2col, isPointwise } from './im2col.ts';

/*
 * Convolution as im2col + GEMM, over any backend's matmul: the defaults `defineBackend` gives a
 * backend without conv kernels of its own (so the wasm backend convolves with its own GEMM),
 * and the js backend's kernels (on its threaded GEMM).
 *
 * With M = m·outH·outW output positions, K = f_h·f_w·n_C_prev taps and N = n_C filters:
 *   Z (M, N)      = cols (M, K) · W (K, N)
 *   dW (K, N)     = colsᵀ · dZ (M, N)
 *   dcols (M, K)  = dZ · Wᵀ, then col2im into dA_prev.
 * The M rows go in chunks of at most CHUNK_ELEMENTS / K, so the cols buffer stays a few MB
 * whatever the batch (64 28x28 images with 32 channels would otherwise need a 115 MB matrix).
 */

let chunkElements = 1 << 21;

/** Test hook: the size of the cols buffer (elements), to run the chunk boundaries on small inputs. */
export function setConvChunkElements(n: number): number {
  const old = chunkElements;
  chunkElements = n;
  return old;
}

/** Output positions per chunk. */
export function chunkRows(K: number, M: number): number {
  return Math.max(1, Math.min(M, Math.floor(chunkElements / Math.max(K, 1))));
}

type Matmul = BackendCore['matmul'];
type ConvOps = Pick<BackendOptional, 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter'>;

const NN = { transA: false, transB: false, alpha: 1, beta: 0 };

function sizes(g: Conv2dGeometry): { M: number; K: number; N: number } {
  return { M: g.m * g.outH * g.outW, K: g.fH * g.fW * g.inC, N: g.outC };
}

function scratch(like: FloatArray, n: number): FloatArray {
  return allocate(like instanceof Float64Array ? 'float64' : 'float32', n);
}

const matrix = (data: FloatArray, rows: number, cols: number): Tensor => new Tensor(data.subarray(0, rows * cols), [rows, cols]);

export function convFromGemm(matmul: Matmul): ConvOps {
  return {
    conv2d(x, W, bias, g, out) {
      const { M, K, N } = sizes(g);
      const Wm = matrix(W.data as FloatArray, K, N);
      const X = x.data as FloatArray;
      if (isPointwise(g)) matmul(matrix(X, M, K), Wm, out, NN);
      else {
        const step = chunkRows(K, M);
        const cols = scratch(out, step * K);
        for (let r0 = 0; r0 < M; r0 += step) {
          const rows = Math.min(step, M - r0);
          im2col(X, g, r0, rows, cols);
          matmul(matrix(cols, rows, K), Wm, out.subarray(r0 * N, (r0 + rows) * N), NN);
        }
      }
      if (bias) {
        const b = bias.data;
        for (let r = 0; r < M; r++) for (let c = 0, o = r * N; c < N; c++) out[o + c] += b[c];
      }
    },
    conv2dBackpropFilter(x, dZ, g, out) {
      const { M, K, N } = sizes(g);
      const X = x.data as FloatArray;
      const D = dZ.data as FloatArray;
      if (M === 0) {
        out.fill(0);
        return;
      }
      if (isPointwise(g)) {
        matmul(matrix(X, M, K), matrix(D, M, N), out, { ...NN, transA: true });
        return;
      }
      const step = chunkRows(K, M);
      const cols = scratch(out, step * K);
      for (let r0 = 0; r0 < M; r0 += step) {
        const rows = Math.min(step, M - r0);
        im2col(X, g, r0, rows, cols);
        const dZc = new Tensor(D.subarray(r0 * N, (r0 + rows) * N), [rows, N]);
        matmul(matrix(cols, rows, K), dZc, out, { transA: true, transB: false, alpha: 1, beta: r0 === 0 ? 0 : 1 });
      }
    },
    conv2dBackpropInput(dZ, W, g, out) {
      const { M, K, N } = sizes(g);
      const Wm = matrix(W.data as FloatArray, K, N);
      const D = dZ.data as FloatArray;
      if (isPointwise(g)) {
        matmul(matrix(D, M, N), Wm, out, { ...NN, transB: true });
        return;
      }
      out.fill(0);
      const step = chunkRows(K, M);
      const dcols = scratch(out, step * K);
      for (let r0 = 0; r0 < M; r0 += step) {
        const rows = Math.min(step, M - r0);
        const dZc = new Tensor(D.subarray(r0 * N, (r0 + rows) * N), [rows, N]);
        matmul(dZc, Wm, dcols.subarray(0, rows * K), { ...NN, transB: true });
        col2im(dcols, g, r0, rows, out);
      }
    },
  };
}
