//! `auto`: the GEMM provider of each shape class, measured on the machine it runs on.
//!
//! [`Rules`] is the routing by shape that was measured on a few CPUs (native/README.md). On
//! another CPU another provider can win a shape: the gemm crate's AVX-512 kernels against an
//! OpenBLAS held to Haswell's by OPENBLAS_CORETYPE, or `small` on the course's 20-row products.
//! So the first product of each class (dtype, transposes, threads, and m, n, k rounded up to
//! powers of two) times every candidate on its own operands, and the class keeps the fastest;
//! a file in the user's cache directory (cache.rs) keeps the choices for later processes, so a
//! machine measures each class once and then always runs the same kernels (the same bits).
//!
//! NEURITE_GEMM_CALIBRATION=off keeps the rules everywhere; `fresh` measures again, ignoring the
//! file. An explicit NEURITE_GEMM bypasses `auto` altogether.

use super::{cache, Gemm, GemmProvider, GemmScalar, OPENBLAS, PURE, SMALL};
use super::{deep_gemv, openblas, small};
use crate::check::{fail, Result};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Instant;

/// Below this many multiply-adds a product takes microseconds: timing noise would decide, and
/// little is at stake.
pub const MIN_MACS: usize = 1 << 20;
/// Above this (about 1290³) one timing run costs tens of milliseconds per candidate, more than
/// a first product should pay; such products keep the rules, which favour OpenBLAS there.
pub const MAX_MACS: usize = 1 << 31;
/// Another provider replaces the rules' choice only when at least this much faster: the rules
/// were measured carefully, and a near tie is not worth a different set of bits.
const MARGIN: f64 = 0.9;

/// The built-in routing (what `auto` was before it measured): products whose output is much
/// wider than deep split N across the cores (`openblas::wide_split`; with one thread, float32
/// ones go to the pure-Rust kernels), deep products with a small output split K
/// (`openblas::deep_split`), and so do deep vector-matrix products (`deep_gemv`); products of
/// one row of dot products split the rows (`dot_gemv`).
pub struct Rules;

impl Rules {
    fn wide(g: &Gemm) -> bool {
        g.m > 1 && g.n >= 8 * g.k.max(g.m)
    }

    /// Which kernels the rules run for `g`, in words (for `neurite info`).
    pub fn route(g: &Gemm, f64: bool) -> &'static str {
        if deep_gemv::is_deep_gemv(g) {
            "deep gemv split"
        } else if deep_gemv::is_dot_gemv(g) {
            "dot gemv split"
        } else if openblas::is_wide(g) {
            "openblas, N split"
        } else if !f64 && Self::wide(g) {
            "pure"
        } else if openblas::is_deep(g) {
            "openblas, K split"
        } else {
            "openblas"
        }
    }
}

impl GemmProvider for Rules {
    fn name(&self) -> &'static str {
        "rules"
    }
    fn sgemm(&self, g: &Gemm, a: &[f32], b: &[f32], c: &mut [f32]) {
        if deep_gemv::is_deep_gemv(g) {
            deep_gemv::deep_gemv(g, a, b, c)
        } else if deep_gemv::is_dot_gemv(g) {
            deep_gemv::dot_gemv(g, a, b, c)
        } else if openblas::is_wide(g) {
            openblas::wide_split(g, a, b, c)
        } else if Self::wide(g) {
            PURE.sgemm(g, a, b, c)
        } else if openblas::is_deep(g) {
            openblas::deep_split(g, a, b, c)
        } else {
            OPENBLAS.sgemm(g, a, b, c)
        }
    }
    fn dgemm(&self, g: &Gemm, a: &[f64], b: &[f64], c: &mut [f64]) {
        if deep_gemv::is_deep_gemv(g) {
            deep_gemv::deep_gemv(g, a, b, c)
        } else if deep_gemv::is_dot_gemv(g) {
            deep_gemv::dot_gemv(g, a, b, c)
        } else if openblas::is_wide(g) {
            openblas::wide_split(g, a, b, c)
        } else if openblas::is_deep(g) {
            openblas::deep_split(g, a, b, c)
        } else {
            OPENBLAS.dgemm(g, a, b, c)
        }
    }
}

