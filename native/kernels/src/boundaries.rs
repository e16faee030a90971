//! Every threaded elementwise, fused and reduction kernel at the sizes around its split points,
//! on 1, 2, 3 and 8 threads. Each result must be the same, bit for bit, on every thread count
//! (an element's arithmetic must not depend on where the chunks fall), and the one-thread result
//! must match the definition, computed here in f64, within the kernel's rounding bound.
//! Softmax and GEMM have their own sweeps (softmax/tests.rs, gemm/tests.rs).

use crate::elementwise::{binary, clip, special, unary, where_, BinaryOp, UnaryOp};
use crate::fused::{activation_backward, adam_update, linear, sgd_update, Activation, AdamStep};
use crate::parallel::{CHEAP, TRANSCENDENTAL};
use crate::reduce::{arg_max, reduce, ReduceOp};
use crate::testing::{chunk_bounds, with_threads, Lcg, THREADS};
use crate::Real;

/// Runs `f` on every thread count, asserts the results are identical and returns them.
fn same_everywhere<T: Real>(what: &str, f: impl Fn() -> Vec<T> + Send + Sync) -> Vec<T> {
    let first = with_threads(1, &f);
    for &t in &THREADS[1..] {
        let got = with_threads(t, &f);
        let differs = got
            .iter()
            .zip(&first)
            .position(|(a, b)| a.to_f64().to_bits() != b.to_f64().to_bits());
        assert!(
            differs.is_none() && got.len() == first.len(),
            "{what}: {t} threads differ from 1 at {differs:?}"
        );
    }
    first
}

/// Unit roundoff of T.
fn unit<T: Real>() -> f64 {
    if T::NAME == "float32" {
        2f64.powi(-24)
    } else {
        2f64.powi(-53)
    }
}

