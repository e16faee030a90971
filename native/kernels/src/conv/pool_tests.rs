//! The pools against their definition, window by window, on disjoint windows (stride = or >
//! the window, uncovered last rows and columns), overlapping ones, padding, one to 17
//! channels, ties, NaN and -inf, on every test thread count.

use super::*;
use crate::testing::{with_threads, Lcg, THREADS};

/// (in_h, in_w, c, f_h, f_w, stride_h, stride_w, [top, bottom, left, right]).
type Case = (usize, usize, usize, usize, usize, usize, usize, [usize; 4]);

const CASES: [Case; 10] = [
    (28, 28, 6, 2, 2, 2, 2, [0; 4]),      // LeNet's first pool
    (5, 7, 3, 2, 2, 2, 2, [0; 4]),        // the last row and column in no window
    (7, 8, 1, 2, 3, 3, 4, [0; 4]),        // stride > window: gaps between windows
    (6, 6, 16, 3, 3, 3, 3, [1, 1, 1, 1]), // disjoint and padded
    (5, 5, 2, 3, 3, 1, 1, [1, 1, 1, 1]),  // overlapping, 'same'
    (6, 5, 17, 2, 3, 1, 2, [0, 1, 0, 2]), // overlapping along W only
    (4, 9, 5, 3, 2, 2, 1, [0; 4]),        // overlapping along H only
    (1, 1, 4, 1, 1, 1, 1, [0; 4]),
    (3, 4, 8, 3, 4, 1, 1, [0; 4]), // one window per image
    (9, 9, 7, 3, 3, 2, 2, [1, 0, 0, 1]),
];

fn geometry(m: usize, (h, w, c, fh, fw, sh, sw, p): Case) -> Conv2d {
    let out = |n: usize, a: usize, b: usize, f: usize, s: usize| (n + a + b - f) / s + 1;
    Conv2d {
        m,
        in_h: h,
        in_w: w,
        in_c: c,
        f_h: fh,
        f_w: fw,
        out_c: c,
        out_h: out(h, p[0], p[1], fh, sh),
        out_w: out(w, p[2], p[3], fw, sw),
        stride_h: sh,
        stride_w: sw,
        dil_h: 1,
        dil_w: 1,
        pad_top: p[0],
        pad_bottom: p[1],
        pad_left: p[2],
        pad_right: p[3],
    }
}

/// Values on a coarse grid (many ties), with a few NaN and -inf.
fn input(len: usize, seed: u64) -> Vec<f64> {
    let mut rng = Lcg(seed);
    (0..len)
        .map(|k| match k % 37 {
            5 => f64::NAN,
            11 => f64::NEG_INFINITY,
            _ => (rng.next() * 4.0).round(),
        })
        .collect()
}

/// The elements (flat indices into x) of output (n, i, j)'s window, clipped to the image.
fn members(g: &Conv2d, n: usize, i: usize, j: usize, ch: usize) -> Vec<usize> {
    let mut v = Vec::new();
    for a in 0..g.f_h {
        for b in 0..g.f_w {
            let h = (i * g.stride_h + a) as isize - g.pad_top as isize;
            let w = (j * g.stride_w + b) as isize - g.pad_left as isize;
            if h >= 0 && w >= 0 && (h as usize) < g.in_h && (w as usize) < g.in_w {
                v.push(((n * g.in_h + h as usize) * g.in_w + w as usize) * g.in_c + ch);
            }
        }
    }
    v
}

/// Max (NaN wins), average, max's gradient (every tie) and average's, by the definition.
fn definition(g: &Conv2d, x: &[f64], da: &[f64], count_pad: bool) -> [Vec<f64>; 4] {
    let (mut max, mut avg) = (vec![0.0; da.len()], vec![0.0; da.len()]);
    let (mut dmax, mut davg) = (vec![0.0; x.len()], vec![0.0; x.len()]);
    let mut o = 0;
    for n in 0..g.m {
        for i in 0..g.out_h {
            for j in 0..g.out_w {
                for ch in 0..g.in_c {
                    let win = members(g, n, i, j, ch);
                    let vals: Vec<f64> = win.iter().map(|&k| x[k]).collect();
                    max[o] = if vals.iter().any(|v| v.is_nan()) {
                        f64::NAN
                    } else {
                        vals.iter().copied().fold(f64::NEG_INFINITY, f64::max)
                    };
                    let count = if count_pad { g.f_h * g.f_w } else { win.len() } as f64;
                    avg[o] = vals.iter().sum::<f64>() / count;
                    for &k in &win {
                        if x[k] == max[o] {
                            dmax[k] += da[o];
                        }
                        davg[k] += da[o] / count;
                    }
                    o += 1;
                }
            }
        }
    }
    [max, avg, dmax, davg]
}

fn same(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

#[test]
fn pools_match_the_definition_on_every_geometry_and_thread_count() {
    for (case, &c) in CASES.iter().enumerate() {
        let g = geometry(3, c);
        let x = input(g.x_len(), case as u64);
        let da = Lcg(100 + case as u64).vec(g.rows() * g.in_c, 1.0);
        for count_pad in [false, true] {
            let [max, avg, dmax, davg] = definition(&g, &x, &da, count_pad);
            for &t in &THREADS {
                let run = |mode, backward: bool| {
                    let mut out = vec![f64::NAN; if backward { x.len() } else { da.len() }];
                    with_threads(t, || {
                        if backward {
                            pool2d_backward(mode, &da, &x, &g, count_pad, &mut out)
                        } else {
                            pool2d(mode, &x, &g, count_pad, &mut out)
                        }
                    })
                    .unwrap();
                    out
                };
                let at = format!("case {case} {g:?} count_pad {count_pad} {t} threads");
                // Max and its gradient are exact: each element's contributions are added
                // in the definition's window order.
                for (name, got, want) in [
                    ("max", run(PoolMode::Max, false), &max),
                    ("max backward", run(PoolMode::Max, true), &dmax),
                ] {
                    for (k, (&a, &b)) in got.iter().zip(want).enumerate() {
                        assert!(same(a, b), "{name} {at} at {k}: {a} vs {b}");
                    }
                }
                // Averages sum the same f_h·f_w terms in another order: within γ_{f_h·f_w+1}
                // of the terms' magnitudes (inf and NaN must match exactly).
                let (u, terms) = (2f64.powi(-53), (g.f_h * g.f_w + 1) as f64);
                let bound = terms * u / (1.0 - terms * u) * 8.0;
                for (name, got, want) in [
                    ("avg", run(PoolMode::Avg, false), &avg),
                    ("avg backward", run(PoolMode::Avg, true), &davg),
                ] {
                    for (k, (&a, &b)) in got.iter().zip(want).enumerate() {
                        let close = if b.is_finite() {
                            (a - b).abs() <= bound * (terms + 1.0)
                        } else {
                            same(a, b)
                        };
                        assert!(close, "{name} {at} at {k}: {a} vs {b}");
                    }
                }
            }
        }
    }
}
