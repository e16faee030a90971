import type { Shape } from '@neurite/tensor';

/**
 * Broadcast operands as `outer` runs of `n`: each operand's stride between runs, and 1 or 0
 * (broadcast) inside a run, which is the form the wasm kernels take. Adjacent axes that are
 * contiguous for every operand merge and size-1 axes drop, so equal shapes, scalars, rows
 * (1, n), columns (m, 1) and outer products all fit; anything else returns null and stays on
 * the js backend.
 */
export interface Runs {
  outer: number;
  n: number;
  /** Per operand: [stride between runs, stride inside a run], in elements. */
  strides: [number, number][];
}

export function runsOf(outShape: Shape, shapes: readonly Shape[]): Runs | null {
  const rank = outShape.length;
  const full = shapes.map((s) => broadcastStrides(s, outShape));
  const dims: number[] = [];
  const st: number[][] = shapes.map(() => []);
  for (let i = 0; i < rank; i++) {
    if (outShape[i] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && full.every((s, j) => st[j][last] === s[i] * outShape[i])) {
      dims[last] *= outShape[i];
      full.forEach((s, j) => {
        st[j][last] = s[i];
      });
    } else {
      dims.push(outShape[i]);
      full.forEach((s, j) => {
        st[j].push(s[i]);
      });
    }
  }
  if (dims.length === 0) return { outer: 1, n: 1, strides: shapes.map(() => [0, 0]) };
  if (dims.length > 2 || st.some((s) => s[s.length - 1] > 1)) return null;
  if (dims.length === 1) return { outer: 1, n: dims[0], strides: st.map((s) => [0, s[0]]) };
  return { outer: dims[0], n: dims[1], strides: st.map((s) => [s[0], s[1]]) };
}

function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const out = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = i + outShape.length - shape.length;
    out[o] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return out;
}

/**
 * The reduced axes as the middle of (outer, len, inner), or null when other axes of size > 1
 * lie between them (those stay on the js backend).
 */
export function foldAxes(shape: Shape, axes: readonly number[]): [number, number, number] | null {
  const big = axes.filter((a) => shape[a] !== 1);
  const first = big.length ? big[0] : (axes[0] ?? 0);
  const last = big.length ? big[big.length - 1] : first;
  for (let i = first; i <= last; i++) if (!axes.includes(i) && shape[i] !== 1) return null;
  let outer = 1;
  let len = 1;
  let inner = 1;
  for (let i = 0; i < shape.length; i++) {
    if (i < first) outer *= shape[i];
    else if (i > last) inner *= shape[i];
    else if (axes.includes(i)) len *= shape[i];
    else len *= shape[i]; // a size-1 axis between reduced ones
  }
  return [outer, len, inner];
}

/** Softmax's axis as the middle of (outer, len, inner). */
export function splitAxis(shape: Shape, axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[axis], inner];
}
