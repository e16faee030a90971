/*
 * GEMM for f32 and f64 (one generic body, instantiated twice), BLIS-style: C = alpha·op(A)·op(B)
 * + beta·C computed as tiles of MR x NR (5 x 8 in f32, 5 x 4 in f64) by a micro-kernel that keeps
 * its 10 accumulators in registers: 10 + 2 vectors of Y + one broadcast + one product = 15, all
 * of x64's SIMD registers that V8 allocates. That fits only while TurboFan's schedule consumes
 * each broadcast right after its load, which depends on what the code after the loop does with
 * the accumulators (see spill); when it issued a step's five broadcasts first, 5 x 8 spilled
 * three registers per step and 4 x 8 was faster. Check with `node --print-wasm-code` (stack
 * slots [rbp-...] inside the kernel loop) after changing the kernels.
 *
 * The kernel multiplies a left operand X (read a scalar at a time and broadcast) by a right
 * operand Y (read two vectors of NR consecutive columns). C = op(A)·op(B) is computed either
 * as X = op(A), Y = op(B), or, when B is transposed, as Cᵀ = op(B)ᵀ·op(A)ᵀ, whichever lets Y be
 * read by rows; C is then written through its transposed strides. Y is packed into panels when
 * its rows are not contiguous or X has 8 rows or more (PACK_Y_ROWS); X is packed when many column
 * panels reuse it. Products with fewer than THIN rows of X or THIN columns of Y go to gemv.ts.
 *
 * `part` of `parts` computes one contiguous range of whole tiles along the larger output side:
 * every element sums its k products in the same order (the same KC blocks) whatever the split,
 * so the bits do not depend on the thread count.
 */
import { matrixTimesColumns, rowsTimesMatrix } from './gemv';
import { packPanels, packPanelsContiguous } from './pack';

export const MR: i32 = 5;
/** Fewer rows of X (or columns of Y) than this go to the thin kernels of gemv.ts. */
const THIN: i32 = 4;
export const KC: i32 = 384;
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
const PACK_Y_ROWS = 8;

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
  if (k > 0 && rowsX < THIN && yj == S && cc == S) {
    rowsTimesMatrix<T>(r1 - r0, k, x + <usize>r0 * xr, xr, xc, y, yk, c + <usize>r0 * cr, cr, c0, c1, alpha, beta);
    return;
  }
  if (k > 0 && colsY < THIN && xc == S && yk == S) {
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
            // A last panel of at most half the tile's columns (dW1's 20 = 8 + 8 + 4) takes the
            // one-vector kernel: the same sums, half the work.
            const half = cols <= NR / 2;
            if (packX) {
              if (half) kernelHalf<T>(kc, xp + <usize>(ir * kc) * S, S, <usize>MR * S, panelY, panelYk, tile);
              else kernelPacked<T>(kc, xp + <usize>(ir * kc) * S, panelY, panelYk, tile);
            } else if (rows == MR) {
              if (half) kernelHalf<T>(kc, xBlock + <usize>ir * xr, xr, xc, panelY, panelYk, tile);
              else kernelDirect<T>(kc, xBlock + <usize>ir * xr, xr, xc, panelY, panelYk, tile);
            } else {
              packPanels<T>(xBlock + <usize>ir * xr, xr, xc, rows, kc, MR, edgeX);
              if (half) kernelHalf<T>(kc, edgeX, S, <usize>MR * S, panelY, panelYk, tile);
              else kernelPacked<T>(kc, edgeX, panelY, panelYk, tile);
            }
            writeTile<T>(tile, out, cr, cc, alpha, betaBlock, rows, cols);
          }
        }
      }
    }
  }
}

/*
 * The micro-kernels: the MR x NR tile of X·Y over kc steps, left in `tile` (see spill); Y's step
 * p is at y + p*yk. Each must stay a function of its own: inlined into the driver (Binaryen
 * inlines a function with one caller), the loop shared the driver's registers and spilled.
 */

/** X packed: the MR values of step p adjacent, read at immediate offsets (fewer address instructions). */
function kernelPacked<T>(kc: i32, x: usize, y: usize, yk: usize, tile: usize): void {
  const S = sizeof<T>();
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0);
  let c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0);
  let c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  let c40 = v128.splat<T>(0), c41 = v128.splat<T>(0);
  for (let p = 0; p < kc; p++) {
    const y0 = v128.load(y);
    const y1 = v128.load(y, 16);
    // Each broadcast is consumed at once, so one register serves all five.
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
    x += <usize>MR * <usize>S;
    y += yk;
  }
  spill(tile, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41);
}

/**
 * X read in place: row r, step p at x + r*xr + p*xc. Exported (index.ts, kernelDirect32/64) only
 * so that it has a second caller and Binaryen keeps it out of the driver.
 */
export function kernelDirect<T>(kc: i32, x: usize, xr: usize, xc: usize, y: usize, yk: usize, tile: usize): void {
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
  spill(tile, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41);
}

/**
 * The first vector of Y's panel only (columns 0..NR/2): MR accumulators, stored where spill puts
 * c00 ... c40. Row r, step p of X at x + r*xr + p*xc, as in kernelDirect.
 */
