import { describe, expect, it } from 'vitest';
import { gemm } from '../src/backends/js/gemm.ts';
import type { FloatArray } from '../src/dtype.ts';
import { matmul, tensor } from '../src/index.ts';

/*
 * The kernel is checked against an independent triple loop written here (double accumulation,
 * no blocking, strides spelled out from BLAS's definition). Errors are measured relative to
 * Σ_k |op(A)ik·op(B)kj| (+ |beta·C0|), the natural scale of a rounded dot product, so that
 * entries near cancellation do not make the tolerance meaningless.
 */

type Dtype = 'float32' | 'float64';
type Dims = [M: number, N: number, K: number];

/** mulberry32: a tiny seeded generator, so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function random(dtype: Dtype, n: number, next: () => number): FloatArray {
  const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = next() * 2 - 1;
  return out;
}

/** op(A)·op(B) straight from the definition, plus the per-entry magnitude used as error scale. */
function reference(
  transA: boolean,
  transB: boolean,
  [M, N, K]: Dims,
  A: FloatArray,
  B: FloatArray,
): { value: Float64Array; scale: Float64Array } {
  const value = new Float64Array(M * N);
  const scale = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let m = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * M + i] : A[i * K + k];
        const b = transB ? B[j * K + k] : B[k * N + j];
        s += a * b;
        m += Math.abs(a * b);
      }
      value[i * N + j] = s;
      scale[i * N + j] = m;
    }
  }
  return { value, scale };
}

const tolerance: Record<Dtype, number> = { float32: 1e-5, float64: 1e-12 };

function check(dtype: Dtype, transA: boolean, transB: boolean, dims: Dims, alpha: number, beta: number, seed: number): void {
  const [M, N, K] = dims;
  const next = rng(seed);
  const A = random(dtype, M * K, next);
  const B = random(dtype, K * N, next);
  // One sentinel past the end: the kernel must touch exactly M·N entries of C.
  const C = random(dtype, M * N + 1, next);
  if (beta === 0) C.fill(Number.NaN, 0, M * N);
  const C0 = Float64Array.from(C);
  gemm(transA, transB, M, N, K, alpha, A, B, beta, C);
  const { value, scale } = reference(transA, transB, dims, A, B);
  let worst = 0;
  let where = -1;
  for (let i = 0; i < M * N; i++) {
    const expected = alpha * value[i] + (beta === 0 ? 0 : beta * C0[i]);
    const bound = Math.abs(alpha) * scale[i] + (beta === 0 ? 0 : Math.abs(beta * C0[i])) + Number.MIN_VALUE;
    const err = Math.abs(C[i] - expected) / bound;
    if (!(err <= worst)) {
      worst = err;
      where = i;
    }
  }
  const label = `${dtype} transA=${transA} transB=${transB} M,N,K=${dims} alpha=${alpha} beta=${beta}`;
  expect(worst, `${label}: worst relative error at C[${where}]`).toBeLessThanOrEqual(tolerance[dtype]);
  expect(C[M * N], `${label}: wrote past C's M·N entries`).toBe(C0[M * N]);
}

const shapes: Dims[] = [
  [1, 1, 1],
  [7, 13, 5],
  [13, 7, 5],
  [0, 3, 4],
  [3, 0, 4],
  [3, 4, 0],
  [5, 6, 1],
  [2, 3, 17],
  // The planar net's (4,2)x(2,400) and (1,4)x(4,400), scaled down.
  [4, 40, 2],
  [1, 40, 4],
  // The planar net's dW1 = dZ1·Xᵀ (4x2 dot-product blocks with transB) and ragged neighbours.
  [4, 2, 400],
  [7, 3, 50],
  // Vector shapes: logistic regression's w·X and X·dZᵀ.
  [1, 9, 70],
  [70, 1, 9],
  [1, 5, 3],
  [6, 1, 16],
  // Either side of the small-product threshold (32³ multiply-adds) and of the 4x4 register tile.
  [31, 33, 32],
  [33, 33, 33],
  [4, 4, 40],
  [5, 5, 41],
  [8, 12, 64],
  [9, 13, 63],
  // Straddling the KC = 256 depth block and the MC = 64 row block.
  [65, 7, 257],
  [63, 9, 255],
  [67, 5, 513],
  // The deep net's (20,12288)x(12288,209) family, scaled down.
  [20, 21, 600],
  [20, 600, 21],
  [1, 21, 600],
  // The skinny path (M <= 32 reads B in place): its row-count boundary, a partial row tile
  // only (M < 4), ragged columns, and a depth crossing KC.
  [32, 37, 300],
  [33, 37, 300],
  [3, 45, 700],
  [17, 42, 260],
  // Across the NC = 512 column block: ragged (nc % 4 != 0) and whole panels, and a skinny
  // product whose B row stride (1100 > 1024) sends it down the packed path.
  [40, 1030, 50],
  [36, 1024, 20],
  [20, 1100, 30],
];

