//! Convolution kernels for few input channels (LeNet's layers, grayscale and RGB inputs), which
//! loop over the taps instead of going through im2col + GEMM: with C channels the im2col
//! matrix has only f_h·f_w·C columns, so writing it and packing it for the GEMM costs more
//! than its arithmetic. The forward (`conv_filter_rows`, here) keeps blocks of output columns x
//! filters in registers, the filter gradient (filter_blocks.rs) blocks of taps x filters;
//! both for the layers that `applies` takes.
//! Each is compiled twice by `dispatched!` (baseline x86-64 and AVX2) and picks the CPU's copy;
//! neither uses `mul_add`, so both round identically.

use super::Conv2d;
use crate::simd::{dispatched, has_avx2};
use crate::Real;

// With one channel, the forward is always `conv_filter_rows` and the filter gradient
// `filter_block_rows` (filter_blocks.rs). An A/B at load ~2 (`cargo run --release --example
// conv_bench`) against the two earlier paths, im2col + GEMM and planar loops (one axpy or dot
// product over an output row per tap and filter):
// - LeNet's first layer, (64, 28, 28, 1) -> 6 filters 5x5 'same': forward 0.8-1.2 ms blocks,
//   2.0 planar; dW 1.1 blocks, 1.8-1.9 planar, 4.1-6.6 GEMM;
// - (64, 28, 28, 1) -> 32 filters 3x3: forward 0.8 blocks, 2.7 GEMM; dW 0.9-1.1 blocks, 2.1-3.7 GEMM.

/// Whether conv2d's forward and filter gradient take the direct kernels (dA_prev is im2col's
/// or Winograd's whatever the channels). Measured against im2col + GEMM with `cargo run
/// --release --example conv_bench "" forward` (and `filter`), median ms, direct against GEMM,
/// two runs each on a 2-core Zen 3:
/// - (64, 14, 14, 6) -> 16 5x5 valid (LeNet's second layer): forward 0.53 against 0.69-0.80,
///   dW 0.55-0.85 against 0.95;
/// - (64, 28, 28, 3) -> 16 5x5 same: forward 1.8-3.3 against 4.1-6.6, dW 1.5-2.5 against 3.9-4.1;
/// - (64, 32, 32, 3) -> 32 3x3 same: forward 2.1-3.3 against 3.6-4.6, dW 1.6-2.6 against 2.8-4.0;
/// - (64, 14, 14, 8) -> 16 5x5 same: forward 1.23 against 1.34-1.47, dW 1.1 against 1.3-1.5;
/// - (64, 14, 14, 4) -> 32 5x5 valid: a tie (forward 0.76 against 0.72, dW 0.65 against
///   0.67-0.84), so GEMM from 4 channels and 17 filters; (64, 14, 14, 8) -> 64 3x3 valid, dW
///   1.2 against 0.8-0.95; (64, 14, 14, 16) -> 32 5x5 valid, forward 2.5 against 1.6.
pub(super) fn applies(g: &Conv2d) -> bool {
    g.in_c <= 3 || (g.in_c <= 8 && g.out_c <= 16)
}

/// Filters per register block of both direct kernels: WIDE (two AVX2 vectors of float32),
/// or NARROW for the last 8 filters or fewer. The filters are zero-padded to a multiple of
/// NARROW (`padded`), so every block is whole.
pub(super) const WIDE: usize = 16;
pub(super) const NARROW: usize = 8;

/// `conv_filter_rows`'s blocks: 5 output columns x WIDE filters (ten AVX2 accumulators), or 8 x
/// NARROW (eight): enough independent add chains to hide the add's latency, each W vector
/// serving every column. 5 rather than 4 columns: LeNet's conv2 rows of 10 are two whole blocks
/// instead of 4 + 4 + two single columns (`cargo run --release --example conv_bench "" forward`,
/// one thread, best of four on a 2-core Zen 4: conv2 0.78 -> 0.55 ms; (64, 28, 28, 3) -> 16 5x5
/// 2.93 -> 2.60; (64, 32, 32, 3) -> 32 3x3 3.17 -> 2.69; (64, 14, 14, 8) -> 16 5x5 1.87 -> 1.58).
const WIDE_COLUMNS: usize = 5;
const NARROW_COLUMNS: usize = 8;

