use super::*;

/// A small deterministic generator (values in [-1, 1)), so the tests need no crate.
fn values(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn geometry(
    m: usize,
    hw: (usize, usize),
    c: usize,
    f: (usize, usize),
    out_c: usize,
    s: (usize, usize),
    d: (usize, usize),
    pads: [usize; 4],
) -> Conv2d {
    let ext = |n: usize, a: usize, b: usize, f: usize, d: usize, s: usize| {
        (n + a + b - d * (f - 1) - 1) / s + 1
    };
    Conv2d {
        m,
        in_h: hw.0,
        in_w: hw.1,
        in_c: c,
        f_h: f.0,
        f_w: f.1,
        out_c,
        out_h: ext(hw.0, pads[0], pads[1], f.0, d.0, s.0),
        out_w: ext(hw.1, pads[2], pads[3], f.1, d.1, s.1),
        stride_h: s.0,
        stride_w: s.1,
        dil_h: d.0,
        dil_w: d.1,
        pad_top: pads[0],
        pad_bottom: pads[1],
        pad_left: pads[2],
        pad_right: pads[3],
    }
}

/// Z, dx and dW by the definition, term by term, in f64.
fn reference(g: &Conv2d, x: &[f64], w: &[f64], dz: &[f64]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let (mut z, mut dx, mut dw) = (
        vec![0.0; g.rows() * g.out_c],
        vec![0.0; x.len()],
        vec![0.0; w.len()],
    );
    for n in 0..g.m {
        for i in 0..g.out_h {
            for j in 0..g.out_w {
                for p in 0..g.f_h {
                    for q in 0..g.f_w {
                        let h = (i * g.stride_h + p * g.dil_h) as isize - g.pad_top as isize;
                        let v = (j * g.stride_w + q * g.dil_w) as isize - g.pad_left as isize;
                        if h < 0 || v < 0 || h >= g.in_h as isize || v >= g.in_w as isize {
                            continue;
                        }
                        for c in 0..g.in_c {
                            for f in 0..g.out_c {
                                let xi =
                                    ((n * g.in_h + h as usize) * g.in_w + v as usize) * g.in_c + c;
                                let wi = ((p * g.f_w + q) * g.in_c + c) * g.out_c + f;
                                let zi = ((n * g.out_h + i) * g.out_w + j) * g.out_c + f;
                                z[zi] += x[xi] * w[wi];
                                dx[xi] += dz[zi] * w[wi];
                                dw[wi] += x[xi] * dz[zi];
                            }
                        }
                    }
                }
            }
        }
    }
    (z, dx, dw)
}

/// |a - e| <= (terms + 2)·u·terms: each of `terms` products of values below 1 in magnitude.
fn assert_close<T: Real>(what: &str, actual: &[T], expected: &[f64], terms: usize) {
    let u = if std::mem::size_of::<T>() == 4 {
        2f64.powi(-24)
    } else {
        2f64.powi(-53)
    };
    let bound = (terms as f64 + 2.0) * u * terms as f64;
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a.to_f64() - e).abs() <= bound,
            "{what}[{i}]: {} vs {e} (bound {bound})",
            a.to_f64()
        );
    }
}

fn check<T: GemmScalar>(g: Conv2d, seed: u64) {
    let x64 = values(g.x_len(), seed);
    let w64 = values(g.taps() * g.out_c, seed + 1);
    let dz64 = values(g.rows() * g.out_c, seed + 2);
    let t = |v: &[f64]| v.iter().map(|&x| T::from_f64(x)).collect::<Vec<T>>();
    let (x, w, dz) = (t(&x64), t(&w64), t(&dz64));
    // References from the rounded inputs, so only the kernels' own rounding remains.
    let back = |v: &[T]| v.iter().map(|&x| x.to_f64()).collect::<Vec<f64>>();
    let (z_ref, dx_ref, dw_ref) = reference(&g, &back(&x), &back(&w), &back(&dz));
    let mut z = vec![T::from_f64(f64::NAN); z_ref.len()];
    conv2d(&x, &w, None, &g, &mut z).unwrap();
    assert_close("Z", &z, &z_ref, g.taps());
    let mut dx = vec![T::from_f64(f64::NAN); x.len()];
    conv2d_backprop_input(&dz, &w, &g, &mut dx).unwrap();
    assert_close("dx", &dx, &dx_ref, g.f_h * g.f_w * g.out_c);
    let mut dw = vec![T::from_f64(f64::NAN); w.len()];
    conv2d_backprop_filter(&x, &dz, &g, &mut dw).unwrap();
    assert_close("dW", &dw, &dw_ref, g.rows());
}

