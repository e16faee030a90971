//! 2-D convolution and pooling in the course's channels-last layout: images (m, H, W, C),
//! filters (f_h, f_w, C, F). One input channel at stride 1 along the rows has its own forward
//! (columns.rs, vectorized over output columns, on CPUs with FMA); layers with up to 3 input
//! channels, or up to 8 with at most 16 filters, have their own kernels for the (other)
//! forwards and dW (direct.rs, filter_blocks.rs); every
//! other 3x3, stride-1 convolution with at least 8 input and output channels is Winograd
//! F(2x2, 3x3) (winograd.rs), forward and dA_prev; every other convolution is im2col + GEMM
//! through the BLAS provider:
//!
//! - Z (M, F) = cols (M, K) · W (K, F), with M = m·out_h·out_w output positions and
//!   K = f_h·f_w·C taps, W read in place as its (K, F) matrix;
//! - dW (K, F) = colsᵀ · dZ;
//! - dcols (M, K) = dZ · Wᵀ, added back into dA_prev window by window (col2im).
//!
//! The output positions go in blocks of CHUNK_ROWS, one rayon task each, every task with its
//! own cols buffer (a few hundred KB: it stays in L2 between im2col and the GEMM that reads it)
//! and a single-threaded GEMM; this beat a whole-batch im2col followed by one threaded GEMM
//! (bench/README.md). dW sums one partial per thread in a fixed order, so results do not
//! depend on scheduling; dA_prev is cut by image, whose windows never reach another image.

use crate::check::{self, fail, Result};
use crate::gemm::{self, Gemm, GemmScalar};
use crate::Real;
use rayon::prelude::*;

mod columns;
mod direct;
mod filter_blocks;
mod pool;
#[cfg(test)]
mod pool_tests;
mod winograd;
use columns::column_rows;
use direct::conv_filter_rows;
use filter_blocks::filter_block_rows;
pub use pool::{pool2d, pool2d_backward, PoolMode};

/// Output positions per task: cols is CHUNK_ROWS x K (288 taps: 288 KB of f32).
const CHUNK_ROWS: usize = 256;

/// A convolution's (or a pool's) geometry, as the op layer resolved it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conv2d {
    pub m: usize,
    pub in_h: usize,
    pub in_w: usize,
    pub in_c: usize,
    pub f_h: usize,
    pub f_w: usize,
    pub out_c: usize,
    pub out_h: usize,
    pub out_w: usize,
    pub stride_h: usize,
    pub stride_w: usize,
    pub dil_h: usize,
    pub dil_w: usize,
    pub pad_top: usize,
    pub pad_bottom: usize,
    pub pad_left: usize,
    pub pad_right: usize,
}

/// The order of `Conv2d::from_numbers`'s values (the JS side sends them in this order).
pub const FIELDS: [&str; 17] = [
    "m",
    "inH",
    "inW",
    "inC",
    "fH",
    "fW",
    "outC",
    "outH",
    "outW",
    "strideH",
    "strideW",
    "dilationH",
    "dilationW",
    "padTop",
    "padBottom",
    "padLeft",
    "padRight",
];

