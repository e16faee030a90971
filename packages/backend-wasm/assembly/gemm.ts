/*
 * GEMM for f32 and f64 (one generic body, instantiated twice), BLIS-style: C = alpha·op(A)·op(B)
 * + beta·C computed as tiles of MR x NR by a micro-kernel that keeps its 8 accumulators in
 * registers. V8's TurboFan issues every load of a loop step before the arithmetic, so all of a
 * step's broadcasts are live at once: a 5 x (2 vectors) tile needs 10 accumulators + 2 vectors
 * of Y + 5 broadcasts = 17 registers of x64's 15 usable and spilled three per step (seen with
 * `node --print-wasm-code`); 4 x 8 needs 14 and does not, and ran 18% faster at 1024.
 *
 * The kernel multiplies a left operand X (read a scalar at a time and broadcast) by a right
 * operand Y (read two vectors of NR consecutive columns). C = op(A)·op(B) is computed either
 * as X = op(A), Y = op(B), or, when B is transposed, as Cᵀ = op(B)ᵀ·op(A)ᵀ, whichever lets Y be
 * read by rows; C is then written through its transposed strides. Y is packed into panels when
 * its rows are not contiguous or X has 8 rows or more (PACK_Y_ROWS); X is packed when many column
 * panels reuse it. Products with fewer than MR rows of X or MR columns of Y go to gemv.ts.
 *
 * `part` of `parts` computes one contiguous range of whole tiles along the larger output side:
 * every element sums its k products in the same order (the same KC blocks) whatever the split,
 * so the bits do not depend on the thread count.
 */
import { matrixTimesColumns, rowsTimesMatrix } from './gemv';
import { packPanels, packPanelsContiguous } from './pack';

export const MR: i32 = 4;
export const KC: i32 = 256;
export const MC: i32 = 120;
export const NC: i32 = 1024;
/** Above this many rows (or columns), an operand is packed because enough panels reuse it. */
const REUSE = 64;
/**
 * From this many rows of X, Y is packed even when its rows are contiguous: reading a panel of
 * a wide Y in place strides through memory (836 bytes a step for the cat net's X), and the
 * packed copy, read sequentially once, then serves every row tile from L2 (measured: Z1 of the
 * cat net 16 -> 23 GFLOPS). Below it, a GEMV-like product reads Y once anyway.
 */
const PACK_Y_ROWS = 2 * MR;

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
  if (k > 0 && rowsX < MR && yj == S && cc == S) {
    rowsTimesMatrix<T>(r1 - r0, k, x + <usize>r0 * xr, xr, xc, y, yk, c + <usize>r0 * cr, cr, c0, c1, alpha, beta);
    return;
  }
  if (k > 0 && colsY < MR && xc == S && yk == S) {
    matrixTimesColumns<T>(c1 - c0, k, x, xr, y + <usize>c0 * yj, yj, c + <usize>c0 * cc, cr, cc, r0, r1, alpha, beta);
    return;
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
  const packY = yj != S || rowsX >= PACK_Y_ROWS;
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
    x += 4 * S;
    y += yk;
  }
  storeTile<T>(c00, c01, c10, c11, c20, c21, c30, c31, c, cr, cc, alpha, beta, rows, cols, tile);
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
  const x1 = xr, x2 = xr + xr, x3 = x2 + xr;
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
    x += xc;
    y += yk;
  }
  storeTile<T>(c00, c01, c10, c11, c20, c21, c30, c31, c, cr, cc, alpha, beta, MR, cols, tile);
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
  if (S == 4 && rows == MR && cols == NR && cr == S) {
    // C written transposed (the swapped product): each tile column is 4 adjacent floats of C.
    storeTransposed(c00, c10, c20, c30, c, cc, alpha, beta);
    storeTransposed(c01, c11, c21, c31, c + 4 * cc, cc, alpha, beta);
    return;
  }
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
  if (direct) return;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const v = load<T>(tile + <usize>r * 32 + <usize>j * S);
      const at = c + <usize>r * cr + <usize>j * cc;
      store<T>(at, beta == 0 ? v : v + beta * load<T>(at));
    }
  }
}

/** A 4x4 f32 block (rows r0..r3) stored as its columns: column j at c + j*cc, 4 adjacent floats. */
// @ts-expect-error: decorator
@inline
function storeTransposed<T>(r0: v128, r1: v128, r2: v128, r3: v128, c: usize, cc: usize, alpha: T, beta: T): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  const va = f32x4.splat(<f32>alpha);
  const vb = f32x4.splat(<f32>beta);
  const b = <f32>beta;
  update<f32>(c, i32x4.shuffle(t0, t2, 0, 1, 4, 5), va, b, vb);
  update<f32>(c + cc, i32x4.shuffle(t0, t2, 2, 3, 6, 7), va, b, vb);
  update<f32>(c + 2 * cc, i32x4.shuffle(t1, t3, 0, 1, 4, 5), va, b, vb);
  update<f32>(c + 3 * cc, i32x4.shuffle(t1, t3, 2, 3, 6, 7), va, b, vb);
}
