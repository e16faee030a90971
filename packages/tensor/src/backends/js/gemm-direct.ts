import type { FloatArray } from '../../dtype.ts';

/*
 * The products gemm.ts does not block: vectors (M or N = 1: logistic regression's w·X and
 * dw = dZ·Xᵀ) and tiny or shallow ones (the planar net's (4,2)x(2,400), (4,1)x(1,400) and
 * (4,400)x(400,2)). They read the operands in place, without packing, and keep sums in doubles.
 */

/** Up to this many terms, a sum over k is kept whole in registers (`fewTerms`). */
const FEW_K = 8;

// Module-level scratch, grown on demand: no allocation per call on the hot path.
let row: Float64Array = new Float64Array(0);
let vec: Float64Array = new Float64Array(0);
const few = new Float64Array(FEW_K);
const pair = new Float64Array(2);
const block = new Float64Array(8);

function scratch(buffer: Float64Array, size: number): Float64Array {
  return buffer.length >= size ? buffer : new Float64Array(Math.max(size, buffer.length * 2));
}

/**
 * C[c + j] += alpha·Σ_k a[k]·X[k·sk + j] for j < n, with K ≤ FEW_K and a[] in doubles: each
 * output in one pass, its K terms summed in order (the same rounding as a row accumulated
 * k by k, without writing the row K + 1 times). The planar net's (4,2)x(2,400) is K = 2.
 */
function fewTerms(n: number, K: number, alpha: number, a: Float64Array, X: FloatArray, sk: number, C: FloatArray, c: number): void {
  const a0 = a[0];
  switch (K) {
    case 1:
      for (let j = 0; j < n; j++) C[c + j] += alpha * (a0 * X[j]);
      return;
    case 2: {
      const a1 = a[1];
      for (let j = 0; j < n; j++) C[c + j] += alpha * (a0 * X[j] + a1 * X[sk + j]);
      return;
    }
    case 3: {
      const a1 = a[1];
      const a2 = a[2];
      const s2 = 2 * sk;
      for (let j = 0; j < n; j++) C[c + j] += alpha * (a0 * X[j] + a1 * X[sk + j] + a2 * X[s2 + j]);
      return;
    }
    case 4: {
      const a1 = a[1];
      const a2 = a[2];
      const a3 = a[3];
      const s2 = 2 * sk;
      const s3 = 3 * sk;
      for (let j = 0; j < n; j++) C[c + j] += alpha * (a0 * X[j] + a1 * X[sk + j] + a2 * X[s2 + j] + a3 * X[s3 + j]);
      return;
    }
  }
  for (let j = 0; j < n; j++) {
    let s = a0 * X[j];
    for (let k = 1; k < K; k++) s += a[k] * X[k * sk + j];
    C[c + j] += alpha * s;
  }
}

/** Σ_k x[xo + k·sx]·y[yo + k] with four partial sums (one chain is add-latency bound: 2x slower). */
function dot(K: number, x: FloatArray, xo: number, sx: number, y: FloatArray, yo: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < K; k += 4) {
    s0 += x[xo + k * sx] * y[yo + k];
    s1 += x[xo + (k + 1) * sx] * y[yo + k + 1];
    s2 += x[xo + (k + 2) * sx] * y[yo + k + 2];
    s3 += x[xo + (k + 3) * sx] * y[yo + k + 3];
  }
  for (; k < K; k++) s0 += x[xo + k * sx] * y[yo + k];
  return s0 + s1 + (s2 + s3);
}

/**
 * Two dot products sharing one operand: Σ_k x[xo + k·sx]·y[y1 + k] into pair[0] and the same
 * with y[y2 + k] into pair[1], two partial sums each. Reading x once for both measured 1.7x
 * faster than two `dot` calls on the planar net's dW1 = dZ1·Xᵀ (8 dots of 400).
 */
function dot2(K: number, x: FloatArray, xo: number, sx: number, y: FloatArray, y1: number, y2: number): void {
  let s0 = 0;
  let s1 = 0;
  let t0 = 0;
  let t1 = 0;
  let k = 0;
  for (; k + 1 < K; k += 2) {
    const a0 = x[xo + k * sx];
    const a1 = x[xo + (k + 1) * sx];
    s0 += a0 * y[y1 + k];
    s1 += a1 * y[y1 + k + 1];
    t0 += a0 * y[y2 + k];
    t1 += a1 * y[y2 + k + 1];
  }
  if (k < K) {
    const a = x[xo + k * sx];
    s0 += a * y[y1 + k];
    t0 += a * y[y2 + k];
  }
  pair[0] = s0 + s1;
  pair[1] = t0 + t1;
}

