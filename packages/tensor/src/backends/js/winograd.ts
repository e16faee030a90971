import type { BackendCore, Conv2dGeometry } from '../../backend.ts';
import { allocateOutput, type FloatArray } from '../../dtype.ts';
import { Tensor } from '../../tensor.ts';

/*
 * Winograd's F(2x2, 3x3) for 3x3, stride-1, undilated convolutions (Lavin and Gray, 2015): each
 * 2x2 block of outputs comes from a 4x4 tile of the input as Y = Aᵀ [Σ_c (G g Gᵀ) ⊙ (Bᵀ d B)] A,
 * 16 multiplications per channel pair instead of 36. The Σ_c is one GEMM per tile position ξ
 * (16 of them): M_ξ (tiles, F) = V_ξ (tiles, C) · U_ξ (C, F). On the (64, 14, 14, 32) -> 64 layer
 * that is 2.25x fewer multiply-adds than im2col's GEMM (bench/README.md has the times).
 *
 * The transforms only add, subtract and halve; they run in float64 whatever the dtype, so a
 * float32 result is within a few float32 roundings of the exact sum (the conformance bound).
 * Tiles go in chunks (tileChunk) so the V and M buffers stay bounded (16·chunk·(C + F) doubles).
 */

// 4096 tiles of 32 channels and 64 filters is 8.4M multiply-adds per GEMM: enough for the GEMM threads.
let tileChunk = 4096;

/** Test hook: tiles per chunk, to run the chunk boundaries on small inputs. */
export function setWinogradTileChunk(n: number): number {
  const old = tileChunk;
  tileChunk = n;
  return old;
}

/** Worth it where the GEMMs dominate: 3x3, stride 1, no dilation, enough channels both sides. */
export function winogradApplies(g: Conv2dGeometry): boolean {
  return (
    g.fH === 3 &&
    g.fW === 3 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.dilationH === 1 &&
    g.dilationW === 1 &&
    g.inC >= 8 &&
    g.outC >= 8 &&
    g.m * g.outH * g.outW >= 64
  );
}

/** U_ξ (C, F) for the 16 positions: G g Gᵀ of every (c, f) filter, from W (3, 3, C, F). */
function filterTransform(W: FloatArray, C: number, F: number): Float64Array {
  const U = new Float64Array(16 * C * F);
  const CF = C * F;
  const t = new Float64Array(12);
  for (let c = 0; c < C; c++) {
    for (let f = 0; f < F; f++) {
      const g = (p: number, q: number) => W[(p * 3 + q) * CF + c * F + f];
      // G·g (4x3): rows g0, (g0+g1+g2)/2, (g0−g1+g2)/2, g2 of each column q.
      for (let q = 0; q < 3; q++) {
        const g0 = g(0, q);
        const g1 = g(1, q);
        const g2 = g(2, q);
        t[q] = g0;
        t[3 + q] = (g0 + g1 + g2) / 2;
        t[6 + q] = (g0 - g1 + g2) / 2;
        t[9 + q] = g2;
      }
      // (G·g)·Gᵀ (4x4), row by row.
      for (let i = 0; i < 4; i++) {
        const a = t[3 * i];
        const b = t[3 * i + 1];
        const d = t[3 * i + 2];
        const o = c * F + f;
        U[4 * i * CF + o] = a;
        U[(4 * i + 1) * CF + o] = (a + b + d) / 2;
        U[(4 * i + 2) * CF + o] = (a - b + d) / 2;
        U[(4 * i + 3) * CF + o] = d;
      }
    }
  }
  return U;
}

type Matmul = BackendCore['matmul'];
const NN = { transA: false, transB: false, alpha: 1, beta: 0 };

