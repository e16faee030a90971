import type { FloatArray } from '../../dtype.ts';
import { gemv, small } from './gemm-direct.ts';
import { parallel } from './threads/pool.ts';

/*
 * A BLIS-style GEMM in plain TypeScript.
 *
 * Loop nest: NC columns of C → KC-deep slice of op(B), packed → MC rows of op(A), packed →
 * 4x4 register micro-kernel. Packing copies small panels (never a whole transposed operand)
 * into Float64Array scratch: the micro-kernel then reads contiguous doubles whatever the
 * dtype and transpose flags, and JavaScript does its arithmetic in doubles anyway.
 *
 * Measured on a 2-core Xeon (Node 20): 4x4, 4x8, 3x4 and 6x4 kernels all land within 10%
 * of each other, near the limit of scalar double math (V8 has 16 xmm registers, so the 4x4
 * tile already spills); 4x4 wastes least on skinny edges. Int32 index arithmetic (`| 0`)
 * drops V8's overflow checks: 4.55 → 4.9 GFLOPS at 1024; reading the packed buffers as module
 * constants rather than parameters drops its per-iteration checks: → 5.6. KC = 128/192/512 measured no better;
 * NC = 512 keeps a packed slice of B in L2 (the (20,209)x(209,12288) shape: +13%).
 * Small products (the course's (4,2)x(2,400)) and vector shapes (M or N = 1) skip packing
 * (gemm-direct.ts); products with few rows (M <= 32, the deep net's first layer) pack only A.
 */

const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 512;
/** Below this many multiply-adds (or at K this shallow) packing costs more than it saves. */
const SMALL_WORK = 32 * 32 * 32;
const SMALL_K = 8;
/**
 * Up to this many rows, each packed B panel would be read only M/MR times, so packing a
 * whole k-slice of B costs more than it saves: `skinny` converts four columns at a time into
 * a small buffer instead (or, for M <= 4, reads B in place with `kernelDirectB`). Measured on
 * the deep net's first layer (M = 20): dW1 = dZ1·Xᵀ 16% faster, Z1 = W1·X 5% faster than
 * packing, and converting four columns once for all row panels another 3%.
 */
const SKINNY_M = 32;
const INT32_MAX = 0x7fffffff;
/** ...as long as a step along k in B stays short: a stride of 12288 made (20,209)x(209,12288) 15% slower. */
const SKINNY_MAX_K_STRIDE = 1024;

// Module-level scratch: no allocation per call on the hot path.
// Both are module constants read by `kernel` directly, not passed in: V8 then compiles the
// micro-kernel's loads against known arrays, without the per-iteration checks it emits for a
// typed-array parameter (measured 4.85 → 5.8 GFLOPS for the kernel alone). PACKED_B is 1 MiB,
// a slice of B as large as a block can be (pages are only committed once written).
const PACKED_A = new Float64Array(MC * KC);
const PACKED_B = new Float64Array(NC * KC);
const edge = new Float64Array(MR * NR);

/** Four columns of op(B), kc deep, into doubles: read once here instead of once per row panel. */
function packPanel(dst: Float64Array, kc: number, B: FloatArray, b: number, sbk: number, sbj: number): void {
  const s2 = 2 * sbj;
  const s3 = 3 * sbj;
  for (let p = 0, d = 0; p < kc; p = (p + 1) | 0, d = (d + NR) | 0, b = (b + sbk) | 0) {
    dst[d] = B[b];
    dst[(d + 1) | 0] = B[(b + sbj) | 0];
    dst[(d + 2) | 0] = B[(b + s2) | 0];
    dst[(d + 3) | 0] = B[(b + s3) | 0];
  }
}