/**
 * The 4x2 block of dot products of op(A)'s rows i..i+3 (A[a + r·sai + k·sak]) with B's rows
 * j, j+1 (B[b + k], B[b + sbj + k]) into `block`, row by row: each value read once for the
 * block rather than once per pair (the planar net's dW1 = dZ1·Xᵀ: 2.5 -> 1.3 µs).
 */
// biome-ignore format: the eight sums read best as a grid
function dot4x2(K: number, A: FloatArray, a: number, sai: number, sak: number, B: FloatArray, b: number, sbj: number): void {
  let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
  const a1 = a + sai;
  const a2 = a1 + sai;
  const a3 = a2 + sai;
  const b1 = b + sbj;
  for (let k = 0; k < K; k++) {
    const ak = k * sak;
    const x0 = B[b + k];
    const x1 = B[b1 + k];
    const v0 = A[a + ak]; s00 += v0 * x0; s01 += v0 * x1;
    const v1 = A[a1 + ak]; s10 += v1 * x0; s11 += v1 * x1;
    const v2 = A[a2 + ak]; s20 += v2 * x0; s21 += v2 * x1;
    const v3 = A[a3 + ak]; s30 += v3 * x0; s31 += v3 * x1;
  }
  block[0] = s00; block[1] = s01; block[2] = s10; block[3] = s11;
  block[4] = s20; block[5] = s21; block[6] = s30; block[7] = s31;
}

/** Σ_k X[x + r·sx + k]·v[k] for rows r = 0..3 into block[0..3]: v read once for four rows. */
function dot4x1(K: number, X: FloatArray, x: number, sx: number, v: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const x1 = x + sx;
  const x2 = x1 + sx;
  const x3 = x2 + sx;
  for (let k = 0; k < K; k++) {
    const vk = v[k];
    s0 += X[x + k] * vk;
    s1 += X[x1 + k] * vk;
    s2 += X[x2 + k] * vk;
    s3 += X[x3 + k] * vk;
  }
  block[0] = s0;
  block[1] = s1;
  block[2] = s2;
  block[3] = s3;
}

