//! Neurite's CPU kernels, in safe Rust over borrowed slices.
//!
//! Every public entry point validates lengths and shapes first and returns a
//! [`KernelError`] instead of panicking, so the N-API binding can turn bad input into a
//! JavaScript exception. Generic code stays portable (baseline x86-64); the hot loops are
//! compiled a second time for AVX2+FMA and picked at run time (see [`simd`]), and GEMM goes
//! through a [`gemm::GemmProvider`] (OpenBLAS or the pure-Rust `gemm` crate).

#[cfg(test)]
mod boundaries;
pub mod check;
pub mod conv;
pub mod elementwise;
pub mod fused;
pub mod gemm;
pub mod parallel;
pub mod real;
pub mod reduce;
pub mod simd;
pub mod softmax;
#[cfg(test)]
pub(crate) mod testing;

pub use check::KernelError;
pub use real::Real;
