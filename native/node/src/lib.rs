//! N-API binding of neurite-kernels for @neurite/backend-native.
//!
//! Every function validates its arguments (array types, lengths, shapes, numbers) in Rust and
//! throws a JavaScript Error naming the argument; a panic is caught as a last resort so it
//! never unwinds across the FFI boundary. Arrays are borrowed, never copied; `out` is written
//! in place.
#![allow(non_snake_case)]

mod arrays;
pub mod calibration;

use arrays::{disjoint, Arr, Float};
use napi::{Error, Status};
use napi_derive::napi;
use neurite_kernels::check::{self, KernelError};
use neurite_kernels::conv::{self, Conv2d, PoolMode};
use neurite_kernels::elementwise::{self, BinaryOp, UnaryOp};
use neurite_kernels::fused::{self, Activation, AdamStep};
use neurite_kernels::gemm::{self, Gemm};
use neurite_kernels::reduce::{self, ReduceOp};
use neurite_kernels::softmax as softmax_kernel;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, Once};

type KResult<T> = Result<T, KernelError>;

pub(crate) fn guard<T>(f: impl FnOnce() -> KResult<T>) -> napi::Result<T> {
    quiet_panics();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Error::new(Status::InvalidArg, e.0)),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let at = PANIC_AT
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .map(|at| format!(" at {at}"))
                .unwrap_or_default();
            Err(Error::new(
                Status::GenericFailure,
                format!("@neurite/backend-native: internal error (please report): {what}{at}"),
            ))
        }
    }
}

/// Where the last caught panic happened, for the error message.
static PANIC_AT: Mutex<Option<String>> = Mutex::new(None);
static QUIET: Once = Once::new();

/// A panic is a bug that `guard` turns into a JavaScript Error naming it; Rust's default hook
/// would also print the message and a backtrace on the user's terminal, from whichever thread
/// (a rayon worker, often) panicked. This hook only records where, for that Error. Set
/// NEURITE_NATIVE_BACKTRACE=1 to get the default report as well (for debugging the kernels).
fn quiet_panics() {
    QUIET.call_once(|| {
        let default = std::panic::take_hook();
        let verbose = std::env::var_os("NEURITE_NATIVE_BACKTRACE").is_some_and(|v| v == "1");
        std::panic::set_hook(Box::new(move |info| {
            if verbose {
                default(info);
            }
            let mut at = PANIC_AT.lock().unwrap_or_else(|e| e.into_inner());
            if at.is_none() {
                *at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
            }
        }));
    });
}

/// Borrows `read` and `write` arrays as slices of the call's float type, then runs `body`.
macro_rules! typed {
    ($op:expr, $dt:expr, read [$($r:ident),*], write [$($w:ident),*], $body:expr) => {
        match $dt {
            Float::F32 => {
                // SAFETY: the caller ran `disjoint` over these arrays.
                $(let $r = unsafe { $r.f32s($op, stringify!($r))? };)*
                $(let $w = unsafe { $w.f32s_mut($op, stringify!($w))? };)*
                $body
            }
            Float::F64 => {
                // SAFETY: as above.
                $(let $r = unsafe { $r.f64s($op, stringify!($r))? };)*
                $(let $w = unsafe { $w.f64s_mut($op, stringify!($w))? };)*
                $body
            }
        }
    };
}

fn finite(op: &str, name: &str, v: f64) -> KResult<f64> {
    if v.is_nan() {
        return Err(KernelError(format!(
            "{op}: {name} must be a number, received NaN"
        )));
    }
    Ok(v)
}

fn shape(op: &str, name: &str, dims: &[f64]) -> KResult<Vec<usize>> {
    Ok(check::shape(op, name, dims)?.0)
}

/// out = alpha·op(a)·op(b) + beta·out (BLAS sgemm/dgemm on row-major arrays).
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn gemm(
    transA: bool,
    transB: bool,
    m: f64,
    n: f64,
    k: f64,
    alpha: f64,
    a: Arr,
    b: Arr,
    beta: f64,
    out: Arr,
) -> napi::Result<()> {
    guard(|| {
        let op = "gemm";
        let g = Gemm {
            trans_a: transA,
            trans_b: transB,
            m: check::dim(op, "m", m)?,
            n: check::dim(op, "n", n)?,
            k: check::dim(op, "k", k)?,
            alpha,
            beta,
        };
        let dt = out.float(op, "out")?;
        disjoint(op, &[("out", &out)], &[("a", &a), ("b", &b)])?;
        typed!(op, dt, read [a, b], write [out], gemm::gemm(&g, a, b, out))
    })
}

#[napi]
pub fn unary(op: String, x: Arr, out: Arr, alpha: f64) -> napi::Result<()> {
    guard(|| {
        let kind = UnaryOp::parse(&op)?;
        let dt = out.float("unary", "out")?;
        disjoint("unary", &[("out", &out)], &[("x", &x)])?;
        typed!(
            "unary",
            dt,
            read[x],
            write[out],
            elementwise::unary(kind, x, out, alpha)
        )
    })
}

