use super::*;
use crate::testing::{around, with_threads, Lcg, THREADS};

/// The definition, in f64, with BLAS's beta = 0 rule.
fn reference(g: &Gemm, a: &[f64], b: &[f64], c: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; g.m * g.n];
    for i in 0..g.m {
        for j in 0..g.n {
            let mut s = 0.0;
            for p in 0..g.k {
                let av = if g.trans_a {
                    a[p * g.m + i]
                } else {
                    a[i * g.k + p]
                };
                let bv = if g.trans_b {
                    b[j * g.k + p]
                } else {
                    b[p * g.n + j]
                };
                s += av * bv;
            }
            let prev = if g.beta == 0.0 {
                0.0
            } else {
                g.beta * c[i * g.n + j]
            };
            out[i * g.n + j] = g.alpha * s + prev;
        }
    }
    out
}

/// γ_n = n·u / (1 - n·u), the classic bound on the relative error of an n-term dot product
/// (any summation order, with or without FMA).
fn gamma(n: usize, u: f64) -> f64 {
    n as f64 * u / (1.0 - n as f64 * u)
}

/// Runs `provider` on `g` in float64 and float32 with `threads` rayon threads and checks every
/// element against the f64 definition: |C - C*| <= γ_{k+4}·(|alpha|·(|A||B|) + |beta|·|C0|)
/// elementwise, where k + 4 covers the K-split's extra sum of partials and the alpha/beta
/// roundings. Inputs are drawn from `seed`.
fn check(provider: &dyn GemmProvider, g: &Gemm, threads: usize, seed: u64) {
    let mut rng = Lcg(seed);
    let a = rng.vec(g.m * g.k, 1.0);
    let b = rng.vec(g.k * g.n, 1.0);
    let c0: Vec<f64> = if g.beta == 0.0 {
        vec![f64::NAN; g.m * g.n]
    } else {
        rng.vec(g.m * g.n, 1.0)
    };
    let abs = |v: &[f64]| v.iter().map(|x| x.abs()).collect::<Vec<_>>();
    let mag = reference(
        &Gemm {
            alpha: g.alpha.abs(),
            beta: g.beta.abs(),
            ..*g
        },
        &abs(&a),
        &abs(&b),
        &abs(&c0),
    );
    let want = reference(g, &a, &b, &c0);
    let mut c = c0.clone();
    with_threads(threads, || gemm_with(provider, g, &a, &b, &mut c)).unwrap();
    let bound = gamma(g.k + 4, 2f64.powi(-53));
    for (i, (x, y)) in c.iter().zip(&want).enumerate() {
        assert!(
            (x - y).abs() <= bound * mag[i] + f64::MIN_POSITIVE,
            "{} f64 {threads} threads {g:?} at {i}: {x} vs {y}",
            provider.name()
        );
    }
    // float32: the f32 inputs are exact in f64, so the definition is recomputed from them.
    let to32 = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
    let (a32, b32, c32) = (to32(&a), to32(&b), to32(&c0));
    let up = |v: &[f32]| v.iter().map(|&x| x as f64).collect::<Vec<f64>>();
    let want = reference(g, &up(&a32), &up(&b32), &up(&c32));
    let mut c = c32.clone();
    with_threads(threads, || gemm_with(provider, g, &a32, &b32, &mut c)).unwrap();
    let bound = gamma(g.k + 4, 2f64.powi(-24));
    for (i, (x, y)) in c.iter().zip(&want).enumerate() {
        assert!(
            (*x as f64 - y).abs() <= bound * mag[i] + 1e-37,
            "{} f32 {threads} threads {g:?} at {i}: {x} vs {y}",
            provider.name()
        );
    }
}

const FLAGS: [(bool, bool); 4] = [(false, false), (true, false), (false, true), (true, true)];
const SCALES: [(f64, f64); 3] = [(1.0, 0.0), (0.5, 2.0), (-1.0, 1.0)];