/// Every size where `for_chunks` changes its split, for any of the tested thread counts.
fn sizes(cost: usize) -> Vec<usize> {
    let mut v: Vec<usize> = THREADS
        .iter()
        .flat_map(|&t| chunk_bounds(cost, t))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn input<T: Real>(seed: u64, len: usize, scale: f64) -> Vec<T> {
    Lcg(seed)
        .vec(len, scale)
        .into_iter()
        .map(T::from_f64)
        .collect()
}

fn unary_case<T: Real>(op: UnaryOp, len: usize) {
    let x: Vec<T> = input(len as u64, len, 6.0);
    let got = same_everywhere(&format!("{} {op:?} {len}", T::NAME), || {
        let mut out = vec![T::ZERO; len];
        unary(op, &x, &mut out, 0.1).unwrap();
        out
    });
    let u = unit::<T>();
    for (i, (&v, &g)) in x.iter().zip(&got).enumerate() {
        let v = v.to_f64();
        let (want, rel) = match op {
            // Correctly rounded, or exact: the f64 value rounded to T.
            UnaryOp::Neg => (-v, 0.0),
            UnaryOp::Abs => (v.abs(), 0.0),
            UnaryOp::Square => (v * v, u),
            UnaryOp::Relu => (v.max(0.0), 0.0),
            UnaryOp::LeakyRelu => (
                if v < 0.0 {
                    T::from_f64(0.1).to_f64() * v
                } else {
                    v
                },
                u,
            ),
            UnaryOp::Sqrt => (v.abs().sqrt(), u),
            // exp and log: within an ulp (2u) of the exact value (f32 exp through one f64 exp,
            // then rounded; libm's logf, exp and log). tanh: f32 < 1.2e-7 (real.rs), glibc's
            // f64 tanh within 2 ulps: 4u. sigmoid: e = exp(-|v|) within 2u, 1 + e adds u, the
            // division u: 4u (f32: the f64 formula, then one rounding).
            UnaryOp::Exp => (v.exp(), 2.0 * u),
            UnaryOp::Log => (v.abs().ln(), 2.0 * u),
            UnaryOp::Tanh => (v.tanh(), 4.0 * u),
            UnaryOp::Sigmoid => (1.0 / (1.0 + (-v).exp()), 4.0 * u),
            UnaryOp::Sign => (v.signum(), 0.0),
            // The newer activations are one f64 formula each (special.rs, whose own tests pin
            // them to published values), rounded once to T: within u of that formula. Here the
            // question is only whether every element, at every split, got it.
            UnaryOp::Erf => (special::erf(v), u),
            UnaryOp::Elu => (special::elu(v, T::from_f64(0.1).to_f64()), u),
            UnaryOp::Selu => (special::selu(v), u),
            UnaryOp::Gelu => (special::gelu(v), u),
            UnaryOp::Softplus => (special::softplus(v), u),
            UnaryOp::Silu => (special::silu(v), u),
        };
        if matches!(op, UnaryOp::Sqrt | UnaryOp::Log) && v < 0.0 {
            assert!(g.is_nan(), "{op:?}({v}) = {g:?}");
            continue;
        }
        let g = g.to_f64();
        assert!(
            (g - want).abs() <= rel * want.abs() + f64::MIN_POSITIVE,
            "{} {op:?} {len} at {i}: {op:?}({v}) = {g}, want {want}",
            T::NAME
        );
    }
}

#[test]
fn unary_and_clip_at_every_split() {
    for op in [
        UnaryOp::Exp,
        UnaryOp::Tanh,
        UnaryOp::Sigmoid,
        UnaryOp::Log,
        UnaryOp::Erf,
        UnaryOp::Elu,
        UnaryOp::Selu,
        UnaryOp::Gelu,
        UnaryOp::Softplus,
        UnaryOp::Silu,
    ] {
        for len in sizes(TRANSCENDENTAL) {
            unary_case::<f32>(op, len);
        }
        unary_case::<f64>(op, sizes(TRANSCENDENTAL)[0]);
    }
    for op in [
        UnaryOp::Neg,
        UnaryOp::Abs,
        UnaryOp::Square,
        UnaryOp::Relu,
        UnaryOp::LeakyRelu,
        UnaryOp::Sqrt,
        UnaryOp::Sign,
    ] {
        for len in sizes(CHEAP) {
            unary_case::<f64>(op, len);
        }
        unary_case::<f32>(op, sizes(CHEAP)[0]);
    }
    for len in sizes(CHEAP) {
        let x: Vec<f32> = input(3, len, 2.0);
        let got = same_everywhere("clip", || {
            let mut out = vec![0.0f32; len];
            clip(&x, -0.5, 0.75, &mut out).unwrap();
            out
        });
        assert!(x.iter().zip(&got).all(|(v, g)| *g == v.clamp(-0.5, 0.75)));
    }
}

/// (a_shape, b_shape) pairs broadcasting to an output of about `len` elements: same shapes,
/// a row, a column, a scalar, an outer product, and a 3-D mix whose inner run is short.
fn broadcast_pairs(len: usize) -> Vec<(Vec<usize>, Vec<usize>, Vec<usize>)> {
    let (r, c) = (7, len / 7);
    let (p, q, s) = (3, len / 33, 11);
    vec![
        (vec![len], vec![len], vec![len]),
        (vec![r, c], vec![1, c], vec![r, c]),
        (vec![r, c], vec![r, 1], vec![r, c]),
        (vec![1], vec![r, c], vec![r, c]),
        (vec![len / 64, 1], vec![1, 64], vec![len / 64, 64]),
        (vec![p, q, 1], vec![1, q, s], vec![p, q, s]),
        (vec![p, 1, s], vec![q, 1], vec![p, q, s]),
    ]
}

/// Index of `out_index` (row-major in `out`) in an operand of `shape`, numpy-broadcast.
fn source(shape: &[usize], out: &[usize], mut out_index: usize) -> usize {
    let lead = out.len() - shape.len();
    let (mut idx, mut stride) = (0, 1);
    for d in (0..out.len()).rev() {
        let i = out_index % out[d];
        out_index /= out[d];
        if d >= lead && shape[d - lead] != 1 {
            idx += i * stride;
        }
        if d >= lead {
            stride *= shape[d - lead];
        }
    }
    idx
}

#[test]
fn broadcast_binary_and_where_at_every_split() {
    let mut lens = sizes(CHEAP);
    lens.extend(sizes(TRANSCENDENTAL));
    for len in lens {
        for (sa, sb, so) in broadcast_pairs(len) {
            let (na, nb, no) = (
                sa.iter().product::<usize>(),
                sb.iter().product::<usize>(),
                so.iter().product::<usize>(),
            );
            let a: Vec<f32> = input(1, na, 3.0);
            let b: Vec<f32> = input(2, nb, 3.0);
            for op in [
                BinaryOp::Sub,
                BinaryOp::Div,
                BinaryOp::Pow,
                BinaryOp::Greater,
            ] {
                let got = same_everywhere(&format!("{op:?} {sa:?} {sb:?}"), || {
                    let mut out = vec![0.0f32; no];
                    binary(op, &a, &sa, &b, &sb, &mut out, &so).unwrap();
                    out
                });
                for (k, &g) in got.iter().enumerate() {
                    let (x, y) = (a[source(&sa, &so, k)] as f64, b[source(&sb, &so, k)] as f64);
                    // Sub, Div and comparisons are correctly rounded: the f64 result rounded to
                    // f32 exactly. powf is within 2 ulps; a negative base gives NaN.
                    let ok = match op {
                        BinaryOp::Sub => g == (x - y) as f32,
                        BinaryOp::Div => g == (x / y) as f32,
                        BinaryOp::Greater => g == if x > y { 1.0 } else { 0.0 },
                        _ => {
                            let w = x.powf(y);
                            if w.is_nan() {
                                g.is_nan()
                            } else {
                                ((g as f64) - w).abs() <= 2.0 * unit::<f32>() * w.abs() + 1e-37
                                    || (w.abs() > f32::MAX as f64 && g.is_infinite())
                            }
                        }
                    };
                    assert!(ok, "{op:?} {sa:?} {sb:?} at {k}: {x} {y} -> {g}");
                }
            }
            let cond: Vec<f64> = input::<f64>(5, na, 1.0);
            let (a64, b64): (Vec<f64>, Vec<f64>) = (input(6, nb, 1.0), input(7, 1, 1.0));
            let got = same_everywhere(&format!("where {sa:?} {sb:?}"), || {
                let mut out = vec![0.0f64; no];
                where_(&cond, &sa, &a64, &sb, &b64, &[1], &mut out, &so).unwrap();
                out
            });
            for (k, &g) in got.iter().enumerate() {
                let want = if cond[source(&sa, &so, k)] != 0.0 {
                    a64[source(&sb, &so, k)]
                } else {
                    b64[0]
                };
                assert_eq!(g, want, "where {sa:?} {sb:?} at {k}");
            }
        }
    }
}

#[test]
fn linear_epilogue_and_backward_at_every_split() {
    for len in sizes(TRANSCENDENTAL) {
        // n rows of m columns: chunk edges fall inside rows, and each row has its own bias.
        // k = 1, so that every GEMM provider (the choice depends on the thread count) gives the
        // same product, round(w·a), and the epilogue's split alone is under test.
        for n in [3, 7, 64] {
            let m = len / n;
            let w: Vec<f32> = input(1, n, 1.0);
            let a: Vec<f32> = input(2, m, 1.0);
            let b: Vec<f32> = input(3, n, 1.0);
            let got = same_everywhere(&format!("linear {n}x{m}"), || {
                let mut out = vec![0.0f32; n * m];
                linear(&w, n, 1, &a, m, Some(&b), Activation::Tanh, 0.0, &mut out).unwrap();
                out
            });
            for r in 0..n {
                for c in [0, m / 2, m - 1] {
                    // z = round(w·a) + b, rounded again, exactly as here; tanh32 within 4u.
                    let z = ((w[r] * a[c]) + b[r]) as f64;
                    let got = got[r * m + c] as f64;
                    assert!(
                        (got - z.tanh()).abs() <= 4.0 * unit::<f32>() * z.tanh().abs(),
                        "linear {n}x{m} at ({r}, {c}): {got} vs {}",
                        z.tanh()
                    );
                }
            }
        }
    }
    for len in sizes(CHEAP) {
        let d_a: Vec<f64> = input(1, len, 2.0);
        let a: Vec<f64> = input(2, len, 1.0);
        for act in [
            Activation::Sigmoid,
            Activation::Tanh,
            Activation::Relu,
            Activation::LeakyRelu,
        ] {
            let got = same_everywhere(&format!("{act:?} backward {len}"), || {
                let mut out = vec![0.0f64; len];
                activation_backward(act, &d_a, &a, &mut out, 0.01).unwrap();
                out
            });
            for i in [0, len / 3, len - 1] {
                let (d, s) = (d_a[i], a[i]);
                let want = match act {
                    Activation::Sigmoid => d * s * (1.0 - s),
                    Activation::Tanh => d * (1.0 - s * s),
                    Activation::Relu => {
                        if s > 0.0 {
                            d
                        } else {
                            0.0
                        }
                    }
                    _ => {
                        if s > 0.0 {
                            d
                        } else {
                            0.01 * d
                        }
                    }
                };
                assert_eq!(got[i], want, "{act:?} backward at {i}");
            }
        }
    }
}

#[test]
fn optimizers_at_every_split() {
    for len in sizes(CHEAP).into_iter().chain(sizes(TRANSCENDENTAL / 4)) {
        let grad: Vec<f32> = input(1, len, 1.0);
        let p0: Vec<f32> = input(2, len, 1.0);
        let sgd = same_everywhere("sgd", || {
            let mut p = p0.clone();
            sgd_update(&mut p, &grad, 0.1).unwrap();
            p
        });
        assert!(sgd
            .iter()
            .zip(&p0)
            .zip(&grad)
            .all(|((&q, &p), &g)| q == p - 0.1f32 * g));
        let step = AdamStep {
            lr: 0.01,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            t: 3.0,
        };
        let run = || {
            let (mut p, mut m, mut v) = (p0.clone(), grad.clone(), vec![0.5f32; len]);
            adam_update(&mut p, &grad, &mut m, &mut v, step).unwrap();
            [p, m, v].concat()
        };
        let adam = same_everywhere("adam", run);
        // One element by the formula, in the kernel's f32 order: the other elements are the
        // same arithmetic on other indices (the thread-count check covers where chunks fall).
        let i = len - 1;
        let (c1, c2) = (
            (1.0 - 0.9f64.powf(3.0)) as f32,
            (1.0 - 0.999f64.powf(3.0)) as f32,
        );
        let (nb1, nb2) = ((1.0 - 0.9f64) as f32, (1.0 - 0.999f64) as f32);
        let m = 0.9f32 * grad[i] + nb1 * grad[i];
        let v = 0.999f32 * 0.5 + nb2 * grad[i] * grad[i];
        let p = p0[i] - (0.01f32 * (m / c1)) / ((v / c2).sqrt() + 1e-8f32);
        assert_eq!((adam[i], adam[len + i], adam[2 * len + i]), (p, m, v));
    }
}

/// The definition of a reduction of `x` (of `shape`) over `axes`, in f64, with Σ|x| per output
/// for the sum's error bound.
fn reduce_reference(op: ReduceOp, x: &[f64], shape: &[usize], axes: &[usize]) -> Vec<(f64, f64)> {
    let kept: Vec<usize> = (0..shape.len()).filter(|d| !axes.contains(d)).collect();
    let size: usize = kept.iter().map(|&d| shape[d]).product();
    let init = match op {
        ReduceOp::Sum => 0.0,
        ReduceOp::Max => f64::NEG_INFINITY,
        ReduceOp::Min => f64::INFINITY,
    };
    let mut out = vec![(init, 0.0); size];
    for (flat, &v) in x.iter().enumerate() {
        let (mut rest, mut idx) = (flat, vec![0; shape.len()]);
        for d in (0..shape.len()).rev() {
            idx[d] = rest % shape[d];
            rest /= shape[d];
        }
        let o = kept.iter().fold(0, |acc, &d| acc * shape[d] + idx[d]);
        let (acc, mag) = &mut out[o];
        *acc = match op {
            ReduceOp::Sum => *acc + v,
            ReduceOp::Max => acc.max(v),
            ReduceOp::Min => acc.min(v),
        };
        *mag += v.abs();
    }
    out
}

/// Full sums of float64 input around the block and split sizes. float32 inputs (the test below)
/// sum exactly in f64, so only float64 ones show whether the order of additions, and so the bits,
/// changes with the thread count.
#[test]
fn float64_sums_at_every_split() {
    let (split, block) = (crate::parallel::THRESHOLD, crate::reduce::SUM_BLOCK);
    let mut lens = crate::testing::around(&[block, 2 * block, split, 5 * block]);
    lens.push(3 * split + 17);
    for len in lens {
        let x: Vec<f64> = input(len as u64, len, 4.0);
        let got = same_everywhere(&format!("f64 sum of {len}"), || {
            let mut out = vec![0.0f64; 1];
            reduce(ReduceOp::Sum, &x, &[len], &[0], &mut out).unwrap();
            out
        });
        // Any order of n f64 additions: error <= n·2^-53·Σ|x| (to first order).
        let (want, mag) = x
            .iter()
            .fold((0.0f64, 0.0f64), |(s, m), &v| (s + v, m + v.abs()));
        let bound = 2.0 * len as f64 * 2f64.powi(-53) * mag;
        assert!(
            (got[0] - want).abs() <= bound,
            "f64 sum of {len}: {} vs {want}",
            got[0]
        );
    }
}

#[test]
fn reductions_over_every_axis_set() {
    let shapes: Vec<Vec<usize>> = vec![
        vec![300, 300],
        vec![10, 6000],
        vec![33, 1000, 2],
        vec![5, 7, 3, 200],
        vec![40_000],
        vec![1, 32_769],
    ];
    // A full sum splits into SUM_BLOCK blocks from THRESHOLD elements on: either side of
    // that, a partial last block, and rows that each split.
    let split = crate::parallel::THRESHOLD;
    let block = crate::reduce::SUM_BLOCK;
    let shapes = shapes.into_iter().chain(
        [split - 1, split, split + 1, 5 * block + 1]
            .map(|n| vec![n])
            .into_iter()
            .chain([vec![3, split + 7]]),
    );
    for shape in shapes {
        let rank = shape.len();
        let len: usize = shape.iter().product();
        let x: Vec<f32> = input(len as u64, len, 4.0);
        let x64: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        for mask in 1..(1u32 << rank) {
            let axes: Vec<usize> = (0..rank).filter(|d| mask & (1 << d) != 0).collect();
            for op in [ReduceOp::Sum, ReduceOp::Max, ReduceOp::Min] {
                let want = reduce_reference(op, &x64, &shape, &axes);
                let got = same_everywhere(&format!("{op:?} {shape:?} {axes:?}"), || {
                    let mut out = vec![0.0f32; want.len()];
                    reduce(op, &x, &shape, &axes, &mut out).unwrap();
                    out
                });
                for (k, (&g, &(w, mag))) in got.iter().zip(&want).enumerate() {
                    // Sums accumulate in f64 (error <= n·2^-53·Σ|x|), then round to f32 (u·|w|);
                    // max and min are exact.
                    let n = len / want.len();
                    let bound = n as f64 * 2f64.powi(-53) * mag + unit::<f32>() * w.abs();
                    assert!(
                        ((g as f64) - w).abs() <= bound,
                        "{op:?} {shape:?} over {axes:?} at {k}: {g} vs {w}"
                    );
                }
            }
        }
        for axis in 0..rank {
            let outer: usize = shape[..axis].iter().product();
            let inner: usize = shape[axis + 1..].iter().product();
            let mut idx = vec![0i32; outer * inner];
            arg_max(&x, &shape, axis, &mut idx).unwrap();
            for (k, &i) in idx.iter().enumerate() {
                let (o, j) = (k / inner, k % inner);
                let at = |i: usize| x[(o * shape[axis] + i) * inner + j];
                let best = (0..shape[axis]).fold(0, |b, i| if at(i) > at(b) { i } else { b });
                assert_eq!(i as usize, best, "argMax {shape:?} axis {axis} at {k}");
            }
        }
    }
}
