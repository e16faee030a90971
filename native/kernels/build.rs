//! Finds OpenBLAS for the `openblas` feature and links it statically when it can, so the
//! .node file needs no system library at run time.
//!
//! Search order, for the target being built (not the host): $NEURITE_OPENBLAS_DIR, then
//! Debian's multiarch directories of that target (`/usr/lib/<multiarch>/openblas-pthread`,
//! `/usr/lib/<multiarch>`), then, only when building for the host itself, /usr/lib64 and
//! /usr/lib. A cross build never falls back to the host's library. musl targets get no
//! OpenBLAS: Debian's libopenblas.a calls glibc-only symbols (`__fprintf_chk`, ...).
//! With no libopenblas.a found, the crate builds with the pure-Rust provider only and says so
//! in a cargo warning; NEURITE_REQUIRE_OPENBLAS=1 (release builds) makes that an error.
//! NEURITE_OPENBLAS_DYNAMIC=1 links libopenblas.so instead (a local build only: the user then
//! needs libopenblas installed).

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(neurite_openblas)");
    for var in [
        "NEURITE_OPENBLAS_DIR",
        "NEURITE_OPENBLAS_DYNAMIC",
        "NEURITE_REQUIRE_OPENBLAS",
    ] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    if env::var_os("CARGO_FEATURE_OPENBLAS").is_none() {
        return;
    }
    let target = env::var("TARGET").unwrap_or_default();
    let host = env::var("HOST").unwrap_or_default();
    let dynamic = env::var("NEURITE_OPENBLAS_DYNAMIC").is_ok_and(|v| v == "1");
    let required = env::var("NEURITE_REQUIRE_OPENBLAS").is_ok_and(|v| v == "1");
    let fallback = |why: String| {
        if required {
            panic!("neurite-kernels: NEURITE_REQUIRE_OPENBLAS=1 but {why}");
        }
        println!(
            "cargo::warning=neurite-kernels: {why}; building with the pure-Rust gemm provider only"
        );
    };
    if env::var("CARGO_CFG_TARGET_ENV").is_ok_and(|e| e == "musl") {
        return fallback(format!(
            "no OpenBLAS for {target} (Debian's libopenblas.a needs glibc)"
        ));
    }
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(dir) = env::var_os("NEURITE_OPENBLAS_DIR") {
        dirs.push(dir.into());
    }
    if let Some((multiarch, _)) = debian_multiarch(&target) {
        dirs.push(format!("/usr/lib/{multiarch}/openblas-pthread").into());
        dirs.push(format!("/usr/lib/{multiarch}").into());
    }
    if target == host {
        dirs.push("/usr/lib64".into());
        dirs.push("/usr/lib".into());
    }
    let file = if dynamic {
        "libopenblas.so"
    } else {
        "libopenblas.a"
    };
    let Some(dir) = dirs.iter().find(|d| d.join(file).exists()) else {
        let hint = match debian_multiarch(&target) {
            Some((_, arch)) if target != host => format!("apt-get install libopenblas-dev:{arch}"),
            _ => "apt-get install libopenblas-dev".to_string(),
        };
        return fallback(format!(
            "{file} for {target} not found in {dirs:?} ({hint}, or set NEURITE_OPENBLAS_DIR)"
        ));
    };
    println!("cargo::rustc-link-search=native={}", dir.display());
    if dynamic {
        println!("cargo::rustc-link-lib=dylib=openblas");
    } else {
        println!("cargo::rustc-link-lib=static=openblas");
        // OpenBLAS's threads and its Fortran-free BLAS part need only these, which every glibc system has.
        println!("cargo::rustc-link-lib=dylib=pthread");
        println!("cargo::rustc-link-lib=dylib=m");
    }
    println!("cargo::rustc-cfg=neurite_openblas");
}

/// Debian's multiarch directory and apt architecture of a Rust glibc target.
fn debian_multiarch(target: &str) -> Option<(&'static str, &'static str)> {
    match target {
        "x86_64-unknown-linux-gnu" => Some(("x86_64-linux-gnu", "amd64")),
        "aarch64-unknown-linux-gnu" => Some(("aarch64-linux-gnu", "arm64")),
        _ => None,
    }
}
