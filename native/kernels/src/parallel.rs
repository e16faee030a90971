//! Threads only where they pay: a rayon task costs a few microseconds, so work is split
//! across the pool only above a size threshold (2 cores here; set RAYON_NUM_THREADS to change
//! the pool).

use rayon::prelude::*;

/// Cost of one element, in rough units of a cheap arithmetic op.
pub const CHEAP: usize = 1;
/// exp, tanh, log, pow: a libm call per element.
pub const TRANSCENDENTAL: usize = 16;
/// Work below this many units runs on the calling thread.
pub const THRESHOLD: usize = 1 << 18;
/// Chunks are at least this long, so each task streams a few pages.
pub const MIN_CHUNK: usize = 1 << 14;

pub fn worth_splitting(len: usize, cost: usize) -> bool {
    len >= MIN_CHUNK * 2
        && len.saturating_mul(cost) >= THRESHOLD
        && rayon::current_num_threads() > 1
}

fn chunk_len(len: usize) -> usize {
    let parts = rayon::current_num_threads() * 4;
    len.div_ceil(parts).max(MIN_CHUNK)
}

/// Runs `f(start, chunk)` over `out`, in parallel when the work is big enough.
pub fn for_chunks<T: Send>(out: &mut [T], cost: usize, f: impl Fn(usize, &mut [T]) + Sync + Send) {
    if !worth_splitting(out.len(), cost) {
        f(0, out);
        return;
    }
    let size = chunk_len(out.len());
    out.par_chunks_mut(size)
        .enumerate()
        .for_each(|(i, chunk)| f(i * size, chunk));
}

/// Like [`for_chunks`] for kernels that update several equal-length slices in place.
pub fn for_chunks4<T: Send + Sync>(
    a: &mut [T],
    b: &mut [T],
    c: &mut [T],
    cost: usize,
    f: impl Fn(usize, &mut [T], &mut [T], &mut [T]) + Sync + Send,
) {
    if !worth_splitting(a.len(), cost) {
        f(0, a, b, c);
        return;
    }
    let size = chunk_len(a.len());
    a.par_chunks_mut(size)
        .zip(b.par_chunks_mut(size))
        .zip(c.par_chunks_mut(size))
        .enumerate()
        .for_each(|(i, ((a, b), c))| f(i * size, a, b, c));
}
