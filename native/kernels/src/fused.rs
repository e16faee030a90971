//! The Dense layer's hot paths: linear (GEMM + bias + activation in one pass over the
//! output), activation backward from the saved output A, and in-place optimizer updates.

use crate::check::{self, fail, Result};
use crate::elementwise::special;
use crate::gemm::{self, Gemm, GemmScalar};
use crate::parallel::{for_chunks, for_chunks4, CHEAP, TRANSCENDENTAL};
use crate::simd;
use crate::Real;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Linear,
    Sigmoid,
    Tanh,
    Relu,
    LeakyRelu,
    // activationBackward only: elu, selu and softplus from A; gelu and silu from Z.
    Elu,
    Selu,
    Softplus,
    Gelu,
    Silu,
}

impl Activation {
    pub fn parse(op: &str, name: &str) -> Result<Self> {
        let act = match name {
            "linear" => Self::Linear,
            "sigmoid" => Self::Sigmoid,
            "tanh" => Self::Tanh,
            "relu" => Self::Relu,
            "leakyRelu" => Self::LeakyRelu,
            "elu" if op == "activationBackward" => Self::Elu,
            "selu" if op == "activationBackward" => Self::Selu,
            "softplus" if op == "activationBackward" => Self::Softplus,
            "gelu" if op == "activationBackward" => Self::Gelu,
            "silu" if op == "activationBackward" => Self::Silu,
            _ if op == "activationBackward" => return fail(format!("{op}: activation must be one of linear, sigmoid, tanh, relu, leakyRelu, elu, selu, softplus, gelu, silu, received '{name}'")),
            _ => return fail(format!("{op}: activation must be one of linear, sigmoid, tanh, relu, leakyRelu, received '{name}'")),
        };
        Ok(act)
    }

    fn cost(self) -> usize {
        match self {
            Self::Sigmoid | Self::Tanh => TRANSCENDENTAL,
            Self::Elu | Self::Selu | Self::Softplus | Self::Gelu | Self::Silu => TRANSCENDENTAL,
            _ => CHEAP,
        }
    }
}

/// out = g(W·A + b): W (n, k), A (k, m), b (n) or None, out (n, m).
#[allow(clippy::too_many_arguments)]
pub fn linear<T: GemmScalar>(
    w: &[T],
    n: usize,
    k: usize,
    a: &[T],
    m: usize,
    b: Option<&[T]>,
    act: Activation,
    alpha: f64,
    out: &mut [T],
) -> Result<()> {
    if let Some(b) = b {
        check::len("linear", "b", b.len(), n)?;
    }
    let g = Gemm {
        trans_a: false,
        trans_b: false,
        m: n,
        n: m,
        k,
        alpha: 1.0,
        beta: 0.0,
    };
    gemm::validate(&g, w.len(), a.len(), out.len())
        .map_err(|e| check::KernelError(e.0.replacen("gemm", "linear", 1)))?;
    gemm::gemm(&g, w, a, out)?;
    if m == 0 {
        return Ok(());
    }
    let alpha = T::from_f64(alpha);
    for_chunks(out, act.cost(), |start, chunk| {
        // Chunks may start mid-row: walk them row segment by row segment.
        let mut pos = start;
        let mut rest = chunk;
        while !rest.is_empty() {
            let row = pos / m;
            let len = (m - pos % m).min(rest.len());
            let (seg, tail) = rest.split_at_mut(len);
            let br = b.map_or(T::ZERO, |b| b[row]);
            epilogue(act, alpha, br, seg);
            pos += len;
            rest = tail;
        }
    });
    Ok(())
}

fn epilogue<T: Real>(act: Activation, alpha: T, br: T, seg: &mut [T]) {
    match act {
        Activation::Linear => simd::map_in_place(seg, |z: T| z + br),
        Activation::Sigmoid => simd::map_in_place(seg, |z: T| (z + br).sigmoid()),
        Activation::Tanh => simd::map_in_place(seg, |z: T| (z + br).tanh()),
        Activation::Relu => simd::map_in_place(seg, |z: T| {
            let z = z + br;
            if z < T::ZERO {
                T::ZERO
            } else {
                z
            }
        }),
        Activation::LeakyRelu => simd::map_in_place(seg, |z: T| {
            let z = z + br;
            if z < T::ZERO {
                alpha * z
            } else {
                z
            }
        }),
        // parse() gives linear only the five activations above.
        Activation::Elu
        | Activation::Selu
        | Activation::Softplus
        | Activation::Gelu
        | Activation::Silu => {
            unreachable!("linear takes linear, sigmoid, tanh, relu and leakyRelu only")
        }
    }
}

