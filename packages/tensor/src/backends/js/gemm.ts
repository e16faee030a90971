import type { FloatArray } from '../../dtype.ts';

/**
 * C = alpha·op(A)·op(B) + beta·C on row-major arrays (BLAS's sgemm/dgemm semantics).
 * A is (M, K), or (K, M) when transA; B is (K, N), or (N, K) when transB.
 * Transposed operands are read in place.
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: FloatArray,
  B: FloatArray,
  beta: number,
  C: FloatArray,
): void {
  if (beta === 0) C.fill(0);
  else if (beta !== 1) for (let i = 0; i < M * N; i++) C[i] *= beta;
  const sai = transA ? 1 : K;
  const sak = transA ? M : 1;
  const sbk = transB ? 1 : N;
  const sbj = transB ? K : 1;
  for (let i = 0; i < M; i++) {
    for (let k = 0; k < K; k++) {
      const aik = alpha * A[i * sai + k * sak];
      if (aik === 0) continue;
      const cRow = i * N;
      const bRow = k * sbk;
      for (let j = 0; j < N; j++) C[cRow + j] += aik * B[bRow + j * sbj];
    }
  }
}
