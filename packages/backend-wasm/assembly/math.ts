/*
 * float32 exp, log, tanh and sigmoid on four lanes at once (Cephes' polynomials, ~1-2 ulp),
 * with the edges of the scalar functions: exp(+inf) = inf, exp(-inf) = 0, log(0) = -inf,
 * log(x < 0) = NaN, NaN in gives NaN out; exp flushes results below FLT_MIN (x < -87.34) to 0. float64 uses AssemblyScript's scalar Math (a port of
 * musl's libm): no vector polynomial reaches 1e-12 cheaply.
 */

// @ts-expect-error: decorator
@inline
export function exp4(x: v128): v128 {
  const big = f32x4.gt(x, f32x4.splat(88.72283)); // e^x overflows float32 past ln(FLT_MAX)
  const t = f32x4.max(f32x4.min(x, f32x4.splat(88.3762626647949)), f32x4.splat(-87.3365447505531));
  const n = f32x4.nearest(f32x4.mul(t, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(t, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  // 2^n through the exponent bits; n is in [-126, 127] after the clamp.
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  const y = f32x4.mul(p, scale);
  // Below ln(FLT_MIN) the result would be subnormal: flushed to 0 (within 1.2e-38 of the truth).
  const small = f32x4.lt(x, f32x4.splat(-87.3365447505531));
  return v128.bitselect(f32x4.splat(Infinity), v128.andnot(y, small), big);
}

// @ts-expect-error: decorator
@inline
export function log4(x: v128): v128 {
  // Subnormals: scale into the normal range first, and take 23 off the exponent.
  const tiny = f32x4.lt(x, f32x4.splat(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608)), x, tiny);
  const bits = xs;
  let e = i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126));
  e = v128.bitselect(i32x4.sub(e, i32x4.splat(23)), e, tiny);
  // Mantissa in [0.5, 1).
  let m = v128.or(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  const low = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  e = v128.bitselect(i32x4.sub(e, i32x4.splat(1)), e, low);
  m = f32x4.sub(v128.bitselect(f32x4.add(m, m), m, low), f32x4.splat(1));
  const fe = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(m, m);
  let y = f32x4.splat(7.0376836292e-2);
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.1514610310e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(1.1676998740e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.2420140846e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(1.4249322787e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.6668057665e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(2.0000714765e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-2.4999993993e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, m), z);
  y = f32x4.add(y, f32x4.mul(fe, f32x4.splat(-2.12194440e-4)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  let r = f32x4.add(f32x4.add(m, y), f32x4.mul(fe, f32x4.splat(0.693359375)));
  // The edges: log(0) = -inf, log(x < 0) = NaN, log(inf) = inf, NaN stays NaN.
  r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x, f32x4.splat(0)));
  r = v128.bitselect(f32x4.splat(NaN), r, v128.or(f32x4.lt(x, f32x4.splat(0)), f32x4.ne(x, x)));
  return v128.bitselect(x, r, f32x4.eq(x, f32x4.splat(Infinity)));
}

// @ts-expect-error: decorator
@inline
export function sigmoid4(x: v128): v128 {
  // exp(-x) overflows to inf for x < -88.7, and 1 / inf is exactly 0: never NaN.
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

// @ts-expect-error: decorator
@inline
export function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  // |x| > 0.625: 1 - 2 / (e^2|x| + 1), with the sign put back; exp4's inf gives exactly 1.
  const e = exp4(f32x4.add(ax, ax));
  const one = f32x4.splat(1);
  const far = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(e, one)));
  const signed = v128.or(far, v128.and(x, i32x4.splat(0x80000000)));
  // |x| <= 0.625: an odd polynomial, accurate where the formula above cancels.
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const near = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  // ax > 0.625 is false for NaN: the polynomial passes NaN through.
  return v128.bitselect(signed, near, f32x4.gt(ax, f32x4.splat(0.625)));
}

// The same functions on one lane, for the tails of arrays whose length is not a multiple of 4.
// @ts-expect-error: decorator
@inline
export function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}
// @ts-expect-error: decorator
@inline
export function log1(x: f32): f32 {
  return f32x4.extract_lane(log4(f32x4.splat(x)), 0);
}
// @ts-expect-error: decorator
@inline
export function sigmoid1(x: f32): f32 {
  return f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 0);
}
// @ts-expect-error: decorator
@inline
export function tanh1(x: f32): f32 {
  return f32x4.extract_lane(tanh4(f32x4.splat(x)), 0);
}
