import type { TypedArray } from '../../dtype.ts';
import { type Shape, stridesOf } from '../../shape.ts';
import type { Tensor } from '../../tensor.ts';
import { forEachRun } from './strided.ts';

/** Writes out in order while reading the input through permuted strides. */
export function transpose(x: Tensor, perm: readonly number[], out: TypedArray): void {
  const own = stridesOf(x.shape);
  const shape = perm.map((p) => x.shape[p]);
  const a = x.data;
  forEachRun(shape, [perm.map((p) => own[p])], (off, o, inner, n) => {
    const ia = off[0];
    const s = inner[0];
    for (let i = 0; i < n; i++) out[o + i] = a[ia + i * s];
  });
}

export function slice(x: Tensor, begin: readonly number[], out: TypedArray, outShape: Shape): void {
  const own = stridesOf(x.shape);
  const start = begin.reduce((acc, b, i) => acc + b * own[i], 0);
  const a = x.data;
  forEachRun(outShape, [own], (off, o, inner, n) => {
    const ia = start + off[0];
    if (inner[0] === 1) out.set(a.subarray(ia, ia + n), o);
    else for (let i = 0; i < n; i++) out[o + i] = a[ia + i * inner[0]];
  });
}

export function concat(xs: readonly Tensor[], axis: number, out: TypedArray): void {
  const first = xs[0];
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= first.shape[i];
  let inner = 1;
  for (let i = axis + 1; i < first.rank; i++) inner *= first.shape[i];
  const total = xs.reduce((s, t) => s + t.shape[axis], 0) * inner;
  let offset = 0;
  for (const t of xs) {
    const chunk = t.shape[axis] * inner;
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * chunk, (o + 1) * chunk), o * total + offset);
    offset += chunk;
  }
}

export function gather(x: Tensor, indices: Int32Array, axis: number, out: TypedArray): void {
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= x.shape[i];
  let inner = 1;
  for (let i = axis + 1; i < x.rank; i++) inner *= x.shape[i];
  const n = x.shape[axis];
  const a = x.data;
  const k = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const src = (o * n + indices[j]) * inner;
      const dst = (o * k + j) * inner;
      if (inner === 1) out[dst] = a[src];
      else out.set(a.subarray(src, src + inner), dst);
    }
  }
}