pub static RULES: Rules = Rules;

/// The default provider: each class on the provider measured fastest for it.
pub struct Auto;

impl GemmProvider for Auto {
    fn name(&self) -> &'static str {
        "auto"
    }
    fn sgemm(&self, g: &Gemm, a: &[f32], b: &[f32], c: &mut [f32]) {
        choose(g, a, b, c).sgemm(g, a, b, c)
    }
    fn dgemm(&self, g: &Gemm, a: &[f64], b: &[f64], c: &mut [f64]) {
        choose(g, a, b, c).dgemm(g, a, b, c)
    }
}

/// Small products skip the table's lock: they always keep the rules.
fn choose<T: GemmScalar>(g: &Gemm, a: &[T], b: &[T], c: &[T]) -> &'static dyn GemmProvider {
    if in_range(g) {
        global().provider_for(g, a, b, c)
    } else {
        &RULES
    }
}

fn in_range(g: &Gemm) -> bool {
    let macs = g.m.saturating_mul(g.n).saturating_mul(g.k);
    (MIN_MACS..=MAX_MACS).contains(&macs)
}

/// Every provider a class can be given, by the name the cache file uses.
fn known() -> [&'static dyn GemmProvider; 4] {
    [&RULES, &OPENBLAS, &PURE, &SMALL]
}

fn by_name(name: &str) -> &'static dyn GemmProvider {
    known()
        .into_iter()
        .find(|p| p.name() == name)
        .unwrap_or(&RULES)
}

fn known_names() -> Vec<&'static str> {
    known().iter().map(|p| p.name()).collect()
}

/// A shape class: products in one class share a provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Class {
    pub f64: bool,
    pub trans_a: bool,
    pub trans_b: bool,
    pub threads: u16,
    /// ceil(log2(m)), and so on: the class holds m in (2^(m-1), 2^m].
    pub m: u8,
    pub n: u8,
    pub k: u8,
}

