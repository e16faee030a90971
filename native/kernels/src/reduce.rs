//! sum/max/min over axes and argMax. Every reduction is done as
//! (outer, n, inner) passes over contiguous memory: the reduced block is a contiguous run of
//! axes, or it is reduced one axis at a time (last first) through a scratch buffer.

use crate::check::{self, fail, Result};
use crate::parallel::{self, CHEAP};
use crate::simd;
use crate::Real;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReduceOp {
    Sum,
    Max,
    Min,
}

impl ReduceOp {
    pub fn parse(name: &str) -> Result<Self> {
        Ok(match name {
            "sum" => Self::Sum,
            "max" => Self::Max,
            "min" => Self::Min,
            _ => {
                return fail(format!(
                    "reduce: op must be one of sum, max, min, received '{name}'"
                ))
            }
        })
    }
}

/// Splits `shape` around the axes [lo, hi): (outer, n, inner).
fn split(shape: &[usize], lo: usize, hi: usize) -> (usize, usize, usize) {
    (
        shape[..lo].iter().product(),
        shape[lo..hi].iter().product(),
        shape[hi..].iter().product(),
    )
}

/// Reduces the middle of (outer, n, inner) in f64, so float32 sums do not drift.
fn pass(op: ReduceOp, x: &[f64], outer: usize, n: usize, inner: usize, out: &mut [f64]) {
    for o in 0..outer {
        let dst = &mut out[o * inner..(o + 1) * inner];
        let src = &x[o * n * inner..(o + 1) * n * inner];
        if inner == 1 && op == ReduceOp::Sum {
            dst[0] = simd::sum_f64(src);
            continue;
        }
        dst.copy_from_slice(&src[..inner]);
        for row in src.chunks_exact(inner).skip(1) {
            combine(op, dst, row);
        }
    }
}

#[inline]
fn combine<T: Real>(op: ReduceOp, acc: &mut [f64], row: &[T]) {
    match op {
        ReduceOp::Sum => acc.iter_mut().zip(row).for_each(|(a, &v)| *a += v.to_f64()),
        // NaN wins, as in numpy's max and min.
        ReduceOp::Max => acc.iter_mut().zip(row).for_each(|(a, &v)| {
            let v = v.to_f64();
            if v.is_nan() || (!a.is_nan() && v > *a) {
                *a = v
            }
        }),
        ReduceOp::Min => acc.iter_mut().zip(row).for_each(|(a, &v)| {
            let v = v.to_f64();
            if v.is_nan() || (!a.is_nan() && v < *a) {
                *a = v
            }
        }),
    }
}

pub fn reduce<T: Real>(
    op: ReduceOp,
    x: &[T],
    shape: &[usize],
    axes: &[usize],
    out: &mut [T],
) -> Result<()> {
    check::len("reduce", "x", x.len(), shape.iter().product())?;
    for (i, &a) in axes.iter().enumerate() {
        if a >= shape.len() || (i > 0 && axes[i - 1] >= a) {
            return fail(format!(
                "reduce: axes must be sorted, unique and below the rank {}, received {axes:?}",
                shape.len()
            ));
        }
    }
    let kept: usize = shape
        .iter()
        .enumerate()
        .filter(|(i, _)| !axes.contains(i))
        .map(|(_, d)| d)
        .product();
    check::len("reduce", "out", out.len(), kept)?;
    if out.is_empty() {
        return Ok(());
    }
    if x.is_empty() {
        let empty = match op {
            ReduceOp::Sum => 0.0,
            ReduceOp::Max => f64::NEG_INFINITY,
            ReduceOp::Min => f64::INFINITY,
        };
        out.fill(T::from_f64(empty));
        return Ok(());
    }
    let contiguous = axes.windows(2).all(|w| w[1] == w[0] + 1);
    if contiguous && !axes.is_empty() {
        let (outer, n, inner) = split(shape, axes[0], axes[axes.len() - 1] + 1);
        reduce_block(op, x, outer, n, inner, out);
        return Ok(());
    }
    // Rare: scattered axes. Reduce the last first, through f64 scratch.
    let mut cur: Vec<f64> = x.iter().map(|v| v.to_f64()).collect();
    let mut dims = shape.to_vec();
    for &a in axes.iter().rev() {
        let (outer, n, inner) = split(&dims, a, a + 1);
        let mut next = vec![0.0; outer * inner];
        pass(op, &cur, outer, n, inner, &mut next);
        cur = next;
        dims[a] = 1;
    }
    out.iter_mut()
        .zip(&cur)
        .for_each(|(o, &v)| *o = T::from_f64(v));
    Ok(())
}

