//! GEMM for products whose op(A) has few rows, the shape of every product the course's networks
//! make (a layer's n[l] units are its rows: Z1 = W1·X is (20x12288)·(12288x209), dW1 = dZ1·Xᵀ is
//! (20x209)·(12288x209)ᵀ).
//!
//! BLAS kernels tile C in blocks of 16 or 24 rows, so 20 rows waste a third of their lanes. Here
//! every row of C is in the register tile: rows are cut into as few blocks of at most MR_MAX as
//! possible, evenly (20 = 10 + 10 on AVX-512, 5 + 5 + 5 + 5 on AVX2), and each block is computed
//! against NV vectors of columns at a time, so each B vector loaded feeds one FMA per row.
//! A is packed k-major per K-block (it is small); B is read in place when its rows are
//! contiguous (a stored (K, N) B), or transposed into a panel per (K-block, column tile) with
//! in-register transposes when it is stored (N, K), as Xᵀ is in dW1. Only the last, partial
//! column tile is copied into a zero-padded panel either way, so no load reads past B.
//!
//! Threads: products with a long K and a small C (Z1) cut K, one partial C per thread then a
//! sum; wide products (dW1) cut N in whole column tiles, each thread writing its own columns.

// The kernels are x86-64 only; elsewhere `available()` is false and the rest goes unused.
#![cfg_attr(
    not(target_arch = "x86_64"),
    allow(dead_code, unused_imports, unused_macros)
)]

use super::Gemm;
use rayon::prelude::*;

/// The widest row count this provider takes: above it, BLAS's own tiles waste little.
pub const MAX_ROWS: usize = 32;

/// K-block: an A block of MR_MAX rows by KC stays in L1 with the B vectors streaming past.
const KC: usize = 256;

/// True when this build can run the kernels on this CPU (AVX2+FMA or AVX-512F on x86-64).
pub fn available() -> bool {
    isa().is_some()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
    Avx512,
    Avx2,
}

/// The instruction set the kernels use here: AVX-512F where the CPU has it, else AVX2 with FMA.
pub fn isa() -> Option<Isa> {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            return Some(Isa::Avx512);
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            return Some(Isa::Avx2);
        }
    }
    None
}

pub fn applies(g: &Gemm) -> bool {
    g.m <= MAX_ROWS && available()
}

/// Where op(B)'s rows live: B[k, j] = ptr[k·ldb + j] (a stored (K, N) B, rows contiguous), or
/// ptr[j·ldb + k] (a stored (N, K) B read transposed).
#[derive(Clone, Copy)]
struct BView<T> {
    ptr: *const T,
    ldb: usize,
    transposed: bool,
}

/// C's base pointer, shared by threads that write disjoint columns of it.
#[derive(Clone, Copy)]
struct Out<T>(*mut T);
// SAFETY: the threads sharing one write disjoint column ranges of C (see `split_n`).
unsafe impl<T> Send for Out<T> {}
unsafe impl<T> Sync for Out<T> {}
unsafe impl<T> Send for BView<T> {}
unsafe impl<T> Sync for BView<T> {}

impl<T> Out<T> {
    fn at(self, offset: usize) -> *mut T {
        self.0.wrapping_add(offset)
    }
}

/// Everything a thread needs for its share: rows 0..m of C, columns [n0, n1), K-range [k0, k1).
#[derive(Clone, Copy)]
struct Job {
    m: usize,
    n0: usize,
    n1: usize,
    k0: usize,
    k1: usize,
}

