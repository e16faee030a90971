use super::*;
use crate::parallel::TRANSCENDENTAL;
use crate::testing::{around, chunk_bounds, with_threads, Lcg, THREADS};

#[test]
fn softmax_columns_by_hand() {
    let x = [1.0f64, 2.0, 3.0, 1000.0]; // (2, 2), softmax over axis 0
    let mut out = [0.0f64; 4];
    softmax(&x, &[2, 2], 0, &mut out, false).unwrap();
    assert!((out[0] - 1.0 / (1.0 + (2.0f64).exp())).abs() < 1e-15);
    assert!((out[1] + out[3] - 1.0).abs() < 1e-15);
    softmax(&x, &[2, 2], 0, &mut out, true).unwrap();
    assert!((out[3] - 0.0).abs() < 1e-12);
    let e = softmax(&x, &[2, 2], 2, &mut out, false).unwrap_err();
    assert!(e.0.contains("axis must be below the rank 2"), "{e}");
}

/// The definition, lane by lane in f64: (outer, n, inner) columns, each its own softmax.
fn reference(x: &[f64], outer: usize, n: usize, inner: usize, log: bool) -> Vec<f64> {
    let mut out = vec![0.0; x.len()];
    for o in 0..outer {
        for j in 0..inner {
            let at = |i: usize| o * n * inner + i * inner + j;
            let max = (0..n).map(|i| x[at(i)]).fold(f64::NEG_INFINITY, f64::max);
            let total: f64 = (0..n).map(|i| (x[at(i)] - max).exp()).sum();
            for i in 0..n {
                let d = x[at(i)] - max;
                out[at(i)] = if log { d - total.ln() } else { d.exp() / total };
            }
        }
    }
    out
}

/// Checks `T`'s softmax of `shape` over `axis` on every thread count: the 1-thread result against
/// the f64 definition within a rounding-error bound, and every threaded result bit for bit
/// against it (a lane's arithmetic does not depend on how the lanes are shared out).
fn check<T: Real>(shape: &[usize], axis: usize, seed: u64) {
    let (outer, n, inner) = (
        shape[..axis].iter().product::<usize>(),
        shape[axis],
        shape[axis + 1..].iter().product::<usize>(),
    );
    let len = outer * n * inner;
    // Inputs in [-4, 4): every exp(x - max) >= e^-8 stays a normal number in f32.
    let x: Vec<T> = Lcg(seed)
        .vec(len, 4.0)
        .into_iter()
        .map(T::from_f64)
        .collect();
    let x64: Vec<f64> = x.iter().map(|v| v.to_f64()).collect();
    // Unit roundoff of T.
    let u = if T::NAME == "float32" {
        2f64.powi(-24)
    } else {
        2f64.powi(-53)
    };
    for log in [false, true] {
        let want = reference(&x64, outer, n, inner, log);
        let mut first: Vec<T> = vec![T::ZERO; len];
        for &t in &THREADS {
            let mut out = vec![T::from_f64(f64::NAN); len];
            with_threads(t, || softmax(&x, shape, axis, &mut out, log)).unwrap();
            if t == 1 {
                first.copy_from_slice(&out);
            } else {
                let same = out
                    .iter()
                    .zip(&first)
                    .position(|(a, b)| a.to_f64().to_bits() != b.to_f64().to_bits());
                assert!(
                    same.is_none(),
                    "{} {shape:?} axis {axis} log {log}: {t} threads differ from 1 at {same:?}",
                    T::NAME
                );
            }
        }
        // Max |x - max| over the whole input bounds every lane's: 8.
        let spread = 8.0;
        for (k, (&got, &w)) in first.iter().zip(&want).enumerate() {
            let got = got.to_f64();
            // softmax, relative to the value: rounding x - max (u·|d| <= u·spread), exp (u; f64's
            // libm <= 2u), the same for every term of the total, the f64 sum of n terms (n·2^-53)
            // and its cast to T (u), the division (u): u·(2·spread + 6) + n·2^-53.
            // log-softmax, absolute: x - max (u·spread), log(total) (the total's relative error,
            // plus rounding a value <= spread + ln n), the last subtraction (u·|value|).
            let sum = n as f64 * 2f64.powi(-53);
            let bound = if log {
                u * (3.0 * spread + 8.0 + (n as f64).ln() + 2.0 * w.abs()) + sum
            } else {
                (u * (2.0 * spread + 6.0) + sum) * w.abs()
            };
            assert!(
                (got - w).abs() <= bound,
                "{} {shape:?} axis {axis} log {log} at {k}: {got} vs {w} (bound {bound})",
                T::NAME
            );
        }
    }
}