/**
 * C = alpha·op(A)·op(B) + beta·C on row-major arrays (BLAS's sgemm/dgemm semantics).
 * A is (M, K), or (K, M) when transA; B is (K, N), or (N, K) when transB.
 * Transposed operands are read in place. beta = 0 overwrites C (NaN already in C is ignored).
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
  if (M === 0 || N === 0) return;
  // The kernels index with int32 arithmetic (`| 0`), which V8 compiles without overflow checks.
  if (M * K > INT32_MAX || K * N > INT32_MAX || M * N > INT32_MAX) {
    throw new RangeError(`gemm: operands of ${M}x${K}, ${K}x${N} exceed 2^31 - 1 elements, the js backend's limit`);
  }
  if (beta === 0) C.fill(0, 0, M * N);
  else if (beta !== 1) for (let i = 0; i < M * N; i++) C[i] *= beta;
  if (K === 0 || alpha === 0) return;
  // op(A)(i, k) = A[i·sai + k·sak]; op(B)(k, j) = B[k·sbk + j·sbj].
  const sai = transA ? 1 : K;
  const sak = transA ? M : 1;
  const sbk = transB ? 1 : N;
  const sbj = transB ? K : 1;
  if (!parallel(gemmCore, M, N, K, alpha, A, sai, sak, B, sbk, sbj, C)) gemmCore(M, N, K, alpha, A, sai, sak, B, sbk, sbj, C, N);
}

/**
 * C(i, j) += alpha·Σ_k op(A)(i, k)·op(B)(k, j), with C(i, j) = C[i·ldc + j]: the product on
 * strided operands, one thread. The thread pool (threads/) runs it on blocks of C's columns
 * or rows, each through subarray views of the same shared memory.
 */
export function gemmCore(
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: FloatArray,
  sai: number,
  sak: number,
  B: FloatArray,
  sbk: number,
  sbj: number,
  C: FloatArray,
  ldc: number,
): void {
  if (M === 1) gemv(N, K, alpha, B, sbj, sbk, A, sak, C, 1);
  else if (N === 1) gemv(M, K, alpha, A, sai, sak, B, sbk, C, ldc);
  else if (K <= SMALL_K || M * N * K <= SMALL_WORK) small(M, N, K, alpha, A, sai, sak, B, sbk, sbj, C, ldc);
  else blocked(M, N, K, alpha, A, sai, sak, B, sbk, sbj, C, ldc);
}

function blocked(
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: FloatArray,
  sai: number,
  sak: number,
  B: FloatArray,
  sbk: number,
  sbj: number,
  C: FloatArray,
  ldc: number,
): void {
  if (M <= SKINNY_M && sbk <= SKINNY_MAX_K_STRIDE) {
    skinny(M, N, K, alpha, A, sai, sak, B, sbk, sbj, C, ldc);
    return;
  }
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packB(PACKED_B, B, sbk, sbj, pc, kc, jc, nc);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packA(PACKED_A, A, sai, sak, ic, mc, pc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            kernel(kc, ir * kc, jr * kc, C, (ic + ir) * ldc + jc + jr, ldc, mr, nr, alpha);
          }
        }
      }
    }
  }
}

/** Few rows: pack A (small), then B four columns at a time; ragged columns are packed. */
function skinny(
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: FloatArray,
  sai: number,
  sak: number,
  B: FloatArray,
  sbk: number,
  sbj: number,
  C: FloatArray,
  ldc: number,
): void {
  const pa = PACKED_A;
  const full = N - (N % NR);
  for (let pc = 0; pc < K; pc += KC) {
    const kc = Math.min(KC, K - pc);
    packA(pa, A, sai, sak, 0, M, pc, kc);
    if (sbj === 1) touchRows(B, pc * sbk, kc, sbk, N);
    for (let jr = 0; jr < full; jr += NR) {
      const b = pc * sbk + jr * sbj;
      if (M > MR) {
        packPanel(PACKED_B, kc, B, b, sbk, sbj);
        for (let ir = 0; ir < M; ir += MR) kernel(kc, ir * kc, 0, C, ir * ldc + jr, ldc, Math.min(MR, M - ir), NR, alpha);
      } else kernelDirectB(kc, B, b, sbk, sbj, C, jr, ldc, M, alpha);
    }
    if (full < N) {
      packB(PACKED_B, B, sbk, sbj, pc, kc, full, N - full);
      for (let ir = 0; ir < M; ir += MR) kernel(kc, ir * kc, 0, C, ir * ldc + full, ldc, Math.min(MR, M - ir), N - full, alpha);
    }
  }
}

