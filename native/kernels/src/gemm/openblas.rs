use super::{Gemm, GemmProvider};
use std::os::raw::c_int;
use std::sync::Once;

/// OpenBLAS's CBLAS interface, linked statically by build.rs. Debian's build has
/// DYNAMIC_ARCH, so it picks its Haswell/SkylakeX/Zen kernels at run time.
///
/// OpenBLAS's own thread pool is never used (see [`one_thread`]): with `team`, a product big
/// enough to share is cut into one block per rayon thread, each a single-threaded call;
/// without it, every call stays on the calling thread (for kernels that split their own work).
pub struct OpenBlas {
    pub team: bool,
}

const ROW_MAJOR: c_int = 101;
const NO_TRANS: c_int = 111;
const TRANS: c_int = 112;

extern "C" {
    fn cblas_sgemm(
        order: c_int,
        ta: c_int,
        tb: c_int,
        m: c_int,
        n: c_int,
        k: c_int,
        alpha: f32,
        a: *const f32,
        lda: c_int,
        b: *const f32,
        ldb: c_int,
        beta: f32,
        c: *mut f32,
        ldc: c_int,
    );
    fn cblas_sgemv(
        order: c_int,
        t: c_int,
        m: c_int,
        n: c_int,
        alpha: f32,
        a: *const f32,
        lda: c_int,
        x: *const f32,
        incx: c_int,
        beta: f32,
        y: *mut f32,
        incy: c_int,
    );
    fn cblas_dgemv(
        order: c_int,
        t: c_int,
        m: c_int,
        n: c_int,
        alpha: f64,
        a: *const f64,
        lda: c_int,
        x: *const f64,
        incx: c_int,
        beta: f64,
        y: *mut f64,
        incy: c_int,
    );
    fn cblas_dgemm(
        order: c_int,
        ta: c_int,
        tb: c_int,
        m: c_int,
        n: c_int,
        k: c_int,
        alpha: f64,
        a: *const f64,
        lda: c_int,
        b: *const f64,
        ldb: c_int,
        beta: f64,
        c: *mut f64,
        ldc: c_int,
    );
}

fn flags(g: &Gemm) -> (c_int, c_int) {
    (
        if g.trans_a { TRANS } else { NO_TRANS },
        if g.trans_b { TRANS } else { NO_TRANS },
    )
}

/// A product with one row or one column is a matrix-vector product: BLAS's gemv streams
/// the matrix once, where gemm would pack it first (3x slower for (1x12288)·(12288x209)).
/// Returns the gemv call (order, trans, rows, cols, lda, matrix is A?) when it applies.
fn as_gemv(g: &Gemm) -> Option<(c_int, c_int, c_int, c_int, bool)> {
    let (m, n, k) = (g.m as c_int, g.n as c_int, g.k as c_int);
    if g.m == 1 {
        // c (1, n) = a · op(B): the vector is a (contiguous whether or not transA).
        return Some(if g.trans_b {
            (NO_TRANS, n, k, k, false)
        } else {
            (TRANS, k, n, n, false)
        });
    }
    if g.n == 1 {
        // c (m, 1) = op(A) · b: the vector is b.
        return Some(if g.trans_a {
            (TRANS, k, m, m, true)
        } else {
            (NO_TRANS, m, k, k, true)
        });
    }
    None
}

impl GemmProvider for OpenBlas {
    fn name(&self) -> &'static str {
        "openblas"
    }
    fn sgemm(&self, g: &Gemm, a: &[f32], b: &[f32], c: &mut [f32]) {
        if let Some((t, rows, cols, ld, matrix_is_a)) = as_gemv(g) {
            one_thread();
            let (mat, vec) = if matrix_is_a { (a, b) } else { (b, a) };
            // Older OpenBLAS scales y by beta = 0 as 0·y, which keeps NaN: clear it ourselves.
            if g.beta == 0.0 {
                c.fill(0.0);
            }
            // SAFETY: validate() checked the lengths; rows·cols = the matrix's length.
            unsafe {
                cblas_sgemv(
                    ROW_MAJOR,
                    t,
                    rows,
                    cols,
                    g.alpha as f32,
                    mat.as_ptr(),
                    ld,
                    vec.as_ptr(),
                    1,
                    g.beta as f32,
                    c.as_mut_ptr(),
                    1,
                )
            };
            return;
        }
        team_gemm(g, a, b, c, self.team)
    }
    fn dgemm(&self, g: &Gemm, a: &[f64], b: &[f64], c: &mut [f64]) {
        if let Some((t, rows, cols, ld, matrix_is_a)) = as_gemv(g) {
            one_thread();
            let (mat, vec) = if matrix_is_a { (a, b) } else { (b, a) };
            if g.beta == 0.0 {
                c.fill(0.0);
            }
            // SAFETY: as above.
            unsafe {
                cblas_dgemv(
                    ROW_MAJOR,
                    t,
                    rows,
                    cols,
                    g.alpha,
                    mat.as_ptr(),
                    ld,
                    vec.as_ptr(),
                    1,
                    g.beta,
                    c.as_mut_ptr(),
                    1,
                )
            };
            return;
        }
        team_gemm(g, a, b, c, self.team)
    }
}