/** out (m, outH, outW, F) = conv(x, W) (+ bias) by F(2x2, 3x3); `g` must pass winogradApplies. */
export function winogradConv2d(
  matmul: Matmul,
  x: FloatArray,
  W: FloatArray,
  bias: ArrayLike<number> | null,
  g: Conv2dGeometry,
  out: FloatArray,
): void {
  const { m, inH, inW, inC: C, outC: F, outH, outW, padTop, padLeft } = g;
  const tH = Math.ceil(outH / 2);
  const tW = Math.ceil(outW / 2);
  const tiles = m * tH * tW;
  const U = filterTransform(W, C, F);
  const Us = Array.from({ length: 16 }, (_, k) => new Tensor(U.subarray(k * C * F, (k + 1) * C * F), [C, F]));
  const chunk = Math.min(tileChunk, tiles);
  // Every element the GEMMs read is written first: no zero-fill (allocateOutput skips it for large buffers).
  const V = allocateOutput('float64', 16 * chunk * C);
  const M = allocateOutput('float64', 16 * chunk * F);
  // Offsets in x of the tile's 16 input pixels (-1: outside the image, a zero).
  const at = new Int32Array(16);
  const sV = chunk * C;
  for (let t0 = 0; t0 < tiles; t0 += chunk) {
    const n = Math.min(chunk, tiles - t0);
    // V_ξ[tile, c] = (Bᵀ d B)_ξ of the tile's 4x4 input window. Locals, not arrays: V8 keeps them in registers.
    for (let t = 0; t < n; t++) {
      const tile = t0 + t;
      const img = Math.floor(tile / (tH * tW));
      const ti = Math.floor((tile % (tH * tW)) / tW);
      const tj = tile % tW;
      for (let i = 0; i < 4; i++) {
        const h = 2 * ti - padTop + i;
        for (let j = 0; j < 4; j++) {
          const w = 2 * tj - padLeft + j;
          at[4 * i + j] = h >= 0 && h < inH && w >= 0 && w < inW ? ((img * inH + h) * inW + w) * C : -1;
        }
      }
      // The 16 pixels' offsets as locals, so the channel loop below is plain loads (a closure here ran 50x slower).
      const b0 = at[0];
      const b1 = at[1];
      const b2 = at[2];
      const b3 = at[3];
      const b4 = at[4];
      const b5 = at[5];
      const b6 = at[6];
      const b7 = at[7];
      const b8 = at[8];
      const b9 = at[9];
      const b10 = at[10];
      const b11 = at[11];
      const b12 = at[12];
      const b13 = at[13];
      const b14 = at[14];
      const b15 = at[15];
      const o = t * C;
      for (let c = 0; c < C; c++) {
        const d00 = b0 < 0 ? 0 : x[b0 + c];
        const d01 = b1 < 0 ? 0 : x[b1 + c];
        const d02 = b2 < 0 ? 0 : x[b2 + c];
        const d03 = b3 < 0 ? 0 : x[b3 + c];
        const d10 = b4 < 0 ? 0 : x[b4 + c];
        const d11 = b5 < 0 ? 0 : x[b5 + c];
        const d12 = b6 < 0 ? 0 : x[b6 + c];
        const d13 = b7 < 0 ? 0 : x[b7 + c];
        const d20 = b8 < 0 ? 0 : x[b8 + c];
        const d21 = b9 < 0 ? 0 : x[b9 + c];
        const d22 = b10 < 0 ? 0 : x[b10 + c];
        const d23 = b11 < 0 ? 0 : x[b11 + c];
        const d30 = b12 < 0 ? 0 : x[b12 + c];
        const d31 = b13 < 0 ? 0 : x[b13 + c];
        const d32 = b14 < 0 ? 0 : x[b14 + c];
        const d33 = b15 < 0 ? 0 : x[b15 + c];
        // Bᵀ·d: along each column j, [d0 − d2, d1 + d2, d2 − d1, d1 − d3].
        const a00 = d00 - d20,
          a01 = d01 - d21,
          a02 = d02 - d22,
          a03 = d03 - d23;
        const a10 = d10 + d20,
          a11 = d11 + d21,
          a12 = d12 + d22,
          a13 = d13 + d23;
        const a20 = d20 - d10,
          a21 = d21 - d11,
          a22 = d22 - d12,
          a23 = d23 - d13;
        const a30 = d10 - d30,
          a31 = d11 - d31,
          a32 = d12 - d32,
          a33 = d13 - d33;
        // ·B: the same along each row.
        const v = o + c;
        V[v] = a00 - a02;
        V[sV + v] = a01 + a02;
        V[2 * sV + v] = a02 - a01;
        V[3 * sV + v] = a01 - a03;
        V[4 * sV + v] = a10 - a12;
        V[5 * sV + v] = a11 + a12;
        V[6 * sV + v] = a12 - a11;
        V[7 * sV + v] = a11 - a13;
        V[8 * sV + v] = a20 - a22;
        V[9 * sV + v] = a21 + a22;
        V[10 * sV + v] = a22 - a21;
        V[11 * sV + v] = a21 - a23;
        V[12 * sV + v] = a30 - a32;
        V[13 * sV + v] = a31 + a32;
        V[14 * sV + v] = a32 - a31;
        V[15 * sV + v] = a31 - a33;
      }
    }
    for (let k = 0; k < 16; k++) {
      const Vk = new Tensor(V.subarray(k * chunk * C, k * chunk * C + n * C), [n, C]);
      matmul(Vk, Us[k], M.subarray(k * chunk * F, k * chunk * F + n * F), NN);
    }
    // Y = Aᵀ·M·A, Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]]: the tile's 2x2 outputs (those inside the output).
    const sM = chunk * F;
    for (let t = 0; t < n; t++) {
      const tile = t0 + t;
      const img = Math.floor(tile / (tH * tW));
      const ti = Math.floor((tile % (tH * tW)) / tW);
      const tj = tile % tW;
      const down = 2 * ti + 1 < outH;
      const right = 2 * tj + 1 < outW;
      const y0 = ((img * outH + 2 * ti) * outW + 2 * tj) * F;
      const y1 = y0 + outW * F;
      for (let f = 0; f < F; f++) {
        const o = t * F + f;
        const m00 = M[o],
          m01 = M[sM + o],
          m02 = M[2 * sM + o],
          m03 = M[3 * sM + o];
        const m10 = M[4 * sM + o],
          m11 = M[5 * sM + o],
          m12 = M[6 * sM + o],
          m13 = M[7 * sM + o];
        const m20 = M[8 * sM + o],
          m21 = M[9 * sM + o],
          m22 = M[10 * sM + o],
          m23 = M[11 * sM + o];
        const m30 = M[12 * sM + o],
          m31 = M[13 * sM + o],
          m32 = M[14 * sM + o],
          m33 = M[15 * sM + o];
        // Aᵀ·M (2x4), then ·A.
        const p0 = m00 + m10 + m20,
          p1 = m01 + m11 + m21,
          p2 = m02 + m12 + m22,
          p3 = m03 + m13 + m23;
        const q0 = m10 - m20 - m30,
          q1 = m11 - m21 - m31,
          q2 = m12 - m22 - m32,
          q3 = m13 - m23 - m33;
        const b = bias ? bias[f] : 0;
        out[y0 + f] = p0 + p1 + p2 + b;
        if (right) out[y0 + F + f] = p1 - p2 - p3 + b;
        if (down) {
          out[y1 + f] = q0 + q1 + q2 + b;
          if (right) out[y1 + F + f] = q1 - q2 - q3 + b;
        }
      }
    }
  }
}