fn reduce_block<T: Real>(
    op: ReduceOp,
    x: &[T],
    outer: usize,
    n: usize,
    inner: usize,
    out: &mut [T],
) {
    let mut acc = vec![0.0f64; inner];
    for o in 0..outer {
        let src = &x[o * n * inner..(o + 1) * n * inner];
        if inner == 1 && op == ReduceOp::Sum {
            out[o] = T::from_f64(sum_contiguous(src));
            continue;
        }
        acc.iter_mut()
            .zip(&src[..inner])
            .for_each(|(a, &v)| *a = v.to_f64());
        for row in src.chunks_exact(inner).skip(1) {
            combine(op, &mut acc, row);
        }
        out[o * inner..(o + 1) * inner]
            .iter_mut()
            .zip(&acc)
            .for_each(|(d, &v)| *d = T::from_f64(v));
    }
}

/// Σ src in f64. Runs longer than a block are cut into blocks of a fixed length and the block
/// sums added in order, on the pool when the run is long enough, else on this thread: the same
/// arithmetic either way, so the bits of the result do not depend on the thread count.
fn sum_contiguous<T: Real>(src: &[T]) -> f64 {
    use rayon::prelude::*;
    if src.len() <= SUM_BLOCK {
        return simd::sum_f64(src);
    }
    let parts: Vec<f64> = if parallel::worth_splitting(src.len(), CHEAP) {
        src.par_chunks(SUM_BLOCK).map(simd::sum_f64).collect()
    } else {
        src.chunks(SUM_BLOCK).map(simd::sum_f64).collect()
    };
    parts.iter().sum()
}

/// The block of [`sum_contiguous`]: 256 KiB of float32, 16 tasks for 1M elements (a task
/// costs a few microseconds, a block ~15 µs to read).
pub(crate) const SUM_BLOCK: usize = 1 << 16;

/// First index of the maximum along `axis`; a NaN counts as the maximum, as in numpy.
pub fn arg_max<T: Real>(x: &[T], shape: &[usize], axis: usize, out: &mut [i32]) -> Result<()> {
    check::len("argMax", "x", x.len(), shape.iter().product())?;
    if axis >= shape.len() {
        return fail(format!(
            "argMax: axis must be below the rank {}, received {axis}",
            shape.len()
        ));
    }
    let (outer, n, inner) = split(shape, axis, axis + 1);
    check::len("argMax", "out", out.len(), outer * inner)?;
    if n == 0 {
        return if out.is_empty() {
            Ok(())
        } else {
            fail("argMax: the axis has length 0")
        };
    }
    if n > i32::MAX as usize {
        return fail(format!(
            "argMax: the axis has {n} entries, more than an int32 index holds"
        ));
    }
    for o in 0..outer {
        for j in 0..inner {
            let base = o * n * inner + j;
            let (mut best, mut best_v) = (0usize, x[base]);
            let mut i = 1;
            while i < n && !best_v.is_nan() {
                let v = x[base + i * inner];
                if v > best_v || v.is_nan() {
                    best = i;
                    best_v = v;
                }
                i += 1;
            }
            out[o * inner + j] = best as i32;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_and_extrema_by_hand() {
        let x = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0]; // (2, 3)
        let mut rows = [0.0f32; 2];
        reduce(ReduceOp::Sum, &x, &[2, 3], &[1], &mut rows).unwrap();
        assert_eq!(rows, [6.0, 15.0]);
        let mut cols = [0.0f32; 3];
        reduce(ReduceOp::Max, &x, &[2, 3], &[0], &mut cols).unwrap();
        assert_eq!(cols, [4.0, 5.0, 6.0]);
        let mut all = [0.0f32; 1];
        reduce(ReduceOp::Min, &x, &[2, 3], &[0, 1], &mut all).unwrap();
        assert_eq!(all, [1.0]);
        // Scattered axes 0 and 2 of (2, 2, 2).
        let y: Vec<f64> = (0..8).map(|v| v as f64).collect();
        let mut mid = [0.0f64; 2];
        reduce(ReduceOp::Sum, &y, &[2, 2, 2], &[0, 2], &mut mid).unwrap();
        assert_eq!(mid, [0.0 + 1.0 + 4.0 + 5.0, 2.0 + 3.0 + 6.0 + 7.0]);
        let e = reduce(ReduceOp::Sum, &y, &[2, 2, 2], &[2, 0], &mut mid).unwrap_err();
        assert!(e.0.contains("sorted"), "{e}");
    }

    #[test]
    fn nan_wins_in_max_and_argmax() {
        let x = [1.0f64, f64::NAN, 3.0, 0.0];
        let mut out = [0.0f64; 1];
        reduce(ReduceOp::Max, &x, &[4], &[0], &mut out).unwrap();
        assert!(out[0].is_nan());
        let mut idx = [0i32; 2];
        arg_max(&[1.0f32, 5.0, 5.0, 2.0, 0.0, 1.0], &[2, 3], 1, &mut idx).unwrap();
        assert_eq!(idx, [1, 0]);
        // Columns [1, 3] and [NaN, 0].
        arg_max(&x, &[2, 2], 0, &mut idx).unwrap();
        assert_eq!(idx, [1, 0]);
    }
}
