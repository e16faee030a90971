import { afterEach, describe, expect, it } from 'vitest';
import { setConvChunkElements } from '../src/backends/js/conv-gemm.ts';
import { setWinogradTileChunk, winogradApplies } from '../src/backends/js/winograd.ts';
import {
  avgPool2d,
  type Conv2dOptions,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  Generator,
  maxPool2d,
  setBackend,
  setThreads,
  type Tensor,
  threadInfo,
} from '../src/index.ts';

/*
 * The js kernels' chunking (im2col in blocks of output rows) and the GEMM threads, against the
 * definition written out as loops here in float64: sizes on both sides of every chunk boundary.
 */

interface Geo {
  sH: number;
  sW: number;
  dH: number;
  dW: number;
  pT: number;
  pL: number;
  oH: number;
  oW: number;
}

function geo(Z: Tensor, o: { stride: number; dilation: number; pad: number }): Geo {
  return { sH: o.stride, sW: o.stride, dH: o.dilation, dW: o.dilation, pT: o.pad, pL: o.pad, oH: Z.shape[1], oW: Z.shape[2] };
}

/** Visits every (example, output row, output column, tap row, tap column, input row, input column) inside the image. */
function taps(x: Tensor, W: Tensor, g: Geo, visit: (n: number, i: number, j: number, p: number, q: number, h: number, w: number) => void) {
  const [m, H, Wd] = x.shape;
  const [fH, fW] = W.shape;
  for (let n = 0; n < m; n++)
    for (let i = 0; i < g.oH; i++)
      for (let j = 0; j < g.oW; j++)
        for (let p = 0; p < fH; p++)
          for (let q = 0; q < fW; q++) {
            const h = i * g.sH + p * g.dH - g.pT;
            const w = j * g.sW + q * g.dW - g.pL;
            if (h >= 0 && h < H && w >= 0 && w < Wd) visit(n, i, j, p, q, h, w);
          }
}

function reference(x: Tensor, W: Tensor, dy: Tensor, g: Geo) {
  const [, H, Wd, C] = x.shape;
  const [, fW, , F] = W.shape;
  const Z = new Float64Array(dy.size);
  const dx = new Float64Array(x.size);
  const dW = new Float64Array(W.size);
  taps(x, W, g, (n, i, j, p, q, h, w) => {
    for (let c = 0; c < C; c++)
      for (let f = 0; f < F; f++) {
        const xi = ((n * H + h) * Wd + w) * C + c;
        const wi = ((p * fW + q) * C + c) * F + f;
        const zi = ((n * g.oH + i) * g.oW + j) * F + f;
        Z[zi] += x.data[xi] * W.data[wi];
        dx[xi] += dy.data[zi] * W.data[wi];
        dW[wi] += x.data[xi] * dy.data[zi];
      }
  });
  return { Z, dx, dW };
}

function close(actual: Tensor, expected: Float64Array, terms: number) {
  // float64 sums of `terms` products of values below 1 in magnitude: error below terms²·2^-53.
  const bound = terms * terms * 2 ** -53 + 1e-300;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual.data[i] - expected[i]));
  expect(worst).toBeLessThanOrEqual(bound);
}

afterEach(() => {
  setWinogradTileChunk(4096);
  setConvChunkElements(1 << 21);
  setThreads(2);
});

describe('js conv2d chunks of output rows', () => {
  setBackend('js');
  const cases: [string, number[], number[], { stride: number; dilation: number; pad: number }][] = [
    ['3x3 same', [2, 5, 4, 3], [3, 3, 3, 2], { stride: 1, dilation: 1, pad: 1 }],
    ['stride 2 dilation 2', [3, 7, 6, 2], [2, 3, 2, 3], { stride: 2, dilation: 2, pad: 2 }],
  ];
  for (const [name, xs, ws, o] of cases) {
    const K = ws[0] * ws[1] * ws[2];
    // Output rows per chunk 1, 4, 5, 6 and more than M: boundaries inside an image, at image ends, none.
    for (const rows of [1, 4, 5, 6, 7, 40, 1000]) {
      it(`${name}, ${rows} rows per chunk`, () => {
        setConvChunkElements(rows * K);
        const g = new Generator(rows);
        const x = g.uniform(-1, 1, xs, 'float64');
        const W = g.uniform(-1, 1, ws, 'float64');
        const options: Conv2dOptions = { stride: o.stride, dilation: o.dilation, padding: o.pad };
        const Z = conv2d(x, W, options);
        const dy = g.uniform(-1, 1, Z.shape, 'float64');
        const ref = reference(x, W, dy, geo(Z, o));
        close(Z, ref.Z, K);
        close(conv2dBackpropInput(dy, W, xs, options), ref.dx, ws[0] * ws[1] * ws[3]);
        close(conv2dBackpropFilter(x, dy, ws, options), ref.dW, Z.size / ws[3]);
      });
    }
  }
});

