/*
 * GEMM for f32 and f64 (one generic body, instantiated twice), BLIS-style: C = alpha·op(A)·op(B)
 * + beta·C computed as tiles of MR x NR by a micro-kernel that keeps its 10 accumulators in
 * registers. 5 x (2 vectors) is the largest tile that V8's ~15 usable SIMD registers hold
 * without spilling (10 accumulators, 2 vectors of the right operand, 1 broadcast).
 *
 * The kernel multiplies a left operand X (read a scalar at a time and broadcast) by a right
 * operand Y (read two vectors of NR consecutive columns). C = op(A)·op(B) is computed either
 * as X = op(A), Y = op(B), or, when B is transposed, as Cᵀ = op(B)ᵀ·op(A)ᵀ, whichever lets Y be
 * read by rows; C is then written through its transposed strides. Y is packed into panels when
 * its rows are not contiguous or when many row panels reuse it; X is packed when many column
 * panels reuse it. Otherwise both are read in place: packing the cat net's 10 MB X costs as much
 * as the 20-row product it feeds.
 *
 * `part` of `parts` computes one contiguous range of whole tiles along the larger output side:
 * every element sums its k products in the same order (the same KC blocks) whatever the split,
 * so the bits do not depend on the thread count.
 */
import { packPanels, packPanelsContiguous } from './pack';

export const MR: i32 = 5;
export const KC: i32 = 256;
export const MC: i32 = 120;
export const NC: i32 = 1024;
/** Above this many rows (or columns), an operand is packed because enough panels reuse it. */
const REUSE = 64;

// @ts-expect-error: decorator
@inline
function nr<T>(): i32 {
  return 32 / sizeof<T>();
}

/** Scratch bytes one thread needs for either dtype (f64's panels are twice f32's). */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * KC + KC * 8 + MR * 8) * 8;
}

export function gemm<T>(
  transA: bool,
  transB: bool,
  m: i32,
  n: i32,
  k: i32,
  alpha: T,
  a: usize,
  b: usize,
  beta: T,
  c: usize,
  part: i32,
  parts: i32,
  scratch: usize,
): void {
  const S = <usize>sizeof<T>();
  const NR = nr<T>();
  const swapped = transB && (transA || m < n);
  // X element (i, p) at x + i*xr + p*xc; Y element (p, j) at y + p*yk + j*yj; C (i, j) at c + i*cr + j*cc.
  let x: usize, xr: usize, xc: usize, y: usize, yk: usize, yj: usize, cr: usize, cc: usize, rowsX: i32, colsY: i32;
  if (!swapped) {
    x = a;
    xr = transA ? S : <usize>k * S;
    xc = transA ? <usize>m * S : S;
    y = b;
    yk = transB ? S : <usize>n * S;
    yj = transB ? <usize>k * S : S;
    cr = <usize>n * S;
    cc = S;
    rowsX = m;
    colsY = n;
  } else {
    x = b;
    xr = <usize>k * S;
    xc = S;
    y = a;
    yk = transA ? <usize>m * S : S;
    yj = transA ? S : <usize>k * S;
    cr = S;
    cc = <usize>n * S;
    rowsX = n;
    colsY = m;
  }
  // This part's range of whole tiles along the larger side.
  let r0 = 0, r1 = rowsX, c0 = 0, c1 = colsY;
  if (rowsX >= colsY) {
    const units = (rowsX + MR - 1) / MR;
    r0 = min(rowsX, ((units * part) / parts) * MR);
    r1 = min(rowsX, ((units * (part + 1)) / parts) * MR);
  } else {
    const units = (colsY + NR - 1) / NR;
    c0 = min(colsY, ((units * part) / parts) * NR);
    c1 = min(colsY, ((units * (part + 1)) / parts) * NR);
  }
  if (k == 0) {
    for (let i = r0; i < r1; i++) {
      for (let j = c0; j < c1; j++) {
        const at = c + <usize>i * cr + <usize>j * cc;
        store<T>(at, beta == 0 ? <T>0 : beta * load<T>(at));
      }
    }
    return;
  }
  const packY = yj != S || rowsX > REUSE;
  const packX = colsY > REUSE;
  const xp = scratch;
  const yp = xp + <usize>(MC * KC) * S;
  const edgeX = yp + <usize>(KC * NC) * S;
  const edgeY = edgeX + <usize>(MR * KC) * S;
  const tile = edgeY + <usize>(KC * NR) * S;
  for (let jc = c0; jc < c1; jc += NC) {
    const nc = min(NC, c1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const betaBlock: T = pc == 0 ? beta : <T>1;
      const yBlock = y + <usize>pc * yk + <usize>jc * yj;
      if (packY) packPanels<T>(yBlock, yj, yk, nc, kc, NR, yp);
      for (let ic = r0; ic < r1; ic += MC) {
        const mc = min(MC, r1 - ic);
        const xBlock = x + <usize>ic * xr + <usize>pc * xc;
        if (packX) packPanels<T>(xBlock, xr, xc, mc, kc, MR, xp);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          let panelY: usize, panelYk: usize;
          if (packY) {
            panelY = yp + <usize>(jr * kc) * S;
            panelYk = <usize>NR * S;
          } else if (cols == NR) {
            panelY = yBlock + <usize>jr * S;
            panelYk = yk;
          } else {
            packPanelsContiguous<T>(yBlock + <usize>jr * S, yk, cols, kc, NR, edgeY);
            panelY = edgeY;
            panelYk = <usize>NR * S;
          }
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            const out = c + <usize>(ic + ir) * cr + <usize>(jc + jr) * cc;
            if (packX) {
              kernelPacked<T>(kc, xp + <usize>(ir * kc) * S, panelY, panelYk, out, cr, cc, alpha, betaBlock, rows, cols, tile);
            } else if (rows == MR) {
              kernelDirect<T>(kc, xBlock + <usize>ir * xr, xr, xc, panelY, panelYk, out, cr, cc, alpha, betaBlock, cols, tile);
            } else {
              packPanels<T>(xBlock + <usize>ir * xr, xr, xc, rows, kc, MR, edgeX);
              kernelPacked<T>(kc, edgeX, panelY, panelYk, out, cr, cc, alpha, betaBlock, rows, cols, tile);
            }
          }
        }
      }
    }
  }
}

