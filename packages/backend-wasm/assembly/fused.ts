/*
 * The Dense layer's hot paths around gemm: bias + activation over Z in one pass, the
 * activation's backward from the saved output A, softmax, and the optimizer updates in place.
 */
import { exp4 } from './math';
import { ACT_LEAKY_RELU, ACT_RELU, ACT_SIGMOID, ACT_TANH, EXP, LEAKY_RELU, RELU, SIGMOID, TANH } from './ops';
import { sumRun } from './reduce';
import { one, vec } from './unary';

// @ts-expect-error: decorator
@inline
function unaryOf(act: i32): i32 {
  return act == ACT_SIGMOID ? SIGMOID : act == ACT_TANH ? TANH : act == ACT_RELU ? RELU : act == ACT_LEAKY_RELU ? LEAKY_RELU : -1;
}

// @ts-expect-error: decorator
@inline
function biasActRows<T>(op: i32, z: usize, rows: i32, cols: i32, b: usize, alpha: T): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  const va = v128.splat<T>(alpha);
  const vectorized = sizeof<T>() == 4 || !(op == SIGMOID || op == TANH);
  for (let r = 0; r < rows; r++) {
    const row = z + <usize>(r * cols) * S;
    const br: T = b ? load<T>(b + <usize>r * S) : <T>0;
    const vb = v128.splat<T>(br);
    let j = 0;
    if (vectorized) {
      for (; j + L <= cols; j += L) {
        const at = row + <usize>j * S;
        const v = v128.add<T>(v128.load(at), vb);
        v128.store(at, op < 0 ? v : vec<T>(op, v, va));
      }
    }
    for (; j < cols; j++) {
      const at = row + <usize>j * S;
      const v = load<T>(at) + br;
      store<T>(at, op < 0 ? v : one<T>(op, v, alpha));
    }
  }
}

/** z[r, :] = g(z[r, :] + b[r]) in place; b = 0 means no bias. */
export function biasActivation<T>(act: i32, z: usize, rows: i32, cols: i32, b: usize, alpha: T): void {
  const op = unaryOf(act);
  if (op == SIGMOID) biasActRows<T>(SIGMOID, z, rows, cols, b, alpha);
  else if (op == TANH) biasActRows<T>(TANH, z, rows, cols, b, alpha);
  else if (op == RELU) biasActRows<T>(RELU, z, rows, cols, b, alpha);
  else if (op == LEAKY_RELU) biasActRows<T>(LEAKY_RELU, z, rows, cols, b, alpha);
  else if (b) biasActRows<T>(-1, z, rows, cols, b, alpha);
}

// @ts-expect-error: decorator
@inline
function slopeRun<T>(act: i32, d: usize, a: usize, out: usize, n: i32, alpha: T): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  const one = v128.splat<T>(1);
  const zero = v128.splat<T>(0);
  const va = v128.splat<T>(alpha);
  let i = 0;
  for (; i + L <= n; i += L) {
    const at = <usize>i * S;
    const dv = v128.load(d + at);
    const av = v128.load(a + at);
    let r: v128;
    if (act == ACT_SIGMOID) r = v128.mul<T>(v128.mul<T>(dv, av), v128.sub<T>(one, av));
    else if (act == ACT_TANH) r = v128.mul<T>(dv, v128.sub<T>(one, v128.mul<T>(av, av)));
    else if (act == ACT_RELU) r = v128.bitselect(dv, zero, v128.gt<T>(av, zero));
    else if (act == ACT_LEAKY_RELU) r = v128.bitselect(dv, v128.mul<T>(va, dv), v128.gt<T>(av, zero));
    else r = dv;
    v128.store(out + at, r);
  }
  for (; i < n; i++) {
    const at = <usize>i * S;
    const dv = load<T>(d + at);
    const av = load<T>(a + at);
    let r: T;
    if (act == ACT_SIGMOID) r = dv * av * (<T>1 - av);
    else if (act == ACT_TANH) r = dv * (<T>1 - av * av);
    else if (act == ACT_RELU) r = av > 0 ? dv : <T>0;
    else if (act == ACT_LEAKY_RELU) r = av > 0 ? dv : alpha * dv;
    else r = dv;
    store<T>(out + at, r);
  }
}

/** out = dA ⊙ g'(Z), g' from the saved output A: sigmoid A(1-A), tanh 1-A², relu by A's sign. out may be dA. */
export function activationBackward<T>(act: i32, d: usize, a: usize, out: usize, n: i32, alpha: T): void {
  if (act == ACT_SIGMOID) slopeRun<T>(ACT_SIGMOID, d, a, out, n, alpha);
  else if (act == ACT_TANH) slopeRun<T>(ACT_TANH, d, a, out, n, alpha);
  else if (act == ACT_RELU) slopeRun<T>(ACT_RELU, d, a, out, n, alpha);
  else if (act == ACT_LEAKY_RELU) slopeRun<T>(ACT_LEAKY_RELU, d, a, out, n, alpha);
  else if (out != d) memory.copy(out, d, <usize>n * sizeof<T>());
}