/// The bias is added in the same kernel as the sums: Z + b, to the same bound as Z.
fn check_bias(g: Conv2d) {
    let x: Vec<f64> = values(g.x_len(), 7);
    let w: Vec<f64> = values(g.taps() * g.out_c, 8);
    let b: Vec<f64> = values(g.out_c, 9);
    let (z_ref, _, _) = reference(&g, &x, &w, &vec![0.0; g.rows() * g.out_c]);
    let with_b: Vec<f64> = z_ref
        .iter()
        .enumerate()
        .map(|(i, z)| z + b[i % g.out_c])
        .collect();
    let mut z = vec![f64::NAN; z_ref.len()];
    conv2d(&x, &w, Some(&b), &g, &mut z).unwrap();
    assert_close("Z + b", &z, &with_b, g.taps() + 1);
}

#[test]
fn conv_matches_the_definition_across_geometries() {
    let cases = [
        geometry(2, (5, 6), 3, (3, 3), 4, (1, 1), (1, 1), [1, 1, 1, 1]),
        geometry(1, (7, 6), 2, (2, 4), 3, (2, 2), (1, 1), [0, 1, 1, 1]),
        geometry(2, (7, 7), 2, (3, 3), 3, (1, 1), (2, 2), [2, 2, 2, 2]),
        geometry(1, (8, 7), 3, (2, 3), 2, (1, 2), (2, 1), [1, 1, 0, 0]),
        geometry(2, (3, 4), 5, (1, 1), 3, (1, 1), (1, 1), [0, 0, 0, 0]),
        geometry(3, (6, 6), 1, (3, 3), 4, (3, 1), (1, 1), [0, 2, 1, 0]),
    ];
    for (i, g) in cases.into_iter().enumerate() {
        check::<f64>(g, i as u64);
        check::<f32>(g, i as u64 + 100);
    }
}

#[test]
fn chunk_boundaries_of_output_rows() {
    // Output rows around one and two CHUNK_ROWS (256), within an image and across images.
    for (m, h, w) in [
        (1, 16, 16),
        (1, 15, 17),
        (1, 17, 15),
        (3, 9, 19),
        (2, 16, 16),
        (1, 23, 23),
    ] {
        let g = geometry(m, (h, w), 3, (3, 3), 5, (1, 1), (1, 1), [1, 1, 1, 1]);
        check::<f32>(g, (m * h * w) as u64);
        check::<f64>(g, (m * h * w) as u64 + 1);
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let g = geometry(4, (12, 12), 8, (3, 3), 16, (1, 1), (1, 1), [1, 1, 1, 1]);
    let x: Vec<f32> = values(g.x_len(), 1).into_iter().map(|v| v as f32).collect();
    let dz: Vec<f32> = values(g.rows() * g.out_c, 2)
        .into_iter()
        .map(|v| v as f32)
        .collect();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut dw = vec![0f32; g.taps() * g.out_c];
        pool.install(|| conv2d_backprop_filter(&x, &dz, &g, &mut dw).unwrap());
        dw
    };
    let one = run(1);
    let (two, three) = (run(2), run(3));
    let (_, _, dw_ref) = reference(
        &g,
        &x.iter().map(|&v| v as f64).collect::<Vec<_>>(),
        &vec![0.0; g.taps() * g.out_c],
        &dz.iter().map(|&v| v as f64).collect::<Vec<_>>(),
    );
    assert_close("dW 1 thread", &one, &dw_ref, g.rows());
    assert_close("dW 2 threads", &two, &dw_ref, g.rows());
    assert_close("dW 3 threads", &three, &dw_ref, g.rows());
}