describe("js conv2d by Winograd's F(2x2, 3x3)", () => {
  // Odd and even output sizes (ragged last tiles), 'same', valid and one-sided padding, and tile chunks
  // of 1, 5 and 7 (boundaries inside a row of tiles, at image ends) and more than the batch.
  const cases: [number[], number, Conv2dOptions['padding'], number][] = [
    [[2, 9, 13, 8], 8, 'same', 1024],
    [[1, 17, 16, 9], 12, 'valid', 5],
    [
      [3, 8, 7, 8],
      9,
      [
        [1, 0],
        [0, 2],
      ],
      7,
    ],
    [[2, 12, 11, 16], 8, 2, 1],
  ];
  for (const [xs, F, padding, chunk] of cases) {
    it(`${JSON.stringify(xs)} -> ${F} filters, padding ${JSON.stringify(padding)}, ${chunk} tiles per chunk`, () => {
      setBackend('js');
      setWinogradTileChunk(chunk);
      const g = new Generator(xs[1] * 100 + F);
      const x = g.uniform(-1, 1, xs, 'float64');
      const W = g.uniform(-1, 1, [3, 3, xs[3], F], 'float64');
      const b = g.uniform(-1, 1, [1, 1, 1, F], 'float64');
      const Z = conv2d(x, W, { padding, bias: b });
      const pad = typeof padding === 'number' ? padding : padding === 'same' ? 1 : 0;
      const ref = reference(x, W, Z, geo(Z, { stride: 1, dilation: 1, pad }));
      expect(
        winogradApplies({
          fH: 3,
          fW: 3,
          strideH: 1,
          strideW: 1,
          dilationH: 1,
          dilationW: 1,
          inC: xs[3],
          outC: F,
          m: Z.shape[0],
          outH: Z.shape[1],
          outW: Z.shape[2],
        } as never),
      ).toBe(true);
      if (Array.isArray(padding)) return checkAsymmetric(Z, x, W, b, padding as [[number, number], [number, number]]);
      const K = 9 * xs[3];
      // The transforms grow magnitudes by at most 4 (input tile), 2.25 (filter) and 9 (output):
      // a float64 error within 100·(K + 16)·u·K of sums of K products below 1.
      const bound = 100 * (K + 16) * 2 ** -53 * K;
      for (let i = 0; i < Z.size; i++) expect(Math.abs(Z.data[i] - (ref.Z[i] + b.data[i % F]))).toBeLessThanOrEqual(bound);
      // float32: one final rounding of a double result.
      const Z32 = conv2d(x.cast('float32'), W.cast('float32'), { padding, bias: b.cast('float32') });
      for (let i = 0; i < Z.size; i++)
        expect(Math.abs(Z32.data[i] - Z.data[i])).toBeLessThanOrEqual(2 ** -24 * (Math.abs(Z.data[i]) + K) * 4);
    });
  }
});

/** Per-side padding: the reference loops (symmetric pads only) run on an explicitly zero-padded input. */
function checkAsymmetric(Z: Tensor, x: Tensor, W: Tensor, b: Tensor, padding: [[number, number], [number, number]]) {
  const [[t, bo], [l, r]] = padding;
  const [m, H, Wd, C] = x.shape;
  const xp = new Float64Array(m * (H + t + bo) * (Wd + l + r) * C);
  const Hp = H + t + bo;
  const Wp = Wd + l + r;
  for (let n = 0; n < m; n++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < Wd; w++)
        for (let c = 0; c < C; c++) xp[((n * Hp + h + t) * Wp + w + l) * C + c] = x.data[((n * H + h) * Wd + w) * C + c];
  const padded = { data: xp, shape: [m, Hp, Wp, C], size: xp.length } as unknown as Tensor;
  const ref = reference(padded, W, Z, geo(Z, { stride: 1, dilation: 1, pad: 0 }));
  const F = W.shape[3];
  const K = 9 * C;
  const bound = 100 * (K + 16) * 2 ** -53 * K;
  for (let i = 0; i < Z.size; i++) expect(Math.abs(Z.data[i] - (ref.Z[i] + b.data[i % F]))).toBeLessThanOrEqual(bound);
}

describe('js conv2d on the GEMM threads', () => {
  it('(8, 20, 20, 16) -> 32 filters 5x5 same: threaded products agree with the definition', async () => {
    setBackend('js');
    setThreads(2);
    const g = new Generator(5);
    // The first large product starts the workers; wait until they have loaded.
    conv2d(g.uniform(-1, 1, [8, 20, 20, 16], 'float64'), g.uniform(-1, 1, [5, 5, 16, 32], 'float64'));
    const deadline = Date.now() + 30_000;
    while (threadInfo().ready < 1) {
      if (Date.now() > deadline || threadInfo().failure !== undefined)
        throw new Error(`workers did not start: ${JSON.stringify(threadInfo())}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const x = g.uniform(-1, 1, [8, 20, 20, 16], 'float64');
    const W = g.uniform(-1, 1, [5, 5, 16, 32], 'float64');
    const before = threadInfo().jobs;
    const Z = conv2d(x, W, { padding: 'same' });
    const dy = g.uniform(-1, 1, Z.shape, 'float64');
    const dx = conv2dBackpropInput(dy, W, x.shape, { padding: 'same' });
    const dW = conv2dBackpropFilter(x, dy, W.shape, { padding: 'same' });
    const ref = reference(x, W, dy, geo(Z, { stride: 1, dilation: 1, pad: 2 }));
    close(Z, ref.Z, 400);
    close(dx, ref.dx, 800);
    close(dW, ref.dW, 3200);
    expect(threadInfo().jobs).toBeGreaterThan(before);
  });
});

describe('pools on odd sizes', () => {
  it('maxPool2d and avgPool2d with a window as wide as the image', () => {
    setBackend('js');
    const x = new Generator(9).uniform(-1, 1, [2, 3, 5, 4], 'float64');
    const mx = maxPool2d(x, { poolSize: [3, 5] });
    const av = avgPool2d(x, { poolSize: [3, 5] });
    expect(mx.shape).toEqual([2, 1, 1, 4]);
    for (let n = 0; n < 2; n++)
      for (let c = 0; c < 4; c++) {
        let best = Number.NEGATIVE_INFINITY;
        let sum = 0;
        for (let k = 0; k < 15; k++) {
          const v = x.data[(n * 15 + k) * 4 + c];
          best = Math.max(best, v);
          sum += v;
        }
        expect(mx.data[n * 4 + c]).toBe(best);
        expect(av.data[n * 4 + c]).toBeCloseTo(sum / 15, 14);
      }
  });
});