/** y[i·sy] += alpha·Σ_k X(i, k)·x[k·sx] with X(i, k) = X[i·si + k·sk]: the M = 1 and N = 1 shapes. */
export function gemv(
  n: number,
  K: number,
  alpha: number,
  X: FloatArray,
  si: number,
  sk: number,
  x: FloatArray,
  sx: number,
  y: FloatArray,
  sy: number,
): void {
  if (sk === 1) {
    // Rows of X are contiguous: one dot product per output, x copied once into doubles.
    vec = scratch(vec, K);
    const v = vec;
    for (let k = 0; k < K; k++) v[k] = x[k * sx];
    let i = 0;
    for (; i + 3 < n; i += 4) {
      dot4x1(K, X, i * si, si, v);
      for (let r = 0; r < 4; r++) y[(i + r) * sy] += alpha * block[r];
    }
    for (; i + 1 < n; i += 2) {
      dot2(K, v, 0, 1, X, i * si, (i + 1) * si);
      y[i * sy] += alpha * pair[0];
      y[(i + 1) * sy] += alpha * pair[1];
    }
    if (i < n) y[i * sy] += alpha * dot(K, X, i * si, 1, v, 0);
    return;
  }
  if (K <= FEW_K && sy === 1) {
    // Columns of X contiguous and few k (the planar net's (1,4)x(4,400)): one pass.
    for (let k = 0; k < K; k++) few[k] = x[k * sx];
    fewTerms(n, K, alpha, few, X, sk, y, 0);
    return;
  }
  // Columns of X are contiguous (si = 1): stream X once, twelve rows of k at a time summed as a
  // tree of pairs, into a row of doubles. Measured on (1,12288)x(12288,209): twelve to fourteen
  // rows beat eight by ~5% and sixteen spill registers; the `| 0` on every index (int32
  // arithmetic, no overflow checks in V8's code) is worth another ~10%.
  row = scratch(row, n);
  const acc = row;
  acc.fill(0, 0, n);
  const s2 = 2 * sk;
  let k = 0;
  for (; k + 11 < K; k += 12) {
    const x0 = x[k * sx];
    const x1 = x[(k + 1) * sx];
    const x2 = x[(k + 2) * sx];
    const x3 = x[(k + 3) * sx];
    const x4 = x[(k + 4) * sx];
    const x5 = x[(k + 5) * sx];
    const x6 = x[(k + 6) * sx];
    const x7 = x[(k + 7) * sx];
    const x8 = x[(k + 8) * sx];
    const x9 = x[(k + 9) * sx];
    const x10 = x[(k + 10) * sx];
    const x11 = x[(k + 11) * sx];
    const r0 = (k * sk) | 0;
    for (let i = 0; i < n; i = (i + 1) | 0) {
      let r = (r0 + i) | 0;
      const p0 = x0 * X[r] + x1 * X[(r + sk) | 0];
      r = (r + s2) | 0;
      const p1 = x2 * X[r] + x3 * X[(r + sk) | 0];
      r = (r + s2) | 0;
      const p2 = x4 * X[r] + x5 * X[(r + sk) | 0];
      r = (r + s2) | 0;
      const p3 = x6 * X[r] + x7 * X[(r + sk) | 0];
      r = (r + s2) | 0;
      const p4 = x8 * X[r] + x9 * X[(r + sk) | 0];
      r = (r + s2) | 0;
      const p5 = x10 * X[r] + x11 * X[(r + sk) | 0];
      acc[i] += p0 + p1 + (p2 + p3) + (p4 + p5);
    }
  }
  for (; k < K; k++) {
    const xk = x[k * sx];
    const r = k * sk;
    for (let i = 0; i < n; i++) acc[i] += xk * X[r + i];
  }
  for (let i = 0; i < n; i++) y[i * sy] += alpha * acc[i];
}

/** Direct loops for tiny or shallow products; C(i, j) = C[i·ldc + j]. */
export function small(
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
  if (sbj !== 1) {
    // Transposed B (sbk = 1): every output is a dot product of a row of op(A) with a contiguous
    // row of B: 4x2 blocks, then the rows left two outputs at a time sharing op(A)'s row.
    let i = 0;
    for (; i + 3 < M; i += 4) {
      let j = 0;
      for (; j + 1 < N; j += 2) {
        dot4x2(K, A, i * sai, sai, sak, B, j * sbj, sbj);
        for (let r = 0; r < 4; r++) {
          const c = (i + r) * ldc + j;
          C[c] += alpha * block[2 * r];
          C[c + 1] += alpha * block[2 * r + 1];
        }
      }
      if (j < N) for (let r = 0; r < 4; r++) C[(i + r) * ldc + j] += alpha * dot(K, A, (i + r) * sai, sak, B, j * sbj);
    }
    for (; i < M; i++) {
      const c = i * ldc;
      let j = 0;
      for (; j + 1 < N; j += 2) {
        dot2(K, A, i * sai, sak, B, j * sbj, (j + 1) * sbj);
        C[c + j] += alpha * pair[0];
        C[c + j + 1] += alpha * pair[1];
      }
      if (j < N) C[c + j] += alpha * dot(K, A, i * sai, sak, B, j * sbj);
    }
    return;
  }
  if (K <= FEW_K) {
    for (let i = 0; i < M; i++) {
      for (let k = 0; k < K; k++) few[k] = A[i * sai + k * sak];
      fewTerms(N, K, alpha, few, B, sbk, C, i * ldc);
    }
    return;
  }
  // Rows of B contiguous, deeper k: accumulate one row of C at a time in doubles.
  row = scratch(row, N);
  const acc = row;
  for (let i = 0; i < M; i++) {
    const a = i * sai;
    acc.fill(0, 0, N);
    for (let k = 0; k < K; k++) {
      const aik = A[a + k * sak];
      const b = k * sbk;
      for (let j = 0; j < N; j++) acc[j] += aik * B[b + j];
    }
    const c = i * ldc;
    for (let j = 0; j < N; j++) C[c + j] += alpha * acc[j];
  }
}