#[napi]
#[allow(clippy::too_many_arguments)]
pub fn binary(
    op: String,
    a: Arr,
    aShape: Vec<f64>,
    b: Arr,
    bShape: Vec<f64>,
    out: Arr,
    outShape: Vec<f64>,
) -> napi::Result<()> {
    guard(|| {
        let kind = BinaryOp::parse(&op)?;
        let (sa, sb, so) = (
            shape("binary", "aShape", &aShape)?,
            shape("binary", "bShape", &bShape)?,
            shape("binary", "outShape", &outShape)?,
        );
        let dt = out.float("binary", "out")?;
        disjoint("binary", &[("out", &out)], &[("a", &a), ("b", &b)])?;
        typed!("binary", dt, read [a, b], write [out], elementwise::binary(kind, a, &sa, b, &sb, out, &so))
    })
}

#[napi(js_name = "where")]
#[allow(clippy::too_many_arguments)]
pub fn where_(
    cond: Arr,
    condShape: Vec<f64>,
    a: Arr,
    aShape: Vec<f64>,
    b: Arr,
    bShape: Vec<f64>,
    out: Arr,
    outShape: Vec<f64>,
) -> napi::Result<()> {
    guard(|| {
        let op = "where";
        let (sc, sa, sb, so) = (
            shape(op, "condShape", &condShape)?,
            shape(op, "aShape", &aShape)?,
            shape(op, "bShape", &bShape)?,
            shape(op, "outShape", &outShape)?,
        );
        let dt = out.float(op, "out")?;
        disjoint(
            op,
            &[("out", &out)],
            &[("cond", &cond), ("a", &a), ("b", &b)],
        )?;
        typed!(op, dt, read [cond, a, b], write [out], elementwise::where_(cond, &sc, a, &sa, b, &sb, out, &so))
    })
}

#[napi]
pub fn clip(x: Arr, min: f64, max: f64, out: Arr) -> napi::Result<()> {
    guard(|| {
        let dt = out.float("clip", "out")?;
        disjoint("clip", &[("out", &out)], &[("x", &x)])?;
        typed!(
            "clip",
            dt,
            read[x],
            write[out],
            elementwise::clip(
                x,
                finite("clip", "min", min)?,
                finite("clip", "max", max)?,
                out
            )
        )
    })
}

#[napi]
pub fn reduce(op: String, x: Arr, xShape: Vec<f64>, axes: Vec<f64>, out: Arr) -> napi::Result<()> {
    guard(|| {
        let kind = ReduceOp::parse(&op)?;
        let s = shape("reduce", "xShape", &xShape)?;
        let axes = axes
            .iter()
            .enumerate()
            .map(|(i, &a)| check::axis("reduce", &format!("axes[{i}]"), a, s.len()))
            .collect::<KResult<Vec<_>>>()?;
        let dt = out.float("reduce", "out")?;
        disjoint("reduce", &[("out", &out)], &[("x", &x)])?;
        typed!(
            "reduce",
            dt,
            read[x],
            write[out],
            reduce::reduce(kind, x, &s, &axes, out)
        )
    })
}

#[napi]
pub fn arg_max(x: Arr, xShape: Vec<f64>, axis: f64, out: Arr) -> napi::Result<()> {
    guard(|| {
        let s = shape("argMax", "xShape", &xShape)?;
        let axis = check::axis("argMax", "axis", axis, s.len())?;
        let dt = x.float("argMax", "x")?;
        disjoint("argMax", &[("out", &out)], &[("x", &x)])?;
        // SAFETY: disjoint checked.
        let idx = unsafe { out.i32s_mut("argMax", "out")? };
        match dt {
            Float::F32 => reduce::arg_max(unsafe { x.f32s("argMax", "x")? }, &s, axis, idx),
            Float::F64 => reduce::arg_max(unsafe { x.f64s("argMax", "x")? }, &s, axis, idx),
        }
    })
}

#[napi]
pub fn softmax(x: Arr, xShape: Vec<f64>, axis: f64, out: Arr, log: bool) -> napi::Result<()> {
    guard(|| {
        let s = shape("softmax", "xShape", &xShape)?;
        let axis = check::axis("softmax", "axis", axis, s.len())?;
        let dt = out.float("softmax", "out")?;
        disjoint("softmax", &[("out", &out)], &[("x", &x)])?;
        typed!(
            "softmax",
            dt,
            read[x],
            write[out],
            softmax_kernel::softmax(x, &s, axis, out, log)
        )
    })
}

