//! Max and average pooling in the channels-last layout, separably: the rows of a window are
//! combined first (f_h contiguous input rows of in_w·C values into one, which vectorizes
//! whatever C is), then its columns (f_w C-blocks of that row per output). Per-window loops
//! over C = 6 values, as LeNet's first pool has, ran 2-3x slower. A maximum is exact in any
//! order (and NaN-sticky); averages sum rows, then columns: another order of the same f_h·f_w
//! terms, within the same rounding bound.

use super::Conv2d;
use crate::check::{self, fail, Result};
use crate::Real;
use rayon::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolMode {
    Max,
    Avg,
}

impl PoolMode {
    pub fn parse(op: &str, name: &str) -> Result<Self> {
        match name {
            "max" => Ok(Self::Max),
            "avg" => Ok(Self::Avg),
            _ => fail(format!(
                "{op}: mode must be 'max' or 'avg', received '{name}'"
            )),
        }
    }

    fn identity<T: Real>(self) -> T {
        match self {
            PoolMode::Max => T::from_f64(f64::NEG_INFINITY),
            PoolMode::Avg => T::ZERO,
        }
    }

    /// acc = max(acc, v) or acc + v, elementwise.
    #[inline(always)]
    fn combine<T: Real>(self, acc: &mut [T], v: &[T]) {
        match self {
            // NaN wins, as in numpy's max: once there it stays.
            PoolMode::Max => {
                for (a, &x) in acc.iter_mut().zip(v) {
                    *a = if x > *a || x.is_nan() { x } else { *a };
                }
            }
            PoolMode::Avg => {
                for (a, &x) in acc.iter_mut().zip(v) {
                    *a += x;
                }
            }
        }
    }
}

/// The input rows [h0, h1) of output row i, clipped to the image.
fn rows_of(g: &Conv2d, i: usize) -> (usize, usize) {
    clipped(i * g.stride_h, g.pad_top, g.f_h, g.in_h)
}

/// The input columns [w0, w1) of output column j, clipped to the image.
fn cols_of(g: &Conv2d, j: usize) -> (usize, usize) {
    clipped(j * g.stride_w, g.pad_left, g.f_w, g.in_w)
}

fn clipped(start: usize, pad: usize, f: usize, n: usize) -> (usize, usize) {
    let top = start as isize - pad as isize;
    let clip = |a: isize| a.clamp(0, n as isize) as usize;
    (clip(top), clip(top + f as isize))
}

/// The divisor of output (i, j)'s average: the whole window, or its part inside the image.
fn count<T: Real>(g: &Conv2d, count_pad: bool, rows: (usize, usize), cols: (usize, usize)) -> T {
    let n = if count_pad {
        g.f_h * g.f_w
    } else {
        (rows.1 - rows.0) * (cols.1 - cols.0)
    };
    T::from_f64(n as f64)
}

fn check_pool(op: &str, g: &Conv2d) -> Result<()> {
    if g.dil_h != 1 || g.dil_w != 1 {
        return fail(format!(
            "{op}: pools take no dilation, received {}x{}",
            g.dil_h, g.dil_w
        ));
    }
    if g.pad_top >= g.f_h || g.pad_bottom >= g.f_h || g.pad_left >= g.f_w || g.pad_right >= g.f_w {
        return fail(format!(
            "{op}: every pad must be smaller than the {}x{} window",
            g.f_h, g.f_w
        ));
    }
    Ok(())
}

/// Output row i of one image `img` (H, W, C) into `out` (out_w·C): `line` (W·C) is scratch
/// for the combined window rows.
#[allow(clippy::too_many_arguments)]
fn pool_row<T: Real>(
    mode: PoolMode,
    img: &[T],
    g: &Conv2d,
    count_pad: bool,
    i: usize,
    line: &mut [T],
    out: &mut [T],
) {
    let (c, width) = (g.in_c, g.in_w * g.in_c);
    let rows = rows_of(g, i);
    line.fill(mode.identity());
    for h in rows.0..rows.1 {
        mode.combine(line, &img[h * width..(h + 1) * width]);
    }
    for (j, acc) in out.chunks_exact_mut(c).enumerate() {
        let cols = cols_of(g, j);
        acc.fill(mode.identity());
        for w in cols.0..cols.1 {
            mode.combine(acc, &line[w * c..(w + 1) * c]);
        }
        if mode == PoolMode::Avg {
            let n: T = count(g, count_pad, rows, cols);
            acc.iter_mut().for_each(|a| *a = *a / n);
        }
    }
}

/// Max or average per window and channel: x (m, H, W, C), out (m, out_h, out_w, C).
/// `count_pad` divides averages by the whole window instead of the part inside the image.
pub fn pool2d<T: Real>(
    mode: PoolMode,
    x: &[T],
    g: &Conv2d,
    count_pad: bool,
    out: &mut [T],
) -> Result<()> {
    let c = g.in_c;
    check_pool("pool2d", g)?;
    check::len("pool2d", "x", x.len(), g.x_len())?;
    check::len("pool2d", "out", out.len(), g.rows() * c)?;
    if out.is_empty() {
        return Ok(());
    }
    let (image, out_line) = (g.image(), g.out_w * c);
    out.par_chunks_mut(g.out_h * out_line)
        .enumerate()
        .for_each_init(
            || vec![T::ZERO; g.in_w * c],
            |line, (n, o)| {
                let img = &x[n * image..(n + 1) * image];
                for (i, row) in o.chunks_exact_mut(out_line).enumerate() {
                    pool_row(mode, img, g, count_pad, i, line, row);
                }
            },
        );
    Ok(())
}