/// n filters padded to a multiple of NARROW, and the filter blocks over them: (f0, wide), where
/// a wide block holds WIDE filters from f0 and a narrow one NARROW.
pub(super) fn filter_blocks(n: usize) -> (usize, Vec<(usize, bool)>) {
    let np = n.div_ceil(NARROW) * NARROW;
    let mut blocks = Vec::new();
    let mut f0 = 0;
    while f0 < n {
        let wide = np - f0 > NARROW;
        blocks.push((f0, wide));
        f0 += if wide { WIDE } else { NARROW };
    }
    (np, blocks)
}

/// src's rows of n values into dst's rows of np, the rest of each row left as it is (zeros).
#[inline(always)]
pub(super) fn pad_rows<T: Real>(src: &[T], n: usize, dst: &mut [T], np: usize) {
    for (d, s) in dst.chunks_exact_mut(np).zip(src.chunks_exact(n)) {
        d[..n].copy_from_slice(s);
    }
}

dispatched!(
    /// z (rows x F) (+ bias) for output rows [r0, r0 + rows), C input channels, any stride and
    /// dilation, vectorized over the filters rather than the output columns: for each output
    /// row (n, i), the f_h input rows it reads are copied once with their padding as zeros, then
    /// a block of columns x filters of running sums stays in registers through the taps, in
    /// (p, q, c) order. W is copied once with its filters padded by zeros to a multiple of 8, so
    /// every block is whole; the padding's sums are never stored.
    conv_filter_rows, conv_filter_rows_avx2, <T: Real>(x: &[T], w: &[T], bias: Option<&[T]>, g: &Conv2d, r0: usize, z: &mut [T]) {
        let n = g.out_c;
        let (np, blocks) = filter_blocks(n);
        let mut wp = vec![T::ZERO; g.taps() * np];
        pad_rows(w, n, &mut wp, np);
        let width = band_width(g);
        let rows = z.len() / n;
        row_pieces(x, g, r0, rows, |r, j0, len, band| {
            let block = Block { band, width, w: &wp, np, g };
            let zrow = &mut z[r * n..(r + len) * n];
            for &(f0, wide) in &blocks {
                let mut jb = 0;
                while jb < len {
                    let first = (j0 + jb) * g.stride_w;
                    let out = &mut zrow[jb * n..];
                    // Whole blocks, then the row's last columns in halves, quarters and singly:
                    // a single column's sums form only 1 or 2 add chains, which wait on the add's
                    // latency (LeNet's conv2 rows of 10 = 4 + 4 + 2).
                    jb += match (wide, len - jb) {
                        (true, left) if left >= WIDE_COLUMNS => block.run::<WIDE, WIDE_COLUMNS>(f0, first, out, bias),
                        (true, left) if left >= 2 => block.run::<WIDE, 2>(f0, first, out, bias),
                        (true, _) => block.run::<WIDE, 1>(f0, first, out, bias),
                        (false, left) if left >= NARROW_COLUMNS => block.run::<NARROW, NARROW_COLUMNS>(f0, first, out, bias),
                        (false, left) if left >= 4 => block.run::<NARROW, 4>(f0, first, out, bias),
                        (false, left) if left >= 2 => block.run::<NARROW, 2>(f0, first, out, bias),
                        (false, _) => block.run::<NARROW, 1>(f0, first, out, bias),
                    };
                }
            }
        });
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
        let mut acc = [[T::ZERO; B]; C];
        let ch = g.in_c;
        let step = g.stride_w * ch;
        for p in 0..g.f_h {
            let row = &self.band[p * self.width..(p + 1) * self.width];
            for q in 0..g.f_w {
                for k in 0..ch {
                    let tap = (p * g.f_w + q) * ch + k;
                    let wr: &[T; B] = self.w[tap * self.np + f0..][..B].try_into().unwrap();
                    let at = (first + q * g.dil_w) * ch + k;
                    let xs = &row[at..=at + (C - 1) * step];
                    let xv: [T; C] = std::array::from_fn(|c| xs[c * step]);
                    for c in 0..C {
                        for l in 0..B {
                            acc[c][l] += xv[c] * wr[l];
                        }
                    }
                }
            }
        }
        let n = g.out_c;
        let real = B.min(n - f0);
        for c in 0..C {
            // A copy, indexed up to `real` below: slicing acc itself by a run-time length made
            // LLVM keep it on the stack through the loop above (2.6 ms against 0.8 for 32 filters).
            let a: [T; B] = acc[c];
            let o = &mut out[c * n + f0..][..real];
            match bias {
                Some(b) => {
                    for ((o, &v), &bv) in o.iter_mut().zip(&a).zip(&b[f0..]) {
                        *o = v + bv;
                    }
                }
                None => o.copy_from_slice(&a[..real]),
            }
        }
        C
    }
}

