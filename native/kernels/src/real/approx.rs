//! Branch-free exp (f64) and log (for f32 results) that LLVM vectorizes, in place of libm's
//! one call per element. They use +, −, ×, ÷, bit moves and `mul_add` in the polynomials
//! (one rounding, and a quarter fewer instructions than × then +); `mul_add` is correctly
//! rounded on every ISA copy of a loop, so results do not depend on the CPU.

/// 1.5·2^52: adding it to |t| < 2^51 leaves round(t) in the low mantissa bits.
const SHIFT: f64 = 6_755_399_441_055_744.0;
/// ln 2 split as fdlibm does: LN2_HI has 32 trailing zero bits, so k·LN2_HI is exact for
/// |k| < 2^20, and LN2_HI + LN2_LO is ln 2 to about 1e-27.
const LN2_HI: f64 = 6.931_471_803_691_238e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;

/// 2^k for an integer-valued k with k + 1023 in [1, 2046], from the bits of k + SHIFT.
#[inline(always)]
fn pow2(k: f64) -> f64 {
    // (bits of k + SHIFT) + 1023 ends in k + 1023 (mod 4096): shifted into the exponent field.
    f64::from_bits((k + SHIFT).to_bits().wrapping_add(1023) << 52)
}

/// e^x in f64, faithfully rounded (error below 0.8 ulp, so the result is one of the two
/// doubles around the exact value; glibc's exp is one of the same two, so the two differ by
/// at most one ulp).
///
/// x = k·ln2 + r with |r| <= ln2/2. r is kept as r + r_lo (a double-double: k·LN2_HI is exact
/// and the rounding error of subtracting k·LN2_LO is recovered), and e^r = (1 + r) + r²·Q(r),
/// with 1 + r also split into hi + lo, so the only roundings of full size are the final
/// addition (0.5 ulp) and the small terms (about 0.3 ulp together: r²·Q <= 0.067 carries
/// ~3 roundings of its own size). Q is e^r's Taylor series from r² on, to r^13: the
/// truncation is r^14/14! < 4e-18, 0.02 ulp. 2^k is applied in two halves, so results in the
/// subnormal range are rounded once, like libm's. x is clamped to [-746, 710] first (beyond,
/// e^x is 0 or infinity in f64 anyway); NaN passes through.
#[inline(always)]
pub fn exp_f64(x: f64) -> f64 {
    let x = x.clamp(-746.0, 710.0);
    let k = (x * std::f64::consts::LOG2_E + SHIFT) - SHIFT;
    let r_hi = x - k * LN2_HI;
    let c = k * LN2_LO;
    let r = r_hi - c;
    let r_lo = (r_hi - r) - c;
    let mut q: f64 = 1.0 / 6_227_020_800.0;
    for coef in [
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
    ] {
        q = q.mul_add(r, coef);
    }
    let hi = 1.0 + r;
    let lo = (1.0 - hi) + r;
    // e^(r + r_lo) = e^r·(1 + r_lo) to 2^-106: r_lo·e^r, with e^r's leading terms.
    let p = hi + (lo + (r * r * q + r_lo * hi));
    // k = k1 + k2 with both halves inside the normal exponent range for any clamped x.
    let k1 = (k * 0.5 + SHIFT) - SHIFT;
    let k2 = k - k1;
    p * pow2(k1) * pow2(k2)
}

/// x = 2^e·m with m in [√½, √2), for a positive normal x (anything else gives values that
/// `ln_or_edge` discards). The exponent comes out as a float, without an integer conversion
/// (none vectorizes on AVX2): 2^52 + field has the field in its low bits.
#[inline(always)]
fn split(x: f64) -> (f64, f64) {
    const MANTISSA: u64 = (1 << 52) - 1;
    let bits = x.to_bits();
    let m = f64::from_bits((bits & MANTISSA) | (1023 << 52));
    let field = f64::from_bits((bits >> 52) | (0x433 << 52)) - 4_503_599_627_370_496.0;
    let big = m > std::f64::consts::SQRT_2;
    let m = if big { m * 0.5 } else { m };
    (m, field - 1023.0 + if big { 1.0 } else { 0.0 })
}

/// `y`, the logarithm computed for a positive finite x; for the other x, ln's values there:
/// 0 and −0 give −∞, negatives and NaN give NaN, +∞ gives +∞. Selected, not branched.
#[inline(always)]
fn ln_or_edge(x: f64, y: f64) -> f64 {
    if x > 0.0 && x < f64::INFINITY {
        y
    } else if x == 0.0 {
        f64::NEG_INFINITY
    } else if x > 0.0 {
        x
    } else {
        f64::NAN
    }
}

