//! Helpers for the kernels' tests: thread pools of a chosen size and seeded inputs.

/// Thread counts every threaded kernel is tested with: one (no split), the two cores of the
/// machines here, an odd count (uneven shares) and more threads than cores.
pub const THREADS: [usize; 4] = [1, 2, 3, 8];

/// Runs `f` inside a rayon pool of `threads` threads, so `rayon::current_num_threads()` and
/// every parallel iterator in the kernels see that many.
pub fn with_threads<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a test thread pool")
        .install(f)
}

/// A seeded uniform stream in [-1, 1) (a 64-bit LCG, top 53 bits).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }

    pub fn vec(&mut self, len: usize, scale: f64) -> Vec<f64> {
        (0..len).map(|_| self.next() * scale).collect()
    }
}

/// Distance in representable doubles (both finite, same sign, or both zero).
pub fn ulps(a: f64, b: f64) -> u64 {
    (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
}

/// Sizes on both sides of every boundary `b`: b - 1, b, b + 1.
pub fn around(bounds: &[usize]) -> Vec<usize> {
    let mut v: Vec<usize> = bounds
        .iter()
        .flat_map(|&b| [b.saturating_sub(1), b, b + 1])
        .filter(|&s| s > 0)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The sizes where `parallel::for_chunks` changes behaviour for work of `cost` per element
/// with `threads` threads: where splitting starts, and where chunks stop being the minimum.
pub fn chunk_bounds(cost: usize, threads: usize) -> Vec<usize> {
    use crate::parallel::{MIN_CHUNK, THRESHOLD};
    let start = (2 * MIN_CHUNK).max(THRESHOLD.div_ceil(cost));
    around(&[
        start,
        MIN_CHUNK * threads * 4,
        MIN_CHUNK * threads * 4 + MIN_CHUNK,
    ])
}
