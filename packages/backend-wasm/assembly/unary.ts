/*
 * Unary ops and activations, four float32 or two float64 lanes at a time. One loop per op
 * (the op is a constant once `run` is inlined), so no switch runs per element.
 */
import { exp1, exp4, log1, log4, sigmoid1, sigmoid4, tanh1, tanh4 } from './math';
import { ABS, EXP, LEAKY_RELU, LOG, NEG, RELU, SIGMOID, SIGN, SQRT, SQUARE, TANH } from './ops';

// @ts-expect-error: decorator
@inline
export function vec<T>(op: i32, v: v128, alpha: v128): v128 {
  const zero = v128.splat<T>(0);
  const one = v128.splat<T>(1);
  if (op == NEG) return v128.neg<T>(v);
  if (op == ABS) return v128.abs<T>(v);
  if (op == SQRT) return v128.sqrt<T>(v);
  if (op == SQUARE) return v128.mul<T>(v, v);
  if (op == SIGN) {
    // 1 for v > 0, -1 for v < 0, v itself otherwise (0, -0 and NaN).
    const s = v128.bitselect(one, v, v128.gt<T>(v, zero));
    return v128.bitselect(v128.neg<T>(one), s, v128.lt<T>(v, zero));
  }
  // v < 0 ? 0 : v keeps NaN, as numpy's maximum(0, NaN) does.
  if (op == RELU) return v128.bitselect(zero, v, v128.lt<T>(v, zero));
  if (op == LEAKY_RELU) return v128.bitselect(v128.mul<T>(alpha, v), v, v128.lt<T>(v, zero));
  if (sizeof<T>() == 4) {
    if (op == EXP) return exp4(v);
    if (op == LOG) return log4(v);
    if (op == SIGMOID) return sigmoid4(v);
    if (op == TANH) return tanh4(v);
  }
  return v;
}

// @ts-expect-error: decorator
@inline
export function one<T>(op: i32, v: T, alpha: T): T {
  if (sizeof<T>() == 4) {
    const f = <f32>v;
    if (op == EXP) return <T>exp1(f);
    if (op == LOG) return <T>log1(f);
    if (op == SIGMOID) return <T>sigmoid1(f);
    if (op == TANH) return <T>tanh1(f);
  } else {
    const d = <f64>v;
    if (op == EXP) return <T>Math.exp(d);
    if (op == LOG) return <T>Math.log(d);
    // Never NaN: e^1000 is inf and 1 / inf is exactly 0.
    if (op == SIGMOID) return <T>(1 / (1 + Math.exp(-d)));
    if (op == TANH) return <T>Math.tanh(d);
  }
  if (op == NEG) return -v;
  if (op == ABS) return <T>Math.abs(<f64>v);
  if (op == SQRT) return <T>Math.sqrt(<f64>v);
  if (op == SQUARE) return v * v;
  if (op == SIGN) return v > 0 ? <T>1 : v < 0 ? <T>-1 : v;
  if (op == RELU) return v < 0 ? <T>0 : v;
  if (op == LEAKY_RELU) return v < 0 ? alpha * v : v;
  return v;
}

/** float64 transcendentals have no vector form here: scalar libm per element. */
// @ts-expect-error: decorator
@inline
function scalarOnly<T>(op: i32): bool {
  return sizeof<T>() == 8 && (op == EXP || op == LOG || op == SIGMOID || op == TANH);
}

// @ts-expect-error: decorator
@inline
function run<T>(op: i32, x: usize, out: usize, n: i32, alpha: T): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  const va = v128.splat<T>(alpha);
  let i = 0;
  if (!scalarOnly<T>(op)) {
    for (; i + L <= n; i += L) {
      const at = <usize>i * S;
      v128.store(out + at, vec<T>(op, v128.load(x + at), va));
    }
  }
  for (; i < n; i++) {
    const at = <usize>i * S;
    store<T>(out + at, one<T>(op, load<T>(x + at), alpha));
  }
}

export function unary<T>(op: i32, x: usize, out: usize, n: i32, alpha: T): void {
  switch (op) {
    case NEG: run<T>(NEG, x, out, n, alpha); break;
    case ABS: run<T>(ABS, x, out, n, alpha); break;
    case EXP: run<T>(EXP, x, out, n, alpha); break;
    case LOG: run<T>(LOG, x, out, n, alpha); break;
    case SQRT: run<T>(SQRT, x, out, n, alpha); break;
    case SQUARE: run<T>(SQUARE, x, out, n, alpha); break;
    case SIGN: run<T>(SIGN, x, out, n, alpha); break;
    case SIGMOID: run<T>(SIGMOID, x, out, n, alpha); break;
    case TANH: run<T>(TANH, x, out, n, alpha); break;
    case RELU: run<T>(RELU, x, out, n, alpha); break;
    case LEAKY_RELU: run<T>(LEAKY_RELU, x, out, n, alpha); break;
  }
}

/** x clamped to [lo, hi] exactly as the js backend: x < lo ? lo : x > hi ? hi : x (NaN stays). */
export function clip<T>(x: usize, lo: T, hi: T, out: usize, n: i32): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  const vlo = v128.splat<T>(lo);
  const vhi = v128.splat<T>(hi);
  let i = 0;
  for (; i + L <= n; i += L) {
    const at = <usize>i * S;
    const v = v128.load(x + at);
    v128.store(out + at, v128.bitselect(vlo, v128.bitselect(vhi, v, v128.gt<T>(v, vhi)), v128.lt<T>(v, vlo)));
  }
  for (; i < n; i++) {
    const v = load<T>(x + <usize>i * S);
    store<T>(out + <usize>i * S, v < lo ? lo : v > hi ? hi : v);
  }
}
