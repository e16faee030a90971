//! The file in which `auto` keeps its measured choices (see calibrate.rs), one per machine.
//!
//! A choice holds only on the machine that measured it: the file's name and first lines carry
//! the CPU, its SIMD features, OPENBLAS_CORETYPE and this crate's version, so a home directory
//! shared by several machines (or a CPU that changed under a VM) never reads another's table.
//! Text, one shape class per line, so a user can read and delete it.

use super::calibrate::{Choice, Class, Source};
use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Bumped when the kernels or the format change enough that old measurements mislead.
// 2: the rules split one-row dot products (deep_gemv::dot_gemv), so their old timings mislead.
// 3: classes up to 50 ms a round are timed best of three rounds (one before), so tables made
// from a single, possibly preempted, run are measured again.
const FORMAT: &str = "neurite-gemm-calibration 3";

/// What the choices depend on besides the shape: CPU, features, kernel family, build.
pub fn machine() -> String {
    let coretype = std::env::var("OPENBLAS_CORETYPE").unwrap_or_default();
    format!(
        "{} | {} | OPENBLAS_CORETYPE={} | neurite-kernels {}",
        cpu_model(),
        features().join(","),
        if coretype.is_empty() { "-" } else { &coretype },
        env!("CARGO_PKG_VERSION"),
    )
}

/// The SIMD features the kernels dispatch on, as detected at run time.
pub fn features() -> Vec<&'static str> {
    let mut list = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            list.push("avx2");
        }
        if std::arch::is_x86_feature_detected!("fma") {
            list.push("fma");
        }
        if std::arch::is_x86_feature_detected!("avx512f") {
            list.push("avx512f");
        }
    }
    #[cfg(target_arch = "aarch64")]
    if std::arch::is_aarch64_feature_detected!("neon") {
        list.push("neon");
    }
    list
}

fn cpu_model() -> String {
    let info = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    info.lines()
        .find_map(|l| {
            let (key, value) = l.split_once(':')?;
            matches!(key.trim(), "model name" | "Model" | "CPU part")
                .then(|| value.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

/// NEURITE_CACHE_DIR, else the platform's user cache directory + /neurite.
pub fn directory() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("NEURITE_CACHE_DIR") {
        return Some(dir);
    }
    let base = if cfg!(target_os = "windows") {
        var("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library/Caches"))
    } else {
        var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|h| h.join(".cache")))
    };
    base.map(|b| b.join("neurite"))
}

/// This machine's file in `dir`: named by a hash of [`machine`], so machines do not collide.
pub fn file_in(dir: &Path, machine: &str) -> PathBuf {
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let hash = machine.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    });
    dir.join(format!("gemm-{hash:016x}.tsv"))
}

/// The choices in `file`, when it exists and was written for `machine` by this format.
/// Lines naming a provider this build does not have are skipped.
pub fn read(file: &Path, machine: &str, known: &[&'static str]) -> HashMap<Class, Choice> {
    let mut table = HashMap::new();
    let Ok(text) = fs::read_to_string(file) else {
        return table;
    };
    let mut lines = text.lines();
    if lines.next() != Some(FORMAT) || lines.next() != Some(&format!("machine {machine}")) {
        return table;
    }
    for line in lines {
        if let Some((class, choice)) = parse(line, known) {
            table.insert(class, choice);
        }
    }
    table
}

/// Writes `table` to `file` through a temporary file and a rename, so a reader (another
/// process) never sees half a file. Entries already in the file for this machine are kept
/// unless `table` has the same class: two processes calibrating at once lose nothing.
pub fn write(
    file: &Path,
    machine: &str,
    table: &HashMap<Class, Choice>,
    known: &[&'static str],
) -> std::io::Result<()> {
    let mut merged = read(file, machine, known);
    for (class, choice) in table {
        merged.insert(*class, choice.clone());
    }
    let mut lines: Vec<String> = merged.iter().map(|(c, ch)| format_line(c, ch)).collect();
    lines.sort();
    if let Some(dir) = file.parent() {
        fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    let mut out = fs::File::create(&tmp)?;
    writeln!(out, "{FORMAT}\nmachine {machine}")?;
    for line in lines {
        writeln!(out, "{line}")?;
    }
    out.sync_all()?;
    drop(out);
    fs::rename(&tmp, file).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

/// `f32 NT t2 m5 n8 k14 small rules=0.00152 pure=0.00231 small=0.00110`: dtype, transposes,
/// threads, log2 buckets, the choice, then each candidate's best time in seconds.
fn format_line(c: &Class, ch: &Choice) -> String {
    let flag = |t: bool| if t { 'T' } else { 'N' };
    let times: Vec<String> = ch
        .times
        .iter()
        .map(|(p, t)| format!("{p}={t:.6e}"))
        .collect();
    format!(
        "{} {}{} t{} m{} n{} k{} {} {}",
        if c.f64 { "f64" } else { "f32" },
        flag(c.trans_a),
        flag(c.trans_b),
        c.threads,
        c.m,
        c.n,
        c.k,
        ch.provider,
        times.join(" ")
    )
}

fn parse(line: &str, known: &[&'static str]) -> Option<(Class, Choice)> {
    let mut words = line.split_whitespace();
    let f64 = match words.next()? {
        "f32" => false,
        "f64" => true,
        _ => return None,
    };
    let flags = words.next()?.as_bytes();
    if flags.len() != 2 {
        return None;
    }
    let flag = |b: u8| match b {
        b'T' => Some(true),
        b'N' => Some(false),
        _ => None,
    };
    let mut number =
        |prefix: char| -> Option<u32> { words.next()?.strip_prefix(prefix)?.parse().ok() };
    let threads = number('t')?;
    let (m, n, k) = (number('m')?, number('n')?, number('k')?);
    let class = Class {
        f64,
        trans_a: flag(flags[0])?,
        trans_b: flag(flags[1])?,
        threads: u16::try_from(threads).ok()?,
        m: u8::try_from(m).ok()?,
        n: u8::try_from(n).ok()?,
        k: u8::try_from(k).ok()?,
    };
    let name = |w: &str| known.iter().copied().find(|&p| p == w);
    let provider = name(words.next()?)?;
    let mut times = Vec::new();
    for w in words {
        let (p, t) = w.split_once('=')?;
        times.push((
            name(p)?,
            t.parse().ok().filter(|t: &f64| t.is_finite() && *t > 0.0)?,
        ));
    }
    Some((
        class,
        Choice {
            provider,
            times,
            source: Source::Cached,
        },
    ))
}