/** X packed: the MR values of step p are adjacent, at immediate offsets. */
function kernelPacked<T>(
  kc: i32,
  x: usize,
  y: usize,
  yk: usize,
  c: usize,
  cr: usize,
  cc: usize,
  alpha: T,
  beta: T,
  rows: i32,
  cols: i32,
  tile: usize,
): void {
  const S = sizeof<T>();
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0);
  let c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0);
  let c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  let c40 = v128.splat<T>(0), c41 = v128.splat<T>(0);
  for (let p = 0; p < kc; p++) {
    const y0 = v128.load(y);
    const y1 = v128.load(y, 16);
    // Each broadcast is consumed at once: loading all five first makes V8 spill.
    let v = v128.load_splat<T>(x);
    c00 = v128.add<T>(c00, v128.mul<T>(v, y0));
    c01 = v128.add<T>(c01, v128.mul<T>(v, y1));
    v = v128.load_splat<T>(x, S);
    c10 = v128.add<T>(c10, v128.mul<T>(v, y0));
    c11 = v128.add<T>(c11, v128.mul<T>(v, y1));
    v = v128.load_splat<T>(x, 2 * S);
    c20 = v128.add<T>(c20, v128.mul<T>(v, y0));
    c21 = v128.add<T>(c21, v128.mul<T>(v, y1));
    v = v128.load_splat<T>(x, 3 * S);
    c30 = v128.add<T>(c30, v128.mul<T>(v, y0));
    c31 = v128.add<T>(c31, v128.mul<T>(v, y1));
    v = v128.load_splat<T>(x, 4 * S);
    c40 = v128.add<T>(c40, v128.mul<T>(v, y0));
    c41 = v128.add<T>(c41, v128.mul<T>(v, y1));
    x += 5 * S;
    y += yk;
  }
  storeTile<T>(c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c, cr, cc, alpha, beta, rows, cols, tile);
}

