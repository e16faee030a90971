//! Softmax and log-softmax along one axis, shifted by the maximum so exp never overflows.
//!
//! The tensor is seen as (outer, n, inner): `outer` blocks of n rows by `inner` columns, each
//! column of a block an independent softmax of n values. Work is cut only along those lines, so
//! no task ever sees part of a column: whole blocks when there are enough of them (or when a
//! block is a single column), otherwise column panels of each block, as for the course's
//! (classes, m) layout over axis 0, where one block holds every example.

use crate::check::{self, fail, Result};
use crate::parallel::{self, TRANSCENDENTAL};
use crate::Real;
use rayon::prelude::*;

/// Panels are at least this many columns wide: a task then streams whole cache lines of every row.
const MIN_PANEL: usize = 64;

pub fn softmax<T: Real>(
    x: &[T],
    shape: &[usize],
    axis: usize,
    out: &mut [T],
    log: bool,
) -> Result<()> {
    check::len("softmax", "x", x.len(), shape.iter().product())?;
    check::same_len("softmax", ["x", "out"], x.len(), out.len())?;
    if axis >= shape.len() {
        return fail(format!(
            "softmax: axis must be below the rank {}, received {axis}",
            shape.len()
        ));
    }
    if x.is_empty() {
        return Ok(());
    }
    let n = shape[axis];
    let inner: usize = shape[axis + 1..].iter().product();
    let block = n * inner;
    let outer = x.len() / block;
    let tasks = rayon::current_num_threads() * 4;
    if !parallel::worth_splitting(x.len(), TRANSCENDENTAL) {
        blocks(x, out, n, inner, log);
    } else if inner == 1 || outer >= tasks || inner < 2 * MIN_PANEL {
        // Whole blocks per task: chunk lengths are multiples of the block length.
        let per_task = outer.div_ceil(tasks) * block;
        out.par_chunks_mut(per_task)
            .zip(x.par_chunks(per_task))
            .for_each(|(o, x)| blocks(x, o, n, inner, log));
    } else {
        panels(x, out, n, inner, log, tasks.div_ceil(outer));
    }
    Ok(())
}

/// Every block of `x` (a whole number of blocks) in turn.
fn blocks<T: Real>(x: &[T], out: &mut [T], n: usize, inner: usize, log: bool) {
    let block = n * inner;
    if inner == 1 {
        for (x, o) in x.chunks_exact(n).zip(out.chunks_exact_mut(n)) {
            column(x, o, log);
        }
        return;
    }
    let mut scratch = Scratch::new(inner);
    for (x, o) in x.chunks_exact(block).zip(out.chunks_exact_mut(block)) {
        let mut rows: Vec<&mut [T]> = o.chunks_exact_mut(inner).collect();
        panel(x, inner, 0, &mut rows, log, &mut scratch);
    }
}

/// Each block's columns cut into `parts` panels (multiples of 16 columns), one task per panel.
fn panels<T: Real>(x: &[T], out: &mut [T], n: usize, inner: usize, log: bool, parts: usize) {
    let block = n * inner;
    let width = inner.div_ceil(parts).next_multiple_of(16).max(MIN_PANEL);
    // (block, first column, that panel's segment of each of the block's n rows): disjoint
    // borrows of `out`, made by cutting every row at the panel edges.
    let mut tasks: Vec<(usize, usize, Vec<&mut [T]>)> = Vec::new();
    for (b, o) in out.chunks_exact_mut(block).enumerate() {
        let first = tasks.len();
        for j0 in (0..inner).step_by(width) {
            tasks.push((b, j0, Vec::with_capacity(n)));
        }
        for row in o.chunks_exact_mut(inner) {
            let mut rest = row;
            for task in &mut tasks[first..] {
                let (seg, tail) = rest.split_at_mut(width.min(rest.len()));
                task.2.push(seg);
                rest = tail;
            }
        }
    }
    tasks.into_par_iter().for_each(|(b, j0, mut rows)| {
        let mut scratch = Scratch::new(rows[0].len());
        panel(
            &x[b * block..(b + 1) * block],
            inner,
            j0,
            &mut rows,
            log,
            &mut scratch,
        );
    });
}

/// One contiguous column of n values (inner = 1).
fn column<T: Real>(x: &[T], out: &mut [T], log: bool) {
    let mut max = x[0];
    for &v in &x[1..] {
        max = larger(max, v);
    }
    let mut total = 0.0f64;
    if log {
        for &v in x {
            total += (v - max).exp().to_f64();
        }
        let log_total = T::from_f64(total.ln());
        for (o, &v) in out.iter_mut().zip(x) {
            *o = v - max - log_total;
        }
    } else {
        for (o, &v) in out.iter_mut().zip(x) {
            *o = (v - max).exp();
            total += o.to_f64();
        }
        let total = T::from_f64(total);
        out.iter_mut().for_each(|o| *o = *o / total);
    }
}

/// Per-column running maximum and f64 sum of a panel.
struct Scratch<T> {
    max: Vec<T>,
    total: Vec<f64>,
}

impl<T: Real> Scratch<T> {
    fn new(width: usize) -> Self {
        Scratch {
            max: vec![T::ZERO; width],
            total: vec![0.0; width],
        }
    }
}

/// Columns [j0, j0 + w) of one block `x` (n rows of `inner`), written to `rows` (n segments of
/// w), row by row so the inner loops run along contiguous memory.
fn panel<T: Real>(
    x: &[T],
    inner: usize,
    j0: usize,
    rows: &mut [&mut [T]],
    log: bool,
    s: &mut Scratch<T>,
) {
    let w = rows[0].len();
    let row = |i: usize| &x[i * inner + j0..i * inner + j0 + w];
    let (max, total) = (&mut s.max[..w], &mut s.total[..w]);
    max.copy_from_slice(row(0));
    for i in 1..rows.len() {
        max.iter_mut()
            .zip(row(i))
            .for_each(|(m, &v)| *m = larger(*m, v));
    }
    total.fill(0.0);
    for (i, o) in rows.iter_mut().enumerate() {
        for (((o, t), &v), &m) in o.iter_mut().zip(total.iter_mut()).zip(row(i)).zip(&*max) {
            let e = (v - m).exp();
            *t += e.to_f64();
            *o = e;
        }
    }
    if log {
        total.iter_mut().for_each(|t| *t = t.ln());
        for (i, o) in rows.iter_mut().enumerate() {
            for (((o, &t), &v), &m) in o.iter_mut().zip(&*total).zip(row(i)).zip(&*max) {
                *o = v - m - T::from_f64(t);
            }
        }
    } else {
        for o in rows.iter_mut() {
            for (o, &t) in o.iter_mut().zip(&*total) {
                *o = *o / T::from_f64(t);
            }
        }
    }
}

/// The running maximum, where a NaN, once seen, stays (as Math.max in the js backend).
#[inline(always)]
fn larger<T: Real>(m: T, v: T) -> T {
    if v > m || v.is_nan() {
        v
    } else {
        m
    }
}

#[cfg(test)]
mod tests;