macro_rules! small_gemm {
    ($name:ident, $t:ty, $feature:literal, $v:ty, $lanes:expr, $nv:expr, $mr_max:expr,
     zero: $zero:path, load: $load:path, set1: $set1:path, fmadd: $fmadd:path, mul: $mul:path,
     store: $store:path, transpose: $transpose:path) => {
        pub mod $name {
            use super::*;
            #[cfg(target_arch = "x86_64")]
            use std::arch::x86_64::*;

            pub const L: usize = $lanes;
            /// Columns of one tile.
            pub const NR: usize = $lanes * $nv;
            pub const MR_MAX: usize = $mr_max;

            /// acc (MR x NR) = Σ_k a[k·MR + r] · B[k, :NR], then C = alpha·acc + beta·C (C not
            /// read when beta = 0), C's rows `ldc` apart.
            #[inline(always)]
            #[allow(clippy::too_many_arguments)]
            unsafe fn tile<const MR: usize>(
                kc: usize,
                a: *const $t,
                b: *const $t,
                ldb: usize,
                c: *mut $t,
                ldc: usize,
                alpha: $t,
                beta: $t,
            ) {
                let mut acc = [[$zero(); $nv]; MR];
                for k in 0..kc {
                    let bk = b.add(k * ldb);
                    let mut bv = [$zero(); $nv];
                    for (v, x) in bv.iter_mut().enumerate() {
                        *x = $load(bk.add(v * $lanes));
                    }
                    for (r, row) in acc.iter_mut().enumerate() {
                        let ar = $set1(*a.add(k * MR + r));
                        for (x, &bx) in row.iter_mut().zip(&bv) {
                            *x = $fmadd(ar, bx, *x);
                        }
                    }
                }
                let va = $set1(alpha);
                let vb = $set1(beta);
                for (r, row) in acc.iter().enumerate() {
                    for (v, &x) in row.iter().enumerate() {
                        let p = c.add(r * ldc + v * $lanes);
                        let x = $mul(x, va);
                        $store(
                            p,
                            if beta == 0.0 {
                                x
                            } else {
                                $fmadd(vb, $load(p), x)
                            },
                        );
                    }
                }
            }

            /// One row block of `rows` rows (1..=MR_MAX), dispatched to its tile size.
            #[inline(always)]
            #[allow(clippy::too_many_arguments)]
            unsafe fn block(
                rows: usize,
                kc: usize,
                a: *const $t,
                b: *const $t,
                ldb: usize,
                c: *mut $t,
                ldc: usize,
                alpha: $t,
                beta: $t,
            ) {
                match rows {
                    1 => tile::<1>(kc, a, b, ldb, c, ldc, alpha, beta),
                    2 => tile::<2>(kc, a, b, ldb, c, ldc, alpha, beta),
                    3 => tile::<3>(kc, a, b, ldb, c, ldc, alpha, beta),
                    4 => tile::<4>(kc, a, b, ldb, c, ldc, alpha, beta),
                    5 => tile::<5>(kc, a, b, ldb, c, ldc, alpha, beta),
                    6 => tile::<6>(kc, a, b, ldb, c, ldc, alpha, beta),
                    7 => tile::<7>(kc, a, b, ldb, c, ldc, alpha, beta),
                    8 => tile::<8>(kc, a, b, ldb, c, ldc, alpha, beta),
                    9 => tile::<9>(kc, a, b, ldb, c, ldc, alpha, beta),
                    10 => tile::<10>(kc, a, b, ldb, c, ldc, alpha, beta),
                    11 => tile::<11>(kc, a, b, ldb, c, ldc, alpha, beta),
                    12 => tile::<12>(kc, a, b, ldb, c, ldc, alpha, beta),
                    _ => unreachable!("row blocks have 1..=MR_MAX rows"),
                }
            }

            /// Row blocks of C: as few as MR_MAX allows, of (almost) equal size.
            fn row_blocks(m: usize) -> impl Iterator<Item = (usize, usize)> {
                let count = m.div_ceil(MR_MAX);
                (0..count).map(move |i| (m * i / count, m * (i + 1) / count))
            }

            /// C[:, n0..n1] (+)= alpha·op(A)[:, k0..k1]·op(B)[k0..k1, n0..n1] for one thread's job,
            /// beta applied on the first K-block only. `c` addresses C's element (0, 0).
            #[target_feature(enable = $feature)]
            pub(super) unsafe fn run(
                g: &Gemm,
                a: &[$t],
                b: BView<$t>,
                c: Out<$t>,
                ldc: usize,
                job: Job,
                beta: f64,
            ) {
                let alpha = g.alpha as $t;
                // A block (k-major within each row block) and a B panel (kc x NR).
                let mut apack = vec![0.0 as $t; job.m * KC];
                let mut panel = vec![0.0 as $t; KC * NR];
                let mut tmp = [0.0 as $t; MR_MAX * NR];
                let mut k0 = job.k0;
                while k0 < job.k1 {
                    let kc = KC.min(job.k1 - k0);
                    let beta = if k0 == job.k0 { beta as $t } else { 1.0 };
                    // Pack A[rows, k0..k0+kc] block by block: apack[start·kc + k·rows + r].
                    for (r0, r1) in row_blocks(job.m) {
                        let rows = r1 - r0;
                        let dst = &mut apack[r0 * kc..r1 * kc];
                        for k in 0..kc {
                            for r in 0..rows {
                                let (i, p) = (r0 + r, k0 + k);
                                dst[k * rows + r] = if g.trans_a {
                                    a[p * g.m + i]
                                } else {
                                    a[i * g.k + p]
                                };
                            }
                        }
                    }
                    let mut j0 = job.n0;
                    while j0 < job.n1 {
                        let w = NR.min(job.n1 - j0);
                        // op(B)[k0.., j0..]: in place when rows are contiguous and the tile whole,
                        // else a zero-padded panel (transposed from a stored (N, K) B).
                        let (bp, ldb) = if !b.transposed && w == NR {
                            (b.ptr.add(k0 * b.ldb + j0), b.ldb)
                        } else {
                            pack_panel(b, k0, kc, j0, w, &mut panel);
                            (panel.as_ptr(), NR)
                        };
                        for (r0, r1) in row_blocks(job.m) {
                            let rows = r1 - r0;
                            let ap = apack.as_ptr().add(r0 * kc);
                            if w == NR {
                                let cp = c.at(r0 * ldc + j0);
                                block(rows, kc, ap, bp, ldb, cp, ldc, alpha, beta);
                            } else {
                                // A partial tile: computed whole into tmp, then its w columns
                                // combined with C (C not read when beta = 0).
                                block(rows, kc, ap, bp, ldb, tmp.as_mut_ptr(), NR, alpha, 0.0);
                                for r in 0..rows {
                                    let cp = c.at((r0 + r) * ldc + j0);
                                    for j in 0..w {
                                        let x = tmp[r * NR + j];
                                        *cp.add(j) = if beta == 0.0 {
                                            x
                                        } else {
                                            x + beta * *cp.add(j)
                                        };
                                    }
                                }
                            }
                        }
                        j0 += w;
                    }
                    k0 += kc;
                }
            }

            /// panel[k·NR + j] = op(B)[k0 + k, j0 + j] for j < w, 0 beyond.
            #[inline(always)]
            unsafe fn pack_panel(
                b: BView<$t>,
                k0: usize,
                kc: usize,
                j0: usize,
                w: usize,
                panel: &mut [$t],
            ) {
                if !b.transposed {
                    for k in 0..kc {
                        let src = b.ptr.add((k0 + k) * b.ldb + j0);
                        let dst = &mut panel[k * NR..(k + 1) * NR];
                        for j in 0..NR {
                            dst[j] = if j < w { *src.add(j) } else { 0.0 };
                        }
                    }
                    return;
                }
                // Stored (N, K): rows j0.. of the stored matrix, L x L blocks transposed in
                // registers, the ragged edges one element at a time.
                let full_k = kc / L * L;
                let mut j = 0;
                while j + L <= w {
                    let mut kk = 0;
                    while kk < full_k {
                        let src = b.ptr.add((j0 + j) * b.ldb + k0 + kk);
                        $transpose(src, b.ldb, panel.as_mut_ptr().add(kk * NR + j), NR);
                        kk += L;
                    }
                    for k in full_k..kc {
                        for jj in j..j + L {
                            panel[k * NR + jj] = *b.ptr.add((j0 + jj) * b.ldb + k0 + k);
                        }
                    }
                    j += L;
                }
                for k in 0..kc {
                    for jj in j..NR {
                        panel[k * NR + jj] = if jj < w {
                            *b.ptr.add((j0 + jj) * b.ldb + k0 + k)
                        } else {
                            0.0
                        };
                    }
                }
            }
        }
    };
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    /// dst[i·ldd + j] = src[j·lds + i] for an 8x8 block of f32 (AVX).
    #[inline(always)]
    pub unsafe fn transpose8_f32(src: *const f32, lds: usize, dst: *mut f32, ldd: usize) {
        let r: [__m256; 8] = std::array::from_fn(|i| _mm256_loadu_ps(src.add(i * lds)));
        let t0 = _mm256_unpacklo_ps(r[0], r[1]);
        let t1 = _mm256_unpackhi_ps(r[0], r[1]);
        let t2 = _mm256_unpacklo_ps(r[2], r[3]);
        let t3 = _mm256_unpackhi_ps(r[2], r[3]);
        let t4 = _mm256_unpacklo_ps(r[4], r[5]);
        let t5 = _mm256_unpackhi_ps(r[4], r[5]);
        let t6 = _mm256_unpacklo_ps(r[6], r[7]);
        let t7 = _mm256_unpackhi_ps(r[6], r[7]);
        let s0 = _mm256_shuffle_ps::<0x44>(t0, t2);
        let s1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
        let s2 = _mm256_shuffle_ps::<0x44>(t1, t3);
        let s3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
        let s4 = _mm256_shuffle_ps::<0x44>(t4, t6);
        let s5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
        let s6 = _mm256_shuffle_ps::<0x44>(t5, t7);
        let s7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
        let out = [
            _mm256_permute2f128_ps::<0x20>(s0, s4),
            _mm256_permute2f128_ps::<0x20>(s1, s5),
            _mm256_permute2f128_ps::<0x20>(s2, s6),
            _mm256_permute2f128_ps::<0x20>(s3, s7),
            _mm256_permute2f128_ps::<0x31>(s0, s4),
            _mm256_permute2f128_ps::<0x31>(s1, s5),
            _mm256_permute2f128_ps::<0x31>(s2, s6),
            _mm256_permute2f128_ps::<0x31>(s3, s7),
        ];
        for (i, v) in out.iter().enumerate() {
            _mm256_storeu_ps(dst.add(i * ldd), *v);
        }
    }

    /// The same for a 4x4 block of f64 (AVX).
    #[inline(always)]
    pub unsafe fn transpose4_f64(src: *const f64, lds: usize, dst: *mut f64, ldd: usize) {
        let r: [__m256d; 4] = std::array::from_fn(|i| _mm256_loadu_pd(src.add(i * lds)));
        let t0 = _mm256_unpacklo_pd(r[0], r[1]);
        let t1 = _mm256_unpackhi_pd(r[0], r[1]);
        let t2 = _mm256_unpacklo_pd(r[2], r[3]);
        let t3 = _mm256_unpackhi_pd(r[2], r[3]);
        let out = [
            _mm256_permute2f128_pd::<0x20>(t0, t2),
            _mm256_permute2f128_pd::<0x20>(t1, t3),
            _mm256_permute2f128_pd::<0x31>(t0, t2),
            _mm256_permute2f128_pd::<0x31>(t1, t3),
        ];
        for (i, v) in out.iter().enumerate() {
            _mm256_storeu_pd(dst.add(i * ldd), *v);
        }
    }

    /// A 16x16 block of f32 (AVX-512F): four rounds of pairwise interleaves.
    #[inline(always)]
    pub unsafe fn transpose16_f32(src: *const f32, lds: usize, dst: *mut f32, ldd: usize) {
        let r: [__m512; 16] = std::array::from_fn(|i| _mm512_loadu_ps(src.add(i * lds)));
        let mut t = [_mm512_setzero_ps(); 16];
        for i in 0..8 {
            t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
            t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
        }
        let mut u = [_mm512_setzero_ps(); 16];
        for i in 0..4 {
            let (a, b, c, d) = (t[4 * i], t[4 * i + 1], t[4 * i + 2], t[4 * i + 3]);
            u[4 * i] = _mm512_shuffle_ps::<0x44>(a, c);
            u[4 * i + 1] = _mm512_shuffle_ps::<0xEE>(a, c);
            u[4 * i + 2] = _mm512_shuffle_ps::<0x44>(b, d);
            u[4 * i + 3] = _mm512_shuffle_ps::<0xEE>(b, d);
        }
        // u[4i + q] holds, in each 128-bit lane l, the 4 values of column 4l + q from rows 4i..4i+4.
        let mut w = [_mm512_setzero_ps(); 16];
        for q in 0..4 {
            let (a, b, c, d) = (u[q], u[4 + q], u[8 + q], u[12 + q]);
            let ab_lo = _mm512_shuffle_f32x4::<0x88>(a, b); // lanes 0, 2 of a then of b
            let ab_hi = _mm512_shuffle_f32x4::<0xDD>(a, b); // lanes 1, 3
            let cd_lo = _mm512_shuffle_f32x4::<0x88>(c, d);
            let cd_hi = _mm512_shuffle_f32x4::<0xDD>(c, d);
            w[q] = _mm512_shuffle_f32x4::<0x88>(ab_lo, cd_lo); // column q: lane 0 of a, b, c, d
            w[8 + q] = _mm512_shuffle_f32x4::<0xDD>(ab_lo, cd_lo); // column 8 + q
            w[4 + q] = _mm512_shuffle_f32x4::<0x88>(ab_hi, cd_hi); // column 4 + q
            w[12 + q] = _mm512_shuffle_f32x4::<0xDD>(ab_hi, cd_hi); // column 12 + q
        }
        for (i, v) in w.iter().enumerate() {
            _mm512_storeu_ps(dst.add(i * ldd), *v);
        }
    }

    /// An 8x8 block of f64 (AVX-512F).
    #[inline(always)]
    pub unsafe fn transpose8_f64(src: *const f64, lds: usize, dst: *mut f64, ldd: usize) {
        let r: [__m512d; 8] = std::array::from_fn(|i| _mm512_loadu_pd(src.add(i * lds)));
        let mut t = [_mm512_setzero_pd(); 8];
        for i in 0..4 {
            t[2 * i] = _mm512_unpacklo_pd(r[2 * i], r[2 * i + 1]);
            t[2 * i + 1] = _mm512_unpackhi_pd(r[2 * i], r[2 * i + 1]);
        }
        // t[2i + q] holds, in each 128-bit lane l, column 2l + q of rows 2i, 2i + 1.
        let mut w = [_mm512_setzero_pd(); 8];
        for q in 0..2 {
            let (a, b, c, d) = (t[q], t[2 + q], t[4 + q], t[6 + q]);
            let ab_lo = _mm512_shuffle_f64x2::<0x88>(a, b);
            let ab_hi = _mm512_shuffle_f64x2::<0xDD>(a, b);
            let cd_lo = _mm512_shuffle_f64x2::<0x88>(c, d);
            let cd_hi = _mm512_shuffle_f64x2::<0xDD>(c, d);
            w[q] = _mm512_shuffle_f64x2::<0x88>(ab_lo, cd_lo);
            w[4 + q] = _mm512_shuffle_f64x2::<0xDD>(ab_lo, cd_lo);
            w[2 + q] = _mm512_shuffle_f64x2::<0x88>(ab_hi, cd_hi);
            w[6 + q] = _mm512_shuffle_f64x2::<0xDD>(ab_hi, cd_hi);
        }
        for (i, v) in w.iter().enumerate() {
            _mm512_storeu_pd(dst.add(i * ldd), *v);
        }
    }

    #[inline(always)]
    pub unsafe fn fmadd_ps(a: __m256, b: __m256, c: __m256) -> __m256 {
        _mm256_fmadd_ps(a, b, c)
    }
    #[inline(always)]
    pub unsafe fn fmadd_pd(a: __m256d, b: __m256d, c: __m256d) -> __m256d {
        _mm256_fmadd_pd(a, b, c)
    }
}

