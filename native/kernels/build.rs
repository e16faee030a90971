//! Finds OpenBLAS for the `openblas` feature and links it statically when it can, so the
//! .node file needs no system library at run time.
//!
//! Search order: $NEURITE_OPENBLAS_DIR, then Debian's openblas-pthread directory, then the
//! multiarch lib directory. With no libopenblas.a found, the crate builds with the pure-Rust
//! provider only and says so in a cargo warning. NEURITE_OPENBLAS_DYNAMIC=1 links
//! libopenblas.so instead (a local build only: the user then needs libopenblas installed).

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(neurite_openblas)");
    println!("cargo::rerun-if-env-changed=NEURITE_OPENBLAS_DIR");
    println!("cargo::rerun-if-env-changed=NEURITE_OPENBLAS_DYNAMIC");
    if env::var_os("CARGO_FEATURE_OPENBLAS").is_none() {
        return;
    }
    let dynamic = env::var("NEURITE_OPENBLAS_DYNAMIC").is_ok_and(|v| v == "1");
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(dir) = env::var_os("NEURITE_OPENBLAS_DIR") {
        dirs.push(dir.into());
    }
    dirs.push("/usr/lib/x86_64-linux-gnu/openblas-pthread".into());
    dirs.push("/usr/lib/x86_64-linux-gnu".into());
    dirs.push("/usr/lib64".into());
    dirs.push("/usr/lib".into());
    let file = if dynamic {
        "libopenblas.so"
    } else {
        "libopenblas.a"
    };
    let Some(dir) = dirs.iter().find(|d| d.join(file).exists()) else {
        println!("cargo::warning=neurite-kernels: {file} not found in {dirs:?}; building with the pure-Rust gemm provider only (apt-get install libopenblas-dev, or set NEURITE_OPENBLAS_DIR)");
        return;
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