/// Over one input row, for disjoint windows: `best` gets each covered column's window maximum
/// and `share` its dA (max) or dA / count (average, from `per`); uncovered columns get a share
/// of 0, so their gradient is 0 whatever `best` holds there.
fn spread<T: Real>(
    mode: PoolMode,
    g: &Conv2d,
    per: &[T],
    d: &[T],
    best: &mut [T],
    share: &mut [T],
) {
    let c = g.in_c;
    share.fill(T::ZERO);
    for j in 0..g.out_w {
        let (w0, w1) = cols_of(g, j);
        let from = if mode == PoolMode::Max { d } else { per };
        for w in w0..w1 {
            best[w * c..(w + 1) * c].copy_from_slice(&per[j * c..(j + 1) * c]);
            share[w * c..(w + 1) * c].copy_from_slice(&from[j * c..(j + 1) * c]);
        }
    }
}

/// pool2d's gradient: out (m, H, W, C) from dA (m, out_h, out_w, C). Max pooling gives dA to
/// every element equal to its window's maximum (ties all receive it); average pooling spreads it.
pub fn pool2d_backward<T: Real>(
    mode: PoolMode,
    da: &[T],
    x: &[T],
    g: &Conv2d,
    count_pad: bool,
    out: &mut [T],
) -> Result<()> {
    let c = g.in_c;
    check_pool("pool2dBackward", g)?;
    check::len("pool2dBackward", "dA", da.len(), g.rows() * c)?;
    if mode == PoolMode::Max {
        check::len("pool2dBackward", "x", x.len(), g.x_len())?;
    }
    check::len("pool2dBackward", "out", out.len(), g.x_len())?;
    let image = g.image();
    if out.is_empty() {
        return Ok(());
    }
    let (width, out_line) = (g.in_w * c, g.out_w * c);
    // Windows that do not overlap (stride >= window, as in LeNet's 2x2 pools) give each input
    // element to at most one output: whole input rows are then written at once, from
    // one-row spreads of the maxima and dA (an uncovered column's share is 0), without
    // zeroing dx first. This ran 1.5x faster than window by window.
    let disjoint = g.stride_h >= g.f_h && g.stride_w >= g.f_w;
    // Scratch per task: the combined window rows; one output row's maxima (max) or shares
    // dA / count (average); the spreads of those and of dA over an input row.
    let scratch = || {
        (
            vec![T::ZERO; width],
            vec![T::ZERO; out_line],
            vec![T::ZERO; width],
            vec![T::ZERO; width],
        )
    };
    out.par_chunks_mut(image).enumerate().for_each_init(
        scratch,
        |(line, per, best, share), (n, dx)| {
            let img = if mode == PoolMode::Max {
                &x[n * image..(n + 1) * image]
            } else {
                &x[..0]
            };
            if !disjoint {
                dx.fill(T::ZERO);
            }
            // The first row of dx not written yet (disjoint windows only).
            let mut next = 0;
            for i in 0..g.out_h {
                let d = &da[(n * g.out_h + i) * out_line..][..out_line];
                let rows = rows_of(g, i);
                if mode == PoolMode::Max {
                    pool_row(mode, img, g, false, i, line, per);
                } else {
                    for (j, (s, &v)) in per.iter_mut().zip(d).enumerate() {
                        let n: T = count(g, count_pad, rows, cols_of(g, j / c));
                        *s = v / n;
                    }
                }
                if disjoint {
                    spread(mode, g, per, d, best, share);
                    let start = rows.0.max(next);
                    dx[next * width..start * width].fill(T::ZERO);
                    for h in start..rows.1 {
                        let dxs = &mut dx[h * width..(h + 1) * width];
                        if mode == PoolMode::Avg {
                            dxs.copy_from_slice(share);
                            continue;
                        }
                        let xs = &img[h * width..(h + 1) * width];
                        for ((o, &v), (&b, &dv)) in
                            dxs.iter_mut().zip(xs).zip(best.iter().zip(&*share))
                        {
                            *o = if v == b { dv } else { T::ZERO };
                        }
                    }
                    next = next.max(rows.1);
                    continue;
                }
                for h in rows.0..rows.1 {
                    let at = h * width;
                    let dxs = &mut dx[at..at + width];
                    for j in 0..g.out_w {
                        let (w0, w1) = cols_of(g, j);
                        let (p, dj) = (&per[j * c..(j + 1) * c], &d[j * c..(j + 1) * c]);
                        for w in w0..w1 {
                            let o = &mut dxs[w * c..(w + 1) * c];
                            if mode == PoolMode::Avg {
                                o.iter_mut().zip(p).for_each(|(o, &s)| *o += s);
                                continue;
                            }
                            let xs = &img[at + w * c..at + (w + 1) * c];
                            for ((o, &v), (&b, &dv)) in o.iter_mut().zip(xs).zip(p.iter().zip(dj)) {
                                *o += if v == b { dv } else { T::ZERO };
                            }
                        }
                    }
                }
            }
            if disjoint {
                dx[next * width..].fill(T::ZERO);
            }
        },
    );
    Ok(())
}