impl Conv2d {
    /// From the 17 numbers of FIELDS, checked for consistency: strides and dilations >= 1, and the
    /// output size the one the padded input and the dilated window give.
    pub fn from_numbers(op: &str, v: &[f64]) -> Result<Self> {
        if v.len() != FIELDS.len() {
            return fail(format!(
                "{op}: geometry must have {} numbers ({}), received {}",
                FIELDS.len(),
                FIELDS.join(", "),
                v.len()
            ));
        }
        let mut d = [0usize; 17];
        for (i, (&x, name)) in v.iter().zip(FIELDS).enumerate() {
            d[i] = check::dim(op, &format!("geometry.{name}"), x)?;
        }
        let g = Conv2d {
            m: d[0],
            in_h: d[1],
            in_w: d[2],
            in_c: d[3],
            f_h: d[4],
            f_w: d[5],
            out_c: d[6],
            out_h: d[7],
            out_w: d[8],
            stride_h: d[9],
            stride_w: d[10],
            dil_h: d[11],
            dil_w: d[12],
            pad_top: d[13],
            pad_bottom: d[14],
            pad_left: d[15],
            pad_right: d[16],
        };
        for (name, v) in [
            ("strideH", g.stride_h),
            ("strideW", g.stride_w),
            ("dilationH", g.dil_h),
            ("dilationW", g.dil_w),
            ("fH", g.f_h),
            ("fW", g.f_w),
        ] {
            if v == 0 {
                return fail(format!(
                    "{op}: geometry.{name} must be at least 1, received 0"
                ));
            }
        }
        let extent = |n: usize, before: usize, after: usize, f: usize, dil: usize, s: usize| {
            let span = dil.checked_mul(f - 1)? + 1;
            let padded = n.checked_add(before)?.checked_add(after)?;
            (padded >= span).then(|| (padded - span) / s + 1)
        };
        let h = extent(g.in_h, g.pad_top, g.pad_bottom, g.f_h, g.dil_h, g.stride_h);
        let w = extent(g.in_w, g.pad_left, g.pad_right, g.f_w, g.dil_w, g.stride_w);
        if h != Some(g.out_h) || w != Some(g.out_w) {
            return fail(format!(
                "{op}: geometry's output {}x{} does not follow from the input {}x{}, window {}x{}, stride, dilation and padding",
                g.out_h, g.out_w, g.in_h, g.in_w, g.f_h, g.f_w
            ));
        }
        // Every product the kernels form stays far below usize::MAX.
        for (what, dims) in [
            ("input", [g.m, g.in_h, g.in_w, g.in_c]),
            ("output", [g.m, g.out_h, g.out_w, g.out_c.max(g.in_c)]),
            ("filter", [g.f_h, g.f_w, g.in_c, g.out_c]),
        ] {
            let size = dims.iter().try_fold(1usize, |p, &d| {
                p.checked_mul(d).filter(|&s| s <= check::MAX_ELEMENTS)
            });
            if size.is_none() {
                return fail(format!("{op}: the {what} {dims:?} has too many elements"));
            }
        }
        Ok(g)
    }

    pub fn rows(&self) -> usize {
        self.m * self.out_h * self.out_w
    }
    pub fn taps(&self) -> usize {
        self.f_h * self.f_w * self.in_c
    }
    fn image(&self) -> usize {
        self.in_h * self.in_w * self.in_c
    }
    fn x_len(&self) -> usize {
        self.m * self.image()
    }
    /// The top-left input position of output row r (an index over (n, i, j)), and its image n.
    fn origin(&self, r: usize) -> (usize, isize, isize) {
        let per = self.out_h * self.out_w;
        let (n, rest) = (r / per, r % per);
        let (i, j) = (rest / self.out_w, rest % self.out_w);
        let h0 = (i * self.stride_h) as isize - self.pad_top as isize;
        let w0 = (j * self.stride_w) as isize - self.pad_left as isize;
        (n, h0, w0)
    }
}

/// Rows [r0, r0 + rows) of x's im2col matrix into cols (rows x K, taps in (p, q, c) order).
fn im2col<T: Real>(x: &[T], g: &Conv2d, r0: usize, rows: usize, cols: &mut [T]) {
    let (c, k) = (g.in_c, g.taps());
    for r in 0..rows {
        let (n, h0, w0) = g.origin(r0 + r);
        let row = &mut cols[r * k..(r + 1) * k];
        for p in 0..g.f_h {
            let h = h0 + (p * g.dil_h) as isize;
            let taps = &mut row[p * g.f_w * c..(p + 1) * g.f_w * c];
            if h < 0 || h >= g.in_h as isize {
                taps.fill(T::ZERO);
                continue;
            }
            let base = (n * g.in_h + h as usize) * g.in_w;
            for q in 0..g.f_w {
                let w = w0 + (q * g.dil_w) as isize;
                let dst = &mut taps[q * c..(q + 1) * c];
                if w < 0 || w >= g.in_w as isize {
                    dst.fill(T::ZERO);
                } else {
                    let s = (base + w as usize) * c;
                    dst.copy_from_slice(&x[s..s + c]);
                }
            }
        }
    }
}

