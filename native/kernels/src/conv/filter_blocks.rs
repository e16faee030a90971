//! The filter gradient of few-channel layers (direct::applies) in register blocks:
//! dW[t, f] = Σ over output positions of x at tap t times dZ[position, f]. For each output row,
//! a block of taps x filters of sums stays in registers while the row's positions stream past:
//! one dZ vector and one broadcast x value per tap and position. The planar dot products this
//! replaced and im2col + GEMM both pay for a layout change first (dZ transposed, or the im2col
//! matrix written).

use super::direct::{band_width, filter_blocks, pad_rows, row_pieces, NARROW, WIDE};
use super::Conv2d;
use crate::simd::{dispatched, has_avx2};
use crate::Real;

/// 5 taps x WIDE filters (ten AVX2 accumulators), or 8 taps x NARROW (eight), dZ's rows
/// zero-padded to the blocks. 5 rather than 4: LeNet's conv2 has 150 taps, 30 whole blocks
/// instead of 37 and two single taps (its dW 0.70 -> 0.67 ms on one thread, 3-6% on the
/// bench's other few-channel shapes).
const WIDE_TAPS: usize = 5;
const NARROW_TAPS: usize = 8;

dispatched!(
    /// acc (K x F) += Σ over output rows [r0, r0 + rows) of each tap's input value times dZ's
    /// row: C input channels, any stride and dilation. Each output row's sums are added into
    /// acc once the row is done, so the order of additions depends only on r0 and rows.
    filter_block_rows, filter_block_rows_avx2, <T: Real>(x: &[T], dz: &[T], g: &Conv2d, r0: usize, rows: usize, acc: &mut [T]) {
        let (n, ow, k, ch) = (g.out_c, g.out_w, g.taps(), g.in_c);
        let (np, blocks) = filter_blocks(n);
        let width = band_width(g);
        let mut dzp = vec![T::ZERO; ow * np];
        // Tap t = (p·f_w + q)·C + c reads band[off[t] + j·stride_w·C] for the row's j-th position.
        let off: Vec<usize> = (0..k)
            .map(|t| {
                let (pq, c) = (t / ch, t % ch);
                (pq / g.f_w) * width + (pq % g.f_w) * g.dil_w * ch + c
            })
            .collect();
        row_pieces(x, g, r0, rows, |r, j0, len, band| {
            pad_rows(&dz[(r0 + r) * n..(r0 + r + len) * n], n, &mut dzp, np);
            let row = Row { band, dz: &dzp[..len * np], np, first: j0 * g.stride_w * ch, stride: g.stride_w * ch };
            for &(f0, wide) in &blocks {
                let mut t0 = 0;
                while t0 < k {
                    let taps = &off[t0..];
                    t0 += match (wide, k - t0) {
                        (true, left) if left >= WIDE_TAPS => row.add::<WIDE, WIDE_TAPS>(taps, f0, t0, n, acc),
                        (true, left) if left >= 2 => row.add::<WIDE, 2>(taps, f0, t0, n, acc),
                        (true, _) => row.add::<WIDE, 1>(taps, f0, t0, n, acc),
                        (false, left) if left >= NARROW_TAPS => row.add::<NARROW, NARROW_TAPS>(taps, f0, t0, n, acc),
                        (false, left) if left >= 4 => row.add::<NARROW, 4>(taps, f0, t0, n, acc),
                        (false, left) if left >= 2 => row.add::<NARROW, 2>(taps, f0, t0, n, acc),
                        (false, _) => row.add::<NARROW, 1>(taps, f0, t0, n, acc),
                    };
                }
            }
        });
    }
);

/// One output row: its padded input rows, its dZ rows padded to np filters, and where its first
/// position reads (band column `first` at tap offset 0, then `stride` apart).
struct Row<'a, T> {
    band: &'a [T],
    dz: &'a [T],
    np: usize,
    first: usize,
    stride: usize,
}

impl<T: Real> Row<'_, T> {
    /// Adds the row's sums for taps [t0, t0 + C) (band offsets `taps[..C]`) and filters
    /// [f0, f0 + B) into acc (K x n), the padding filters left out. Returns C.
    #[inline(always)]
    fn add<const B: usize, const C: usize>(
        &self,
        taps: &[usize],
        f0: usize,
        t0: usize,
        n: usize,
        acc: &mut [T],
    ) -> usize {
        let mut sums = [[T::ZERO; B]; C];
        let at: [usize; C] = std::array::from_fn(|c| taps[c] + self.first);
        for (j, d) in self.dz.chunks_exact(self.np).enumerate() {
            let dv: &[T; B] = d[f0..f0 + B].try_into().unwrap();
            let xv: [T; C] = std::array::from_fn(|c| self.band[at[c] + j * self.stride]);
            for c in 0..C {
                for l in 0..B {
                    sums[c][l] += xv[c] * dv[l];
                }
            }
        }
        let real = B.min(n - f0);
        for c in 0..C {
            // A copy, as in direct.rs's Block::run: the sums above stay in registers.
            let s: [T; B] = sums[c];
            for (a, &v) in acc[(t0 + c) * n + f0..][..real].iter_mut().zip(&s) {
                *a += v;
            }
        }
        C
    }
}
