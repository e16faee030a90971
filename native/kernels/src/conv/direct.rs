//! The one-input-channel convolution kernels (LeNet's first layer, any grayscale input), which
//! loop over the taps instead of going through im2col + GEMM: with one channel the im2col
//! matrix has only f_h·f_w columns, so the GEMM's packing costs more than its arithmetic.
//! The forward (`conv_filter_rows`) keeps blocks of output columns x filters in registers; the
//! filter gradient with few filters (`filter_direct_rows`) is planar: one dot product over an
//! output row per tap and filter.
//! Each is compiled twice by `dispatched!` (baseline x86-64 and AVX2) and picks the CPU's copy;
//! neither uses `mul_add`, so both round identically.

use super::Conv2d;
use crate::simd::{dispatched, has_avx2};
use crate::Real;

/// With one input channel and stride 1 along W, the filter gradient loops over the taps in
/// planar form (`filter_direct_rows`) instead of im2col + GEMM, when there are few filters. With
/// one channel (LeNet's first layer: K = 25 taps, 6 filters) the GEMM's shape is so thin that
/// packing dominates: 11.8 ms for dW of (64, 28, 28, 1) -> 6 filters 5x5 against about 4 ms
/// direct (load 2-8). With 32 filters the GEMM amortizes its packing and wins (one A/B run, load
/// 1.7-2.8, bench/README.md, issue 14), so the planar path stops below 16 filters.
///
/// The forward of one channel is always `conv_filter_rows`: in an A/B at load ~2.4 (`cargo run
/// --release --example conv_bench`), LeNet's first layer took 0.8-1.2 ms there against 2.0 ms
/// planar, and (64, 28, 28, 1) -> 32 3x3 0.8 ms against 2.7 ms through im2col + GEMM.
pub(super) fn direct(g: &Conv2d) -> bool {
    g.in_c == 1 && g.stride_w == 1 && g.out_c < DIRECT_MAX_FILTERS
}

/// Filters below which the one-channel planar filter gradient beats im2col + GEMM (see `direct`).
pub const DIRECT_MAX_FILTERS: usize = 16;

/// Calls `body(tap, start, lo, hi)` for each tap (p, q) of the output row of image `img` whose
/// top input row is h0, over output columns [j0, j0 + len) (one input channel, stride 1 along W):
/// output column j reads input column j + off, inside the image for j in [lo, hi), and the
/// input run x[start..start + hi - lo] is what those columns read. Taps that read only padding are skipped.
#[inline(always)]
fn tap_runs(
    g: &Conv2d,
    img: usize,
    h0: isize,
    j0: usize,
    len: usize,
    mut body: impl FnMut(usize, usize, usize, usize),
) {
    for p in 0..g.f_h {
        let h = h0 + (p * g.dil_h) as isize;
        if h < 0 || h >= g.in_h as isize {
            continue;
        }
        let base = (img * g.in_h + h as usize) * g.in_w;
        for q in 0..g.f_w {
            let off = (q * g.dil_w) as isize - g.pad_left as isize;
            let lo = (-off).max(j0 as isize) as usize;
            let hi = ((g.in_w as isize - off).min((j0 + len) as isize)).max(lo as isize) as usize;
            if lo < hi {
                body(
                    p * g.f_w + q,
                    (base as isize + lo as isize + off) as usize,
                    lo,
                    hi,
                );
            }
        }
    }
}

dispatched!(
    /// acc (K x F) += Σ over output rows [r0, r0 + rows) of each tap's input value times dZ's row,
    /// in the same planar form as conv_direct_rows: dZ's row transposed to (F, out_w), then one dot
    /// product over j per tap and filter, in 8 running sums so that it vectorizes.
    filter_direct_rows, filter_direct_rows_avx2, <T: Real>(x: &[T], dz: &[T], g: &Conv2d, r0: usize, rows: usize, acc: &mut [T]) {
        let (n, ow) = (g.out_c, g.out_w);
        let mut plane = vec![T::ZERO; n * ow];
        let mut r = 0;
        while r < rows {
            let (img, h0, _) = g.origin(r0 + r);
            let j0 = (r0 + r) % ow;
            let len = (ow - j0).min(rows - r);
            for j in 0..len {
                let d = &dz[(r0 + r + j) * n..(r0 + r + j + 1) * n];
                for (f, &v) in d.iter().enumerate() {
                    plane[f * ow + j0 + j] = v;
                }
            }
            tap_runs(g, img, h0, j0, len, |tap, start, lo, hi| {
                let xs = &x[start..][..hi - lo];
                for f in 0..n {
                    let ds = &plane[f * ow + lo..f * ow + hi];
                    let mut s = [T::ZERO; 8];
                    let (xc, dc) = (xs.chunks_exact(8), ds.chunks_exact(8));
                    let (xr, dr) = (xc.remainder(), dc.remainder());
                    for (xa, da) in xc.zip(dc) {
                        for l in 0..8 {
                            s[l] += xa[l] * da[l];
                        }
                    }
                    let mut t = T::ZERO;
                    for (&xv, &dv) in xr.iter().zip(dr) {
                        t += xv * dv;
                    }
                    for v in s {
                        t += v;
                    }
                    acc[tap * n + f] += t;
                }
            });
            r += len;
        }
    }
);