describe('gemm against a naive triple loop', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`${dtype}, transA=${transA}, transB=${transB}, alpha 1 beta 0 over ${shapes.length} shapes`, () => {
        for (const [s, dims] of shapes.entries()) check(dtype, transA, transB, dims, 1, 0, 100 + s);
      });
      it(`${dtype}, transA=${transA}, transB=${transB}, alpha/beta variations`, () => {
        const some: Dims[] = [
          [7, 13, 5],
          [4, 40, 2],
          [1, 9, 70],
          [70, 1, 9],
          [33, 35, 37],
          [65, 6, 260],
        ];
        for (const [alpha, beta] of [
          [1, 1],
          [0.5, 0.5],
          [-2, 0],
          [0.25, -1.5],
          [0, 0.5],
        ]) {
          for (const [s, dims] of some.entries()) check(dtype, transA, transB, dims, alpha, beta, 7 * s + 1);
        }
      });
    }
  }

  it('spans the NC = 4096 column block', () => {
    check('float64', false, false, [3, 4099, 20], 1, 0, 3);
    check('float32', false, true, [3, 4099, 20], 1, 0.5, 4);
  });

  it('beta 0 ignores NaN and Infinity already in C, including on the tiny paths', () => {
    for (const dims of [
      [2, 2, 1],
      [1, 3, 2],
      [3, 1, 2],
      [40, 40, 40],
    ] as Dims[]) {
      const [M, N, K] = dims;
      const A = new Float64Array(M * K).fill(1);
      const B = new Float64Array(K * N).fill(2);
      const C = new Float64Array(M * N).fill(Number.POSITIVE_INFINITY);
      C[0] = Number.NaN;
      gemm(false, false, M, N, K, 1, A, B, 0, C);
      expect(Array.from(C)).toEqual(new Array(M * N).fill(2 * K));
    }
  });

  it('K = 0 leaves beta·C', () => {
    const C = new Float32Array([1, 2, 3, 4]);
    gemm(false, false, 2, 2, 0, 1, new Float32Array(0), new Float32Array(0), 0.5, C);
    expect(Array.from(C)).toEqual([0.5, 1, 1.5, 2]);
  });

  it('a hand-worked 2x3 · 3x2 product in every transpose combination', () => {
    // [[1,2,3],[4,5,6]] · [[7,8],[9,10],[11,12]] = [[58,64],[139,154]]
    const a = [1, 2, 3, 4, 5, 6];
    const aT = [1, 4, 2, 5, 3, 6];
    const b = [7, 8, 9, 10, 11, 12];
    const bT = [7, 9, 11, 8, 10, 12];
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const C = new Float64Array(4);
      gemm(transA, transB, 2, 2, 3, 1, Float64Array.from(transA ? aT : a), Float64Array.from(transB ? bT : b), 0, C);
      expect(Array.from(C)).toEqual([58, 64, 139, 154]);
    }
  });
});

describe('matmul through the public op', () => {
  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const)('transA=%s transB=%s matches the naive loop in both dtypes', (transA, transB) => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const dims of [
        [20, 30, 70],
        [4, 40, 2],
        [1, 30, 70],
        [30, 1, 70],
      ] as Dims[]) {
        const [M, N, K] = dims;
        const next = rng(M * 1000 + N + K);
        const A = random(dtype, M * K, next);
        const B = random(dtype, K * N, next);
        const a = tensor(A, dtype, transA ? [K, M] : [M, K]);
        const b = tensor(B, dtype, transB ? [N, K] : [K, N]);
        const c = matmul(a, b, { transA, transB });
        expect(c.shape).toEqual([M, N]);
        expect(c.dtype).toBe(dtype);
        const { value, scale } = reference(transA, transB, dims, A, B);
        for (let i = 0; i < M * N; i++) {
          expect(Math.abs(c.data[i] - value[i])).toBeLessThanOrEqual(tolerance[dtype] * scale[i]);
        }
      }
    }
  });

  it("computes the course's dW = dZ·A_prevᵀ with transB and no transposed copy", () => {
    const dZ = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const Aprev = tensor([
      [1, 0, 1],
      [2, 1, 0],
      [0, 0, 1],
      [1, 1, 1],
    ]);
    // dZ (2,3) · A_prevᵀ (3,4), worked by hand.
    expect(matmul(dZ, Aprev, { transB: true }).toArray()).toEqual([
      [4, 4, 3, 6],
      [10, 13, 6, 15],
    ]);
  });
});