#[cfg(target_arch = "x86_64")]
small_gemm!(avx512_f32, f32, "avx512f,avx2,fma", __m512, 16, 2, 12,
    zero: _mm512_setzero_ps, load: _mm512_loadu_ps, set1: _mm512_set1_ps, fmadd: _mm512_fmadd_ps,
    mul: _mm512_mul_ps, store: _mm512_storeu_ps, transpose: super::x86::transpose16_f32);
#[cfg(target_arch = "x86_64")]
small_gemm!(avx512_f64, f64, "avx512f,avx2,fma", __m512d, 8, 2, 12,
    zero: _mm512_setzero_pd, load: _mm512_loadu_pd, set1: _mm512_set1_pd, fmadd: _mm512_fmadd_pd,
    mul: _mm512_mul_pd, store: _mm512_storeu_pd, transpose: super::x86::transpose8_f64);
#[cfg(target_arch = "x86_64")]
small_gemm!(avx2_f32, f32, "avx2,fma", __m256, 8, 2, 6,
    zero: _mm256_setzero_ps, load: _mm256_loadu_ps, set1: _mm256_set1_ps, fmadd: super::x86::fmadd_ps,
    mul: _mm256_mul_ps, store: _mm256_storeu_ps, transpose: super::x86::transpose8_f32);