/// The register blocks of `conv_filter_rows`: 4 output columns x 16 float32 filters, or, for the
/// last 8 filters or fewer, 8 columns x 8 filters. Either is eight AVX2 accumulators: eight
/// independent add chains (enough to hide the add's latency), each W vector serving every column.
const WIDE: usize = 16;
const WIDE_COLUMNS: usize = 4;
const NARROW: usize = 8;
const NARROW_COLUMNS: usize = 8;

dispatched!(
    /// z (rows x F) (+ bias) for output rows [r0, r0 + rows), one input channel, any stride and
    /// dilation, vectorized over the filters rather than the output columns: for each output
    /// row (n, i), the f_h input rows it reads are copied once with their padding as zeros, then
    /// a block of columns x filters of running sums stays in registers through the taps, in
    /// (p, q) order. W is copied once with its filters padded by zeros to a multiple of 8, so
    /// every block is whole; the padding's sums are never stored.
    conv_filter_rows, conv_filter_rows_avx2, <T: Real>(x: &[T], w: &[T], bias: Option<&[T]>, g: &Conv2d, r0: usize, z: &mut [T]) {
        let (n, ow) = (g.out_c, g.out_w);
        let np = n.div_ceil(NARROW) * NARROW;
        let mut wp = vec![T::ZERO; g.taps() * np];
        for (dst, src) in wp.chunks_exact_mut(np).zip(w.chunks_exact(n)) {
            dst[..n].copy_from_slice(src);
        }
        let width = g.pad_left + g.in_w + g.pad_right;
        let mut band = vec![T::ZERO; g.f_h * width];
        let rows = z.len() / n;
        let mut r = 0;
        while r < rows {
            // The rest of output row (n, i) from column j0, and its f_h padded input rows.
            let (img, h0, _) = g.origin(r0 + r);
            let j0 = (r0 + r) % ow;
            let len = (ow - j0).min(rows - r);
            for p in 0..g.f_h {
                let h = h0 + (p * g.dil_h) as isize;
                let dst = &mut band[p * width..(p + 1) * width];
                if h < 0 || h >= g.in_h as isize {
                    dst.fill(T::ZERO);
                } else {
                    let src = (img * g.in_h + h as usize) * g.in_w;
                    dst[g.pad_left..g.pad_left + g.in_w].copy_from_slice(&x[src..src + g.in_w]);
                }
            }
            let block = Block { band: &band, width, w: &wp, np, g };
            let zrow = &mut z[r * n..(r + len) * n];
            let mut f0 = 0;
            while f0 < n {
                let wide = np - f0 > NARROW;
                let mut jb = 0;
                while jb < len {
                    // Whole column blocks, then the row's last columns singly.
                    let first = (j0 + jb) * g.stride_w;
                    let out = &mut zrow[jb * n..];
                    jb += match (wide, len - jb) {
                        (true, left) if left >= WIDE_COLUMNS => block.run::<WIDE, WIDE_COLUMNS>(f0, first, out, bias),
                        (true, _) => block.run::<WIDE, 1>(f0, first, out, bias),
                        (false, left) if left >= NARROW_COLUMNS => block.run::<NARROW, NARROW_COLUMNS>(f0, first, out, bias),
                        (false, _) => block.run::<NARROW, 1>(f0, first, out, bias),
                    };
                }
                f0 += if wide { WIDE } else { NARROW };
            }
            r += len;
        }
    }
);

/// One output row's padded input rows (`band`, f_h rows of `width`) and the padded W (np filters).
struct Block<'a, T> {
    band: &'a [T],
    width: usize,
    w: &'a [T],
    np: usize,
    g: &'a Conv2d,
}

impl<T: Real> Block<'_, T> {
    /// Filters [f0, f0 + B) of C consecutive output columns, the first reading band column
    /// `first` at tap q = 0, into out's rows (out_c apart), the padding filters left out.
    /// Returns C. The sums live in one array that LLVM keeps in registers.
    #[inline(always)]
    fn run<const B: usize, const C: usize>(
        &self,
        f0: usize,
        first: usize,
        out: &mut [T],
        bias: Option<&[T]>,
    ) -> usize {
        let g = self.g;
        let s = g.stride_w;
        let mut acc = [[T::ZERO; B]; C];
        for p in 0..g.f_h {
            let row = &self.band[p * self.width..(p + 1) * self.width];
            for q in 0..g.f_w {
                let wr: &[T; B] = self.w[(p * g.f_w + q) * self.np + f0..][..B]
                    .try_into()
                    .unwrap();
                let at = first + q * g.dil_w;
                let xs = &row[at..=at + (C - 1) * s];
                let xv: [T; C] = std::array::from_fn(|c| xs[c * s]);
                for c in 0..C {
                    for l in 0..B {
                        acc[c][l] += xv[c] * wr[l];
                    }
                }
            }
        }
        let n = g.out_c;
        let real = B.min(n - f0);
        for (c, a) in acc.iter().enumerate() {
            let o = &mut out[c * n + f0..][..real];
            match bias {
                Some(b) => {
                    for ((o, &v), &bv) in o.iter_mut().zip(a).zip(&b[f0..]) {
                        *o = v + bv;
                    }
                }
                None => o.copy_from_slice(&a[..real]),
            }
        }
        C
    }
}
