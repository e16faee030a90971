import type { ReduceOp } from '../../backend.ts';
import type { FloatArray } from '../../dtype.ts';
import { stridesOf } from '../../shape.ts';
import type { Tensor } from '../../tensor.ts';
import { forEachRun } from './strided.ts';

/**
 * Reduces by walking the input once and writing each element into its output slot,
 * whose stride is 0 along reduced axes. Sums accumulate in float64 even for float32
 * data, so summing 12288 pixels does not drift.
 */
export function reduce(op: ReduceOp, x: Tensor, axes: readonly number[], out: FloatArray): void {
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const keptStrides = stridesOf(keptShape);
  const outStrides = x.shape.map((_, i) => (axes.includes(i) ? 0 : keptStrides[i]));
  const a = x.data;
  if (op === 'sum') {
    const acc = out instanceof Float64Array ? out : new Float64Array(out.length);
    acc.fill(0);
    forEachRun(x.shape, [stridesOf(x.shape), outStrides], (off, _o, inner, n) => {
      const ia = off[0];
      const io = off[1];
      if (inner[1] === 0) {
        let s = 0;
        for (let i = 0; i < n; i++) s += a[ia + i * inner[0]];
        acc[io] += s;
      } else {
        for (let i = 0; i < n; i++) acc[io + i * inner[1]] += a[ia + i * inner[0]];
      }
    });
    if (acc !== out) out.set(acc);
    return;
  }
  const sign = op === 'max' ? 1 : -1;
  out.fill(Number.NEGATIVE_INFINITY * sign);
  forEachRun(x.shape, [stridesOf(x.shape), outStrides], (off, _o, inner, n) => {
    for (let i = 0; i < n; i++) {
      const v = a[off[0] + i * inner[0]];
      const k = off[1] + i * inner[1];
      const cur = out[k];
      // NaN wins, as in numpy's max.
      if (v !== v || (cur === cur && sign * v > sign * cur)) out[k] = v;
    }
  });
}

/** First index of the maximum along `axis`; a NaN counts as the maximum, as in numpy. */
export function argMax(x: Tensor, axis: number, out: Int32Array): void {
  const n = x.shape[axis];
  let inner = 1;
  for (let i = axis + 1; i < x.rank; i++) inner *= x.shape[i];
  const outer = x.size / (n * inner) || 0;
  const a = x.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      let best = 0;
      let bestValue = a[base];
      for (let i = 1; i < n && bestValue === bestValue; i++) {
        const v = a[base + i * inner];
        if (v > bestValue || v !== v) {
          best = i;
          bestValue = v;
        }
      }
      out[o * inner + j] = best;
    }
  }
}
