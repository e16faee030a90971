//! The forward convolution for one input channel at stride 1 along the rows (a grayscale
//! image's first layer: LeNet's 6 filters 5x5, the bench's 32 filters 3x3), vectorized over the
//! output columns rather than the filters. With one channel, consecutive output columns read
//! consecutive inputs, so each tap is one vector load from the padded input row and one
//! broadcast filter value, and no lane is spent on filter padding (direct.rs pads LeNet's 6
//! filters to 8, and its per-tap index arithmetic and the row's leftover columns, done one by
//! one, cost more than the multiply-adds).
//!
//! It uses `mul_add`, one rounding on every copy; `applies` keeps it to CPUs where that is an
//! FMA instruction (on x86-64 without AVX2 it would be libm's software fma, and those CPUs
//! take direct.rs's kernel instead).

use super::direct::Bands;
use super::Conv2d;
use crate::simd::{dispatched, has_avx2};
use crate::Real;

/// Column vectors per forward block: CV·FB accumulators (12 of AVX2's 16 vector registers),
/// plus CV input vectors and one broadcast filter value.
const CV: usize = 2;
/// Filters per block; the last block takes the 1 to FB that are left.
const FB: usize = 6;

/// Whether conv2d's forward takes this kernel. (A filter gradient over column vectors was
/// tried too: LLVM scalarized its per-lane sums, and it ran at 1.2-2.3 ms against
/// filter_blocks.rs's 0.4-0.6 for LeNet's first layer, so dW stays there.)
pub(super) fn applies(g: &Conv2d) -> bool {
    g.in_c == 1 && g.stride_w == 1 && fast_fma()
}

fn fast_fma() -> bool {
    cfg!(target_arch = "aarch64") || has_avx2()
}

/// Runs `$e` with `$f` a constant equal to `$n` (1 to FB), so each block size gets its own
/// fully unrolled copy.
macro_rules! with_filters {
    ($n:expr, $f:ident => $e:expr) => {
        match $n {
            1 => { const $f: usize = 1; $e }
            2 => { const $f: usize = 2; $e }
            3 => { const $f: usize = 3; $e }
            4 => { const $f: usize = 4; $e }
            5 => { const $f: usize = 5; $e }
            _ => { const $f: usize = FB; $e }
        }
    };
}

dispatched!(
    /// z (rows x F) (+ bias) for output rows [r0, r0 + rows): one input channel, stride 1 along
    /// the rows, any dilation, padding and row stride. A block is CV vectors of consecutive
    /// output columns x up to FB filters, summed over the (p, q) taps in registers.
    column_rows, column_rows_avx2, <T: Real>(x: &[T], w: &[T], bias: Option<&[T]>, g: &Conv2d, r0: usize, z: &mut [T]) {
        match std::mem::size_of::<T>() {
            4 => forward::<T, 8>(x, w, bias, g, r0, z),
            _ => forward::<T, 4>(x, w, bias, g, r0, z),
        }
    }
);

/// Vectors of L values (one 256-bit register of T).
#[inline(always)]
fn forward<T: Real, const L: usize>(
    x: &[T],
    w: &[T],
    bias: Option<&[T]>,
    g: &Conv2d,
    r0: usize,
    z: &mut [T],
) {
    let n = g.out_c;
    let slack = CV * L;
    let rows = z.len() / n;
    let mut bands = Bands::new(g, slack);
    let mut r = 0;
    while r < rows {
        let (j0, len) = bands.load(x, g, r0 + r, rows - r);
        let out = &mut z[r * n..(r + len) * n];
        let mut f0 = 0;
        while f0 < n {
            let fb = (n - f0).min(FB);
            let mut jb = 0;
            while jb < len {
                let at = Columns {
                    band: &bands.band,
                    width: bands.width,
                    first: j0 + jb,
                    cols: (len - jb).min(slack),
                };
                with_filters!(fb, F => at.forward::<L, F>(w, bias, g, f0, &mut out[jb * n..]));
                jb += slack;
            }
            f0 += fb;
        }
        r += len;
    }
}

/// One block's input: the output row's padded input rows (`band`, f_h rows of `width`), its
/// first output column, and how many of its CV·L columns are real.
struct Columns<'a, T> {
    band: &'a [T],
    width: usize,
    first: usize,
    cols: usize,
}

impl<T: Real> Columns<'_, T> {
    /// Filters [f0, f0 + F) of the block's columns into out's rows (out_c apart).
    #[inline(always)]
    fn forward<const L: usize, const F: usize>(
        &self,
        w: &[T],
        bias: Option<&[T]>,
        g: &Conv2d,
        f0: usize,
        out: &mut [T],
    ) {
        let n = g.out_c;
        let mut acc = [[[T::ZERO; L]; F]; CV];
        for p in 0..g.f_h {
            let row = &self.band[p * self.width..(p + 1) * self.width];
            for q in 0..g.f_w {
                let xs = &row[self.first + q * g.dil_w..][..CV * L];
                let xv: [[T; L]; CV] =
                    std::array::from_fn(|v| xs[v * L..(v + 1) * L].try_into().unwrap());
                let wt = &w[(p * g.f_w + q) * n + f0..][..F];
                for f in 0..F {
                    for v in 0..CV {
                        for l in 0..L {
                            acc[v][f][l] = xv[v][l].mul_add(wt[f], acc[v][f][l]);
                        }
                    }
                }
            }
        }
        // Moved by constant indices into an array that the run-time column count below then
        // indexes (indexing acc itself that way made LLVM keep it in memory, as in direct.rs).
        let mut a = [[[T::ZERO; L]; CV]; F];
        for f in 0..F {
            for v in 0..CV {
                a[f][v] = acc[v][f];
            }
        }
        for c in 0..self.cols {
            let o = &mut out[c * n + f0..][..F];
            for f in 0..F {
                o[f] = a[f][c / L][c % L];
            }
            if let Some(b) = bias {
                for (o, &b) in o.iter_mut().zip(&b[f0..f0 + F]) {
                    *o += b;
                }
            }
        }
    }
}
