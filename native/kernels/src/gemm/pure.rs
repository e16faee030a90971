use super::{Gemm, GemmProvider};
use gemm::Parallelism;

/// The pure-Rust `gemm` crate: its own run-time dispatch picks AVX2/FMA/AVX-512 kernels.
/// `parallel: false` keeps every product on the calling thread (for kernels that split their own work).
pub struct PureRust {
    pub parallel: bool,
}

/// Below this many multiply-adds a thread hand-off costs more than it saves.
const PARALLEL_FLOPS: usize = 1 << 17;

fn run<T: 'static + Copy>(
    g: &Gemm,
    a: &[T],
    b: &[T],
    c: &mut [T],
    alpha: T,
    beta: T,
    parallel: bool,
) {
    let (m, n, k) = (g.m, g.n, g.k);
    // Strides in elements: (row stride, column stride) of the logical op(A) and op(B).
    let (a_rs, a_cs) = if g.trans_a {
        (1, m as isize)
    } else {
        (k as isize, 1)
    };
    let (b_rs, b_cs) = if g.trans_b {
        (1, k as isize)
    } else {
        (n as isize, 1)
    };
    let par = if parallel && m * n * k >= PARALLEL_FLOPS {
        Parallelism::Rayon(0)
    } else {
        Parallelism::None
    };
    // SAFETY: validate() checked a, b and c hold exactly m*k, k*n and m*n elements, and the
    // strides above address only those. The crate computes dst = alpha·dst + beta·lhs·rhs,
    // so BLAS's beta is its alpha and BLAS's alpha its beta; dst is not read when beta is 0.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            1,
            n as isize,
            g.beta != 0.0,
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
            beta,
            alpha,
            false,
            false,
            false,
            par,
        )
    }
}

impl GemmProvider for PureRust {
    fn name(&self) -> &'static str {
        "pure"
    }
    fn sgemm(&self, g: &Gemm, a: &[f32], b: &[f32], c: &mut [f32]) {
        run(g, a, b, c, g.alpha as f32, g.beta as f32, self.parallel)
    }
    fn dgemm(&self, g: &Gemm, a: &[f64], b: &[f64], c: &mut [f64]) {
        run(g, a, b, c, g.alpha, g.beta, self.parallel)
    }
}