#[test]
fn bad_geometry_and_lengths_are_errors() {
    let mut v = vec![
        2.0, 5.0, 5.0, 3.0, 3.0, 3.0, 4.0, 3.0, 3.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0,
    ];
    let g = Conv2d::from_numbers("conv2d", &v).unwrap();
    v[7] = 4.0;
    let e = Conv2d::from_numbers("conv2d", &v).unwrap_err();
    assert!(e.0.contains("does not follow"), "{e}");
    v[7] = 3.0;
    v[9] = 0.0;
    assert!(Conv2d::from_numbers("conv2d", &v)
        .unwrap_err()
        .0
        .contains("strideH"));
    assert!(Conv2d::from_numbers("conv2d", &v[..5])
        .unwrap_err()
        .0
        .contains("17 numbers"));
    let mut out = vec![0f32; g.rows() * 4];
    let e = conv2d(&[0f32; 10], &[0f32; 108], None, &g, &mut out).unwrap_err();
    assert!(e.0.contains("x must have 150 elements, received 10"), "{e}");
    let e = conv2d(
        &vec![0f32; 150],
        &[0f32; 108],
        Some(&[0f32; 3]),
        &g,
        &mut out,
    )
    .unwrap_err();
    assert!(e.0.contains("bias"), "{e}");
}

#[test]
fn pools_take_the_max_of_every_tie_and_average_inside_the_image() {
    // One image, one channel, 3x3 values with a tie; window 2, stride 1, padding 1 on the bottom and right.
    let g = Conv2d {
        m: 1,
        in_h: 3,
        in_w: 3,
        in_c: 1,
        f_h: 2,
        f_w: 2,
        out_c: 1,
        out_h: 3,
        out_w: 3,
        stride_h: 1,
        stride_w: 1,
        dil_h: 1,
        dil_w: 1,
        pad_top: 0,
        pad_bottom: 1,
        pad_left: 0,
        pad_right: 1,
    };
    let x = [1.0, 3.0, 3.0, 0.0, 2.0, -1.0, 4.0, 0.0, 5.0];
    let mut out = [0.0; 9];
    pool2d(PoolMode::Max, &x, &g, false, &mut out).unwrap();
    assert_eq!(out, [3.0, 3.0, 3.0, 4.0, 5.0, 5.0, 4.0, 5.0, 5.0]);
    pool2d(PoolMode::Avg, &x, &g, false, &mut out).unwrap();
    assert_eq!(out[2], 1.0); // (3 + -1) / 2: the padded column is not counted
    assert_eq!(out[8], 5.0);
    pool2d(PoolMode::Avg, &x, &g, true, &mut out).unwrap();
    assert_eq!(out[8], 1.25);
    let mut dx = [0.0; 9];
    pool2d_backward(PoolMode::Max, &[1.0; 9], &x, &g, false, &mut dx).unwrap();
    // Window (0, 1) holds two tied 3s: both receive its 1. The 5 is the max of four windows.
    assert_eq!(dx, [0.0, 2.0, 2.0, 0.0, 0.0, 0.0, 2.0, 0.0, 4.0]);
}

