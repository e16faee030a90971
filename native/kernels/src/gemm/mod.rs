//! GEMM with BLAS semantics on row-major operands:
//! C = alpha·op(A)·op(B) + beta·C, A (M,K) or (K,M) when `trans_a`, B (K,N) or (N,K) when
//! `trans_b`. Transposed operands are read in place. As in BLAS, C is not read when beta is 0,
//! so NaN left in `out` does not leak into the result.
//!
//! Two providers sit behind [`GemmProvider`]: OpenBLAS (statically linked, see build.rs) and
//! the pure-Rust `gemm` crate, beside Neurite's own `small` kernels. `auto`, the default where
//! OpenBLAS is linked, gives each shape class the provider measured fastest for it on this
//! machine (calibrate.rs); NEURITE_GEMM=auto|openblas|pure|small overrides it.

#[cfg(neurite_openblas)]
mod cache;
#[cfg(neurite_openblas)]
pub mod calibrate;
#[cfg(neurite_openblas)]
mod deep_gemv;
#[cfg(neurite_openblas)]
mod openblas;
mod pure;
pub mod small;

use crate::check::{self, fail, Result};
use crate::Real;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gemm {
    pub trans_a: bool,
    pub trans_b: bool,
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub alpha: f64,
    pub beta: f64,
}

impl Gemm {
    /// Row-major leading dimensions of A, B and C as stored.
    pub fn leading(&self) -> (usize, usize, usize) {
        let lda = if self.trans_a { self.m } else { self.k };
        let ldb = if self.trans_b { self.k } else { self.n };
        (lda.max(1), ldb.max(1), self.n.max(1))
    }
}

/// A GEMM implementation. Called only with validated sizes, m, n, k > 0.
pub trait GemmProvider: Sync {
    fn name(&self) -> &'static str;
    fn sgemm(&self, g: &Gemm, a: &[f32], b: &[f32], c: &mut [f32]);
    fn dgemm(&self, g: &Gemm, a: &[f64], b: &[f64], c: &mut [f64]);
}

/// Routes a generic call to the provider's f32 or f64 entry point.
pub trait GemmScalar: Real {
    fn call(p: &dyn GemmProvider, g: &Gemm, a: &[Self], b: &[Self], c: &mut [Self]);
}

impl GemmScalar for f32 {
    fn call(p: &dyn GemmProvider, g: &Gemm, a: &[f32], b: &[f32], c: &mut [f32]) {
        p.sgemm(g, a, b, c)
    }
}

impl GemmScalar for f64 {
    fn call(p: &dyn GemmProvider, g: &Gemm, a: &[f64], b: &[f64], c: &mut [f64]) {
        p.dgemm(g, a, b, c)
    }
}

pub static PURE: pure::PureRust = pure::PureRust { parallel: true };
pub static SMALL: small::Small = small::Small;
#[cfg(neurite_openblas)]
pub static OPENBLAS: openblas::OpenBlas = openblas::OpenBlas { team: true };
#[cfg(neurite_openblas)]
static OPENBLAS_SERIAL: openblas::OpenBlas = openblas::OpenBlas { team: false };
#[cfg(neurite_openblas)]
pub static AUTO: calibrate::Auto = calibrate::Auto;

/// Every provider compiled into this build, default first.
pub fn providers() -> Vec<&'static dyn GemmProvider> {
    let mut list: Vec<&'static dyn GemmProvider> = Vec::new();
    #[cfg(neurite_openblas)]
    {
        list.push(&AUTO);
        list.push(&OPENBLAS);
    }
    list.push(&PURE);
    if small::available() {
        list.push(&SMALL);
    }
    list
}

// 0 = not chosen yet, then 1 + index into providers().
static CHOSEN: AtomicU8 = AtomicU8::new(0);