#[napi]
pub fn activation_backward(act: String, dA: Arr, A: Arr, out: Arr, alpha: f64) -> napi::Result<()> {
    guard(|| {
        let op = "activationBackward";
        let act = Activation::parse(op, &act)?;
        let dt = out.float(op, "out")?;
        disjoint(op, &[("out", &out)], &[("dA", &dA), ("A", &A)])?;
        typed!(op, dt, read [dA, A], write [out], fused::activation_backward(act, dA, A, out, alpha))
    })
}

/// out = g(W·A + b): W is (n, k), A is (k, m), b has n entries or is null.
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn linear(
    W: Arr,
    n: f64,
    k: f64,
    A: Arr,
    m: f64,
    b: Option<Arr>,
    act: String,
    alpha: f64,
    out: Arr,
) -> napi::Result<()> {
    guard(|| {
        let op = "linear";
        let (n, k, m) = (
            check::dim(op, "n", n)?,
            check::dim(op, "k", k)?,
            check::dim(op, "m", m)?,
        );
        let act = Activation::parse(op, &act)?;
        let dt = out.float(op, "out")?;
        let none = Arr::empty(out.kind);
        let bias = b.as_ref().unwrap_or(&none);
        disjoint(op, &[("out", &out)], &[("W", &W), ("A", &A), ("b", bias)])?;
        let has_bias = b.is_some();
        typed!(op, dt, read [W, A, bias], write [out], fused::linear(W, n, k, A, m, has_bias.then_some(bias), act, alpha, out))
    })
}

/// out = conv(x, W) (+ bias): images (m, H, W, C), filters (f_h, f_w, C, F); `geometry` holds
/// the 17 numbers of neurite_kernels::conv::FIELDS.
#[napi(js_name = "conv2d")]
pub fn conv2d(x: Arr, W: Arr, bias: Option<Arr>, geometry: Vec<f64>, out: Arr) -> napi::Result<()> {
    guard(|| {
        let op = "conv2d";
        let g = Conv2d::from_numbers(op, &geometry)?;
        let dt = out.float(op, "out")?;
        let none = Arr::empty(out.kind);
        let b = bias.as_ref().unwrap_or(&none);
        disjoint(op, &[("out", &out)], &[("x", &x), ("W", &W), ("bias", b)])?;
        let has_bias = bias.is_some();
        typed!(op, dt, read [x, W, b], write [out], conv::conv2d(x, W, has_bias.then_some(b), &g, out))
    })
}

#[napi(js_name = "conv2dBackpropInput")]
pub fn conv2d_backprop_input(dZ: Arr, W: Arr, geometry: Vec<f64>, out: Arr) -> napi::Result<()> {
    guard(|| {
        let op = "conv2dBackpropInput";
        let g = Conv2d::from_numbers(op, &geometry)?;
        let dt = out.float(op, "out")?;
        disjoint(op, &[("out", &out)], &[("dZ", &dZ), ("W", &W)])?;
        typed!(op, dt, read [dZ, W], write [out], conv::conv2d_backprop_input(dZ, W, &g, out))
    })
}

#[napi(js_name = "conv2dBackpropFilter")]
pub fn conv2d_backprop_filter(x: Arr, dZ: Arr, geometry: Vec<f64>, out: Arr) -> napi::Result<()> {
    guard(|| {
        let op = "conv2dBackpropFilter";
        let g = Conv2d::from_numbers(op, &geometry)?;
        let dt = out.float(op, "out")?;
        disjoint(op, &[("out", &out)], &[("x", &x), ("dZ", &dZ)])?;
        typed!(op, dt, read [x, dZ], write [out], conv::conv2d_backprop_filter(x, dZ, &g, out))
    })
}

/// Max ('max') or average ('avg') pooling; `geometry` as for conv2d (outC = inC, no dilation).
#[napi(js_name = "pool2d")]
pub fn pool2d(
    mode: String,
    x: Arr,
    geometry: Vec<f64>,
    countPad: bool,
    out: Arr,
) -> napi::Result<()> {
    guard(|| {
        let op = "pool2d";
        let mode = PoolMode::parse(op, &mode)?;
        let g = Conv2d::from_numbers(op, &geometry)?;
        let dt = out.float(op, "out")?;
        disjoint(op, &[("out", &out)], &[("x", &x)])?;
        typed!(
            op,
            dt,
            read[x],
            write[out],
            conv::pool2d(mode, x, &g, countPad, out)
        )
    })
}

/// pool2d's gradient; x is read only by max pooling (pass an empty array for average pooling).
#[napi(js_name = "pool2dBackward")]
pub fn pool2d_backward(
    mode: String,
    dA: Arr,
    x: Arr,
    geometry: Vec<f64>,
    countPad: bool,
    out: Arr,
) -> napi::Result<()> {
    guard(|| {
        let op = "pool2dBackward";
        let mode = PoolMode::parse(op, &mode)?;
        let g = Conv2d::from_numbers(op, &geometry)?;
        let dt = out.float(op, "out")?;
        disjoint(op, &[("out", &out)], &[("dA", &dA), ("x", &x)])?;
        typed!(op, dt, read [dA, x], write [out], conv::pool2d_backward(mode, dA, x, &g, countPad, out))
    })
}