extern "C" {
    fn openblas_set_num_threads(n: c_int);
}

/// The CBLAS entry point of one float type, with explicit leading dimensions.
pub trait Cblas: Copy + Send + Sync + Default + std::ops::Add<Output = Self> {
    /// # Safety
    /// The slices must hold the operands described by the sizes and leading dimensions, and
    /// `c` must address an m x n block with row stride `ldc` that no one else touches meanwhile.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm(
        ta: c_int,
        tb: c_int,
        m: c_int,
        n: c_int,
        k: c_int,
        alpha: f64,
        a: &[Self],
        lda: c_int,
        b: &[Self],
        ldb: c_int,
        beta: f64,
        c: *mut Self,
        ldc: c_int,
    );

    /// y = alpha·op(M)·x + beta·y on a row-major `rows` x `cols` matrix with row stride `ld`
    /// (op = transpose when `t` is TRANS; unit strides for x and y).
    ///
    /// # Safety
    /// The slices must hold the operands so described, and `y` must address op(M)'s row count
    /// of elements that no one else touches meanwhile.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemv(
        t: c_int,
        rows: c_int,
        cols: c_int,
        alpha: f64,
        m: &[Self],
        ld: c_int,
        x: &[Self],
        beta: f64,
        y: *mut Self,
    );
}

/// Holds OpenBLAS to one thread, once per process: every parallel product is cut by rayon,
/// so the process has one thread team. OpenBLAS's own workers, once woken, spin in
/// `sched_yield` for about 0.1 s after each call (its THREAD_TIMEOUT); on two cores they took
/// CPU from rayon's conv and pool tasks all through a training loop (a LeNet epoch spent 4-5 s
/// of 8 in the kernel, native/README.md).
pub(super) fn one_thread() {
    static ONCE: Once = Once::new();
    // SAFETY: a plain setter of OpenBLAS's thread count, before any call that could use it.
    ONCE.call_once(|| unsafe { openblas_set_num_threads(1) });
}

/// Runs `f`, whose OpenBLAS calls each stay on their own thread (rayon's blocks).
pub(super) fn single_threaded<R>(f: impl FnOnce() -> R) -> R {
    one_thread();
    f()
}

/// Below this many multiply-adds a product stays on the calling thread: waking a second
/// thread costs about as much as the work it would take over (2^20 is ~20 µs on one core).
pub(super) const TEAM_MACS: usize = 1 << 20;

/// C = alpha·op(A)·op(B) + beta·C, cut along the longer of M and N into one block per rayon
/// thread (each at least 16 wide, cut at multiples of 16), each block a single-threaded
/// OpenBLAS call; one call when `team` is false or the product is small. Every element of C
/// is computed by the same kernel over the same K either way. Only for validated operands.
fn team_gemm<T: Cblas>(g: &Gemm, a: &[T], b: &[T], c: &mut [T], team: bool) {
    use rayon::prelude::*;
    one_thread();
    let (ta, tb) = flags(g);
    let (lda, ldb, ldc) = g.leading();
    let by_rows = g.m >= g.n;
    let long = if by_rows { g.m } else { g.n };
    let parts = if team && g.m * g.n * g.k >= TEAM_MACS {
        rayon::current_num_threads().min(long / 16).max(1)
    } else {
        1
    };
    let cut = |p: usize| {
        if p == parts {
            long
        } else {
            (long * p / parts) & !15
        }
    };
    let out = Out(c.as_mut_ptr());
    // Block [s0, s1) of the rows (or columns) of C: where it starts in A (or B) and in C.
    let run = |p: usize| {
        let (s0, s1) = (cut(p), cut(p + 1));
        let (m, n, a_at, b_at, c_at) = if by_rows {
            let a_at = if g.trans_a { s0 } else { s0 * g.k };
            (s1 - s0, g.n, a_at, 0, s0 * ldc)
        } else {
            let b_at = if g.trans_b { s0 * g.k } else { s0 };
            (g.m, s1 - s0, 0, b_at, s0)
        };
        // SAFETY: the block keeps the full operands' leading dimensions, so it reads only
        // inside the validated `a` and `b`, and writes only its own rows (or columns) of C.
        unsafe {
            T::gemm(
                ta,
                tb,
                m as c_int,
                n as c_int,
                g.k as c_int,
                g.alpha,
                &a[a_at..],
                lda as c_int,
                &b[b_at..],
                ldb as c_int,
                g.beta,
                out.column(c_at),
                ldc as c_int,
            )
        }
    };
    if parts == 1 {
        run(0)
    } else {
        (0..parts).into_par_iter().for_each(run)
    }
}