#[test]
fn every_provider_matches_the_definition() {
    let shapes = [
        (1, 1, 1),
        (3, 5, 4),
        (20, 209, 64),
        (65, 33, 129),
        (1, 200, 300),
        (30, 1, 70),
        (2, 300, 9),
        (5, 7, 2500),
        (3, 2, 1100),
        (3, 1100, 7),
        (4, 2053, 40),
        (1, 130, 4100),
        (130, 1, 4100),
        (1, 2100, 300),
        (2100, 1, 300),
    ];
    let mut seed = 7;
    for provider in providers() {
        for &(m, n, k) in &shapes {
            for (trans_a, trans_b) in FLAGS {
                for (alpha, beta) in SCALES {
                    seed += 1;
                    let g = Gemm {
                        trans_a,
                        trans_b,
                        m,
                        n,
                        k,
                        alpha,
                        beta,
                    };
                    check(provider, &g, 2, seed);
                }
            }
        }
    }
}

/// The shapes on both sides of every routing and splitting rule (auto's deep-gemv, dot-gemv, deep and
/// wide splits with their block counts and 16-column cuts, the pure provider's threading
/// threshold, openblas's team threshold and its row and column cuts, gemv for one row or
/// column), on 1, 2, 3 and 8 threads.
#[test]
fn every_split_at_its_edges_on_every_thread_count() {
    let mut shapes: Vec<(usize, usize, usize)> = Vec::new();
    for k in around(&[2048, 3072]) {
        shapes.push((1, 128, k)); // deep gemv: k >= 2048, cut into 1024-deep blocks
        shapes.push((130, 1, k));
    }
    for n in around(&[128]) {
        shapes.push((1, n, 2048)); // k·n = 2^18 (deep gemv, and dot gemv with transB)
    }
    for s in around(&[32, 48, 100]) {
        shapes.push((1, s, 8192)); // dot gemv (transB): from 32 rows, cut at multiples of 16
        shapes.push((s, 1, 8192)); // and (without transA) one column
    }
    for k in around(&[1024, 1536]) {
        shapes.push((20, 21, k)); // deep: k >= 1024, 512-deep blocks
    }
    for n in around(&[128]) {
        shapes.push((2, n, 1024)); // k = 8·max(m, n)
    }
    for n in around(&[1024, 1536]) {
        shapes.push((4, n, 5)); // wide: n >= 1024, 512-column blocks cut at multiples of 16
    }
    for n in around(&[1040]) {
        shapes.push((4, n, 130)); // n = 8·max(k, m)
    }
    for k in around(&[64]) {
        shapes.push((32, 64, k)); // pure: threads from 2^17 multiply-adds
    }
    for k in around(&[512]) {
        shapes.push((32, 64, k)); // openblas: a team from 2^20 multiply-adds
    }
    for s in around(&[40, 48, 64]) {
        shapes.push((s, 40, 700)); // openblas's team cuts rows (m >= n) at multiples of 16
        shapes.push((40, s + 1, 700)); // and columns (n > m)
    }
    let mut seed = 1000;
    for &t in &THREADS {
        for provider in providers() {
            for &(m, n, k) in &shapes {
                for (i, (trans_a, trans_b)) in FLAGS.into_iter().enumerate() {
                    seed += 1;
                    let (alpha, beta) = SCALES[i % SCALES.len()];
                    let g = Gemm {
                        trans_a,
                        trans_b,
                        m,
                        n,
                        k,
                        alpha,
                        beta,
                    };
                    check(provider, &g, t, seed);
                }
            }
        }
    }
}

#[test]
fn rejects_wrong_lengths_and_handles_empty() {
    let g = Gemm {
        trans_a: false,
        trans_b: false,
        m: 2,
        n: 3,
        k: 4,
        alpha: 1.0,
        beta: 0.0,
    };
    let e = gemm(&g, &[0.0f32; 8], &[0.0; 11], &mut [0.0; 6]).unwrap_err();
    assert!(
        e.0.contains("b (4x3) must have 12 elements, received 11"),
        "{e}"
    );
    let e = gemm(
        &Gemm {
            alpha: f64::NAN,
            ..g
        },
        &[0.0f32; 8],
        &[0.0; 12],
        &mut [0.0; 6],
    )
    .unwrap_err();
    assert!(e.0.contains("finite"), "{e}");
    // k = 0: C = beta·C.
    let mut c = [1.0f64, 2.0];
    gemm(
        &Gemm {
            m: 1,
            n: 2,
            k: 0,
            beta: 3.0,
            ..g
        },
        &[],
        &[],
        &mut c,
    )
    .unwrap();
    assert_eq!(c, [3.0, 6.0]);
}