#[test]
fn the_course_layouts_that_used_to_fail() {
    // (classes, m) over axis 0, and a square over either axis: 32,768+ elements whose blocks do
    // not line up with the 16,384-element chunks of elementwise work.
    for (shape, axis) in [
        (vec![10, 60000], 0),
        (vec![3, 20000], 0),
        (vec![300, 300], 0),
        (vec![300, 300], 1),
        (vec![60000, 10], 1),
    ] {
        check::<f32>(&shape, axis, 1);
        check::<f64>(&shape, axis, 2);
    }
}

#[test]
fn every_size_around_the_thread_boundaries() {
    let mut sizes = Vec::new();
    for &t in &THREADS {
        sizes.extend(chunk_bounds(TRANSCENDENTAL, t));
    }
    sizes.sort_unstable();
    sizes.dedup();
    let mut seed = 10;
    for &len in &sizes {
        seed += 1;
        // One long column; one row of single-value columns (n = 1); a few rows (panels);
        // many short columns (whole blocks); a 3-D middle axis.
        check::<f32>(&[len], 0, seed);
        check::<f32>(&[1, len], 0, seed);
        for rows in [3, 10, 127] {
            let cols = len / rows;
            check::<f32>(&[rows, cols], 0, seed);
            check::<f64>(&[rows, cols], 0, seed);
            check::<f32>(&[cols, rows], 1, seed);
        }
        check::<f64>(&[5, len / 35, 7], 1, seed);
        check::<f32>(&[len / 600, 3, 200], 1, seed);
    }
}

#[test]
fn panel_edges() {
    // Few blocks, wide: the column panels' widths round to 16 and stop at MIN_PANEL; inner
    // just around 2·MIN_PANEL switches between panels and whole blocks.
    for inner in around(&[2 * MIN_PANEL, 16 * MIN_PANEL, 4099]) {
        for n in [1, 2, 33] {
            let outer = (40_000 / (n * inner)).max(1);
            check::<f32>(&[outer, n, inner], 1, inner as u64);
        }
    }
}

#[test]
fn nan_and_infinities_follow_the_js_backend() {
    // Columns of (2, 5): [0, 1] is ordinary; a NaN makes its column NaN; [-inf, 2] is [0, 1];
    // +inf gives inf - inf = NaN; a column of -inf gives -inf - -inf = NaN.
    let (ninf, inf) = (f32::NEG_INFINITY, f32::INFINITY);
    let x = [0.0f32, f32::NAN, ninf, 1.0, ninf, 1.0, ninf, 2.0, inf, ninf];
    let mut out = [0.0f32; 10];
    softmax(&x, &[2, 5], 0, &mut out, false).unwrap();
    let e = 1.0 / (1.0 + 1f64.exp());
    assert!((out[0] as f64 - e).abs() < 1e-7 && (out[5] as f64 - (1.0 - e)).abs() < 1e-7);
    assert!(out[1].is_nan() && out[6].is_nan());
    assert_eq!((out[2], out[7]), (0.0, 1.0));
    assert!(out[3].is_nan() && out[8].is_nan());
    assert!(out[4].is_nan() && out[9].is_nan());
}
