import type { Pool2dGeometry, PoolMode } from '../../backend.ts';
import type { FloatArray, TypedArray } from '../../dtype.ts';
import type { Tensor } from '../../tensor.ts';

/*
 * Pooling and padding loops. Channels-last means the innermost loop runs over a pixel's
 * contiguous channels, so every window is a few runs of n_C values.
 */

/** The window of output (i, j) clipped to the image: [h0, h1) x [w0, w1). */
function clip(g: Pool2dGeometry, i: number, j: number): [number, number, number, number] {
  const top = i * g.strideH - g.padTop;
  const left = j * g.strideW - g.padLeft;
  return [Math.max(top, 0), Math.min(top + g.fH, g.inH), Math.max(left, 0), Math.min(left + g.fW, g.inW)];
}

export function pool2d(mode: PoolMode, x: Tensor, g: Pool2dGeometry, out: FloatArray): void {
  const { m, inH, inW, inC: C, outH, outW } = g;
  const X = x.data;
  for (let n = 0; n < m; n++) {
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        const o = ((n * outH + i) * outW + j) * C;
        const [h0, h1, w0, w1] = clip(g, i, j);
        if (mode === 'max') out.fill(Number.NEGATIVE_INFINITY, o, o + C);
        else out.fill(0, o, o + C);
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const s = ((n * inH + h) * inW + w) * C;
            if (mode === 'max') {
              for (let c = 0; c < C; c++) {
                const v = X[s + c];
                // NaN wins, as in numpy's max: once there it stays.
                if (v > out[o + c] || v !== v) out[o + c] = v;
              }
            } else for (let c = 0; c < C; c++) out[o + c] += X[s + c];
          }
        }
        if (mode === 'avg') {
          const count = g.countPad ? g.fH * g.fW : (h1 - h0) * (w1 - w0);
          for (let c = 0; c < C; c++) out[o + c] /= count;
        }
      }
    }
  }
}

export function pool2dBackward(mode: PoolMode, dA: Tensor, x: Tensor, g: Pool2dGeometry, out: FloatArray): void {
  const { m, inH, inW, inC: C, outH, outW } = g;
  const D = dA.data;
  const X = x.data;
  const best = new Float64Array(C);
  out.fill(0);
  for (let n = 0; n < m; n++) {
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        const o = ((n * outH + i) * outW + j) * C;
        const [h0, h1, w0, w1] = clip(g, i, j);
        if (mode === 'avg') {
          const count = g.countPad ? g.fH * g.fW : (h1 - h0) * (w1 - w0);
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const s = ((n * inH + h) * inW + w) * C;
              for (let c = 0; c < C; c++) out[s + c] += D[o + c] / count;
            }
          }
          continue;
        }
        // The course's mask x == max(x): recompute each channel's maximum, then every element equal to it gets dA.
        best.fill(Number.NEGATIVE_INFINITY);
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const s = ((n * inH + h) * inW + w) * C;
            for (let c = 0; c < C; c++) if (X[s + c] > best[c] || X[s + c] !== X[s + c]) best[c] = X[s + c];
          }
        }
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const s = ((n * inH + h) * inW + w) * C;
            for (let c = 0; c < C; c++) if (X[s + c] === best[c]) out[s + c] += D[o + c];
          }
        }
      }
    }
  }
}

/** numpy's constant pad: out filled with value, then x's innermost rows copied into place. */
export function pad(x: Tensor, widths: readonly (readonly [number, number])[], value: number, out: TypedArray): void {
  out.fill(value);
  const rank = x.rank;
  if (x.size === 0) return;
  if (rank === 0) {
    out[0] = x.data[0];
    return;
  }
  const outShape = x.shape.map((d, i) => d + widths[i][0] + widths[i][1]);
  const outStrides = new Array<number>(rank);
  outStrides[rank - 1] = 1;
  for (let a = rank - 2; a >= 0; a--) outStrides[a] = outStrides[a + 1] * outShape[a + 1];
  const row = x.shape[rank - 1];
  const rows = x.size / row;
  const index = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    let d = widths[rank - 1][0];
    for (let a = 0; a < rank - 1; a++) d += (index[a] + widths[a][0]) * outStrides[a];
    out.set(x.data.subarray(r * row, (r + 1) * row), d);
    for (let a = rank - 2; a >= 0; a--) {
      if (++index[a] < x.shape[a]) break;
      index[a] = 0;
    }
  }
}