/**
 * Softmax (or log-softmax) along the middle axis of (outer, len, inner), shifted by the maximum
 * so exp never overflows; the sum of exponentials accumulates in float64.
 */
export function softmax<T>(x: usize, outer: i32, len: i32, inner: i32, out: usize, log: bool): void {
  const S = <usize>sizeof<T>();
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = <usize>(o * len * inner + j) * S;
      const step = <usize>inner * S;
      let max: T = <T>-Infinity;
      for (let i = 0; i < len; i++) {
        const v = load<T>(x + base + <usize>i * step);
        max = v != v || max != max ? <T>NaN : v > max ? v : max;
      }
      if (inner == 1 && sizeof<T>() == 4) {
        // A contiguous row: exp four at a time into out, then the float64 sum.
        expShifted(x + base, out + base, len, <f32>max);
      } else {
        for (let i = 0; i < len; i++) {
          const at = base + <usize>i * step;
          store<T>(out + at, <T>one<T>(EXP, load<T>(x + at) - max, <T>0));
        }
      }
      let total: f64 = 0;
      if (inner == 1) total = sumRun<T>(out + base, len);
      else for (let i = 0; i < len; i++) total += <f64>load<T>(out + base + <usize>i * step);
      if (log) {
        const lt = <T>Math.log(total);
        for (let i = 0; i < len; i++) {
          const at = base + <usize>i * step;
          store<T>(out + at, load<T>(x + at) - max - lt);
        }
      } else {
        const inv = 1 / total;
        for (let i = 0; i < len; i++) {
          const at = out + base + <usize>i * step;
          store<T>(at, <T>(<f64>load<T>(at) * inv));
        }
      }
    }
  }
}

function expShifted(x: usize, out: usize, n: i32, max: f32): void {
  const vm = f32x4.splat(max);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + <usize>i * 4, exp4(f32x4.sub(v128.load(x + <usize>i * 4), vm)));
  for (; i < n; i++) store<f32>(out + <usize>i * 4, <f32>one<f32>(EXP, load<f32>(x + <usize>i * 4) - max, 0));
}

/** param -= lr·grad, in place. */
export function sgdUpdate<T>(param: usize, grad: usize, n: i32, lr: T): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  const vlr = v128.splat<T>(lr);
  let i = 0;
  for (; i + L <= n; i += L) {
    const at = <usize>i * S;
    v128.store(param + at, v128.sub<T>(v128.load(param + at), v128.mul<T>(vlr, v128.load(grad + at))));
  }
  for (; i < n; i++) {
    const at = <usize>i * S;
    store<T>(param + at, load<T>(param + at) - lr * load<T>(grad + at));
  }
}

/**
 * Adam with bias correction (c1 = 1 - beta1^t, c2 = 1 - beta2^t), in place on param, m and v.
 * The caller passes 1 - beta1 and 1 - beta2 (one1, one2) computed in float64: in float32,
 * 1 - fround(0.999) is 1e-5 off 0.001, a bias the js backend does not have.
 */
export function adamUpdate<T>(param: usize, grad: usize, m: usize, v: usize, n: i32, lr: T, beta1: T, beta2: T, one1: T, one2: T, eps: T, c1: T, c2: T): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  const b1 = v128.splat<T>(beta1), nb1 = v128.splat<T>(one1);
  const b2 = v128.splat<T>(beta2), nb2 = v128.splat<T>(one2);
  const vlr = v128.splat<T>(lr), ve = v128.splat<T>(eps), vc1 = v128.splat<T>(c1), vc2 = v128.splat<T>(c2);
  let i = 0;
  for (; i + L <= n; i += L) {
    const at = <usize>i * S;
    const g = v128.load(grad + at);
    const mi = v128.add<T>(v128.mul<T>(b1, v128.load(m + at)), v128.mul<T>(nb1, g));
    const vi = v128.add<T>(v128.mul<T>(b2, v128.load(v + at)), v128.mul<T>(v128.mul<T>(nb2, g), g));
    v128.store(m + at, mi);
    v128.store(v + at, vi);
    const step = v128.div<T>(v128.mul<T>(vlr, v128.div<T>(mi, vc1)), v128.add<T>(v128.sqrt<T>(v128.div<T>(vi, vc2)), ve));
    v128.store(param + at, v128.sub<T>(v128.load(param + at), step));
  }
  for (; i < n; i++) {
    const at = <usize>i * S;
    const g = load<T>(grad + at);
    const mi = beta1 * load<T>(m + at) + one1 * g;
    const vi = beta2 * load<T>(v + at) + one2 * g * g;
    store<T>(m + at, mi);
    store<T>(v + at, vi);
    store<T>(param + at, load<T>(param + at) - (lr * (mi / c1)) / (<T>Math.sqrt(<f64>(vi / c2)) + eps));
  }
}