/// ln x for an f32 x (widened to f64, where every f32, subnormals included, is normal),
/// within 1e-15 relative of the exact value, so the f32 result is correctly rounded except
/// when ln x lies within 1e-15 of a midpoint between two f32s.
///
/// x = 2^e·m with m in [√½, √2); ln m = 2·atanh(s) = 2(s + s³/3 + s⁵/5 + ...) for
/// s = (m − 1)/(m + 1), |s| <= 0.1716, summed to s^21 (the first term left out, 2s·s²^11/23, is below 1e-18 relative). m − 1 is
/// exact (Sterbenz). When e ≠ 0, |e·ln2| >= 0.69 > 2|ln m|, so the sum does not cancel.
/// 0 and −0 give −∞, negatives and NaN give NaN, +∞ gives +∞.
#[inline(always)]
pub fn ln_for_f32(x: f64) -> f64 {
    let (m, e) = split(x);
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut p: f64 = 1.0 / 21.0;
    for coef in [
        1.0 / 19.0,
        1.0 / 17.0,
        1.0 / 15.0,
        1.0 / 13.0,
        1.0 / 11.0,
        1.0 / 9.0,
        1.0 / 7.0,
        1.0 / 5.0,
        1.0 / 3.0,
    ] {
        p = p.mul_add(s2, coef);
    }
    let ln_m = 2.0 * s + 2.0 * s * s2 * p;
    ln_or_edge(x, e * LN2_HI + (e * LN2_LO + ln_m))
}