/**
 * Reads one value per cache line of `rows` rows of B (n values each), in memory order. The kernel below walks B down
 * its columns, a row's length per step, which the hardware prefetcher does not follow; a
 * streaming pass first brings this k-slice of B into L2 (Z1 = W1·X, 10 MB of X: ~10% faster).
 */
function touchRows(B: FloatArray, from: number, rows: number, stride: number, n: number): number {
  let sink = 0;
  for (let r = 0, row = from; r < rows; r++, row += stride) for (let j = 0; j < n; j += 16) sink += B[row + j];
  return sink;
}

/** As `kernel`, with the NR = 4 columns of op(B) read where they are: op(B)(p, j) = B[b + p·sbk + j·sbj]. */
// biome-ignore format: the 4x4 register tile reads best laid out as a grid
function kernelDirectB(kc: number, B: FloatArray, bo: number, sbk: number, sbj: number, C: FloatArray, ci: number, ldc: number, mr: number, alpha: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let a = 0;
  let b = bo;
  const s2 = 2 * sbj;
  const s3 = 3 * sbj;
  for (let p = 0; p < kc; p = (p + 1) | 0, a = (a + MR) | 0, b = (b + sbk) | 0) {
    const b0 = B[b];
    const b1 = B[(b + sbj) | 0];
    const b2 = B[(b + s2) | 0];
    const b3 = B[(b + s3) | 0];
    const a0 = PACKED_A[a];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    const a1 = PACKED_A[(a + 1) | 0];
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    const a2 = PACKED_A[(a + 2) | 0];
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    const a3 = PACKED_A[(a + 3) | 0];
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  let c = ci;
  C[c] += alpha * c00; C[c + 1] += alpha * c01; C[c + 2] += alpha * c02; C[c + 3] += alpha * c03;
  if (mr === 1) return;
  c += ldc;
  C[c] += alpha * c10; C[c + 1] += alpha * c11; C[c + 2] += alpha * c12; C[c + 3] += alpha * c13;
  if (mr === 2) return;
  c += ldc;
  C[c] += alpha * c20; C[c + 1] += alpha * c21; C[c + 2] += alpha * c22; C[c + 3] += alpha * c23;
  if (mr === 3) return;
  c += ldc;
  C[c] += alpha * c30; C[c + 1] += alpha * c31; C[c + 2] += alpha * c32; C[c + 3] += alpha * c33;
}

/** op(A)[ic:ic+mc, pc:pc+kc] as MR-row panels, k-major inside a panel, zero-padded rows. */
function packA(pa: Float64Array, A: FloatArray, sai: number, sak: number, ic: number, mc: number, pc: number, kc: number): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = Math.min(MR, mc - ir);
    const panel = ir * kc;
    if (sai === 1 && mr === MR) {
      // Transposed A: four contiguous values per k.
      for (let p = 0; p < kc; p++) {
        const src = ic + ir + (pc + p) * sak;
        const dst = panel + p * MR;
        pa[dst] = A[src];
        pa[dst + 1] = A[src + 1];
        pa[dst + 2] = A[src + 2];
        pa[dst + 3] = A[src + 3];
      }
      continue;
    }
    for (let i = 0; i < MR; i++) {
      if (i >= mr) {
        for (let p = 0; p < kc; p++) pa[panel + p * MR + i] = 0;
        continue;
      }
      const a = (ic + ir + i) * sai + pc * sak;
      for (let p = 0; p < kc; p++) pa[panel + p * MR + i] = A[a + p * sak];
    }
  }
}

