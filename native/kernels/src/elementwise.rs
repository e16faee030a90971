//! unary, binary (numpy broadcasting), where and clip. Semantics follow the TypeScript
//! backend (packages/tensor/src/backends/js/elementwise.ts), which is the specification.

pub(crate) mod special;

use crate::check::{self, fail, Result};
use crate::parallel::{self, for_chunks, CHEAP, TRANSCENDENTAL};
use crate::simd;
use crate::Real;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Abs,
    Exp,
    Log,
    Sqrt,
    Square,
    Sign,
    Sigmoid,
    Tanh,
    Relu,
    LeakyRelu,
    Erf,
    Elu,
    Selu,
    Gelu,
    Softplus,
    Silu,
}

impl UnaryOp {
    pub fn parse(name: &str) -> Result<Self> {
        Ok(match name {
            "neg" => Self::Neg,
            "abs" => Self::Abs,
            "exp" => Self::Exp,
            "log" => Self::Log,
            "sqrt" => Self::Sqrt,
            "square" => Self::Square,
            "sign" => Self::Sign,
            "sigmoid" => Self::Sigmoid,
            "tanh" => Self::Tanh,
            "relu" => Self::Relu,
            "leakyRelu" => Self::LeakyRelu,
            "erf" => Self::Erf,
            "elu" => Self::Elu,
            "selu" => Self::Selu,
            "gelu" => Self::Gelu,
            "softplus" => Self::Softplus,
            "silu" => Self::Silu,
            _ => return fail(format!("unary: op must be one of neg, abs, exp, log, sqrt, square, sign, sigmoid, tanh, relu, leakyRelu, erf, elu, selu, gelu, softplus, silu, received '{name}'")),
        })
    }

