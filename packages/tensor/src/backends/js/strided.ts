import type { Shape } from '../../shape.ts';

/**
 * Walks an output shape with up to three operands read through their own strides
 * (0 on broadcast axes). Adjacent axes that are contiguous for every operand are
 * merged first, so `(m, n) + (m, n)` is one run of m·n and `(m, n) + (1, n)` is m runs
 * of n: the inner callback sees long contiguous runs and the bookkeeping stays out
 * of the hot loop.
 */
export type Run = (offsets: readonly number[], out: number, innerStrides: readonly number[], n: number) => void;

export function forEachRun(shape: Shape, strides: readonly (readonly number[])[], run: Run): void {
  const { dims, st } = collapse(shape, strides);
  const rank = dims.length;
  const k = strides.length;
  if (rank === 0) {
    run(new Array(k).fill(0), 0, new Array(k).fill(0), 1);
    return;
  }
  const n = dims[rank - 1];
  if (n === 0 || dims.some((d) => d === 0)) return;
  const inner = st.map((s) => s[rank - 1]);
  const offsets = new Array<number>(k).fill(0);
  const counter = new Array<number>(rank - 1).fill(0);
  let outer = 1;
  for (let i = 0; i < rank - 1; i++) outer *= dims[i];
  for (let r = 0, out = 0; r < outer; r++, out += n) {
    run(offsets, out, inner, n);
    // Odometer increment over the outer axes, updating each operand's offset.
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]++;
      for (let j = 0; j < k; j++) offsets[j] += st[j][d];
      if (counter[d] < dims[d]) break;
      for (let j = 0; j < k; j++) offsets[j] -= st[j][d] * dims[d];
      counter[d] = 0;
    }
  }
}

function collapse(shape: Shape, strides: readonly (readonly number[])[]): { dims: number[]; st: number[][] } {
  const dims: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1 && shape.length > 1) continue;
    const last = dims.length - 1;
    const mergeable = last >= 0 && strides.every((s, j) => st[j][last] === s[i] * shape[i]);
    if (mergeable) {
      dims[last] *= shape[i];
      strides.forEach((s, j) => {
        st[j][last] = s[i];
      });
    } else {
      dims.push(shape[i]);
      strides.forEach((s, j) => {
        st[j].push(s[i]);
      });
    }
  }
  if (dims.length === 0 && shape.length > 0) {
    dims.push(1);
    for (const s of st) s.push(0);
  }
  return { dims, st };
}