#[test]
fn one_channel_blocks_match_the_definition_with_few_filters() {
    // One channel goes to the register-block kernels (conv/direct.rs, conv/filter_blocks.rs): here
    // the narrow blocks (8 filters, zero-padded) and the wide ones at 9-15 filters, output rows
    // around one and two CHUNK_ROWS (256) and across images, with padding, strides and dilation.
    for (m, hw, f, out_c, s, d, pads) in [
        (1, (16, 16), (5, 5), 6, (1, 1), (1, 1), [2, 2, 2, 2]),
        (1, (15, 17), (3, 3), 1, (1, 1), (1, 1), [1, 1, 1, 1]),
        (3, (9, 19), (5, 5), 7, (1, 1), (1, 1), [2, 2, 2, 2]),
        (2, (23, 23), (2, 3), 9, (2, 1), (1, 2), [0, 1, 1, 0]),
        (1, (17, 15), (3, 3), 15, (1, 1), (2, 2), [2, 2, 2, 2]),
        (5, (28, 28), (5, 5), 6, (1, 1), (1, 1), [2, 2, 2, 2]),
    ] {
        let g = geometry(m, hw, 1, f, out_c, s, d, pads);
        check::<f32>(g, (m * hw.0 * hw.1) as u64);
        check::<f64>(g, (m * hw.0 * hw.1) as u64 + 1);
    }
}

#[test]
fn one_channel_blocks_match_the_definition() {
    // Blocks of 16 filters (then 8, W and dZ zero-padded) at counts around one and two blocks,
    // output rows around CHUNK_ROWS (17 x 15 = 255 per image), strides, dilation and padding;
    // the filter gradient's blocks of 5 taps (16 filters) or 8 (8 filters) at 9 and 25 taps
    // and at 6 (3x2).
    let cases = [
        (2, (17, 15), (3, 3), 16, (1, 1), (1, 1), [1, 1, 1, 1]),
        (2, (17, 15), (3, 3), 17, (1, 1), (1, 1), [1, 1, 1, 1]),
        (2, (17, 15), (3, 3), 31, (1, 1), (1, 1), [1, 1, 1, 1]),
        (2, (17, 15), (3, 3), 32, (1, 1), (1, 1), [1, 1, 1, 1]),
        (1, (17, 17), (3, 3), 33, (1, 1), (1, 1), [1, 1, 1, 1]),
        (1, (16, 16), (5, 5), 64, (1, 1), (1, 1), [2, 2, 2, 2]),
        (2, (12, 13), (3, 2), 65, (2, 2), (2, 1), [1, 0, 2, 1]),
        (3, (9, 11), (3, 3), 5, (1, 2), (1, 1), [0, 0, 0, 0]),
    ];
    for (m, hw, f, out_c, s, d, pads) in cases {
        let g = geometry(m, hw, 1, f, out_c, s, d, pads);
        check::<f32>(g, out_c as u64);
        check::<f64>(g, out_c as u64 + 1);
        check_bias(g);
    }
}

#[test]
fn direct_block_remainders_match_the_definition() {
    // Output rows of 1-13 columns with 16 and 8 filters: the forward's whole blocks (5 columns of
    // 16 filters, 8 of 8), then its blocks of 4, 2 and 1 for the row's last columns (two
    // channels, so that the one-channel column kernel does not take them). Then 1-11 taps with
    // 16 and 8 filters: dW's blocks of 5 or 8 taps, then 4, 2 and 1.
    for out_w in 1..=13 {
        for out_c in [8, 16] {
            let g = geometry(
                2,
                (4, out_w + 2),
                2,
                (3, 3),
                out_c,
                (1, 1),
                (1, 1),
                [0, 0, 0, 0],
            );
            assert!(direct::applies(&g));
            check::<f32>(g, (out_w * out_c) as u64);
            check::<f64>(g, (out_w * out_c) as u64 + 1);
        }
    }
    for taps in 1..=11 {
        for out_c in [8, 16] {
            let g = geometry(
                2,
                (5, 12),
                1,
                (1, taps),
                out_c,
                (1, 1),
                (1, 1),
                [0, 0, 0, 0],
            );
            check::<f32>(g, (taps * out_c) as u64);
            check::<f64>(g, (taps * out_c) as u64 + 1);
        }
    }
}