#[napi]
pub fn sgd_update(param: Arr, grad: Arr, lr: f64) -> napi::Result<()> {
    guard(|| {
        let op = "sgdUpdate";
        let dt = param.float(op, "param")?;
        disjoint(op, &[("param", &param)], &[("grad", &grad)])?;
        typed!(
            op,
            dt,
            read[grad],
            write[param],
            fused::sgd_update(param, grad, finite(op, "lr", lr)?)
        )
    })
}

#[napi]
#[allow(clippy::too_many_arguments)]
pub fn adam_update(
    param: Arr,
    grad: Arr,
    m: Arr,
    v: Arr,
    lr: f64,
    beta1: f64,
    beta2: f64,
    epsilon: f64,
    t: f64,
) -> napi::Result<()> {
    guard(|| {
        let op = "adamUpdate";
        let dt = param.float(op, "param")?;
        disjoint(
            op,
            &[("param", &param), ("m", &m), ("v", &v)],
            &[("grad", &grad)],
        )?;
        let step = AdamStep {
            lr: finite(op, "lr", lr)?,
            beta1: finite(op, "beta1", beta1)?,
            beta2: finite(op, "beta2", beta2)?,
            epsilon: finite(op, "epsilon", epsilon)?,
            t,
        };
        typed!(op, dt, read [grad], write [param, m, v], fused::adam_update(param, grad, m, v, step))
    })
}

/// The GEMM provider in use ('auto', 'openblas' or 'pure'); throws while NEURITE_GEMM names
/// none of them.
#[napi]
pub fn gemm_provider() -> napi::Result<String> {
    guard(|| Ok(gemm::default_provider()?.name().to_string()))
}

/// Every GEMM provider compiled into this binary, default first.
#[napi]
pub fn gemm_providers() -> Vec<String> {
    gemm::providers()
        .iter()
        .map(|p| p.name().to_string())
        .collect()
}

#[napi]
pub fn set_gemm_provider(name: String) -> napi::Result<()> {
    guard(|| gemm::set_provider(&name))
}

/// Threads the kernels may use (RAYON_NUM_THREADS, else the number of CPUs).
#[napi]
pub fn threads() -> u32 {
    rayon::current_num_threads() as u32
}

/// Asks glibc's malloc to keep freed blocks below `mmap_threshold` bytes in its heap, and up to
/// `trim_threshold` bytes of free heap mapped, instead of returning them to the kernel.
///
/// Every op's output is a fresh ArrayBuffer, which Node allocates with calloc and frees only when
/// the garbage collector gets to it. With glibc's defaults those big blocks keep coming back as
/// fresh pages from the kernel, and the first write to every 4 KiB page faults: measured 1.4 ms on
/// a 4 MB output (a 1024x1024 float32 product that itself takes 7.2 ms). Reused heap memory only
/// costs calloc's memset (~0.15 ms). numpy gets the same reuse for free, because Python frees an
/// array the moment its last reference goes. Returns false where the allocator is not glibc's.
#[napi]
pub fn tune_allocator(mmap_threshold: f64, trim_threshold: f64) -> napi::Result<bool> {
    guard(|| {
        let op = "tuneAllocator";
        let mmap = check::dim(op, "mmapThreshold", mmap_threshold)?;
        let trim = check::dim(op, "trimThreshold", trim_threshold)?;
        Ok(malloc_thresholds(mmap, trim))
    })
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn malloc_thresholds(mmap: usize, trim: usize) -> bool {
    let (Ok(mmap), Ok(trim)) = (libc::c_int::try_from(mmap), libc::c_int::try_from(trim)) else {
        return false;
    };
    // SAFETY: mallopt only adjusts the allocator's tunables; it rejects values out of range
    // (returning 0) rather than misbehaving.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, mmap) == 1
            && libc::mallopt(libc::M_TRIM_THRESHOLD, trim) == 1
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn malloc_thresholds(_mmap: usize, _trim: usize) -> bool {
    false
}

/// Panics inside a rayon task on purpose: a diagnostic that a kernel bug reaches JavaScript as
/// an Error naming it, from any thread, with nothing printed on the terminal.
#[napi]
pub fn self_test_panic() -> napi::Result<()> {
    guard(|| {
        use rayon::prelude::*;
        let sum: usize = (0..64usize)
            .into_par_iter()
            .map(|i| {
                if i == 37 {
                    panic!("self-test panic in task {i}")
                } else {
                    i
                }
            })
            .sum();
        Ok(sum).map(|_| ())
    })
}