#[cfg(target_arch = "x86_64")]
small_gemm!(avx2_f64, f64, "avx2,fma", __m256d, 4, 2, 6,
    zero: _mm256_setzero_pd, load: _mm256_loadu_pd, set1: _mm256_set1_pd, fmadd: super::x86::fmadd_pd,
    mul: _mm256_mul_pd, store: _mm256_storeu_pd, transpose: super::x86::transpose4_f64);

/// Splits one product into thread jobs: K for deep products with a small C (partials summed),
/// N in whole tiles for wide ones, nothing when a second thread would not pay.
fn jobs(g: &Gemm, nr: usize) -> (Vec<Job>, bool) {
    let threads = rayon::current_num_threads();
    let whole = Job {
        m: g.m,
        n0: 0,
        n1: g.n,
        k0: 0,
        k1: g.k,
    };
    // Below ~2^18 multiply-adds a thread hand-off costs more than half the work.
    if threads < 2 || g.m * g.n * g.k < 1 << 18 {
        return (vec![whole], false);
    }
    let tiles = g.n.div_ceil(nr);
    let n_split = |parts: usize| {
        let cut = |p: usize| (tiles * p / parts * nr).min(g.n);
        (0..parts)
            .map(|p| Job {
                n0: cut(p),
                n1: cut(p + 1),
                ..whole
            })
            .collect()
    };
    // A long K and a small C (Z1 = W1·X): each thread streams its own contiguous part of B
    // into a partial C, summed after (a few thousand additions).
    let deep = g.k >= 8 * KC && g.m * g.n <= 1 << 16;
    if !deep && tiles >= threads {
        return (n_split(threads), false);
    }
    if g.k >= 2 * KC {
        // K cut at multiples of KC, so every thread's blocks are whole but the last.
        let blocks = g.k.div_ceil(KC);
        let parts = threads.min(blocks);
        let cut = |p: usize| (blocks * p / parts * KC).min(g.k);
        let jobs = (0..parts)
            .map(|p| Job {
                k0: cut(p),
                k1: cut(p + 1),
                ..whole
            })
            .collect();
        return (jobs, true);
    }
    if tiles >= 2 {
        return (n_split(threads.min(tiles)), false);
    }
    (vec![whole], false)
}