impl Class {
    pub fn of(g: &Gemm, f64: bool) -> Class {
        let log2 = |x: usize| (usize::BITS - x.max(1).saturating_sub(1).leading_zeros()) as u8;
        Class {
            f64,
            trans_a: g.trans_a,
            trans_b: g.trans_b,
            threads: rayon::current_num_threads().min(u16::MAX as usize) as u16,
            m: log2(g.m),
            n: log2(g.n),
            k: log2(g.k),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Source {
    /// Timed in this process.
    Measured,
    /// Read from the cache file.
    Cached,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub provider: &'static str,
    /// Each candidate's best time in seconds, the rules first.
    pub times: Vec<(&'static str, f64)>,
    pub source: Source,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    On,
    Off,
    Fresh,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::On => "on",
            Mode::Off => "off",
            Mode::Fresh => "fresh",
        }
    }
}

/// NEURITE_GEMM_CALIBRATION (unset: on); an unknown value is an error naming the choices.
pub fn env_mode() -> Result<Mode> {
    static MODE: OnceLock<std::result::Result<Mode, String>> = OnceLock::new();
    let parsed = MODE
        .get_or_init(|| parse_mode(&std::env::var("NEURITE_GEMM_CALIBRATION").unwrap_or_default()));
    match parsed {
        Ok(mode) => Ok(*mode),
        Err(message) => fail(message.clone()),
    }
}

fn parse_mode(value: &str) -> std::result::Result<Mode, String> {
    match value {
        "" | "on" => Ok(Mode::On),
        "off" => Ok(Mode::Off),
        "fresh" => Ok(Mode::Fresh),
        other => Err(format!(
            "NEURITE_GEMM_CALIBRATION: expected 'on', 'off' or 'fresh', received '{other}'"
        )),
    }
}

/// The choices of one process (or one test) and where they are kept.
pub struct Table {
    pub mode: Mode,
    pub machine: String,
    pub file: Option<PathBuf>,
    /// Why the choices cannot be kept on disk (no cache directory, a write that failed).
    pub problem: Option<String>,
    pub entries: HashMap<Class, Choice>,
}

impl Table {
    /// Reads this machine's file in `dir` (unless `mode` is fresh or off).
    pub fn load(mode: Mode, dir: Option<PathBuf>) -> Table {
        let machine = cache::machine();
        let file = dir.map(|d| cache::file_in(&d, &machine));
        let entries = match (&file, mode) {
            (Some(f), Mode::On) => cache::read(f, &machine, &known_names()),
            _ => HashMap::new(),
        };
        let problem = file
            .is_none()
            .then(|| "no cache directory (set NEURITE_CACHE_DIR or HOME)".to_string());
        Table {
            mode,
            machine,
            file,
            problem,
            entries,
        }
    }

    /// The provider for `g`, timing the candidates on these operands the first time its class
    /// is seen. `c` is only read (for beta): the timings write into a scratch copy.
    pub fn provider_for<T: GemmScalar>(
        &mut self,
        g: &Gemm,
        a: &[T],
        b: &[T],
        c: &[T],
    ) -> &'static dyn GemmProvider {
        if self.mode == Mode::Off || !in_range(g) {
            return &RULES;
        }
        let class = Class::of(g, std::mem::size_of::<T>() == 8);
        if let Some(choice) = self.entries.get(&class) {
            return by_name(choice.provider);
        }
        let candidates = candidates(g, std::mem::size_of::<T>() == 8);
        let (best, times) = time_and_pick(g, a, b, c, &candidates);
        let choice = Choice {
            provider: candidates[best].name(),
            times: candidates.iter().map(|p| p.name()).zip(times).collect(),
            source: Source::Measured,
        };
        self.entries.insert(class, choice);
        self.save();
        candidates[best]
    }

    fn save(&mut self) {
        let Some(file) = &self.file else { return };
        let measured: HashMap<Class, Choice> = self
            .entries
            .iter()
            .filter(|(_, ch)| ch.source == Source::Measured)
            .map(|(c, ch)| (*c, ch.clone()))
            .collect();
        if let Err(e) = cache::write(file, &self.machine, &measured, &known_names()) {
            self.problem = Some(format!("could not write {}: {e}", file.display()));
        }
    }
}

/// The rules first, then every other provider that would run different kernels for `g`.
fn candidates(g: &Gemm, f64: bool) -> Vec<&'static dyn GemmProvider> {
    let route = Rules::route(g, f64);
    let mut list: Vec<&'static dyn GemmProvider> = vec![&RULES];
    if route != "openblas" {
        list.push(&OPENBLAS);
    }
    if route != "pure" {
        list.push(&PURE);
    }
    if small::applies(g) {
        list.push(&SMALL);
    }
    list
}

/// Times each candidate on `g` (best of interleaved rounds after one warm-up round, so each
/// sees the same load) and picks the fastest, keeping the first unless another beats it by
/// MARGIN. Returns the pick and each candidate's best time in seconds.
pub fn time_and_pick<T: GemmScalar>(
    g: &Gemm,
    a: &[T],
    b: &[T],
    c: &[T],
    candidates: &[&dyn GemmProvider],
) -> (usize, Vec<f64>) {
    let mut scratch = c.to_vec();
    let mut run = |p: &dyn GemmProvider| {
        if g.beta != 0.0 {
            scratch.copy_from_slice(c);
        }
        let start = Instant::now();
        T::call(p, g, a, b, &mut scratch);
        start.elapsed().as_secs_f64()
    };
    let warm: f64 = candidates.iter().map(|p| run(*p)).sum();
    // Best of three rounds up to ~50 ms a round (the course's skinny products take 10-20 ms
    // for all candidates: with one round, one preempted run on a shared 2-core machine was
    // enough to keep a provider 1.5x slower for good); one round for the slowest.
    let rounds = if warm < 0.05 { 3 } else { 1 };
    let mut best = vec![f64::INFINITY; candidates.len()];
    for _ in 0..rounds {
        for (i, p) in candidates.iter().enumerate() {
            best[i] = best[i].min(run(*p));
        }
    }
    (pick(&best), best)
}

