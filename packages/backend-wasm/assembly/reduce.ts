/*
 * Reductions over the middle axis of (outer, len, inner): out[o, i] = op over r of x[o, r, i].
 * The TypeScript side folds any set of adjacent axes into this form. Sums accumulate in
 * float64, as the js backend's do, so summing 12288 float32 pixels does not drift; max and min
 * propagate NaN (wasm's min and max do), as numpy's do.
 */
import { MAX, SUM } from './ops';

export function reduce<T>(op: i32, x: usize, outer: i32, len: i32, inner: i32, out: usize, scratch: usize): void {
  const S = <usize>sizeof<T>();
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>(o * len * inner) * S;
    const dst = out + <usize>(o * inner) * S;
    if (inner == 1) store<T>(dst, op == SUM ? <T>sumRun<T>(base, len) : extremeRun<T>(op, base, len));
    else if (op == SUM) sumColumns<T>(base, len, inner, dst, scratch);
    else extremeColumns<T>(op, base, len, inner, dst);
  }
}

/** Σ x[0..n) in float64 with two vector accumulators. */
export function sumRun<T>(x: usize, n: i32): f64 {
  const S = <usize>sizeof<T>();
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let i = 0;
  if (sizeof<T>() == 4) {
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + <usize>i * S);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<u32>(v, v, 2, 3, 0, 1)));
    }
  } else {
    for (; i + 4 <= n; i += 4) {
      s0 = f64x2.add(s0, v128.load(x + <usize>i * S));
      s1 = f64x2.add(s1, v128.load(x + <usize>i * S, 16));
    }
  }
  const s = f64x2.add(s0, s1);
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++) total += <f64>load<T>(x + <usize>i * S);
  return total;
}

function extremeRun<T>(op: i32, x: usize, n: i32): T {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  let acc = v128.splat<T>(op == MAX ? <T>-Infinity : <T>Infinity);
  let i = 0;
  for (; i + L <= n; i += L) {
    const v = v128.load(x + <usize>i * S);
    acc = op == MAX ? v128.max<T>(acc, v) : v128.min<T>(acc, v);
  }
  let best: T = op == MAX ? <T>-Infinity : <T>Infinity;
  for (let l = 0; l < L; l++) best = pick<T>(op, best, lane<T>(acc, l));
  for (; i < n; i++) best = pick<T>(op, best, load<T>(x + <usize>i * S));
  return best;
}

// @ts-expect-error: decorator
@inline
function lane<T>(v: v128, l: i32): T {
  if (sizeof<T>() == 4) {
    if (l == 0) return <T>f32x4.extract_lane(v, 0);
    if (l == 1) return <T>f32x4.extract_lane(v, 1);
    if (l == 2) return <T>f32x4.extract_lane(v, 2);
    return <T>f32x4.extract_lane(v, 3);
  }
  return l == 0 ? <T>f64x2.extract_lane(v, 0) : <T>f64x2.extract_lane(v, 1);
}

// @ts-expect-error: decorator
@inline
function pick<T>(op: i32, cur: T, v: T): T {
  if (cur != cur) return cur;
  if (v != v) return v;
  return op == MAX ? (v > cur ? v : cur) : v < cur ? v : cur;
}

/** Column sums: each output column accumulates in float64, `inner` at a time in scratch. */
function sumColumns<T>(x: usize, len: i32, inner: i32, out: usize, scratch: usize): void {
  const S = <usize>sizeof<T>();
  memory.fill(scratch, 0, <usize>inner * 8);
  for (let r = 0; r < len; r++) {
    const row = x + <usize>(r * inner) * S;
    let i = 0;
    if (sizeof<T>() == 4) {
      for (; i + 4 <= inner; i += 4) {
        const v = v128.load(row + <usize>i * S);
        const at = scratch + <usize>i * 8;
        v128.store(at, f64x2.add(v128.load(at), f64x2.promote_low_f32x4(v)));
        v128.store(at, f64x2.add(v128.load(at, 16), f64x2.promote_low_f32x4(v128.shuffle<u32>(v, v, 2, 3, 0, 1))), 16);
      }
    }
    for (; i < inner; i++) {
      const at = scratch + <usize>i * 8;
      store<f64>(at, load<f64>(at) + <f64>load<T>(row + <usize>i * S));
    }
  }
  for (let i = 0; i < inner; i++) store<T>(out + <usize>i * S, <T>load<f64>(scratch + <usize>i * 8));
}

function extremeColumns<T>(op: i32, x: usize, len: i32, inner: i32, out: usize): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  const init: T = op == MAX ? <T>-Infinity : <T>Infinity;
  for (let i = 0; i < inner; i++) store<T>(out + <usize>i * S, init);
  for (let r = 0; r < len; r++) {
    const row = x + <usize>(r * inner) * S;
    let i = 0;
    for (; i + L <= inner; i += L) {
      const at = out + <usize>i * S;
      const v = v128.load(row + <usize>i * S);
      v128.store(at, op == MAX ? v128.max<T>(v128.load(at), v) : v128.min<T>(v128.load(at), v));
    }
    for (; i < inner; i++) {
      const at = out + <usize>i * S;
      store<T>(at, pick<T>(op, load<T>(at), load<T>(row + <usize>i * S)));
    }
  }
}
