//! Winograd F(2x2, 3x3) (conv/winograd.rs) against the definition: tile edges, paddings, the
//! block of tiles, bias, thread counts, and the fall-back to im2col where it does not apply.

use super::super::winograd;
use super::*;

/// |error| of a Winograd output with inputs and filters below 1 in magnitude and `c` channels
/// summed in each of its 16 products. V = Bᵀ d B adds 4 inputs (|V| <= 4, 2 roundings), U = G g Gᵀ
/// adds 9 halved weights (|U| <= 2.25, 4 roundings), each product sums c terms of |V·U| <= 9,
/// and Aᵀ M A adds 9 of the 16 products (4 roundings) and the bias (1): at most c + 11 roundings,
/// each relative to a sum of magnitudes of at most 81·c.
fn bound<T: Real>(c: usize) -> f64 {
    (c as f64 + 16.0) * unit::<T>() * 81.0 * c as f64
}

fn unit<T: Real>() -> f64 {
    if std::mem::size_of::<T>() == 4 {
        2f64.powi(-24)
    } else {
        2f64.powi(-53)
    }
}

fn assert_within<T: Real>(what: &str, actual: &[T], expected: &[f64], bound: f64) {
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a.to_f64() - e).abs() <= bound,
            "{what}[{i}]: {} vs {e} (bound {bound})",
            a.to_f64()
        );
    }
}

fn check_winograd<T: GemmScalar>(g: Conv2d, seed: u64) {
    assert!(winograd::applies(&g), "{g:?} should take the Winograd path");
    let t = |v: Vec<f64>| v.into_iter().map(T::from_f64).collect::<Vec<T>>();
    let x = t(values(g.x_len(), seed));
    let w = t(values(g.taps() * g.out_c, seed + 1));
    let dz = t(values(g.rows() * g.out_c, seed + 2));
    let bias = t(values(g.out_c, seed + 3));
    let back = |v: &[T]| v.iter().map(|&x| x.to_f64()).collect::<Vec<f64>>();
    let (z_ref, dx_ref, _) = reference(&g, &back(&x), &back(&w), &back(&dz));
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut z = vec![T::from_f64(f64::NAN); z_ref.len()];
        pool.install(|| conv2d(&x, &w, Some(&bias), &g, &mut z).unwrap());
        let z_ref_b: Vec<f64> = z_ref
            .iter()
            .enumerate()
            .map(|(i, &v)| v + bias[i % g.out_c].to_f64())
            .collect();
        assert_within("Z", &z, &z_ref_b, bound::<T>(g.in_c));
        let mut dx = vec![T::from_f64(f64::NAN); x.len()];
        pool.install(|| conv2d_backprop_input(&dz, &w, &g, &mut dx).unwrap());
        let dx_bound = if winograd::applies_to_input_gradient(&g) {
            bound::<T>(g.out_c)
        } else {
            // im2col's bound, as in tests.rs.
            let terms = g.f_h * g.f_w * g.out_c;
            (terms as f64 + 2.0) * unit::<T>() * terms as f64
        };
        assert_within("dx", &dx, &dx_ref, dx_bound);
    }
}

#[test]
fn winograd_matches_the_definition_at_tile_edges_and_paddings() {
    let cases = [
        // Odd output sizes leave half tiles at the bottom and right.
        geometry(2, (5, 6), 8, (3, 3), 8, (1, 1), (1, 1), [1, 1, 1, 1]),
        geometry(1, (7, 7), 9, (3, 3), 17, (1, 1), (1, 1), [0, 0, 0, 0]),
        geometry(1, (3, 3), 8, (3, 3), 8, (1, 1), (1, 1), [0, 0, 0, 0]),
        // Paddings of 2 (the flipped convolution's is 0) and asymmetric ones.
        geometry(3, (6, 5), 8, (3, 3), 8, (1, 1), (1, 1), [2, 2, 2, 2]),
        geometry(2, (9, 4), 10, (3, 3), 12, (1, 1), (1, 1), [0, 2, 1, 0]),
        // A padding of 3: Winograd forward, im2col for dA_prev.
        geometry(1, (4, 5), 8, (3, 3), 9, (1, 1), (1, 1), [3, 1, 0, 3]),
    ];
    for (i, g) in cases.into_iter().enumerate() {
        check_winograd::<f64>(g, 10 * i as u64);
        check_winograd::<f32>(g, 10 * i as u64 + 5);
    }
}

#[test]
fn winograd_blocks_of_tiles() {
    // Tiles per task around one and two TILE_BLOCKs (128): 64 per image (two images make a
    // block), 132 (a block and 4), exactly 128, 136, and 49 per image over 5 images.
    for (m, h, w) in [
        (3, 16, 16),
        (1, 22, 24),
        (1, 32, 16),
        (2, 34, 16),
        (5, 14, 14),
    ] {
        let g = geometry(m, (h, w), 8, (3, 3), 8, (1, 1), (1, 1), [1, 1, 1, 1]);
        check_winograd::<f32>(g, (m * h * w) as u64);
        check_winograd::<f64>(g, (m * h * w) as u64 + 1);
    }
}

#[test]
fn winograd_applies_only_to_3x3_stride_1_undilated_with_8_channels() {
    let g = |c, f, s, d, k| geometry(1, (8, 8), c, (k, k), f, (s, s), (d, d), [1, 1, 1, 1]);
    assert!(winograd::applies(&g(8, 8, 1, 1, 3)));
    assert!(!winograd::applies(&g(7, 8, 1, 1, 3)));
    assert!(!winograd::applies(&g(8, 7, 1, 1, 3)));
    assert!(!winograd::applies(&g(8, 8, 2, 1, 3)));
    assert!(!winograd::applies(&g(8, 8, 1, 2, 3)));
    assert!(!winograd::applies(&g(8, 8, 1, 1, 5)));
}