/** op(B)[pc:pc+kc, jc:jc+nc] as NR-column panels, k-major inside a panel, zero-padded columns. */
function packB(pb: Float64Array, B: FloatArray, sbk: number, sbj: number, pc: number, kc: number, jc: number, nc: number): void {
  if (sbj === 1 && nc % NR === 0) {
    // Untransposed B: walk its rows in memory order (the prefetcher streams them; a panel at a
    // time would jump a row's length per k) and deal each row's values out to the panels.
    const panelStride = NR * kc;
    for (let p = 0; p < kc; p++) {
      const src = (pc + p) * sbk + jc;
      let dst = p * NR;
      for (let j = 0; j < nc; j += NR, dst += panelStride) {
        pb[dst] = B[src + j];
        pb[dst + 1] = B[src + j + 1];
        pb[dst + 2] = B[src + j + 2];
        pb[dst + 3] = B[src + j + 3];
      }
    }
    return;
  }
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = Math.min(NR, nc - jr);
    const panel = jr * kc;
    const b = pc * sbk + (jc + jr) * sbj;
    if (sbj === 1 && nr === NR) {
      // Untransposed B: four contiguous values per k.
      for (let p = 0; p < kc; p++) {
        const src = b + p * sbk;
        const dst = panel + p * NR;
        pb[dst] = B[src];
        pb[dst + 1] = B[src + 1];
        pb[dst + 2] = B[src + 2];
        pb[dst + 3] = B[src + 3];
      }
      continue;
    }
    // Transposed B (sbk = 1) reads each column contiguously along k; edges pad with zeros.
    for (let j = 0; j < NR; j++) {
      if (j >= nr) {
        for (let p = 0; p < kc; p++) pb[panel + p * NR + j] = 0;
        continue;
      }
      const src = b + j * sbj;
      for (let p = 0; p < kc; p++) pb[panel + p * NR + j] = B[src + p * sbk];
    }
  }
}

/** C[ci..] += alpha · (MR×kc panel)·(kc×NR panel), sixteen accumulators held in locals. */
// biome-ignore format: the 4x4 register tile reads best laid out as a grid
function kernel(kc: number, ao: number, bo: number, C: FloatArray, ci: number, ldc: number, mr: number, nr: number, alpha: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let a = ao;
  let b = bo;
  for (let p = 0; p < kc; p = (p + 1) | 0, a = (a + MR) | 0, b = (b + NR) | 0) {
    const b0 = PACKED_B[b];
    const b1 = PACKED_B[(b + 1) | 0];
    const b2 = PACKED_B[(b + 2) | 0];
    const b3 = PACKED_B[(b + 3) | 0];
    const a0 = PACKED_A[a];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    const a1 = PACKED_A[(a + 1) | 0];
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    const a2 = PACKED_A[(a + 2) | 0];
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    const a3 = PACKED_A[(a + 3) | 0];
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  // The tile leaves through `edge` and addTile, for full and ragged tiles alike: a branch here
  // that only ragged tiles take has no type feedback when V8 first optimizes the kernel, and
  // deoptimizing a function this hot sometimes left it running through on-stack replacement
  // for good (Z1 = W1·X 2.5x slower in one process out of five).
  edge[0] = c00; edge[1] = c01; edge[2] = c02; edge[3] = c03;
  edge[4] = c10; edge[5] = c11; edge[6] = c12; edge[7] = c13;
  edge[8] = c20; edge[9] = c21; edge[10] = c22; edge[11] = c23;
  edge[12] = c30; edge[13] = c31; edge[14] = c32; edge[15] = c33;
  addTile(C, ci, ldc, mr, nr, alpha);
}

/** C[ci..] += alpha·(the mr×nr corner of the tile in `edge`). */
// biome-ignore format: the 4x4 tile reads best laid out as a grid
function addTile(C: FloatArray, ci: number, ldc: number, mr: number, nr: number, alpha: number): void {
  if (mr === MR && nr === NR) {
    let c = ci;
    C[c] += alpha * edge[0]; C[c + 1] += alpha * edge[1]; C[c + 2] += alpha * edge[2]; C[c + 3] += alpha * edge[3];
    c += ldc;
    C[c] += alpha * edge[4]; C[c + 1] += alpha * edge[5]; C[c + 2] += alpha * edge[6]; C[c + 3] += alpha * edge[7];
    c += ldc;
    C[c] += alpha * edge[8]; C[c + 1] += alpha * edge[9]; C[c + 2] += alpha * edge[10]; C[c + 3] += alpha * edge[11];
    c += ldc;
    C[c] += alpha * edge[12]; C[c + 1] += alpha * edge[13]; C[c + 2] += alpha * edge[14]; C[c + 3] += alpha * edge[15];
    return;
  }
  for (let i = 0; i < mr; i++) for (let j = 0; j < nr; j++) C[ci + i * ldc + j] += alpha * edge[i * NR + j];
}