/// The K-split both `deep_split` and `deep_gemv` use: K cut in one block per rayon thread (at
/// least `min_block` deep), each a single-threaded OpenBLAS call. `run(block, out, beta)` computes
/// one block's product into `out`: the first block straight into `c` with the caller's `beta`,
/// the others into zeroed scratch of `c`'s length, which are then summed into `c`.
pub(super) fn k_split<T: Cblas>(
    k: usize,
    min_block: usize,
    c: &mut [T],
    beta: f64,
    run: impl Fn((usize, usize), &mut [T], f64) + Sync,
) {
    use rayon::prelude::*;
    let parts = rayon::current_num_threads().min(k / min_block).max(1);
    let bounds: Vec<(usize, usize)> = (0..parts)
        .map(|p| (k * p / parts, k * (p + 1) / parts))
        .collect();
    let (first, rest) = bounds.split_first().expect("at least one block");
    let len = c.len();
    let partials = single_threaded(|| {
        rayon::join(
            || run(*first, c, beta),
            || {
                rest.par_iter()
                    .map(|&kb| {
                        let mut part = vec![T::default(); len];
                        run(kb, &mut part, 0.0);
                        part
                    })
                    .collect::<Vec<_>>()
            },
        )
        .1
    });
    for part in &partials {
        c.iter_mut().zip(part).for_each(|(o, &v)| *o = *o + v);
    }
}

/// One `Cblas` impl per element type: the same row-major calls to OpenBLAS's s- or d- routine,
/// with the f64 scalars converted to the element type.
macro_rules! impl_cblas {
    ($t:ty, $gemm:ident, $gemv:ident) => {
        impl Cblas for $t {
            unsafe fn gemm(
                ta: c_int,
                tb: c_int,
                m: c_int,
                n: c_int,
                k: c_int,
                alpha: f64,
                a: &[$t],
                lda: c_int,
                b: &[$t],
                ldb: c_int,
                beta: f64,
                c: *mut $t,
                ldc: c_int,
            ) {
                unsafe {
                    $gemm(
                        ROW_MAJOR,
                        ta,
                        tb,
                        m,
                        n,
                        k,
                        alpha as $t,
                        a.as_ptr(),
                        lda,
                        b.as_ptr(),
                        ldb,
                        beta as $t,
                        c,
                        ldc,
                    )
                }
            }
            unsafe fn gemv(
                t: c_int,
                rows: c_int,
                cols: c_int,
                alpha: f64,
                m: &[$t],
                ld: c_int,
                x: &[$t],
                beta: f64,
                y: *mut $t,
            ) {
                unsafe {
                    $gemv(
                        ROW_MAJOR,
                        t,
                        rows,
                        cols,
                        alpha as $t,
                        m.as_ptr(),
                        ld,
                        x.as_ptr(),
                        1,
                        beta as $t,
                        y,
                        1,
                    )
                }
            }
        }
    };
}

impl_cblas!(f32, cblas_sgemm, cblas_sgemv);
impl_cblas!(f64, cblas_dgemm, cblas_dgemv);

/// A deep product: small output, long inner dimension, like (20x12288)·(12288x209).
/// OpenBLAS 0.3.21 threads such a product over the 20x209 output and gets little from the
/// second core; splitting K instead, one single-threaded OpenBLAS call per core and a sum,
/// measured 1.5x faster (native/README.md).
pub fn is_deep(g: &Gemm) -> bool {
    g.m > 1
        && g.n > 1
        && g.k >= 1024
        && g.k >= 8 * g.m.max(g.n)
        && g.m * g.n <= 1 << 16
        && rayon::current_num_threads() > 1
}