/// ln x in f64, under 1 ulp from the exact value (fdlibm's e_log.c, whose bound this is, made
/// branch-free so that the loop vectorizes: glibc's log is one call per element, 4.2 ms for
/// 1M doubles on two Zen 4 cores). x = 2^k·m with m in [√2/2, √2), f = m − 1 (exact),
/// s = f/(2 + f), and ln m = f − f²/2 + s·(f²/2 + R(s²)) with fdlibm's minimax R (|error| <
/// 2^-58.45 on this range). Subnormal x are scaled by 2^54 first. 0 and −0 give −∞, negatives
/// and NaN give NaN, +∞ gives +∞.
#[inline(always)]
pub fn ln_f64(x: f64) -> f64 {
    const LG: [f64; 7] = [
        6.666_666_666_666_735e-1,
        3.999_999_999_940_942e-1,
        2.857_142_874_366_239e-1,
        2.222_219_843_214_978_4e-1,
        1.818_357_216_161_805e-1,
        1.531_383_769_920_937_3e-1,
        1.479_819_860_511_658_6e-1,
    ];
    let sub = x < f64::MIN_POSITIVE;
    let (m, e) = split(if sub { x * 18_014_398_509_481_984.0 } else { x }); // 2^54
    let k = e - if sub { 54.0 } else { 0.0 };
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * w.mul_add(w.mul_add(LG[5], LG[3]), LG[1]);
    let t2 = z * w.mul_add(w.mul_add(w.mul_add(LG[6], LG[4]), LG[2]), LG[0]);
    let r = t2 + t1;
    ln_or_edge(x, s * (hfsq + r) + k * LN2_LO - hfsq + f + k * LN2_HI)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ulps, Lcg};

    /// exp_f64 is faithful (< 1 ulp from the exact value) and glibc's exp is within 0.5 ulp
    /// and a hair, so both are one of the two doubles around e^x: at most 1 apart.
    #[test]
    fn exp_f64_is_within_one_ulp_of_libm_everywhere() {
        let mut worst = (0, 0.0);
        let mut check = |x: f64| {
            let d = ulps(exp_f64(x), x.exp());
            if d > worst.0 {
                worst = (d, x);
            }
        };
        // Every 1e-4 across the whole finite range, subnormal results included...
        for i in -7_452_000..=7_098_000 {
            check(i as f64 * 1e-4);
        }
        // ...and random points at every scale, down to tiny |x| where e^x = 1 + x.
        let mut g = Lcg(19);
        for _ in 0..1_000_000 {
            let v = g.next();
            check(v * 745.0);
            check(v * 1e-3);
            check(v * 1e-12);
        }
        assert!(worst.0 <= 1, "{} ulps at x = {}", worst.0, worst.1);
    }

    #[test]
    fn exp_f64_edges() {
        assert_eq!(exp_f64(0.0), 1.0);
        assert_eq!(exp_f64(-0.0), 1.0);
        assert_eq!(exp_f64(f64::from_bits(1)), 1.0);
        assert_eq!(exp_f64(-f64::MIN_POSITIVE), 1.0);
        assert_eq!(exp_f64(1.0), std::f64::consts::E);
        assert_eq!(exp_f64(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp_f64(f64::NEG_INFINITY), 0.0);
        assert!(exp_f64(f64::NAN).is_nan());
        // The largest x whose e^x is finite, and the first that overflows.
        assert_eq!(exp_f64(709.782712893384), 709.782712893384f64.exp());
        assert_eq!(exp_f64(709.7828), f64::INFINITY);
        assert_eq!(exp_f64(1e300), f64::INFINITY);
        // Subnormal results, the smallest one, and underflow to 0.
        assert!(ulps(exp_f64(-740.0), (-740.0f64).exp()) <= 1);
        assert_eq!(exp_f64(-745.1), (-745.1f64).exp());
        assert_eq!(exp_f64(-745.2), 0.0);
        assert_eq!(exp_f64(-1e300), 0.0);
    }

    /// Against f64's ln of the same value: relative error below 1e-15 (the documented bound,
    /// plus glibc's own half ulp, 1.1e-16), and the f32 result equal to the correctly rounded
    /// one, or next to it when ln x is that close to a midpoint.
    #[test]
    fn ln_for_f32_matches_libm_over_every_binade() {
        let mut worst = 0.0f64;
        // Every 4099th positive f32 bit pattern: subnormals, every binade, up to f32::MAX.
        for b in (1u32..0x7f80_0000)
            .step_by(4099)
            .chain([1, 0x7f7f_ffff, 0x3f80_0001])
        {
            let x = f32::from_bits(b);
            let exact = (x as f64).ln();
            let got = ln_for_f32(x as f64);
            if exact != 0.0 {
                worst = worst.max(((got - exact) / exact).abs());
            }
            let (g, w) = (got as f32, exact as f32);
            assert!(
                (g.to_bits() as i64 - w.to_bits() as i64).abs() <= 1,
                "ln({x}) = {g}, want {w}"
            );
        }
        assert!(worst < 1e-15, "worst relative error {worst}");
        // Around 1, where ln x -> 0 and only the relative error counts.
        for i in 1..=100_000 {
            for x in [1.0 + i as f64 * 1e-7, 1.0 - i as f64 * 1e-7] {
                let x = x as f32 as f64;
                let exact = x.ln();
                if exact != 0.0 {
                    let rel = ((ln_for_f32(x) - exact) / exact).abs();
                    assert!(rel < 1e-15, "ln({x}): relative error {rel}");
                }
            }
        }
    }

    #[test]
    fn ln_for_f32_edges() {
        assert_eq!(ln_for_f32(1.0), 0.0);
        assert_eq!(ln_for_f32(0.0), f64::NEG_INFINITY);
        assert_eq!(ln_for_f32(-0.0), f64::NEG_INFINITY);
        assert_eq!(ln_for_f32(f64::INFINITY), f64::INFINITY);
        assert!(ln_for_f32(-1.0).is_nan());
        assert!(ln_for_f32(f64::NEG_INFINITY).is_nan());
        assert!(ln_for_f32(f64::NAN).is_nan());
        let tiny = f32::from_bits(1) as f64;
        assert_eq!(ln_for_f32(tiny) as f32, tiny.ln() as f32);
        assert_eq!(ln_for_f32(2.0), std::f64::consts::LN_2);
    }

    /// ln_f64 is under 1 ulp from the exact value and glibc's log within 0.5 ulp and a hair, so
    /// both are one of the two doubles around ln x: at most 1 apart, over every binade (subnormals
    /// included) and densely around 1, where ln x -> 0.
    #[test]
    fn ln_f64_is_within_one_ulp_of_libm_everywhere() {
        let mut worst = (0, 0.0);
        let mut check = |x: f64| {
            let (got, want) = (ln_f64(x), x.ln());
            let d = if want == 0.0 {
                u64::from(got != 0.0)
            } else {
                ulps(got, want)
            };
            if d > worst.0 {
                worst = (d, x);
            }
        };
        for b in (1u64..0x7ff0_0000_0000_0000).step_by(0x0000_0100_0000_0007) {
            check(f64::from_bits(b));
        }
        let mut g = Lcg(23);
        for _ in 0..1_000_000 {
            let v = g.next().abs();
            check(1.0 + v * 1e-3);
            check(1.0 - v * 1e-3);
            check(1.0 + v * 1e-12);
            check(0.5 + v);
            check(v * 1e300);
            check(v * 1e-310);
        }
        assert!(worst.0 <= 1, "{} ulps at x = {:e}", worst.0, worst.1);
    }

    #[test]
    fn ln_f64_edges() {
        assert_eq!(ln_f64(1.0), 0.0);
        assert_eq!(ln_f64(2.0), std::f64::consts::LN_2);
        assert!(ulps(ln_f64(std::f64::consts::E), 1.0) <= 1);
        assert_eq!(ln_f64(0.0), f64::NEG_INFINITY);
        assert_eq!(ln_f64(-0.0), f64::NEG_INFINITY);
        assert_eq!(ln_f64(f64::INFINITY), f64::INFINITY);
        assert!(ln_f64(-1.0).is_nan());
        assert!(ln_f64(-f64::from_bits(1)).is_nan());
        assert!(ln_f64(f64::NEG_INFINITY).is_nan());
        assert!(ln_f64(f64::NAN).is_nan());
        assert!(ulps(ln_f64(f64::from_bits(1)), f64::from_bits(1).ln()) <= 1);
        assert!(ulps(ln_f64(f64::MAX), f64::MAX.ln()) <= 1);
        assert!(ulps(ln_f64(f64::MIN_POSITIVE), f64::MIN_POSITIVE.ln()) <= 1);
    }
}