macro_rules! entry {
    ($fn:ident, $fn_isa:ident, $t:ty, $avx512:ident, $avx2:ident) => {
        /// C = alpha·op(A)·op(B) + beta·C for validated operands with m <= MAX_ROWS, on a CPU
        /// that `available()` accepted.
        pub fn $fn(g: &Gemm, a: &[$t], b: &[$t], c: &mut [$t]) {
            $fn_isa(
                isa().expect("small GEMM kernels need AVX2 or AVX-512"),
                g,
                a,
                b,
                c,
            )
        }

        /// The same with the kernels of `isa`, which the CPU must have.
        pub fn $fn_isa(isa: Isa, g: &Gemm, a: &[$t], b: &[$t], c: &mut [$t]) {
            #[cfg(target_arch = "x86_64")]
            {
                let nr = match isa {
                    Isa::Avx512 => $avx512::NR,
                    Isa::Avx2 => $avx2::NR,
                };
                let view = BView {
                    ptr: b.as_ptr(),
                    ldb: if g.trans_b { g.k } else { g.n },
                    transposed: g.trans_b,
                };
                let run = |job: Job, out: Out<$t>, ldc: usize, beta: f64| unsafe {
                    // SAFETY: the CPU has the ISA (checked by isa()); the operands were validated
                    // for the whole product and every job stays inside it; `out` addresses a C
                    // (or a partial) of ldc-wide rows that only this job writes in its columns.
                    match isa {
                        Isa::Avx512 => $avx512::run(g, a, view, out, ldc, job, beta),
                        Isa::Avx2 => $avx2::run(g, a, view, out, ldc, job, beta),
                    }
                };
                let (jobs, k_split) = jobs(g, nr);
                if jobs.len() == 1 {
                    run(jobs[0], Out(c.as_mut_ptr()), g.n, g.beta);
                } else if !k_split {
                    let out = Out(c.as_mut_ptr());
                    jobs.par_iter().for_each(|&job| run(job, out, g.n, g.beta));
                } else {
                    // The first K-share goes straight into C with beta; the others into zeroed
                    // partials, summed into C afterwards.
                    let len = c.len();
                    let (first, rest) = jobs.split_first().expect("a job");
                    let partials = rayon::join(
                        || run(*first, Out(c.as_mut_ptr()), g.n, g.beta),
                        || {
                            rest.par_iter()
                                .map(|&job| {
                                    let mut part = vec![0.0 as $t; len];
                                    run(job, Out(part.as_mut_ptr()), g.n, 0.0);
                                    part
                                })
                                .collect::<Vec<_>>()
                        },
                    )
                    .1;
                    for part in &partials {
                        c.iter_mut().zip(part).for_each(|(o, &v)| *o += v);
                    }
                }
            }
            #[cfg(not(target_arch = "x86_64"))]
            {
                let _ = (isa, g, a, b, c);
                unreachable!("small GEMM kernels are x86-64 only");
            }
        }
    };
}

entry!(sgemm, sgemm_isa, f32, avx512_f32, avx2_f32);
entry!(dgemm, dgemm_isa, f64, avx512_f64, avx2_f64);

/// The `small` provider: these kernels where they apply, the pure-Rust provider elsewhere (so it
/// can be chosen, tested and benchmarked like the others on every shape).
pub struct Small;

impl super::GemmProvider for Small {
    fn name(&self) -> &'static str {
        "small"
    }
    fn sgemm(&self, g: &Gemm, a: &[f32], b: &[f32], c: &mut [f32]) {
        if applies(g) {
            sgemm(g, a, b, c)
        } else {
            super::PURE.sgemm(g, a, b, c)
        }
    }
    fn dgemm(&self, g: &Gemm, a: &[f64], b: &[f64], c: &mut [f64]) {
        if applies(g) {
            dgemm(g, a, b, c)
        } else {
            super::PURE.dgemm(g, a, b, c)
        }
    }
}