/// C = alpha·op(A)·op(B) + beta·C with K split across the rayon threads. Only for
/// validated operands (the sub-slices below stay inside them by construction).
pub fn deep_split<T: Cblas>(g: &Gemm, a: &[T], b: &[T], c: &mut [T]) {
    let (ta, tb) = flags(g);
    let (lda, ldb, _) = g.leading();
    // Where the K-block [k0, k1) of op(A) and op(B) starts: a column offset for a row-major
    // (m, k) A, a row offset for a stored (k, m) one; the same for B.
    let a_at = |k0: usize| if g.trans_a { k0 * g.m } else { k0 };
    let b_at = |k0: usize| if g.trans_b { k0 } else { k0 * g.n };
    // SAFETY (every block): the blocks use the full operands' leading dimensions, so every
    // element read lies inside `a` and `b` as validated for the whole product.
    let run = |(k0, k1): (usize, usize), out: &mut [T], beta: f64| unsafe {
        T::gemm(
            ta,
            tb,
            g.m as c_int,
            g.n as c_int,
            (k1 - k0) as c_int,
            g.alpha,
            &a[a_at(k0)..],
            lda as c_int,
            &b[b_at(k0)..],
            ldb as c_int,
            beta,
            out.as_mut_ptr(),
            g.n as c_int,
        )
    };
    k_split(g.k, 512, c, g.beta, run);
}

/// A wide product: few rows, short inner dimension, many columns, like
/// (20x209)·(209x12288). OpenBLAS 0.3.21 threads it poorly (0.8x numpy); cutting N in one
/// block per core, each a single-threaded OpenBLAS call, measured faster (native/README.md).
pub fn is_wide(g: &Gemm) -> bool {
    g.m > 1 && g.n >= 8 * g.k.max(g.m) && g.n >= 1024 && rayon::current_num_threads() > 1
}

/// C's base pointer, shared by the column blocks: each thread writes only its own columns.
#[derive(Clone, Copy)]
struct Out<T>(*mut T);
// SAFETY: the blocks written through it are disjoint (see wide_split).
unsafe impl<T> Send for Out<T> {}
unsafe impl<T> Sync for Out<T> {}

impl<T> Out<T> {
    /// Element `j` of C in storage order (column j of the first row, or the start of row
    /// j / ldc). A method, so closures capture the whole `Out` (Sync), not its raw pointer
    /// field (which is not).
    fn column(self, j: usize) -> *mut T {
        self.0.wrapping_add(j)
    }
}

/// C = alpha·op(A)·op(B) + beta·C with N split across the rayon threads. Only for validated
/// operands.
pub fn wide_split<T: Cblas>(g: &Gemm, a: &[T], b: &[T], c: &mut [T]) {
    use rayon::prelude::*;
    let parts = rayon::current_num_threads().min(g.n / 512).max(1);
    let (ta, tb) = flags(g);
    let (lda, ldb, ldc) = g.leading();
    // Columns in multiples of 16 so every block but the last fills whole SIMD registers.
    let cut = |p: usize| (g.n * p / parts) & !15;
    let bounds: Vec<(usize, usize)> = (0..parts)
        .map(|p| (cut(p), if p + 1 == parts { g.n } else { cut(p + 1) }))
        .collect();
    // Where the column block [n0, n1) of op(B) starts: a column offset for a stored (k, n) B,
    // a row offset for a stored (n, k) one.
    let b_at = |n0: usize| if g.trans_b { n0 * g.k } else { n0 };
    let out = Out(c.as_mut_ptr());
    single_threaded(|| {
        bounds.par_iter().for_each(|&(n0, n1)| {
            // SAFETY: block [n0, n1) reads B's columns n0..n1 and writes C's columns n0..n1 with
            // the full leading dimensions, so it stays inside the validated operands, and the
            // blocks write disjoint columns of C.
            unsafe {
                T::gemm(
                    ta,
                    tb,
                    g.m as c_int,
                    (n1 - n0) as c_int,
                    g.k as c_int,
                    g.alpha,
                    a,
                    lda as c_int,
                    &b[b_at(n0)..],
                    ldb as c_int,
                    g.beta,
                    out.column(n0),
                    ldc as c_int,
                )
            }
        })
    });
}