/** X read in place, row r at x + r*xr (always a whole tile of MR rows). */
function kernelDirect<T>(
  kc: i32,
  x: usize,
  xr: usize,
  xc: usize,
  y: usize,
  yk: usize,
  c: usize,
  cr: usize,
  cc: usize,
  alpha: T,
  beta: T,
  cols: i32,
  tile: usize,
): void {
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0);
  let c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0);
  let c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  let c40 = v128.splat<T>(0), c41 = v128.splat<T>(0);
  const x1 = xr, x2 = xr + xr, x3 = x2 + xr, x4 = x3 + xr;
  for (let p = 0; p < kc; p++) {
    const y0 = v128.load(y);
    const y1 = v128.load(y, 16);
    let v = v128.load_splat<T>(x);
    c00 = v128.add<T>(c00, v128.mul<T>(v, y0));
    c01 = v128.add<T>(c01, v128.mul<T>(v, y1));
    v = v128.load_splat<T>(x + x1);
    c10 = v128.add<T>(c10, v128.mul<T>(v, y0));
    c11 = v128.add<T>(c11, v128.mul<T>(v, y1));
    v = v128.load_splat<T>(x + x2);
    c20 = v128.add<T>(c20, v128.mul<T>(v, y0));
    c21 = v128.add<T>(c21, v128.mul<T>(v, y1));
    v = v128.load_splat<T>(x + x3);
    c30 = v128.add<T>(c30, v128.mul<T>(v, y0));
    c31 = v128.add<T>(c31, v128.mul<T>(v, y1));
    v = v128.load_splat<T>(x + x4);
    c40 = v128.add<T>(c40, v128.mul<T>(v, y0));
    c41 = v128.add<T>(c41, v128.mul<T>(v, y1));
    x += xc;
    y += yk;
  }
  storeTile<T>(c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c, cr, cc, alpha, beta, MR, cols, tile);
}

// @ts-expect-error: decorator
@inline
function update<T>(dst: usize, acc: v128, alpha: v128, beta: T, vbeta: v128): void {
  const r = v128.mul<T>(acc, alpha);
  v128.store(dst, beta == 0 ? r : v128.add<T>(r, v128.mul<T>(v128.load(dst), vbeta)));
}

/**
 * C[rows x cols] = alpha·acc + beta·C (beta = 0 ignores C, NaN included, as BLAS does). A whole
 * tile with unit column stride is stored as vectors; any other goes through `tile`.
 */
// @ts-expect-error: decorator
@inline
function storeTile<T>(
  c00: v128,
  c01: v128,
  c10: v128,
  c11: v128,
  c20: v128,
  c21: v128,
  c30: v128,
  c31: v128,
  c40: v128,
  c41: v128,
  c: usize,
  cr: usize,
  cc: usize,
  alpha: T,
  beta: T,
  rows: i32,
  cols: i32,
  tile: usize,
): void {
  const S = <usize>sizeof<T>();
  const NR = nr<T>();
  const direct = rows == MR && cols == NR && cc == S;
  const dst = direct ? c : tile;
  const ld: usize = direct ? cr : 32;
  const va = v128.splat<T>(alpha);
  const vb = v128.splat<T>(beta);
  const bt: T = direct ? beta : <T>0;
  update<T>(dst, c00, va, bt, vb);
  update<T>(dst + 16, c01, va, bt, vb);
  update<T>(dst + ld, c10, va, bt, vb);
  update<T>(dst + ld + 16, c11, va, bt, vb);
  update<T>(dst + 2 * ld, c20, va, bt, vb);
  update<T>(dst + 2 * ld + 16, c21, va, bt, vb);
  update<T>(dst + 3 * ld, c30, va, bt, vb);
  update<T>(dst + 3 * ld + 16, c31, va, bt, vb);
  update<T>(dst + 4 * ld, c40, va, bt, vb);
  update<T>(dst + 4 * ld + 16, c41, va, bt, vb);
  if (direct) return;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const v = load<T>(tile + <usize>r * 32 + <usize>j * S);
      const at = c + <usize>r * cr + <usize>j * cc;
      store<T>(at, beta == 0 ? v : v + beta * load<T>(at));
    }
  }
}