#[test]
fn provider_can_be_chosen_by_name() {
    assert!(set_provider("nope")
        .unwrap_err()
        .0
        .contains("received 'nope'"));
    let first = providers()[0].name();
    set_provider("pure").unwrap();
    assert_eq!(default_provider().unwrap().name(), "pure");
    set_provider(first).unwrap();
}

#[test]
fn an_unknown_neurite_gemm_is_an_error_naming_the_variable_and_the_choices() {
    let Err(e) = choice(Some("bogus".into())) else {
        panic!("'bogus' was accepted");
    };
    assert_eq!(
        e.0,
        format!(
            "NEURITE_GEMM: expected one of {}, received 'bogus'",
            names()
        )
    );
    assert!(names().contains("'pure'"));
    assert!(choice(None).unwrap().is_none());
    assert!(choice(Some(String::new())).unwrap().is_none());
    assert_eq!(choice(Some("pure".into())).unwrap().unwrap().name(), "pure");
}

/// The small-row kernels of every instruction set this CPU has (AVX2 as on a Zen 4, and AVX-512
/// where present), on the shapes around their row blocks, column tiles, K-blocks and splits.
#[test]
fn small_row_kernels_on_every_isa() {
    struct OnIsa(small::Isa);
    impl GemmProvider for OnIsa {
        fn name(&self) -> &'static str {
            "small (forced ISA)"
        }
        fn sgemm(&self, g: &Gemm, a: &[f32], b: &[f32], c: &mut [f32]) {
            small::sgemm_isa(self.0, g, a, b, c)
        }
        fn dgemm(&self, g: &Gemm, a: &[f64], b: &[f64], c: &mut [f64]) {
            small::dgemm_isa(self.0, g, a, b, c)
        }
    }
    let Some(best) = small::isa() else { return };
    let isas = if best == small::Isa::Avx512 {
        vec![small::Isa::Avx512, small::Isa::Avx2]
    } else {
        vec![best]
    };
    let mut shapes = vec![
        (32, 40, 70),
        (1, 300, 600),
        (20, 209, 2100),
        (20, 1100, 209),
    ];
    for m in [1, 5, 6, 7, 12, 13, 20, 24, 25] {
        shapes.push((m, 33, 300));
    }
    for n in around(&[8, 16, 32, 64]) {
        shapes.push((7, n, 257));
    }
    for k in around(&[256, 512, 2048]) {
        shapes.push((10, 17, k));
    }
    let mut seed = 5000;
    for &isa in &isas {
        // The deep net's Z1 = W1·X and dW1 = dZ1·Xᵀ, once each.
        for (m, n, k, trans_b) in [(20, 209, 12288, false), (20, 12288, 209, true)] {
            let g = Gemm {
                trans_a: false,
                trans_b,
                m,
                n,
                k,
                alpha: 1.0 / 209.0,
                beta: 0.0,
            };
            check(&OnIsa(isa), &g, 2, seed);
        }
    }
    for isa in isas {
        for &t in &[1, 3] {
            for &(m, n, k) in &shapes {
                for (i, (trans_a, trans_b)) in FLAGS.into_iter().enumerate() {
                    seed += 1;
                    let (alpha, beta) = SCALES[(i + m) % SCALES.len()];
                    let g = Gemm {
                        trans_a,
                        trans_b,
                        m,
                        n,
                        k,
                        alpha,
                        beta,
                    };
                    check(&OnIsa(isa), &g, t, seed);
                }
            }
        }
    }
}