/// The names [`providers`] answers to, for messages: `'auto', 'openblas', 'pure'`.
fn names() -> String {
    providers()
        .iter()
        .map(|p| format!("'{}'", p.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What NEURITE_GEMM asks for: None when unset or empty, an error naming the variable and the
/// valid values when it names no provider of this build (a typo must not pass unnoticed).
pub fn env_choice() -> Result<Option<&'static dyn GemmProvider>> {
    choice(std::env::var_os("NEURITE_GEMM").map(|w| w.to_string_lossy().into_owned()))
}

fn choice(wanted: Option<String>) -> Result<Option<&'static dyn GemmProvider>> {
    let Some(wanted) = wanted.filter(|w| !w.is_empty()) else {
        return Ok(None);
    };
    match providers().into_iter().find(|p| p.name() == wanted) {
        Some(p) => Ok(Some(p)),
        None => fail(format!(
            "NEURITE_GEMM: expected one of {}, received '{wanted}'",
            names()
        )),
    }
}

/// The provider `gemm` uses: the one set by [`set_provider`], else NEURITE_GEMM's, else the
/// first of [`providers`]. Fails while NEURITE_GEMM holds an unknown name.
pub fn default_provider() -> Result<&'static dyn GemmProvider> {
    let list = providers();
    let i = CHOSEN.load(Ordering::Relaxed) as usize;
    if i > 0 {
        return Ok(list[i - 1]);
    }
    let chosen = env_choice()?.unwrap_or(list[0]);
    #[cfg(neurite_openblas)]
    if chosen.name() == "auto" {
        calibrate::env_mode()?;
    }
    let i = list
        .iter()
        .position(|p| p.name() == chosen.name())
        .expect("a listed provider");
    CHOSEN.store(i as u8 + 1, Ordering::Relaxed);
    Ok(chosen)
}

/// Makes `name` the provider of every following `gemm` call.
pub fn set_provider(name: &str) -> Result<()> {
    match providers().iter().position(|p| p.name() == name) {
        Some(i) => {
            CHOSEN.store(i as u8 + 1, Ordering::Relaxed);
            Ok(())
        }
        None => fail(format!(
            "setGemmProvider: name must be one of {}, received '{name}'",
            names()
        )),
    }
}

pub fn validate(g: &Gemm, a: usize, b: usize, c: usize) -> Result<()> {
    for (name, v) in [("m", g.m), ("n", g.n), ("k", g.k)] {
        if v > i32::MAX as usize {
            return fail(format!(
                "gemm: {name} must be at most {}, received {v}",
                i32::MAX
            ));
        }
    }
    if !g.alpha.is_finite() || !g.beta.is_finite() {
        return fail(format!(
            "gemm: alpha and beta must be finite, received alpha={} beta={}",
            g.alpha, g.beta
        ));
    }
    let (ra, ca) = if g.trans_a { (g.k, g.m) } else { (g.m, g.k) };
    let (rb, cb) = if g.trans_b { (g.n, g.k) } else { (g.k, g.n) };
    check::len("gemm", &format!("a ({ra}x{ca})"), a, g.m * g.k)?;
    check::len("gemm", &format!("b ({rb}x{cb})"), b, g.k * g.n)?;
    check::len("gemm", &format!("out ({}x{})", g.m, g.n), c, g.m * g.n)
}

/// C = alpha·op(A)·op(B) + beta·C with `provider`, after validating every length.
pub fn gemm_with<T: GemmScalar>(
    provider: &dyn GemmProvider,
    g: &Gemm,
    a: &[T],
    b: &[T],
    c: &mut [T],
) -> Result<()> {
    validate(g, a.len(), b.len(), c.len())?;
    if g.m == 0 || g.n == 0 {
        return Ok(());
    }
    if g.k == 0 || g.alpha == 0.0 {
        let beta = T::from_f64(g.beta);
        if g.beta == 0.0 {
            c.fill(T::ZERO);
        } else {
            c.iter_mut().for_each(|v| *v *= beta);
        }
        return Ok(());
    }
    T::call(provider, g, a, b, c);
    Ok(())
}

pub fn gemm<T: GemmScalar>(g: &Gemm, a: &[T], b: &[T], c: &mut [T]) -> Result<()> {
    gemm_with(default_provider()?, g, a, b, c)
}

/// Runs `f`, in which kernels call [`gemm_serial`] from their own rayon tasks (one block of
/// the work per core, e.g. the convolutions). OpenBLAS runs on one thread per call everywhere
/// (see `openblas::one_thread`); this only makes sure that is set before `f`'s calls.
pub fn serial_region<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(neurite_openblas)]
    {
        openblas::single_threaded(f)
    }
    #[cfg(not(neurite_openblas))]
    {
        f()
    }
}