/// The fastest, unless it beats the first by less than MARGIN.
pub fn pick(times: &[f64]) -> usize {
    let (fastest, t) = times
        .iter()
        .copied()
        .enumerate()
        .fold(
            (0, f64::INFINITY),
            |acc, (i, t)| if t < acc.1 { (i, t) } else { acc },
        );
    if t < MARGIN * times[0] {
        fastest
    } else {
        0
    }
}

/// The process's table, loaded from the user's cache directory on first use. Unit tests build
/// their own tables instead of writing to the user's cache.
pub fn global() -> MutexGuard<'static, Table> {
    static TABLE: OnceLock<Mutex<Table>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let mode = if cfg!(test) {
                Mode::Off
            } else {
                env_mode().unwrap_or(Mode::Off)
            };
            Mutex::new(Table::load(mode, cache::directory()))
        })
        .lock()
        // A panic while timing (caught at the binding) leaves the table as it was.
        .unwrap_or_else(|e| e.into_inner())
}

/// Times the candidates for one shape now (unless its class is already chosen), on
/// deterministic operands, and returns the class and its choice: `neurite info --calibrate`.
pub fn calibrate_shape<T: GemmScalar>(g: &Gemm) -> Result<Option<super::Route>> {
    super::validate(g, g.m * g.k, g.k * g.n, g.m * g.n)?;
    let macs = g.m.saturating_mul(g.n).saturating_mul(g.k);
    if macs > MAX_MACS {
        return fail(format!(
            "calibrateGemm: m·n·k must be at most {MAX_MACS}, received {macs}"
        ));
    }
    let fill = |len: usize| -> Vec<T> {
        (0..len)
            .map(|i| T::from_f64(((i * 7919) % 17) as f64 / 8.0 - 1.0))
            .collect()
    };
    let (a, b) = (fill(g.m * g.k), fill(g.k * g.n));
    let c = vec![T::ZERO; g.m * g.n];
    let mut table = global();
    table.provider_for(g, &a, &b, &c);
    let class = Class::of(g, std::mem::size_of::<T>() == 8);
    Ok(table.entries.get(&class).map(|ch| route_of(&class, ch)))
}

/// One class's choice as `neurite info` shows it: sizes as the class's upper bounds.
pub fn route_of(class: &Class, choice: &Choice) -> super::Route {
    let up = |b: u8| 1usize << b;
    super::Route {
        f64: class.f64,
        trans_a: class.trans_a,
        trans_b: class.trans_b,
        threads: class.threads as usize,
        m: up(class.m),
        n: up(class.n),
        k: up(class.k),
        provider: choice.provider,
        times: choice.times.clone(),
        measured: choice.source == Source::Measured,
    }
}

/// What `auto` knows now: its mode, the machine key and file, and every class chosen so far
/// (read from the file or timed in this process), sorted.
pub fn report() -> super::CalibrationReport {
    let table = global();
    let mut classes: Vec<(&Class, &Choice)> = table.entries.iter().collect();
    classes.sort_by_key(|(c, _)| **c);
    super::CalibrationReport {
        mode: table.mode.name(),
        machine: table.machine.clone(),
        file: table.file.as_ref().map(|f| f.display().to_string()),
        problem: table.problem.clone(),
        features: cache::features(),
        routes: classes.into_iter().map(|(c, ch)| route_of(c, ch)).collect(),
    }
}

#[cfg(test)]
#[path = "calibrate_tests.rs"]
mod tests;
