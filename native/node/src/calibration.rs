//! How the `auto` GEMM provider chooses on this machine (neurite_kernels::gemm::calibrate),
//! for `nativeInfo()` and `neurite info`.

use crate::guard;
use napi_derive::napi;
use neurite_kernels::check::{self, KernelError};
use neurite_kernels::gemm::{self, Gemm, Route};

#[napi(object)]
pub struct GemmTiming {
    pub provider: String,
    /// The candidate's best time on the class's first product, in milliseconds.
    pub ms: f64,
}

/// One shape class and the provider it runs on. m, n and k are the class's largest sizes
/// (powers of two; the class starts above half of each).
#[napi(object)]
pub struct GemmRoute {
    pub dtype: String,
    pub trans_a: bool,
    pub trans_b: bool,
    pub threads: u32,
    pub m: f64,
    pub n: f64,
    pub k: f64,
    pub provider: String,
    /// The built-in rules first.
    pub timings: Vec<GemmTiming>,
    /// Timed in this process; false when read from the cache file.
    pub measured: bool,
}

#[napi(object)]
pub struct GemmCalibration {
    /// 'on', 'off' or 'fresh' (NEURITE_GEMM_CALIBRATION), 'unavailable' without OpenBLAS.
    pub mode: String,
    /// What the cache file is keyed by: CPU, SIMD features, OPENBLAS_CORETYPE, build.
    pub machine: String,
    pub file: Option<String>,
    /// Why the choices are not kept on disk.
    pub problem: Option<String>,
    /// SIMD features detected at run time ('avx2', 'fma', 'avx512f', 'neon').
    pub features: Vec<String>,
    pub routes: Vec<GemmRoute>,
}

fn route(r: Route) -> GemmRoute {
    GemmRoute {
        dtype: if r.f64 { "float64" } else { "float32" }.into(),
        trans_a: r.trans_a,
        trans_b: r.trans_b,
        threads: r.threads as u32,
        m: r.m as f64,
        n: r.n as f64,
        k: r.k as f64,
        provider: r.provider.into(),
        timings: r
            .times
            .into_iter()
            .map(|(p, t)| GemmTiming {
                provider: p.into(),
                ms: t * 1e3,
            })
            .collect(),
        measured: r.measured,
    }
}

/// The `auto` provider's mode, cache file and every shape class chosen so far.
#[napi]
pub fn gemm_calibration() -> napi::Result<GemmCalibration> {
    guard(|| {
        let r = gemm::calibration_report();
        Ok(GemmCalibration {
            mode: r.mode.into(),
            machine: r.machine,
            file: r.file,
            problem: r.problem,
            features: r.features.into_iter().map(String::from).collect(),
            routes: r.routes.into_iter().map(route).collect(),
        })
    })
}

/// Times the candidates for one product shape now (on made-up operands) unless its class is
/// chosen already; null when it is too small to be worth timing.
#[napi]
pub fn calibrate_gemm(
    dtype: String,
    transA: bool,
    transB: bool,
    m: f64,
    n: f64,
    k: f64,
) -> napi::Result<Option<GemmRoute>> {
    guard(|| {
        let op = "calibrateGemm";
        let f64 = match dtype.as_str() {
            "float32" => false,
            "float64" => true,
            other => {
                return Err(KernelError(format!(
                    "{op}: dtype must be 'float32' or 'float64', received '{other}'"
                )))
            }
        };
        let g = Gemm {
            trans_a: transA,
            trans_b: transB,
            m: check::dim(op, "m", m)?,
            n: check::dim(op, "n", n)?,
            k: check::dim(op, "k", k)?,
            alpha: 1.0,
            beta: 0.0,
        };
        Ok(gemm::calibrate_shape(f64, &g)?.map(route))
    })
}
