//! erf and erfc, and the activations built on them and on exp (elu, selu, gelu, softplus,
//! silu) with their slopes, in f64 (f32 kernels round the result). The same formulas as the
//! TypeScript backend (packages/tensor/src/backends/js/special.ts), which is the specification.
//!
//! erf/erfc follow the rational approximations of fdlibm's s_erf.c (Sun Microsystems, 1993,
//! freely distributable): x + x·P/Q near 0, c + P1(s)/Q1(s) around 1, and
//! erfc(x) = exp(−x² − 0.5625 + R/S)/x beyond 1.25, with −x² split as −z² + (z − x)(z + x)
//! for a z with a short mantissa so that the large exp argument is exact.

// The coefficients as fdlibm prints them (more digits than f64 holds; they round to its values).
#![allow(clippy::excessive_precision)]

const ERX: f64 = 8.45062911510467529297e-1;
const EFX: f64 = 1.28379167095512586316e-1;
const PP: [f64; 5] = [
    1.28379167095512558561e-1,
    -3.25042107247001499370e-1,
    -2.84817495755985104766e-2,
    -5.77027029648944159157e-3,
    -2.37630166566501626084e-5,
];
const QQ: [f64; 5] = [
    3.97917223959155352819e-1,
    6.50222499887672944485e-2,
    5.08130628187576562776e-3,
    1.32494738004321644526e-4,
    -3.96022827877536812320e-6,
];
const PA: [f64; 7] = [
    -2.36211856075265944077e-3,
    4.14856118683748331666e-1,
    -3.72207876035701323847e-1,
    3.18346619901161753674e-1,
    -1.10894694282396677476e-1,
    3.54783043256182359371e-2,
    -2.16637559486879084300e-3,
];
const QA: [f64; 6] = [
    1.06420880400844228286e-1,
    5.40397917702171048937e-1,
    7.18286544141962662868e-2,
    1.26171219808761642112e-1,
    1.36370839120290507362e-2,
    1.19844998467991074170e-2,
];
const RA: [f64; 8] = [
    -9.86494403484714822705e-3,
    -6.93858572707181764372e-1,
    -1.05586262253232909814e1,
    -6.23753324503260060396e1,
    -1.62396669462573470355e2,
    -1.84605092906711035994e2,
    -8.12874355063065934246e1,
    -9.81432934416914548592,
];
const SA: [f64; 8] = [
    1.96512716674392571292e1,
    1.37657754143519042600e2,
    4.34565877475229228821e2,
    6.45387271733267880336e2,
    4.29008140027567833386e2,
    1.08635005541779435134e2,
    6.57024977031928170135,
    -6.04244152148580987438e-2,
];
const RB: [f64; 7] = [
    -9.86494292470009928597e-3,
    -7.99283237680523006574e-1,
    -1.77579549177547519889e1,
    -1.60636384855821916062e2,
    -6.37566443368389627722e2,
    -1.02509513161107724954e3,
    -4.83519191608651397019e2,
];
const SB: [f64; 7] = [
    3.03380607434824582924e1,
    3.25792512996573918826e2,
    1.53672958608443695994e3,
    3.19985821950859553908e3,
    2.55305040643316442583e3,
    4.74528541206955367215e2,
    -2.24409524465858183362e1,
];

/// c[0] + t·c[1] + t²·c[2] + ... (Horner).
#[inline(always)]
fn poly(c: &[f64], t: f64) -> f64 {
    c.iter().rev().fold(0.0, |p, &k| p * t + k)
}

/// 1 + t·c[0] + t²·c[1] + ...
#[inline(always)]
fn poly1(c: &[f64], t: f64) -> f64 {
    1.0 + t * poly(c, t)
}

/// erfc(|x|) for 0.84375 <= |x| < 28, the tail erf and erfc share.
fn erfc_tail(ax: f64) -> f64 {
    if ax < 1.25 {
        return 1.0 - ERX - poly(&PA, ax - 1.0) / poly1(&QA, ax - 1.0);
    }
    let s = 1.0 / (ax * ax);
    let rs = if ax < 1.0 / 0.35 {
        poly(&RA, s) / poly1(&SA, s)
    } else {
        poly(&RB, s) / poly1(&SB, s)
    };
    // ax with the low 32 bits of its mantissa cleared.
    let z = f64::from_bits(ax.to_bits() & 0xffff_ffff_0000_0000);
    (-z * z - 0.5625).exp() * ((z - ax) * (z + ax) + rs).exp() / ax
}

pub fn erf(x: f64) -> f64 {
    let ax = x.abs();
    if ax.is_nan() {
        return x;
    }
    if ax < 0.84375 {
        if ax < 2f64.powi(-28) {
            return x + EFX * x;
        }
        let z = x * x;
        return x + x * poly(&PP, z) / poly1(&QQ, z);
    }
    let y = if ax >= 6.0 {
        1.0
    } else if ax < 1.25 {
        ERX + poly(&PA, ax - 1.0) / poly1(&QA, ax - 1.0)
    } else {
        1.0 - erfc_tail(ax)
    };
    if x < 0.0 {
        -y
    } else {
        y
    }
}

