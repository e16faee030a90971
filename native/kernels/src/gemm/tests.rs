use super::*;

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

fn lcg(seed: &mut u64) -> f64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    ((*seed >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
}

#[test]
fn every_provider_matches_the_definition() {
    let mut seed = 7;
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
        // Wide: auto splits N across the threads (one block ends off a multiple of 16).
        (3, 1100, 7),
        (4, 2053, 40),
        // Deep vector-matrix: auto splits K across the threads, a partial row each.
        (1, 130, 4100),
        (130, 1, 4100),
        (1, 2100, 300),
        (2100, 1, 300),
    ];
    for provider in providers() {
        for &(m, n, k) in &shapes {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                for (alpha, beta) in [(1.0, 0.0), (0.5, 2.0), (-1.0, 1.0)] {
                    let g = Gemm {
                        trans_a: ta,
                        trans_b: tb,
                        m,
                        n,
                        k,
                        alpha,
                        beta,
                    };
                    let a: Vec<f64> = (0..m * k).map(|_| lcg(&mut seed)).collect();
                    let b: Vec<f64> = (0..k * n).map(|_| lcg(&mut seed)).collect();
                    let c0: Vec<f64> = (0..m * n)
                        .map(|_| {
                            if beta == 0.0 {
                                f64::NAN
                            } else {
                                lcg(&mut seed)
                            }
                        })
                        .collect();
                    let want = reference(&g, &a, &b, &c0);
                    let mut c = c0.clone();
                    gemm_with(provider, &g, &a, &b, &mut c).unwrap();
                    for (x, y) in c.iter().zip(&want) {
                        assert!(
                            (x - y).abs() <= 1e-12 * (1.0 + y.abs()) * k as f64,
                            "{} f64 {g:?}: {x} vs {y}",
                            provider.name()
                        );
                    }
                    let a32: Vec<f32> = a.iter().map(|&v| v as f32).collect();
                    let b32: Vec<f32> = b.iter().map(|&v| v as f32).collect();
                    let mut c32: Vec<f32> = c0.iter().map(|&v| v as f32).collect();
                    gemm_with(provider, &g, &a32, &b32, &mut c32).unwrap();
                    for (x, y) in c32.iter().zip(&want) {
                        assert!(
                            (*x as f64 - y).abs() <= 1e-5 * (1.0 + y.abs()) * (k as f64).sqrt(),
                            "{} f32 {g:?}: {x} vs {y}",
                            provider.name()
                        );
                    }
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
    assert_eq!(default_provider().name(), "pure");
    set_provider(first).unwrap();
}