function kernelHalf<T>(kc: i32, x: usize, xr: usize, xc: usize, y: usize, yk: usize, tile: usize): void {
  let c0 = v128.splat<T>(0), c1 = v128.splat<T>(0), c2 = v128.splat<T>(0), c3 = v128.splat<T>(0), c4 = v128.splat<T>(0);
  const x1 = xr, x2 = xr + xr, x3 = x2 + xr, x4 = x3 + xr;
  for (let p = 0; p < kc; p++) {
    const y0 = v128.load(y);
    c0 = v128.add<T>(c0, v128.mul<T>(v128.load_splat<T>(x), y0));
    c1 = v128.add<T>(c1, v128.mul<T>(v128.load_splat<T>(x + x1), y0));
    c2 = v128.add<T>(c2, v128.mul<T>(v128.load_splat<T>(x + x2), y0));
    c3 = v128.add<T>(c3, v128.mul<T>(v128.load_splat<T>(x + x3), y0));
    c4 = v128.add<T>(c4, v128.mul<T>(v128.load_splat<T>(x + x4), y0));
    x += xc;
    y += yk;
  }
  v128.store(tile, c0);
  v128.store(tile, c1, 32);
  v128.store(tile, c2, 64);
  v128.store(tile, c3, 96);
  v128.store(tile, c4, 128);
}

// @ts-expect-error: decorator
@inline
function update<T>(dst: usize, acc: v128, alpha: v128, beta: T, vbeta: v128): void {
  const r = v128.mul<T>(acc, alpha);
  v128.store(dst, beta == 0 ? r : v128.add<T>(r, v128.mul<T>(v128.load(dst), vbeta)));
}

/**
 * The accumulators, in order, to `tile` (row r at tile + 32r). Storing them right after the loop,
 * rather than branching on the tile's shape there, keeps TurboFan's schedule of the loop as
 * written: with the stores of writeTile's branches as the accumulators' uses it issued all seven
 * loads of a step before the arithmetic and spilled three registers per step (seen with
 * `node --print-wasm-code`; 10 accumulators + 2 vectors of Y + a broadcast + a product fill
 * x64's 15 usable SIMD registers only when each broadcast dies at once).
 */
// @ts-expect-error: decorator
@inline
function spill(
  tile: usize,
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
): void {
  v128.store(tile, c00);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  v128.store(tile, c40, 128);
  v128.store(tile, c41, 144);
}

/**
 * C[rows x cols] = alpha·acc + beta·C from the accumulators in `tile` (beta = 0 ignores C, NaN
 * included, as BLAS does). A whole tile is stored as vectors, by rows or, for a swapped product
 * (C's rows adjacent), through 4x4 transposes; a partial one element by element.
 */
function writeTile<T>(tile: usize, c: usize, cr: usize, cc: usize, alpha: T, beta: T, rows: i32, cols: i32): void {
  const S = <usize>sizeof<T>();
  const NR = nr<T>();
  if (rows == MR && cols == NR) {
    if (S == 4 && cr == S) {
      // Each tile column is MR adjacent floats of C: rows 0-3 as vectors, row 4 by lanes.
      storeTransposed(v128.load(tile), v128.load(tile, 32), v128.load(tile, 64), v128.load(tile, 96), c, cc, alpha, beta);
      storeTransposed(v128.load(tile, 16), v128.load(tile, 48), v128.load(tile, 80), v128.load(tile, 112), c + 4 * cc, cc, alpha, beta);
      storeColumn(v128.load(tile, 128), c + 4 * S, cc, alpha, beta);
      storeColumn(v128.load(tile, 144), c + 4 * S + 4 * cc, cc, alpha, beta);
      return;
    }
    if (cc == S) {
      const va = v128.splat<T>(alpha);
      const vb = v128.splat<T>(beta);
      for (let r = 0; r < MR; r++) {
        const at = c + <usize>r * cr;
        const from = tile + <usize>r * 32;
        update<T>(at, v128.load(from), va, beta, vb);
        update<T>(at + 16, v128.load(from, 16), va, beta, vb);
      }
      return;
    }
  }
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const v: T = load<T>(tile + <usize>r * 32 + <usize>j * S) * alpha;
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

/** The four f32 lanes of r stored at c, c + cc, c + 2cc, c + 3cc (the fifth tile row of a swapped product). */
// @ts-expect-error: decorator
@inline
function storeColumn<T>(r: v128, c: usize, cc: usize, alpha: T, beta: T): void {
  const v = f32x4.mul(r, f32x4.splat(<f32>alpha));
  const b = <f32>beta;
  storeScaled(c, f32x4.extract_lane(v, 0), b);
  storeScaled(c + cc, f32x4.extract_lane(v, 1), b);
  storeScaled(c + 2 * cc, f32x4.extract_lane(v, 2), b);
  storeScaled(c + 3 * cc, f32x4.extract_lane(v, 3), b);
}

// @ts-expect-error: decorator
@inline
function storeScaled(at: usize, v: f32, beta: f32): void {
  store<f32>(at, beta == 0 ? v : v + beta * load<f32>(at));
}
