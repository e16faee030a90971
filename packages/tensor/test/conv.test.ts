import { afterEach, describe, expect, it } from 'vitest';
import { setConvChunkElements } from '../src/backends/js/conv-gemm.ts';
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

describe('js conv2d on the GEMM threads', () => {
  it('(8, 20, 20, 16) -> 32 filters 3x3 same: threaded products agree with the definition', async () => {
    setBackend('js');
    setThreads(2);
    const g = new Generator(5);
    // The first large product starts the workers; wait until they have loaded.
    conv2d(g.uniform(-1, 1, [8, 20, 20, 16], 'float64'), g.uniform(-1, 1, [3, 3, 16, 32], 'float64'));
    const deadline = Date.now() + 30_000;
    while (threadInfo().ready < 1) {
      if (Date.now() > deadline || threadInfo().failure !== undefined)
        throw new Error(`workers did not start: ${JSON.stringify(threadInfo())}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const x = g.uniform(-1, 1, [8, 20, 20, 16], 'float64');
    const W = g.uniform(-1, 1, [3, 3, 16, 32], 'float64');
    const before = threadInfo().jobs;
    const Z = conv2d(x, W, { padding: 'same' });
    const dy = g.uniform(-1, 1, Z.shape, 'float64');
    const dx = conv2dBackpropInput(dy, W, x.shape, { padding: 'same' });
    const dW = conv2dBackpropFilter(x, dy, W.shape, { padding: 'same' });
    const ref = reference(x, W, dy, geo(Z, { stride: 1, dilation: 1, pad: 1 }));
    close(Z, ref.Z, 144);
    close(dx, ref.dx, 288);
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