/// Values per band row (`row_pieces`): the padded input row, C values per column.
#[inline(always)]
pub(super) fn band_width(g: &Conv2d) -> usize {
    (g.pad_left + g.in_w + g.pad_right) * g.in_c
}

/// Calls `body(r, j0, len, band)` for each piece of output row in output rows [r0, r0 + rows):
/// rows r..r + len (relative to r0) are columns j0..j0 + len of one output row (n, i), and
/// `band` holds the f_h input rows it reads, each (pad_left + in_w + pad_right)·C long with the
/// padding as zeros (rows outside the image all zeros).
#[inline(always)]
pub(super) fn row_pieces<T: Real>(
    x: &[T],
    g: &Conv2d,
    r0: usize,
    rows: usize,
    mut body: impl FnMut(usize, usize, usize, &[T]),
) {
    let mut bands = Bands::new(g, 0);
    let mut r = 0;
    while r < rows {
        let (j0, len) = bands.load(x, g, r0 + r, rows - r);
        body(r, j0, len, &bands.band);
        r += len;
    }
}

/// The f_h padded input rows of one output row piece at a time, each followed by `slack`
/// zeros (for kernels that read whole vectors past a row's last column and drop what they
/// computed there). columns.rs loops over the pieces itself rather than through row_pieces:
/// a closure defined outside a `#[target_feature]` copy is compiled without its features when
/// LLVM does not inline it, and `mul_add` then calls libm's fma for every element.
pub(super) struct Bands<T> {
    pub band: Vec<T>,
    pub width: usize,
}

impl<T: Real> Bands<T> {
    pub fn new(g: &Conv2d, slack: usize) -> Self {
        let width = band_width(g) + slack;
        Bands {
            band: vec![T::ZERO; g.f_h * width],
            width,
        }
    }

    /// Loads the piece that starts at output row r (at most `left` rows long): returns its
    /// first column j0 and its length.
    #[inline(always)]
    pub fn load(&mut self, x: &[T], g: &Conv2d, r: usize, left: usize) -> (usize, usize) {
        let (ch, width) = (g.in_c, self.width);
        let (img, h0, _) = g.origin(r);
        let j0 = r % g.out_w;
        let len = (g.out_w - j0).min(left);
        for p in 0..g.f_h {
            let h = h0 + (p * g.dil_h) as isize;
            let dst = &mut self.band[p * width..(p + 1) * width];
            if h < 0 || h >= g.in_h as isize {
                dst.fill(T::ZERO);
            } else {
                let src = (img * g.in_h + h as usize) * g.in_w * ch;
                let at = g.pad_left * ch;
                dst[at..at + g.in_w * ch].copy_from_slice(&x[src..src + g.in_w * ch]);
            }
        }
        (j0, len)
    }
}
