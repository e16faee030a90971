//! A deep vector-matrix product: (1xK)·(KxN) with K long, like logistic regression's w·X,
//! (1x12288)·(12288x209).
//!
//! Stored row-major, the matrix's rows run along K, so BLAS computes it as a sum of scaled rows
//! (an axpy per row). OpenBLAS 0.3.21 threads that kind of gemv poorly: 377 µs on one thread,
//! 300 µs on two, where numpy's OpenBLAS 0.3.31 gets 248. Cutting K in one block per core, each a
//! single-threaded gemv into its own partial row, then summing the partials (N values each),
//! streams the matrix at both cores' bandwidth.
//!
//! The other orientation, one output row of dot products like logistic regression's
//! dW = dZ·Xᵀ, (1x209)·(12288x209)ᵀ, is a gemv over the matrix's rows; `dot_gemv` cuts those
//! rows in one block per core (one single-threaded gemv took 0.21 ms there, numpy 0.11).

use super::openblas::{k_split, single_threaded, Cblas};
use super::Gemm;
use std::os::raw::c_int;

const NO_TRANS: c_int = 111;
const TRANS: c_int = 112;

/// True for the products `deep_gemv` handles: one output row (or column) whose stored matrix
/// runs along K, K long enough that a second core pays for its partial row, and more than one
/// thread to give it to.
pub fn is_deep_gemv(g: &Gemm) -> bool {
    let along_k = (g.m == 1 && !g.trans_b) || (g.n == 1 && g.trans_a);
    along_k
        && g.m.max(g.n) > 1
        && g.k >= 2048
        && g.k * g.m.max(g.n) >= 1 << 18
        && rayon::current_num_threads() > 1
}

/// c = alpha·op(a)·op(b) + beta·c for `is_deep_gemv` shapes. Only for validated operands.
pub fn deep_gemv<T: Cblas>(g: &Gemm, a: &[T], b: &[T], c: &mut [T]) {
    // The matrix (stored K x cols, row stride cols) and the vector (K contiguous values).
    let (mat, vec, cols) = if g.m == 1 { (b, a, g.n) } else { (a, b, g.m) };
    // Older OpenBLAS scales y by beta = 0 as 0·y, which keeps NaN: clear it ourselves.
    if g.beta == 0.0 {
        c.iter_mut().for_each(|v| *v = T::default());
    }
    // SAFETY: rows [k0, k1) of the stored matrix and values [k0, k1) of the vector lie inside
    // the validated operands; each call writes `cols` values of its own output.
    let run = |(k0, k1): (usize, usize), out: &mut [T], beta: f64| unsafe {
        T::gemv(
            TRANS,
            (k1 - k0) as c_int,
            cols as c_int,
            g.alpha,
            &mat[k0 * cols..],
            cols as c_int,
            &vec[k0..],
            beta,
            out.as_mut_ptr(),
        )
    };
    k_split(g.k, 1024, c, g.beta, run);
}

/// True for the products `dot_gemv` handles: one output row (or column) whose every value is
/// the dot product of one stored matrix row with the vector, enough of them for a second core
/// to pay (the same 2^18 as `is_deep_gemv`), and more than one thread.
pub fn is_dot_gemv(g: &Gemm) -> bool {
    let dots = (g.m == 1 && g.trans_b) || (g.n == 1 && !g.trans_a);
    dots && g.m.max(g.n) >= 32 && g.k * g.m.max(g.n) >= 1 << 18 && rayon::current_num_threads() > 1
}

/// c = alpha·op(a)·op(b) + beta·c for `is_dot_gemv` shapes, the matrix's rows cut in one block
/// per rayon thread at multiples of 16. Only for validated operands.
pub fn dot_gemv<T: Cblas>(g: &Gemm, a: &[T], b: &[T], c: &mut [T]) {
    use rayon::prelude::*;
    // The matrix (stored rows x K) and the vector (K contiguous values whichever its flag).
    let (mat, vec, rows) = if g.m == 1 { (b, a, g.n) } else { (a, b, g.m) };
    if g.beta == 0.0 {
        c.iter_mut().for_each(|v| *v = T::default());
    }
    let parts = rayon::current_num_threads().min(rows / 16).max(1);
    let block = rows.div_ceil(parts).next_multiple_of(16);
    single_threaded(|| {
        c.par_chunks_mut(block).enumerate().for_each(|(i, out)| {
            let j0 = i * block;
            // SAFETY: rows [j0, j0 + out.len()) of the stored matrix lie inside the validated
            // operand, and each block writes only its own slice of c.
            unsafe {
                T::gemv(
                    NO_TRANS,
                    out.len() as c_int,
                    g.k as c_int,
                    g.alpha,
                    &mat[j0 * g.k..],
                    g.k as c_int,
                    vec,
                    g.beta,
                    out.as_mut_ptr(),
                )
            }
        })
    });
}
