/*
 * Binary ops and `where` over runs: `outer` runs of `n` elements; each operand advances by its
 * own outer stride between runs and by 1 or 0 (broadcast) inside one. That covers equal shapes,
 * scalars, (m, n) with (1, n) or (m, 1), and outer products; the TypeScript side collapses
 * shapes into this form and keeps anything else on the js backend.
 */
import { ADD, DIV, EQUAL, GREATER, GREATER_EQUAL, LESS, LESS_EQUAL, MAXIMUM, MINIMUM, MUL, NOT_EQUAL, POW, SUB } from './ops';

// @ts-expect-error: decorator
@inline
function vec<T>(op: i32, a: v128, b: v128): v128 {
  const one = v128.splat<T>(1);
  if (op == ADD) return v128.add<T>(a, b);
  if (op == SUB) return v128.sub<T>(a, b);
  if (op == MUL) return v128.mul<T>(a, b);
  if (op == DIV) return v128.div<T>(a, b);
  // wasm's min and max return NaN when either side is NaN, as numpy's maximum does.
  if (op == MAXIMUM) return v128.max<T>(a, b);
  if (op == MINIMUM) return v128.min<T>(a, b);
  if (op == EQUAL) return v128.and(v128.eq<T>(a, b), one);
  if (op == NOT_EQUAL) return v128.and(v128.ne<T>(a, b), one);
  if (op == LESS) return v128.and(v128.lt<T>(a, b), one);
  if (op == LESS_EQUAL) return v128.and(v128.le<T>(a, b), one);
  if (op == GREATER) return v128.and(v128.gt<T>(a, b), one);
  return v128.and(v128.ge<T>(a, b), one);
}

/**
 * IEEE 754's pow, as numpy and the other backends have it: 1^y = 1 and x^0 = 1 for every x
 * and y, NaN included, and (−1)^±∞ = 1 (Math.pow here follows JavaScript's **, NaN for those).
 */
// @ts-expect-error: decorator
@inline
function ieeePow(a: f64, b: f64): f64 {
  if (a == 1.0 || b == 0.0 || (Math.abs(a) == 1.0 && Math.abs(b) == Infinity)) return 1.0;
  return Math.pow(a, b);
}

// @ts-expect-error: decorator
@inline
function one<T>(op: i32, a: T, b: T): T {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  if (op == DIV) return a / b;
  // In float64 and rounded once, like JavaScript's ** on float32 data.
  if (op == POW) return <T>ieeePow(<f64>a, <f64>b);
  if (op == MAXIMUM) return a > b || a != a ? a : b;
  if (op == MINIMUM) return a < b || a != a ? a : b;
  if (op == EQUAL) return a == b ? <T>1 : <T>0;
  if (op == NOT_EQUAL) return a != b ? <T>1 : <T>0;
  if (op == LESS) return a < b ? <T>1 : <T>0;
  if (op == LESS_EQUAL) return a <= b ? <T>1 : <T>0;
  if (op == GREATER) return a > b ? <T>1 : <T>0;
  return a >= b ? <T>1 : <T>0;
}

// @ts-expect-error: decorator
@inline
function runs<T>(op: i32, a: usize, ao: i32, ai: i32, b: usize, bo: i32, bi: i32, out: usize, outer: i32, n: i32): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  const simd = op != POW;
  for (let r = 0; r < outer; r++) {
    const pa = a + <usize>(r * ao) * S;
    const pb = b + <usize>(r * bo) * S;
    const po = out + <usize>(r * n) * S;
    let i = 0;
    if (simd) {
      if (ai == 1 && bi == 1) {
        for (; i + L <= n; i += L) v128.store(po + <usize>i * S, vec<T>(op, v128.load(pa + <usize>i * S), v128.load(pb + <usize>i * S)));
      } else if (ai == 1) {
        const vb = v128.splat<T>(load<T>(pb));
        for (; i + L <= n; i += L) v128.store(po + <usize>i * S, vec<T>(op, v128.load(pa + <usize>i * S), vb));
      } else if (bi == 1) {
        const va = v128.splat<T>(load<T>(pa));
        for (; i + L <= n; i += L) v128.store(po + <usize>i * S, vec<T>(op, va, v128.load(pb + <usize>i * S)));
      }
    }
    for (; i < n; i++) {
      store<T>(po + <usize>i * S, one<T>(op, load<T>(pa + <usize>(i * ai) * S), load<T>(pb + <usize>(i * bi) * S)));
    }
  }
}

export function binary<T>(op: i32, a: usize, ao: i32, ai: i32, b: usize, bo: i32, bi: i32, out: usize, outer: i32, n: i32): void {
  switch (op) {
    case ADD: runs<T>(ADD, a, ao, ai, b, bo, bi, out, outer, n); break;
    case SUB: runs<T>(SUB, a, ao, ai, b, bo, bi, out, outer, n); break;
    case MUL: runs<T>(MUL, a, ao, ai, b, bo, bi, out, outer, n); break;
    case DIV: runs<T>(DIV, a, ao, ai, b, bo, bi, out, outer, n); break;
    case POW: runs<T>(POW, a, ao, ai, b, bo, bi, out, outer, n); break;
    case MAXIMUM: runs<T>(MAXIMUM, a, ao, ai, b, bo, bi, out, outer, n); break;
    case MINIMUM: runs<T>(MINIMUM, a, ao, ai, b, bo, bi, out, outer, n); break;
    case EQUAL: runs<T>(EQUAL, a, ao, ai, b, bo, bi, out, outer, n); break;
    case NOT_EQUAL: runs<T>(NOT_EQUAL, a, ao, ai, b, bo, bi, out, outer, n); break;
    case LESS: runs<T>(LESS, a, ao, ai, b, bo, bi, out, outer, n); break;
    case LESS_EQUAL: runs<T>(LESS_EQUAL, a, ao, ai, b, bo, bi, out, outer, n); break;
    case GREATER: runs<T>(GREATER, a, ao, ai, b, bo, bi, out, outer, n); break;
    case GREATER_EQUAL: runs<T>(GREATER_EQUAL, a, ao, ai, b, bo, bi, out, outer, n); break;
  }
}

/** out = cond != 0 ? a : b over runs; NaN conditions pick a, as `NaN !== 0` does. */
export function where<T>(c: usize, co: i32, ci: i32, a: usize, ao: i32, ai: i32, b: usize, bo: i32, bi: i32, out: usize, outer: i32, n: i32): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  const zero = v128.splat<T>(0);
  for (let r = 0; r < outer; r++) {
    const pc = c + <usize>(r * co) * S;
    const pa = a + <usize>(r * ao) * S;
    const pb = b + <usize>(r * bo) * S;
    const po = out + <usize>(r * n) * S;
    let i = 0;
    if (ci == 1 && ai == 1 && bi == 1) {
      for (; i + L <= n; i += L) {
        const at = <usize>i * S;
        v128.store(po + at, v128.bitselect(v128.load(pa + at), v128.load(pb + at), v128.ne<T>(v128.load(pc + at), zero)));
      }
    }
    for (; i < n; i++) {
      const v = load<T>(pc + <usize>(i * ci) * S);
      store<T>(po + <usize>i * S, v != 0 ? load<T>(pa + <usize>(i * ai) * S) : load<T>(pb + <usize>(i * bi) * S));
    }
  }
}