/// The provider [`gemm_serial`] runs: OpenBLAS where linked (unless the choice is the pure-Rust
/// one), else the gemm crate without its threads. Errors as [`default_provider`] does.
pub fn serial_provider() -> Result<&'static dyn GemmProvider> {
    let chosen = default_provider()?;
    #[cfg(neurite_openblas)]
    if chosen.name() != "pure" {
        return Ok(&OPENBLAS_SERIAL);
    }
    let _ = chosen;
    Ok(&PURE_SERIAL)
}

/// The serial provider for thin products (an inner dimension of a few dozen, as in Winograd's 16
/// products per block of tiles): the gemm crate, whose kernels ran them 1.4x faster than
/// serial OpenBLAS (bench/README.md), unless a provider other than auto was chosen.
pub fn thin_serial_provider() -> Result<&'static dyn GemmProvider> {
    if default_provider()?.name() == "auto" {
        return Ok(&PURE_SERIAL);
    }
    serial_provider()
}

/// C = alpha·op(A)·op(B) + beta·C on the calling thread with `provider` (from [`serial_provider`]),
/// for operands the caller sized itself (a length mismatch is a bug in the caller: it panics).
/// Inside [`serial_region`] only.
pub fn gemm_serial<T: GemmScalar>(
    provider: &dyn GemmProvider,
    g: &Gemm,
    a: &[T],
    b: &[T],
    c: &mut [T],
) {
    validate(g, a.len(), b.len(), c.len()).expect("gemm_serial: operands sized by the caller");
    if g.m == 0 || g.n == 0 {
        return;
    }
    if g.k == 0 || g.alpha == 0.0 {
        let beta = T::from_f64(g.beta);
        c.iter_mut()
            .for_each(|v| *v = if g.beta == 0.0 { T::ZERO } else { *v * beta });
        return;
    }
    T::call(provider, g, a, b, c)
}

/// A shape class's provider, as [`calibration_report`] lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub f64: bool,
    pub trans_a: bool,
    pub trans_b: bool,
    pub threads: usize,
    /// The class's largest m, n and k (each a power of two; the class starts above half).
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub provider: &'static str,
    /// Each candidate's best time in seconds, the built-in rules first.
    pub times: Vec<(&'static str, f64)>,
    /// Timed in this process (else read from the cache file).
    pub measured: bool,
}

/// How `auto` chooses on this machine (calibrate.rs): NEURITE_GEMM_CALIBRATION's mode, the key
/// its cache file is written for, the file, why it cannot be kept, the CPU's SIMD features, and
/// the classes chosen so far.
#[derive(Clone, Debug, PartialEq)]
pub struct CalibrationReport {
    pub mode: &'static str,
    pub machine: String,
    pub file: Option<String>,
    pub problem: Option<String>,
    pub features: Vec<&'static str>,
    pub routes: Vec<Route>,
}

#[cfg(neurite_openblas)]
pub fn calibration_report() -> CalibrationReport {
    calibrate::report()
}

/// Without OpenBLAS there is no `auto` and nothing to calibrate.
#[cfg(not(neurite_openblas))]
pub fn calibration_report() -> CalibrationReport {
    CalibrationReport {
        mode: "unavailable",
        machine: String::new(),
        file: None,
        problem: Some("this build has no OpenBLAS, so no auto provider".into()),
        features: Vec::new(),
        routes: Vec::new(),
    }
}

/// Times auto's candidates for `g` now, on made-up operands (unless its class is chosen
/// already), and returns the class's route; None when the product is too small to time.
pub fn calibrate_shape(f64: bool, g: &Gemm) -> Result<Option<Route>> {
    #[cfg(neurite_openblas)]
    {
        if f64 {
            calibrate::calibrate_shape::<f64>(g)
        } else {
            calibrate::calibrate_shape::<f32>(g)
        }
    }
    #[cfg(not(neurite_openblas))]
    {
        let _ = (f64, g);
        fail("calibrateGemm: this build has no OpenBLAS, so no auto provider to calibrate")
    }
}

static PURE_SERIAL: pure::PureRust = pure::PureRust { parallel: false };

#[cfg(test)]
mod tests;