#[test]
fn few_channel_blocks_match_the_definition() {
    // The forward's and dW's register blocks (conv/direct.rs, filter_blocks.rs) with 2-8
    // channels: the tap walk over (p, q, c), each band row C values per column. Filter counts
    // on both sides of the narrow and wide blocks and of applies's 16-filter limit at 4-8
    // channels (17 goes to the GEMM, so the two paths are checked on the same geometry),
    // output rows around CHUNK_ROWS (17 x 15 = 255 per image), strides, dilation, padding,
    // and the bias.
    let cases = [
        (2, 2, (17, 15), (3, 3), 8, (1, 1), (1, 1), [1, 1, 1, 1]),
        (2, 3, (17, 15), (5, 5), 9, (1, 1), (1, 1), [2, 2, 2, 2]),
        (1, 3, (16, 16), (3, 3), 32, (1, 1), (1, 1), [1, 1, 1, 1]),
        (1, 3, (16, 17), (3, 3), 33, (2, 1), (1, 2), [0, 2, 1, 1]),
        (3, 6, (14, 14), (5, 5), 16, (1, 1), (1, 1), [0, 0, 0, 0]),
        (2, 6, (14, 14), (5, 5), 17, (1, 1), (1, 1), [0, 0, 0, 0]),
        (2, 4, (11, 13), (2, 3), 15, (1, 2), (2, 1), [1, 0, 2, 1]),
        (1, 8, (17, 17), (3, 3), 7, (1, 1), (1, 1), [1, 1, 1, 1]),
        (2, 5, (9, 11), (3, 3), 12, (3, 2), (1, 1), [0, 1, 0, 1]),
    ];
    for (m, c, hw, f, out_c, s, d, pads) in cases {
        let g = geometry(m, hw, c, f, out_c, s, d, pads);
        assert_eq!(direct::applies(&g), c <= 3 || out_c <= 16);
        check::<f32>(g, (c * out_c) as u64);
        check::<f64>(g, (c * out_c) as u64 + 1);
        check_bias(g);
    }
}

#[test]
fn one_channel_column_blocks_match_the_definition() {
    // columns.rs: output rows of 1 to 33 columns against its vectors (8 f32 or 4 f64 lanes, two
    // vectors per block: columns past a row's end are computed and dropped), every filter-block
    // remainder (1 to 6 filters, and 6 + 1 to 6 + 5), padding on one side only, dilation along
    // the rows, a row stride of 2, and rows split at CHUNK_ROWS (23 x 23 = 529 positions).
    let mut cases = Vec::new();
    for (w, f) in [
        (1, 1),
        (3, 3),
        (4, 2),
        (5, 3),
        (7, 5),
        (8, 1),
        (9, 2),
        (15, 3),
        (16, 5),
        (17, 4),
        (24, 3),
        (33, 5),
    ] {
        cases.push((
            1,
            (6, w),
            (3, f),
            f + 2,
            (1, 1),
            (1, 1),
            [1, 1, f / 2, f / 2],
        ));
    }
    for out_c in 1..=11 {
        cases.push((2, (9, 13), (3, 3), out_c, (1, 1), (1, 1), [1, 1, 1, 1]));
    }
    cases.push((2, (10, 19), (3, 3), 7, (2, 1), (1, 2), [0, 2, 3, 0]));
    cases.push((1, (23, 23), (5, 5), 6, (1, 1), (2, 2), [4, 4, 4, 4]));
    cases.push((3, (23, 23), (5, 5), 13, (1, 1), (1, 1), [2, 2, 2, 2]));
    for (m, hw, f, out_c, s, d, pads) in cases {
        let g = geometry(m, hw, 1, f, out_c, s, d, pads);
        if cfg!(target_arch = "x86_64") && crate::simd::has_avx2() {
            assert!(columns::applies(&g), "{g:?}");
        }
        check::<f32>(g, (out_c * hw.1) as u64);
        check::<f64>(g, (out_c * hw.1) as u64 + 1);
        check_bias(g);
    }
}

mod winograd;