pub fn erfc(x: f64) -> f64 {
    let ax = x.abs();
    if ax.is_nan() {
        return x;
    }
    if ax < 0.84375 {
        if ax < 2f64.powi(-56) {
            return 1.0 - x;
        }
        let z = x * x;
        let r = x * poly(&PP, z) / poly1(&QQ, z);
        return if x < 0.25 {
            1.0 - (x + r)
        } else {
            0.5 - (x - 0.5 + r)
        };
    }
    if ax < 28.0 {
        let t = erfc_tail(ax);
        return if x < 0.0 { 2.0 - t } else { t };
    }
    if x < 0.0 {
        2.0
    } else {
        0.0
    }
}

/// SELU's constants (Klambauer et al. 2017), as PyTorch and Keras define them.
pub const SELU_ALPHA: f64 = 1.673_263_242_354_377_3;
pub const SELU_SCALE: f64 = 1.050_700_987_355_480_5;
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

#[inline(always)]
pub fn elu(z: f64, alpha: f64) -> f64 {
    if z > 0.0 {
        z
    } else {
        alpha * z.exp_m1()
    }
}

#[inline(always)]
pub fn selu(z: f64) -> f64 {
    SELU_SCALE * elu(z, SELU_ALPHA)
}

/// z·Φ(z) with Φ from erfc, accurate in the far negative tail where 1 + erf would cancel.
#[inline(always)]
pub fn gelu(z: f64) -> f64 {
    0.5 * z * erfc(-z * std::f64::consts::FRAC_1_SQRT_2)
}

/// log(1 + e^z) without overflow (numpy's logaddexp(0, z)).
#[inline(always)]
pub fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

#[inline(always)]
pub fn silu(z: f64) -> f64 {
    z / (1.0 + (-z).exp())
}

// Slopes g'(Z): elu, selu and softplus from their output A; gelu and silu from Z.

#[inline(always)]
pub fn elu_slope(a: f64, alpha: f64) -> f64 {
    if a > 0.0 {
        1.0
    } else {
        a + alpha
    }
}

#[inline(always)]
pub fn selu_slope(a: f64) -> f64 {
    if a > 0.0 {
        SELU_SCALE
    } else {
        a + SELU_SCALE * SELU_ALPHA
    }
}

/// σ(z) = 1 − e^−A for A = softplus(z).
#[inline(always)]
pub fn softplus_slope(a: f64) -> f64 {
    -(-a).exp_m1()
}

#[inline(always)]
pub fn silu_slope(z: f64) -> f64 {
    let s = 1.0 / (1.0 + (-z).exp());
    s + z * s * (1.0 - s)
}

/// Φ(z) + z·φ(z).
#[inline(always)]
pub fn gelu_slope(z: f64) -> f64 {
    0.5 * erfc(-z * std::f64::consts::FRAC_1_SQRT_2) + z * INV_SQRT_2PI * (-0.5 * z * z).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// erf and erfc against glibc's (Python's math.erf and math.erfc, correctly rounded at
    /// these points), across every branch of the approximation.
    #[test]
    fn erf_and_erfc_match_reference_values() {
        let cases: [(f64, f64); 8] = [
            (0.0, 0.0),
            (1e-30, 1.128_379_167_095_512_7e-30),
            (0.5, 0.520_499_877_813_046_5),
            (1.0, 0.842_700_792_949_714_9),
            (2.0, 0.995_322_265_018_952_7),
            (3.0, 0.999_977_909_503_001_4),
            (-1.5, -0.966_105_146_475_310_8),
            (7.0, 1.0),
        ];
        for (x, want) in cases {
            assert!(
                (erf(x) - want).abs() <= 2.0 * f64::EPSILON * want.abs().max(1e-300),
                "erf({x}) = {}",
                erf(x)
            );
        }
        // erfc keeps relative accuracy in the tail, where 1 − erf would be 0.
        let tail: [(f64, f64); 3] = [
            (3.0, 2.209_049_699_858_544e-5),
            (10.0, 2.088_487_583_762_545e-45),
            (-2.0, 1.995_322_265_018_952_8),
        ];
        for (x, want) in tail {
            assert!(
                ((erfc(x) - want) / want).abs() < 1e-14,
                "erfc({x}) = {}",
                erfc(x)
            );
        }
        assert!(erf(f64::NAN).is_nan() && erfc(f64::NAN).is_nan());
        assert_eq!((erf(f64::INFINITY), erf(f64::NEG_INFINITY)), (1.0, -1.0));
        assert_eq!((erfc(f64::INFINITY), erfc(f64::NEG_INFINITY)), (0.0, 2.0));
    }

    /// Each slope against central differences of its activation.
    #[test]
    fn slopes_are_derivatives() {
        let h = 1e-6;
        for &z in &[-6.0, -2.5, -0.7, -1e-3, 0.3, 1.1, 4.0] {
            let d = |f: &dyn Fn(f64) -> f64| (f(z + h) - f(z - h)) / (2.0 * h);
            let close = |a: f64, b: f64| (a - b).abs() < 1e-8 * (1.0 + b.abs());
            assert!(
                close(elu_slope(elu(z, 0.7), 0.7), d(&|t| elu(t, 0.7))),
                "elu at {z}"
            );
            assert!(close(selu_slope(selu(z)), d(&selu)), "selu at {z}");
            assert!(
                close(softplus_slope(softplus(z)), d(&softplus)),
                "softplus at {z}"
            );
            assert!(close(gelu_slope(z), d(&gelu)), "gelu at {z}");
            assert!(close(silu_slope(z), d(&silu)), "silu at {z}");
        }
    }
}