    fn cost(self) -> usize {
        match self {
            Self::Exp | Self::Log | Self::Sigmoid | Self::Tanh => TRANSCENDENTAL,
            Self::Erf | Self::Elu | Self::Selu | Self::Gelu | Self::Softplus | Self::Silu => {
                TRANSCENDENTAL
            }
            _ => CHEAP,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Maximum,
    Minimum,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
}

impl BinaryOp {
    pub fn parse(name: &str) -> Result<Self> {
        Ok(match name {
            "add" => Self::Add,
            "sub" => Self::Sub,
            "mul" => Self::Mul,
            "div" => Self::Div,
            "pow" => Self::Pow,
            "maximum" => Self::Maximum,
            "minimum" => Self::Minimum,
            "equal" => Self::Equal,
            "notEqual" => Self::NotEqual,
            "less" => Self::Less,
            "lessEqual" => Self::LessEqual,
            "greater" => Self::Greater,
            "greaterEqual" => Self::GreaterEqual,
            _ => return fail(format!("binary: op must be one of add, sub, mul, div, pow, maximum, minimum, equal, notEqual, less, lessEqual, greater, greaterEqual, received '{name}'")),
        })
    }
}

/// IEEE 754's pow, as C and numpy have it: 1^y = 1 and x^0 = 1 for every x and y, NaN
/// included, and (−1)^±∞ = 1 (JavaScript's `**` gives NaN for these; the js backend matches).
#[inline(always)]
pub fn ieee_pow<T: Real>(a: T, b: T) -> T {
    if a == T::ONE || b == T::ZERO || (b.is_infinite() && a.abs() == T::ONE) {
        return T::ONE;
    }
    a.powf(b)
}

#[inline(always)]
fn flag<T: Real>(v: bool) -> T {
    if v {
        T::ONE
    } else {
        T::ZERO
    }
}

macro_rules! with_unary {
    ($op:expr, $alpha:expr, |$f:ident| $run:expr) => {{
        let alpha = $alpha;
        match $op {
            UnaryOp::Neg => {
                let $f = |v: T| -v;
                $run
            }
            UnaryOp::Abs => {
                let $f = |v: T| v.abs();
                $run
            }
            UnaryOp::Exp => {
                let $f = |v: T| v.exp();
                $run
            }
            UnaryOp::Log => {
                let $f = |v: T| v.ln();
                $run
            }
            UnaryOp::Sqrt => {
                let $f = |v: T| v.sqrt();
                $run
            }
            UnaryOp::Square => {
                let $f = |v: T| v * v;
                $run
            }
            UnaryOp::Sign => {
                let $f = |v: T| {
                    if v > T::ZERO {
                        T::ONE
                    } else if v < T::ZERO {
                        -T::ONE
                    } else {
                        v
                    }
                };
                $run
            }
            UnaryOp::Sigmoid => {
                let $f = |v: T| v.sigmoid();
                $run
            }
            UnaryOp::Tanh => {
                let $f = |v: T| v.tanh();
                $run
            }
            // v < 0 ? 0 : v keeps NaN, as numpy's maximum(0, NaN) does.
            UnaryOp::Relu => {
                let $f = |v: T| if v < T::ZERO { T::ZERO } else { v };
                $run
            }
            UnaryOp::LeakyRelu => {
                let $f = move |v: T| if v < T::ZERO { alpha * v } else { v };
                $run
            }
            // The newer activations are computed in f64 (special.rs) and rounded.
            UnaryOp::Erf => {
                let $f = |v: T| T::from_f64(special::erf(v.to_f64()));
                $run
            }
            UnaryOp::Elu => {
                let a = alpha.to_f64();
                let $f = move |v: T| T::from_f64(special::elu(v.to_f64(), a));
                $run
            }
            UnaryOp::Selu => {
                let $f = |v: T| T::from_f64(special::selu(v.to_f64()));
                $run
            }
            UnaryOp::Gelu => {
                let $f = |v: T| T::from_f64(special::gelu(v.to_f64()));
                $run
            }
            UnaryOp::Softplus => {
                let $f = |v: T| T::from_f64(special::softplus(v.to_f64()));
                $run
            }
            UnaryOp::Silu => {
                let $f = |v: T| T::from_f64(special::silu(v.to_f64()));
                $run
            }
        }
    }};
}

macro_rules! with_binary {
    ($op:expr, |$f:ident| $run:expr) => {
        match $op {
            BinaryOp::Add => {
                let $f = |p: T, q: T| p + q;
                $run
            }
            BinaryOp::Sub => {
                let $f = |p: T, q: T| p - q;
                $run
            }
            BinaryOp::Mul => {
                let $f = |p: T, q: T| p * q;
                $run
            }
            BinaryOp::Div => {
                let $f = |p: T, q: T| p / q;
                $run
            }
            BinaryOp::Pow => {
                let $f = |p: T, q: T| ieee_pow(p, q);
                $run
            }
            // NaN propagates, as in numpy.
            BinaryOp::Maximum => {
                let $f = |p: T, q: T| if p > q || p.is_nan() { p } else { q };
                $run
            }
            BinaryOp::Minimum => {
                let $f = |p: T, q: T| if p < q || p.is_nan() { p } else { q };
                $run
            }
            BinaryOp::Equal => {
                let $f = |p: T, q: T| flag::<T>(p == q);
                $run
            }
            BinaryOp::NotEqual => {
                let $f = |p: T, q: T| flag::<T>(p != q);
                $run
            }
            BinaryOp::Less => {
                let $f = |p: T, q: T| flag::<T>(p < q);
                $run
            }
            BinaryOp::LessEqual => {
                let $f = |p: T, q: T| flag::<T>(p <= q);
                $run
            }
            BinaryOp::Greater => {
                let $f = |p: T, q: T| flag::<T>(p > q);
                $run
            }
            BinaryOp::GreaterEqual => {
                let $f = |p: T, q: T| flag::<T>(p >= q);
                $run
            }
        }
    };
}

pub fn unary<T: Real>(op: UnaryOp, x: &[T], out: &mut [T], alpha: f64) -> Result<()> {
    check::same_len("unary", ["x", "out"], x.len(), out.len())?;
    let alpha = T::from_f64(alpha);
    with_unary!(op, alpha, |f| for_chunks(out, op.cost(), |start, o| {
        simd::map(&x[start..start + o.len()], o, f)
    }));
    Ok(())
}

pub fn clip<T: Real>(x: &[T], min: f64, max: f64, out: &mut [T]) -> Result<()> {
    check::same_len("clip", ["x", "out"], x.len(), out.len())?;
    let (lo, hi) = (T::from_f64(min), T::from_f64(max));
    for_chunks(out, CHEAP, |start, o| {
        simd::map(&x[start..start + o.len()], o, |v: T| {
            if v < lo {
                lo
            } else if v > hi {
                hi
            } else {
                v
            }
        })
    });
    Ok(())
}

/// How an operand of `shape` is read when broadcast to `out_shape`: one stride per output
/// dimension, 0 where the operand has size 1 (or lacks the dimension).
pub fn broadcast_strides(
    op: &str,
    name: &str,
    shape: &[usize],
    out_shape: &[usize],
) -> Result<Vec<usize>> {
    if shape.len() > out_shape.len() {
        return fail(format!(
            "{op}: {name} has rank {} but the output has rank {}",
            shape.len(),
            out_shape.len()
        ));
    }
    let lead = out_shape.len() - shape.len();
    let mut strides = vec![0; out_shape.len()];
    let mut stride = 1;
    for i in (0..shape.len()).rev() {
        let (d, o) = (shape[i], out_shape[lead + i]);
        if d != o && d != 1 {
            return fail(format!(
                "{op}: {name} shape {shape:?} cannot broadcast to {out_shape:?}"
            ));
        }
        strides[lead + i] = if d == 1 { 0 } else { stride };
        stride *= d;
    }
    Ok(strides)
}

/// The output viewed as (outer rows, inner run), with the operands' strides merged so the
/// inner run is as long as possible.
pub(crate) struct Plan {
    pub dims: Vec<usize>,
    pub strides: Vec<Vec<usize>>,
}

pub(crate) fn plan(out_shape: &[usize], strides: Vec<Vec<usize>>) -> Plan {
    let mut dims: Vec<usize> = Vec::new();
    let mut merged: Vec<Vec<usize>> = vec![Vec::new(); strides.len()];
    for (i, &d) in out_shape.iter().enumerate() {
        if d == 1 {
            continue;
        }
        let can_merge = !dims.is_empty()
            && strides
                .iter()
                .zip(&merged)
                .all(|(s, m)| m[m.len() - 1] == s[i] * d);
        if can_merge {
            *dims.last_mut().unwrap() *= d;
            for (s, m) in strides.iter().zip(merged.iter_mut()) {
                *m.last_mut().unwrap() = s[i];
            }
        } else {
            dims.push(d);
            for (s, m) in strides.iter().zip(merged.iter_mut()) {
                m.push(s[i]);
            }
        }
    }
    if dims.is_empty() {
        dims.push(1);
        for m in merged.iter_mut() {
            m.push(0);
        }
    }
    Plan {
        dims,
        strides: merged,
    }
}

impl Plan {
    pub fn inner(&self) -> usize {
        *self.dims.last().unwrap()
    }

    /// Offsets of each operand at the start of outer row `row`.
    pub fn offsets(&self, row: usize, into: &mut [usize]) {
        into.iter_mut().for_each(|o| *o = 0);
        let mut rest = row;
        for axis in (0..self.dims.len() - 1).rev() {
            let idx = rest % self.dims[axis];
            rest /= self.dims[axis];
            for (o, s) in into.iter_mut().zip(&self.strides) {
                *o += idx * s[axis];
            }
        }
    }

    pub fn inner_strides(&self, k: usize) -> usize {
        *self.strides[k].last().unwrap()
    }
}

/// Runs `row(offsets, out_row)` for every output row, in parallel when big enough; tasks
/// are whole rows so each keeps its inner run.
pub(crate) fn for_rows<T: Real, const N: usize>(
    plan: &Plan,
    out: &mut [T],
    cost: usize,
    row: impl Fn(&[usize; N], &mut [T]) + Sync + Send,
) {
    use rayon::prelude::*;
    let inner = plan.inner();
    if inner == 0 || out.is_empty() {
        return;
    }
    let run = |start: usize, chunk: &mut [T]| {
        let mut offs = [0usize; N];
        for (r, o) in chunk.chunks_mut(inner).enumerate() {
            plan.offsets(start / inner + r, &mut offs);
            row(&offs, o);
        }
    };
    if parallel::worth_splitting(out.len(), cost) {
        let rows = out.len() / inner;
        let block = rows.div_ceil(rayon::current_num_threads() * 4).max(1) * inner;
        out.par_chunks_mut(block)
            .enumerate()
            .for_each(|(i, c)| run(i * block, c));
    } else {
        run(0, out);
    }
}

pub fn binary<T: Real>(
    op: BinaryOp,
    a: &[T],
    a_shape: &[usize],
    b: &[T],
    b_shape: &[usize],
    out: &mut [T],
    out_shape: &[usize],
) -> Result<()> {
    let size: usize = out_shape.iter().product();
    check::len("binary", "out", out.len(), size)?;
    check::len("binary", "a", a.len(), a_shape.iter().product())?;
    check::len("binary", "b", b.len(), b_shape.iter().product())?;
    let sa = broadcast_strides("binary", "a", a_shape, out_shape)?;
    let sb = broadcast_strides("binary", "b", b_shape, out_shape)?;
    let cost = if op == BinaryOp::Pow {
        TRANSCENDENTAL
    } else {
        CHEAP
    };
    if a.len() == size && b.len() == size {
        with_binary!(op, |f| for_chunks(out, cost, |s, o| simd::zip(
            &a[s..s + o.len()],
            &b[s..s + o.len()],
            o,
            f
        )));
        return Ok(());
    }
    if size == 0 {
        return Ok(());
    }
    let plan = plan(out_shape, vec![sa, sb]);
    let (ia, ib) = (plan.inner_strides(0), plan.inner_strides(1));
    with_binary!(op, |f| for_rows::<T, 2>(&plan, out, cost, |off, o| {
        let n = o.len();
        match (ia, ib) {
            (1, 1) => simd::zip(&a[off[0]..off[0] + n], &b[off[1]..off[1] + n], o, f),
            (1, 0) => simd::zip_scalar_right(&a[off[0]..off[0] + n], b[off[1]], o, f),
            (0, 1) => simd::zip_scalar_left(a[off[0]], &b[off[1]..off[1] + n], o, f),
            _ => {
                for (i, v) in o.iter_mut().enumerate() {
                    *v = f(a[off[0] + i * ia], b[off[1] + i * ib]);
                }
            }
        }
    }));
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn where_<T: Real>(
    cond: &[T],
    c_shape: &[usize],
    a: &[T],
    a_shape: &[usize],
    b: &[T],
    b_shape: &[usize],
    out: &mut [T],
    out_shape: &[usize],
) -> Result<()> {
    let size: usize = out_shape.iter().product();
    check::len("where", "out", out.len(), size)?;
    check::len("where", "cond", cond.len(), c_shape.iter().product())?;
    check::len("where", "a", a.len(), a_shape.iter().product())?;
    check::len("where", "b", b.len(), b_shape.iter().product())?;
    let strides = vec![
        broadcast_strides("where", "cond", c_shape, out_shape)?,
        broadcast_strides("where", "a", a_shape, out_shape)?,
        broadcast_strides("where", "b", b_shape, out_shape)?,
    ];
    if size == 0 {
        return Ok(());
    }
    let plan = plan(out_shape, strides);
    let s = [
        plan.inner_strides(0),
        plan.inner_strides(1),
        plan.inner_strides(2),
    ];
    for_rows::<T, 3>(&plan, out, CHEAP, |off, o| {
        for (i, v) in o.iter_mut().enumerate() {
            *v = if cond[off[0] + i * s[0]] != T::ZERO {
                a[off[1] + i * s[1]]
            } else {
                b[off[2] + i * s[2]]
            };
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every op's AVX2 and AVX-512 copies give the bits of the plain loop (the copies differ only
    /// in vector width, and `mul_add` is correctly rounded in all of them), on random values and
    /// the edges.
    fn simd_copies_agree<T: Real>(op: UnaryOp, x: &[T]) {
        let same =
            |p: T, q: T| p.to_f64().to_bits() == q.to_f64().to_bits() || (p.is_nan() && q.is_nan());
        with_unary!(op, T::from_f64(0.3), |f| {
            let want: Vec<T> = x.iter().map(|&v| f(v)).collect();
            #[cfg(target_arch = "x86_64")]
            for (isa, present) in [("avx2", simd::has_avx2()), ("avx512", simd::has_avx512())] {
                if !present {
                    continue;
                }
                let mut got = vec![T::ZERO; x.len()];
                // SAFETY: the CPU has the ISA (checked just above).
                unsafe {
                    if isa == "avx2" {
                        simd::map_avx2(x, &mut got, f)
                    } else {
                        simd::map_avx512(x, &mut got, f)
                    }
                }
                for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
                    assert!(
                        same(g, w),
                        "{op:?} {} {isa} at x = {:e}: {:e} vs {:e}",
                        T::NAME,
                        x[i].to_f64(),
                        g.to_f64(),
                        w.to_f64()
                    );
                }
            }
        });
    }

    #[test]
    fn every_isa_copy_rounds_like_the_plain_loop() {
        let mut rng = crate::testing::Lcg(11);
        let mut x: Vec<f64> = rng.vec(4099, 30.0);
        x.extend(rng.vec(1000, 1.0).iter().map(|v| v * 1e-3));
        x.extend([
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1e-310,
            -1e-310,
            1e-40,
            88.7,
            89.5,
            -103.9,
            -104.5,
            709.9,
            -745.5,
            1e300,
            -1e300,
        ]);
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let names = [
            "neg",
            "abs",
            "exp",
            "log",
            "sqrt",
            "square",
            "sign",
            "sigmoid",
            "tanh",
            "relu",
            "leakyRelu",
            "erf",
            "elu",
            "selu",
            "gelu",
            "softplus",
            "silu",
        ];
        for name in names {
            let op = UnaryOp::parse(name).unwrap();
            simd_copies_agree(op, &x);
            simd_copies_agree(op, &x32);
        }
    }

    #[test]
    fn broadcast_row_and_column() {
        // (2,3) + (3,) and (2,3) * (2,1), checked by hand.
        let a = [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut out = [0.0; 6];
        binary(
            BinaryOp::Add,
            &a,
            &[2, 3],
            &[10.0, 20.0, 30.0],
            &[3],
            &mut out,
            &[2, 3],
        )
        .unwrap();
        assert_eq!(out, [11.0, 22.0, 33.0, 14.0, 25.0, 36.0]);
        binary(
            BinaryOp::Mul,
            &a,
            &[2, 3],
            &[2.0, -1.0],
            &[2, 1],
            &mut out,
            &[2, 3],
        )
        .unwrap();
        assert_eq!(out, [2.0, 4.0, 6.0, -4.0, -5.0, -6.0]);
        // Outer product (3,1) - (1,2).
        let mut o2 = [0.0f32; 6];
        binary(
            BinaryOp::Sub,
            &[1.0f32, 2.0, 3.0],
            &[3, 1],
            &[1.0, 10.0],
            &[1, 2],
            &mut o2,
            &[3, 2],
        )
        .unwrap();
        assert_eq!(o2, [0.0, -9.0, 1.0, -8.0, 2.0, -7.0]);
    }

    #[test]
    fn rejects_bad_shapes() {
        let mut out = [0.0f32; 6];
        let e = binary(
            BinaryOp::Add,
            &[0.0f32; 6],
            &[2, 3],
            &[0.0; 2],
            &[2],
            &mut out,
            &[2, 3],
        )
        .unwrap_err();
        assert!(e.0.contains("cannot broadcast"), "{e}");
        let e = binary(
            BinaryOp::Add,
            &[0.0f32; 5],
            &[2, 3],
            &[0.0; 3],
            &[3],
            &mut out,
            &[2, 3],
        )
        .unwrap_err();
        assert!(e.0.contains("a must have 6 elements, received 5"), "{e}");
        assert!(unary(UnaryOp::Exp, &[0.0f32; 3], &mut out, 0.0).is_err());
    }

    #[test]
    fn unary_matches_definitions() {
        let x = [-2.0f64, -0.5, 0.0, 0.5, 3.0, f64::NAN];
        let mut out = [0.0; 6];
        unary(UnaryOp::Relu, &x, &mut out, 0.0).unwrap();
        assert_eq!(&out[..5], &[0.0, 0.0, 0.0, 0.5, 3.0]);
        assert!(out[5].is_nan());
        unary(UnaryOp::LeakyRelu, &x, &mut out, 0.1).unwrap();
        assert_eq!(&out[..2], &[-0.2, -0.05]);
        unary(UnaryOp::Sigmoid, &x, &mut out, 0.0).unwrap();
        for i in 0..5 {
            assert!((out[i] - 1.0 / (1.0 + (-x[i]).exp())).abs() < 1e-15);
        }
        unary(UnaryOp::Sign, &x, &mut out, 0.0).unwrap();
        assert_eq!(&out[..5], &[-1.0, -1.0, 0.0, 1.0, 1.0]);
        // Large enough to take the threaded path; compare against the scalar definition.
        let big: Vec<f32> = (0..100_000).map(|i| (i as f32) * 1e-4 - 5.0).collect();
        let mut o = vec![0.0f32; big.len()];
        unary(UnaryOp::Tanh, &big, &mut o, 0.0).unwrap();
        assert!(big
            .iter()
            .zip(&o)
            .all(|(v, t)| ((*t as f64) - (*v as f64).tanh()).abs()
                <= 1.2e-7 * (*v as f64).tanh().abs()));
    }

    #[test]
    fn pow_follows_ieee_and_where_broadcasts() {
        assert_eq!(ieee_pow(1.0f64, f64::NAN), 1.0);
        assert_eq!(ieee_pow(1.0f32, f32::INFINITY), 1.0);
        assert_eq!(ieee_pow(-1.0f64, f64::NEG_INFINITY), 1.0);
        assert_eq!(ieee_pow(f64::NAN, 0.0), 1.0);
        assert!(ieee_pow(f64::NAN, 1.0).is_nan());
        assert!(ieee_pow(-2.0f64, 0.5).is_nan());
        assert_eq!(ieee_pow(2.0f64, 10.0), 1024.0);
        let mut out = [0.0f64; 4];
        where_(
            &[1.0, 0.0],
            &[2, 1],
            &[1.0, 2.0],
            &[2],
            &[-1.0],
            &[1],
            &mut out,
            &[2, 2],
        )
        .unwrap();
        assert_eq!(out, [1.0, 2.0, -1.0, -1.0]);
    }

    #[test]
    fn big_broadcast_uses_threads_and_stays_right() {
        let (n, m) = (300, 400);
        let a: Vec<f64> = (0..n * m).map(|i| i as f64).collect();
        let b: Vec<f64> = (0..n).map(|i| i as f64 * 0.5).collect();
        let mut out = vec![0.0; n * m];
        binary(BinaryOp::Sub, &a, &[n, m], &b, &[n, 1], &mut out, &[n, m]).unwrap();
        for r in [0, 1, 150, 299] {
            for c in [0, 7, 399] {
                assert_eq!(out[r * m + c], (r * m + c) as f64 - r as f64 * 0.5);
            }
        }
    }
}
