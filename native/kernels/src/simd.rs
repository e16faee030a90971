//! Run-time dispatch for the elementwise loops.
//!
//! The crate is compiled for baseline x86-64 so a published binary runs on any x86-64 CPU.
//! Each loop here is a plain slice loop that LLVM auto-vectorizes; it is instantiated twice,
//! once generic (SSE2) and once inside a `#[target_feature(enable = "avx2,fma")]` function,
//! and the AVX2 copy is chosen when the CPU has it. The elementwise maps (`dispatched_wide!`)
//! get a third copy for AVX-512 (512-bit vectors: half the instructions per element), chosen
//! first. Every copy rounds identically: the loops never let LLVM contract `a * b + c` on its
//! own, and where a kernel wants a fused multiply-add (the transcendental polynomials) it
//! writes `mul_add`, which is one correctly rounded operation on every copy (an FMA
//! instruction in the AVX copies, libm's exact `fma` in the SSE2 one: slow, but only CPUs
//! older than 2013 run it).

use crate::Real;

#[inline]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(crate) fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// AVX-512 with the subsets the auto-vectorized maps use (64-bit lane shifts and conversions),
/// as every AVX-512 CPU since Skylake-SP and Zen 4 has them.
#[inline]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(crate) fn has_avx512() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        has_avx2()
            && std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vl")
            && std::arch::is_x86_feature_detected!("avx512dq")
            && std::arch::is_x86_feature_detected!("avx512bw")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// As `dispatched!`, with an AVX-512 copy tried first.
macro_rules! dispatched_wide {
    ($(#[$doc:meta])* $name:ident, $avx:ident, $avx512:ident, <$($g:ident : $b:path),*>($($arg:ident : $ty:ty),*) $body:block) => {
        $(#[$doc])*
        #[inline]
        pub fn $name<$($g: $b),*>($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            if has_avx512() {
                // SAFETY: the CPU was just checked to support these AVX-512 subsets.
                unsafe { $avx512($($arg),*) };
                return;
            }
            #[cfg(target_arch = "x86_64")]
            if has_avx2() {
                // SAFETY: the CPU was just checked to support AVX2 and FMA.
                unsafe { $avx($($arg),*) };
                return;
            }
            #[inline(always)]
            fn body<$($g: $b),*>($($arg: $ty),*) $body
            body($($arg),*)
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,fma")]
        pub(crate) unsafe fn $avx<$($g: $b),*>($($arg: $ty),*) $body

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")]
        pub(crate) unsafe fn $avx512<$($g: $b),*>($($arg: $ty),*) $body
    };
}

macro_rules! dispatched {
    ($(#[$doc:meta])* $name:ident, $avx:ident, <$($g:ident : $b:path),*>($($arg:ident : $ty:ty),*) $body:block) => {
        $(#[$doc])*
        #[inline]
        pub fn $name<$($g: $b),*>($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            if has_avx2() {
                // SAFETY: the CPU was just checked to support AVX2 and FMA.
                unsafe { $avx($($arg),*) };
                return;
            }
            #[inline(always)]
            fn body<$($g: $b),*>($($arg: $ty),*) $body
            body($($arg),*)
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn $avx<$($g: $b),*>($($arg: $ty),*) $body
    };
}

/// For the other modules' loops (conv's direct kernels): `use crate::simd::{dispatched, has_avx2}`.
pub(crate) use dispatched;

pub trait Map1<T>: Fn(T) -> T + Copy {}
impl<T, F: Fn(T) -> T + Copy> Map1<T> for F {}
pub trait Map2<T>: Fn(T, T) -> T + Copy {}
impl<T, F: Fn(T, T) -> T + Copy> Map2<T> for F {}

dispatched_wide!(
    /// out[i] = f(x[i]); the slices have equal length (checked by the caller).
    map, map_avx2, map_avx512, <T: Real, F: Map1<T>>(x: &[T], out: &mut [T], f: F) {
        for (o, &v) in out.iter_mut().zip(x) {
            *o = f(v);
        }
    }
);

dispatched_wide!(
    /// out[i] = f(a[i], b[i]).
    zip, zip_avx2, zip_avx512, <T: Real, F: Map2<T>>(a: &[T], b: &[T], out: &mut [T], f: F) {
        for ((o, &p), &q) in out.iter_mut().zip(a).zip(b) {
            *o = f(p, q);
        }
    }
);

dispatched_wide!(
    /// out[i] = f(a[i], s): the right operand broadcast from one value.
    zip_scalar_right, zip_scalar_right_avx2, zip_scalar_right_avx512, <T: Real, F: Map2<T>>(a: &[T], s: T, out: &mut [T], f: F) {
        for (o, &p) in out.iter_mut().zip(a) {
            *o = f(p, s);
        }
    }
);

dispatched_wide!(
    /// out[i] = f(s, b[i]): the left operand broadcast from one value.
    zip_scalar_left, zip_scalar_left_avx2, zip_scalar_left_avx512, <T: Real, F: Map2<T>>(s: T, b: &[T], out: &mut [T], f: F) {
        for (o, &q) in out.iter_mut().zip(b) {
            *o = f(s, q);
        }
    }
);

dispatched_wide!(
    /// out[i] = f(out[i]): the in-place epilogue of `linear`.
    map_in_place, map_in_place_avx2, map_in_place_avx512, <T: Real, F: Map1<T>>(out: &mut [T], f: F) {
        for o in out.iter_mut() {
            *o = f(*o);
        }
    }
);

/// Sum in f64 with 32 independent accumulators, so the loop vectorizes without fast-math and a
/// float32 sum over 12288 pixels does not drift. 32 and not 8: each vector add waits ~3 cycles
/// for the previous one into the same register, and 8 accumulators (two AVX2 registers) held a
/// 1M-element float32 sum to ~2 elements a cycle, a quarter of what memory delivers.
#[inline]
pub fn sum_f64<T: Real>(x: &[T]) -> f64 {
    #[inline(always)]
    fn body<T: Real>(x: &[T]) -> f64 {
        const LANES: usize = 32;
        let mut acc = [0.0f64; LANES];
        let chunks = x.chunks_exact(LANES);
        let rest = chunks.remainder();
        for c in chunks {
            for i in 0..LANES {
                acc[i] += c[i].to_f64();
            }
        }
        // Pairwise, in a fixed order.
        let mut width = LANES;
        while width > 1 {
            width /= 2;
            for i in 0..width {
                acc[i] += acc[i + width];
            }
        }
        let mut s = acc[0];
        for &v in rest {
            s += v.to_f64();
        }
        s
    }
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn avx<T: Real>(x: &[T]) -> f64 {
        body(x)
    }
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU supports AVX2 and FMA.
        return unsafe { avx(x) };
    }
    body(x)
}
