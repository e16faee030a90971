import type { Conv2dGeometry } from '../../backend.ts';
import type { FloatArray } from '../../dtype.ts';

/*
 * im2col: the windows of a channels-last image laid out as the rows of a matrix, so that a
 * convolution is one GEMM. Row r is output position r = (n·outH + i)·outW + j; its columns are
 * the window's taps in (p, q, c) order, which is exactly W's (f_h, f_w, n_C_prev, n_C) layout
 * read as a (f_h·f_w·n_C_prev, n_C) matrix: Z = cols · W. Padding reads as zeros.
 * col2im is its adjoint: each row added back into the window it came from.
 */

/** Copies below this length run as a loop: a subarray and set cost more than a few moves. */
const SHORT_RUN = 24;

function copy(src: FloatArray, s: number, dst: FloatArray, d: number, n: number): void {
  if (n < SHORT_RUN) for (let t = 0; t < n; t++) dst[d + t] = src[s + t];
  else dst.set(src.subarray(s, s + n), d);
}

function addRun(src: FloatArray, s: number, dst: FloatArray, d: number, n: number): void {
  for (let t = 0; t < n; t++) dst[d + t] += src[s + t];
}

/** The rows [r0, r0 + rows) of x's im2col matrix into cols (rows x fH·fW·inC). */
export function im2col(x: FloatArray, g: Conv2dGeometry, r0: number, rows: number, cols: FloatArray): void {
  walk(g, r0, rows, (r, n, h0, w0) => {
    const { inH, inW, inC, fH, fW, dilationH, dilationW } = g;
    let d = r;
    const rowRun = fW * inC;
    // The whole filter row reads one contiguous run of x when it is undilated and inside the image.
    const wholeRow = dilationW === 1 && w0 >= 0 && w0 + fW <= inW;
    for (let p = 0; p < fH; p++) {
      const h = h0 + p * dilationH;
      if (h < 0 || h >= inH) {
        cols.fill(0, d, d + rowRun);
        d += rowRun;
        continue;
      }
      const base = (n * inH + h) * inW;
      if (wholeRow) {
        copy(x, (base + w0) * inC, cols, d, rowRun);
        d += rowRun;
        continue;
      }
      for (let q = 0; q < fW; q++, d += inC) {
        const w = w0 + q * dilationW;
        if (w < 0 || w >= inW) cols.fill(0, d, d + inC);
        else copy(x, (base + w) * inC, cols, d, inC);
      }
    }
  });
}

/** dx += the rows [r0, r0 + rows) of cols, each added back into its window (im2col's adjoint). */
export function col2im(cols: FloatArray, g: Conv2dGeometry, r0: number, rows: number, dx: FloatArray): void {
  walk(g, r0, rows, (r, n, h0, w0) => {
    const { inH, inW, inC, fH, fW, dilationH, dilationW } = g;
    let s = r;
    for (let p = 0; p < fH; p++) {
      const h = h0 + p * dilationH;
      if (h < 0 || h >= inH) {
        s += fW * inC;
        continue;
      }
      const base = (n * inH + h) * inW;
      for (let q = 0; q < fW; q++, s += inC) {
        const w = w0 + q * dilationW;
        if (w >= 0 && w < inW) addRun(cols, s, dx, (base + w) * inC, inC);
      }
    }
  });
}

/**
 * Calls visit(offset of the row in the chunk, example n, top row h0, left column w0) for the
 * output positions r0 .. r0 + rows − 1, in order.
 */
function walk(g: Conv2dGeometry, r0: number, rows: number, visit: (offset: number, n: number, h0: number, w0: number) => void): void {
  const { outH, outW, strideH, strideW, padTop, padLeft } = g;
  const K = g.fH * g.fW * g.inC;
  const perImage = outH * outW;
  let n = Math.floor(r0 / perImage);
  let i = Math.floor((r0 % perImage) / outW);
  let j = r0 % outW;
  for (let r = 0; r < rows; r++) {
    visit(r * K, n, i * strideH - padTop, j * strideW - padLeft);
    if (++j === outW) {
      j = 0;
      if (++i === outH) {
        i = 0;
        n++;
      }
    }
  }
}

/** A 1x1, stride-1, unpadded convolution's im2col matrix is x itself. */
export function isPointwise(g: Conv2dGeometry): boolean {
  return (
    g.fH === 1 &&
    g.fW === 1 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.padTop === 0 &&
    g.padBottom === 0 &&
    g.padLeft === 0 &&
    g.padRight === 0 &&
    g.outH === g.inH &&
    g.outW === g.inW
  );
}