/// dx += rows [r0, r0 + rows) of cols, each added into its window; dx holds images from `first`.
fn col2im<T: Real>(cols: &[T], g: &Conv2d, r0: usize, rows: usize, first: usize, dx: &mut [T]) {
    let (c, k) = (g.in_c, g.taps());
    for r in 0..rows {
        let (n, h0, w0) = g.origin(r0 + r);
        let row = &cols[r * k..(r + 1) * k];
        for p in 0..g.f_h {
            let h = h0 + (p * g.dil_h) as isize;
            if h < 0 || h >= g.in_h as isize {
                continue;
            }
            let base = ((n - first) * g.in_h + h as usize) * g.in_w;
            for q in 0..g.f_w {
                let w = w0 + (q * g.dil_w) as isize;
                if w >= 0 && w < g.in_w as isize {
                    let s = (base + w as usize) * c;
                    let src = &row[(p * g.f_w + q) * c..(p * g.f_w + q + 1) * c];
                    for (d, &v) in dx[s..s + c].iter_mut().zip(src) {
                        *d += v;
                    }
                }
            }
        }
    }
}

fn product(trans_a: bool, trans_b: bool, m: usize, n: usize, k: usize, beta: f64) -> Gemm {
    Gemm {
        trans_a,
        trans_b,
        m,
        n,
        k,
        alpha: 1.0,
        beta,
    }
}

/// Z = conv(x, W) (+ bias): x (m, H, W, C), W (f_h, f_w, C, F), bias (F) or None, out (m, out_h, out_w, F).
pub fn conv2d<T: GemmScalar>(
    x: &[T],
    w: &[T],
    bias: Option<&[T]>,
    g: &Conv2d,
    out: &mut [T],
) -> Result<()> {
    let (k, n) = (g.taps(), g.out_c);
    check::len("conv2d", "x", x.len(), g.x_len())?;
    check::len("conv2d", "W", w.len(), k * n)?;
    check::len("conv2d", "out", out.len(), g.rows() * n)?;
    if let Some(b) = bias {
        check::len("conv2d", "bias", b.len(), n)?;
    }
    let p = gemm::serial_provider()?;
    if out.is_empty() {
        return Ok(());
    }
    if winograd::applies(g) {
        winograd::conv2d(gemm::thin_serial_provider()?, x, w, bias, g, out);
        return Ok(());
    }
    gemm::serial_region(|| {
        out.par_chunks_mut(CHUNK_ROWS * n)
            .enumerate()
            .for_each(|(i, z)| {
                if columns::applies(g) {
                    return column_rows(x, w, bias, g, i * CHUNK_ROWS, z);
                }
                if direct::applies(g) {
                    return conv_filter_rows(x, w, bias, g, i * CHUNK_ROWS, z);
                }
                let rows = z.len() / n;
                let mut cols = vec![T::ZERO; rows * k];
                im2col(x, g, i * CHUNK_ROWS, rows, &mut cols);
                gemm::gemm_serial(p, &product(false, false, rows, n, k, 0.0), &cols, w, z);
                if let Some(b) = bias {
                    for zr in z.chunks_exact_mut(n) {
                        for (v, &bv) in zr.iter_mut().zip(b) {
                            *v += bv;
                        }
                    }
                }
            })
    });
    Ok(())
}