/// dZ = dA * g'(Z), with g' written in terms of the saved output A = g(Z).
pub fn activation_backward<T: Real>(
    act: Activation,
    d_a: &[T],
    a: &[T],
    out: &mut [T],
    alpha: f64,
) -> Result<()> {
    check::same_len("activationBackward", ["dA", "A"], d_a.len(), a.len())?;
    check::same_len("activationBackward", ["dA", "out"], d_a.len(), out.len())?;
    let alpha_f64 = alpha;
    let alpha = T::from_f64(alpha);
    for_chunks(out, act.cost(), |s, o| {
        let (d, a) = (&d_a[s..s + o.len()], &a[s..s + o.len()]);
        match act {
            Activation::Linear => o.copy_from_slice(d),
            Activation::Sigmoid => simd::zip(d, a, o, |d: T, a: T| d * a * (T::ONE - a)),
            Activation::Tanh => simd::zip(d, a, o, |d: T, a: T| d * (T::ONE - a * a)),
            Activation::Relu => {
                simd::zip(d, a, o, |d: T, a: T| if a > T::ZERO { d } else { T::ZERO })
            }
            Activation::LeakyRelu => simd::zip(
                d,
                a,
                o,
                |d: T, a: T| if a > T::ZERO { d } else { alpha * d },
            ),
            Activation::Elu => zip_slope(d, a, o, move |a| special::elu_slope(a, alpha_f64)),
            Activation::Selu => zip_slope(d, a, o, special::selu_slope),
            Activation::Softplus => zip_slope(d, a, o, special::softplus_slope),
            Activation::Gelu => zip_slope(d, a, o, special::gelu_slope),
            Activation::Silu => zip_slope(d, a, o, special::silu_slope),
        }
    });
    Ok(())
}

/// out = d·g'(·) for the newer activations, their slope computed in f64 (special.rs) and rounded.
fn zip_slope<T: Real>(d: &[T], a: &[T], o: &mut [T], slope: impl Fn(f64) -> f64 + Copy) {
    simd::zip(d, a, o, move |d: T, a: T| {
        d * T::from_f64(slope(a.to_f64()))
    });
}

/// In place: param -= lr * grad.
pub fn sgd_update<T: Real>(param: &mut [T], grad: &[T], lr: f64) -> Result<()> {
    check::same_len("sgdUpdate", ["param", "grad"], param.len(), grad.len())?;
    let lr = T::from_f64(lr);
    for_chunks(param, CHEAP, |s, p| {
        let g = &grad[s..s + p.len()];
        for (p, &g) in p.iter_mut().zip(g) {
            *p -= lr * g;
        }
    });
    Ok(())
}

#[derive(Clone, Copy, Debug)]
pub struct AdamStep {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
    pub t: f64,
}

