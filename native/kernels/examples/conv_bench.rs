//! Milliseconds of conv2d and its two gradients on the bench's and LeNet's shapes, by kernel
//! call alone (no N-API, no allocation): the median of repeated runs after a warm-up.
//!
//!     cargo run --release --example conv_bench

use neurite_kernels::conv::{self, Conv2d, PoolMode};
use std::time::Instant;

fn geometry(m: usize, hw: usize, c: usize, f: usize, out_c: usize, same: bool) -> Conv2d {
    let pad = if same { (f - 1) / 2 } else { 0 };
    let out = hw + 2 * pad - f + 1;
    Conv2d {
        m,
        in_h: hw,
        in_w: hw,
        in_c: c,
        f_h: f,
        f_w: f,
        out_c,
        out_h: out,
        out_w: out,
        stride_h: 1,
        stride_w: 1,
        dil_h: 1,
        dil_w: 1,
        pad_top: pad,
        pad_bottom: pad,
        pad_left: pad,
        pad_right: pad,
    }
}

fn median_ms(f: &mut dyn FnMut()) -> f64 {
    for _ in 0..5 {
        f();
    }
    let mut t: Vec<f64> = (0..41)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn main() {
    let shapes = [
        (
            "(64, 28, 28, 1) -> 32 3x3 same",
            geometry(64, 28, 1, 3, 32, true),
        ),
        (
            "(64, 14, 14, 32) -> 64 3x3 same",
            geometry(64, 14, 32, 3, 64, true),
        ),
        (
            "LeNet conv1 (64, 28, 28, 1) -> 6 5x5 same",
            geometry(64, 28, 1, 5, 6, true),
        ),
        (
            "LeNet conv2 (64, 14, 14, 6) -> 16 5x5 valid",
            geometry(64, 14, 6, 5, 16, false),
        ),
        (
            "(64, 32, 32, 3) -> 32 3x3 same",
            geometry(64, 32, 3, 3, 32, true),
        ),
        (
            "(64, 28, 28, 3) -> 16 5x5 same",
            geometry(64, 28, 3, 5, 16, true),
        ),
        (
            "(64, 14, 14, 8) -> 16 5x5 same",
            geometry(64, 14, 8, 5, 16, true),
        ),
        (
            "(64, 14, 14, 4) -> 32 5x5 valid",
            geometry(64, 14, 4, 5, 32, false),
        ),
        (
            "(64, 14, 14, 16) -> 32 5x5 valid",
            geometry(64, 14, 16, 5, 32, false),
        ),
        (
            "(64, 14, 14, 8) -> 64 3x3 valid",
            geometry(64, 14, 8, 3, 64, false),
        ),
    ];
    // An argument picks shapes whose label contains it (to profile one).
    let only = std::env::args().nth(1).unwrap_or_default();
    println!("| shape | forward | dA_prev | dW |\n| --- | ---: | ---: | ---: |");
    for (label, g) in shapes.into_iter().filter(|(l, _)| l.contains(&only)) {
        let fill = |n: usize| {
            (0..n)
                .map(|i| ((i * 7919) % 1000) as f32 / 1000.0 - 0.5)
                .collect::<Vec<f32>>()
        };
        let x = fill(g.m * g.in_h * g.in_w * g.in_c);
        let w = fill(g.taps() * g.out_c);
        let dz = fill(g.rows() * g.out_c);
        let (mut z, mut dx, mut dw) = (
            vec![0f32; dz.len()],
            vec![0f32; x.len()],
            vec![0f32; w.len()],
        );
        // A second argument times only the passes it names (forward, input, filter).
        let pass = std::env::args()
            .nth(2)
            .unwrap_or("forward input filter".into());
        let time = |name: &str, f: &mut dyn FnMut()| {
            if pass.contains(name) {
                median_ms(f)
            } else {
                f64::NAN
            }
        };
        let fwd = time("forward", &mut || {
            conv::conv2d(&x, &w, None, &g, &mut z).unwrap()
        });
        let bin = time("input", &mut || {
            conv::conv2d_backprop_input(&dz, &w, &g, &mut dx).unwrap()
        });
        let bfl = time("filter", &mut || {
            conv::conv2d_backprop_filter(&x, &dz, &g, &mut dw).unwrap()
        });
        println!("| {label} | {fwd:.3} | {bin:.3} | {bfl:.3} |");
    }
    println!("\n| pool (2x2, stride 2) | max forward | max backward | avg forward | avg backward |\n| --- | ---: | ---: | ---: | ---: |");
    for (label, hw, c) in [
        ("LeNet pool1 (64, 28, 28, 6)", 28, 6),
        ("LeNet pool2 (64, 10, 10, 16)", 10, 16),
    ] {
        if !label.contains(&only) {
            continue;
        }
        let mut g = geometry(64, hw, c, 2, c, false);
        (g.stride_h, g.stride_w, g.out_h, g.out_w) = (2, 2, hw / 2, hw / 2);
        let x: Vec<f32> = (0..64 * hw * hw * c)
            .map(|i| ((i * 7919) % 1000) as f32)
            .collect();
        let da = vec![1f32; g.rows() * c];
        let (mut a, mut dx) = (vec![0f32; da.len()], vec![0f32; x.len()]);
        let mut cell = |mode| {
            let f = median_ms(&mut || conv::pool2d(mode, &x, &g, false, &mut a).unwrap());
            let b = median_ms(&mut || {
                conv::pool2d_backward(mode, &da, &x, &g, false, &mut dx).unwrap()
            });
            (f, b)
        };
        let ((mf, mb), (af, ab)) = (cell(PoolMode::Max), cell(PoolMode::Avg));
        println!("| {label} | {mf:.3} | {mb:.3} | {af:.3} | {ab:.3} |");
    }
}