/// dW = Σ over output positions of window ⊗ dZ: x (m, H, W, C), dZ (m, out_h, out_w, F), out (f_h, f_w, C, F).
pub fn conv2d_backprop_filter<T: GemmScalar>(
    x: &[T],
    dz: &[T],
    g: &Conv2d,
    out: &mut [T],
) -> Result<()> {
    let (k, n, rows) = (g.taps(), g.out_c, g.rows());
    check::len("conv2dBackpropFilter", "x", x.len(), g.x_len())?;
    check::len("conv2dBackpropFilter", "dZ", dz.len(), rows * n)?;
    check::len("conv2dBackpropFilter", "out", out.len(), k * n)?;
    let p = gemm::serial_provider()?;
    if rows == 0 || out.is_empty() {
        out.fill(T::ZERO);
        return Ok(());
    }
    let chunks = rows.div_ceil(CHUNK_ROWS);
    let parts = rayon::current_num_threads().min(chunks).max(1);
    // One partial dW per part, over a fixed range of chunks, summed in part order below.
    let sum_range = |part: usize, acc: &mut [T]| {
        let (a, b) = (chunks * part / parts, chunks * (part + 1) / parts);
        if direct::applies(g) {
            let r1 = (b * CHUNK_ROWS).min(rows);
            return filter_block_rows(x, dz, g, a * CHUNK_ROWS, r1 - a * CHUNK_ROWS, acc);
        }
        let mut cols = vec![T::ZERO; CHUNK_ROWS.min(rows) * k];
        for chunk in a..b {
            let r0 = chunk * CHUNK_ROWS;
            let rows_here = CHUNK_ROWS.min(rows - r0);
            im2col(x, g, r0, rows_here, &mut cols);
            let d = &dz[r0 * n..(r0 + rows_here) * n];
            gemm::gemm_serial(
                p,
                &product(true, false, k, n, rows_here, 1.0),
                &cols[..rows_here * k],
                d,
                acc,
            );
        }
    };
    let partials: Vec<Vec<T>> = gemm::serial_region(|| {
        (0..parts)
            .into_par_iter()
            .map(|part| {
                let mut acc = vec![T::ZERO; k * n];
                sum_range(part, &mut acc);
                acc
            })
            .collect()
    });
    // Summed in part order, so the result does not depend on scheduling.
    out.copy_from_slice(&partials[0]);
    for part in &partials[1..] {
        for (o, &v) in out.iter_mut().zip(part) {
            *o += v;
        }
    }
    Ok(())
}

/// dA_prev = Σ over windows of W · dZ: dZ (m, out_h, out_w, F), W (f_h, f_w, C, F), out (m, H, W, C).
pub fn conv2d_backprop_input<T: GemmScalar>(
    dz: &[T],
    w: &[T],
    g: &Conv2d,
    out: &mut [T],
) -> Result<()> {
    let (k, n) = (g.taps(), g.out_c);
    check::len("conv2dBackpropInput", "dZ", dz.len(), g.rows() * n)?;
    check::len("conv2dBackpropInput", "W", w.len(), k * n)?;
    check::len("conv2dBackpropInput", "out", out.len(), g.x_len())?;
    let p = gemm::serial_provider()?;
    if !out.is_empty() && g.rows() > 0 && winograd::applies_to_input_gradient(g) {
        winograd::conv2d_backprop_input(gemm::thin_serial_provider()?, dz, w, g, out);
        return Ok(());
    }
    out.fill(T::ZERO);
    let image = g.image();
    if out.is_empty() || g.rows() == 0 {
        return Ok(());
    }
    let per_image = g.out_h * g.out_w;
    // Images per task: enough for a few hundred output rows, and every thread busy.
    let group =
        (CHUNK_ROWS / per_image.max(1)).clamp(1, g.m.div_ceil(rayon::current_num_threads()).max(1));
    gemm::serial_region(|| {
        out.par_chunks_mut(group * image)
            .enumerate()
            .for_each(|(t, dx)| {
                let first = t * group;
                let r_end = (first + dx.len() / image) * per_image;
                let mut dcols = vec![T::ZERO; CHUNK_ROWS.min(r_end - first * per_image) * k];
                let mut r0 = first * per_image;
                while r0 < r_end {
                    let rows = CHUNK_ROWS.min(r_end - r0);
                    let d = &dz[r0 * n..(r0 + rows) * n];
                    gemm::gemm_serial(
                        p,
                        &product(false, true, rows, k, n, 0.0),
                        d,
                        w,
                        &mut dcols[..rows * k],
                    );
                    col2im(&dcols, g, r0, rows, first, dx);
                    r0 += rows;
                }
            })
    });
    Ok(())
}

#[cfg(test)]
mod tests;