/// In place Adam with bias correction; m and v are updated too.
pub fn adam_update<T: Real>(
    param: &mut [T],
    grad: &[T],
    m: &mut [T],
    v: &mut [T],
    s: AdamStep,
) -> Result<()> {
    check::same_len("adamUpdate", ["param", "grad"], param.len(), grad.len())?;
    check::same_len("adamUpdate", ["param", "m"], param.len(), m.len())?;
    check::same_len("adamUpdate", ["param", "v"], param.len(), v.len())?;
    if s.t.is_nan() || s.t < 1.0 {
        return fail(format!(
            "adamUpdate: t must be a step count >= 1, received {}",
            s.t
        ));
    }
    let c1 = T::from_f64(1.0 - s.beta1.powf(s.t));
    let c2 = T::from_f64(1.0 - s.beta2.powf(s.t));
    let (b1, b2, lr, eps) = (
        T::from_f64(s.beta1),
        T::from_f64(s.beta2),
        T::from_f64(s.lr),
        T::from_f64(s.epsilon),
    );
    let (nb1, nb2) = (T::from_f64(1.0 - s.beta1), T::from_f64(1.0 - s.beta2));
    for_chunks4(param, m, v, TRANSCENDENTAL / 4, |start, p, m, v| {
        let g = &grad[start..start + p.len()];
        for i in 0..p.len() {
            let gi = g[i];
            m[i] = b1 * m[i] + nb1 * gi;
            v[i] = b2 * v[i] + nb2 * gi * gi;
            p[i] -= (lr * (m[i] / c1)) / ((v[i] / c2).sqrt() + eps);
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_is_gemm_plus_bias_then_activation() {
        // W (2,3), A (3,2), b (2): hand-computed Z = [[1, -2], [4, -0.5]], plus b = [[1.5, -1.5], [3, -1.5]].
        let w = [1.0f64, 0.0, 1.0, 0.0, 2.0, 1.0];
        let a = [1.0, -1.0, 2.0, 0.25, 0.0, -1.0];
        let b = [0.5, -1.0];
        let mut out = [0.0; 4];
        linear(&w, 2, 3, &a, 2, Some(&b), Activation::Relu, 0.0, &mut out).unwrap();
        assert_eq!(out, [1.5, 0.0, 3.0, 0.0]);
        linear(
            &w,
            2,
            3,
            &a,
            2,
            Some(&b),
            Activation::LeakyRelu,
            0.1,
            &mut out,
        )
        .unwrap();
        let want = [1.5, -0.15, 3.0, -0.15];
        assert!(
            out.iter().zip(want).all(|(o, w)| (o - w).abs() < 1e-15),
            "{out:?}"
        );
        let mut o32 = [0.0f32; 4];
        let e = linear(
            &[0.0f32; 6],
            2,
            3,
            &[0.0; 5],
            2,
            None,
            Activation::Linear,
            0.0,
            &mut o32,
        )
        .unwrap_err();
        assert!(
            e.0.starts_with("linear: b (3x2) must have 6 elements"),
            "{e}"
        );
    }

    #[test]
    fn big_linear_rows_survive_chunking() {
        // 7 x 5000 output: chunks start mid-row; each row's bias must stay its own.
        let (n, k, m) = (7, 1, 5000);
        let w: Vec<f32> = (0..n).map(|i| i as f32).collect();
        let a = vec![1.0f32; k * m];
        let b: Vec<f32> = (0..n).map(|i| 100.0 * i as f32).collect();
        let mut out = vec![0.0f32; n * m];
        linear(&w, n, k, &a, m, Some(&b), Activation::Tanh, 0.0, &mut out).unwrap();
        for r in 0..n {
            assert_eq!(out[r * m + m - 1], (r as f32 + 100.0 * r as f32).tanh());
        }
    }

    #[test]
    fn backward_and_optimizers_by_hand() {
        let mut out = [0.0f64; 2];
        activation_backward(
            Activation::Sigmoid,
            &[2.0, 1.0],
            &[0.5, 0.25],
            &mut out,
            0.0,
        )
        .unwrap();
        assert_eq!(out, [0.5, 0.1875]);
        activation_backward(
            Activation::LeakyRelu,
            &[2.0, 1.0],
            &[0.5, -0.25],
            &mut out,
            0.01,
        )
        .unwrap();
        assert_eq!(out, [2.0, 0.01]);
        let mut p = [1.0f32, 2.0];
        sgd_update(&mut p, &[0.5, -1.0], 0.1).unwrap();
        assert_eq!(p, [0.95, 2.1]);
        // One Adam step from zero moments moves by lr·g/(|g| + eps·…) ≈ lr·sign(g).
        let (mut q, mut m, mut v) = ([1.0f64], [0.0f64], [0.0f64]);
        adam_update(
            &mut q,
            &[0.3],
            &mut m,
            &mut v,
            AdamStep {
                lr: 0.01,
                beta1: 0.9,
                beta2: 0.999,
                epsilon: 1e-8,
                t: 1.0,
            },
        )
        .unwrap();
        assert!((q[0] - (1.0 - 0.01 * 0.3 / (0.3 + 1e-8))).abs() < 1e-15);
        assert!((m[0] - 0.03).abs() < 1e-15 && (v[0] - 0.001 * 0.09).abs() < 1e-18);
        assert!(adam_update(
            &mut q,
            &[0.3, 1.0],
            &mut m,
            &mut v,
            AdamStep {
                lr: 0.01,
                beta1: 0.9,
                beta2: 0.999,
                epsilon: 1e-8,
                t: 1.0
            }
        )
        .is_err());
    }
}
