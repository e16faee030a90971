use std::fmt;

/// A rejected call: the message names the argument, what was expected and what was received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelError(pub String);

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KernelError {}

pub type Result<T> = std::result::Result<T, KernelError>;

pub fn fail<T>(msg: impl Into<String>) -> Result<T> {
    Err(KernelError(msg.into()))
}

/// Largest element count we accept: a JS typed array cannot hold more, and products of
/// dimensions below it cannot overflow usize.
pub const MAX_ELEMENTS: usize = 1 << 40;

/// A dimension that arrived as a JS number: finite, integral, non-negative.
pub fn dim(op: &str, name: &str, value: f64) -> Result<usize> {
    if !value.is_finite() || value.fract() != 0.0 || value < 0.0 || value > MAX_ELEMENTS as f64 {
        return fail(format!(
            "{op}: {name} must be a non-negative integer, received {value}"
        ));
    }
    Ok(value as usize)
}

/// A shape that arrived as JS numbers; returns the dims and their product.
pub fn shape(op: &str, name: &str, dims: &[f64]) -> Result<(Vec<usize>, usize)> {
    let mut out = Vec::with_capacity(dims.len());
    let mut size: usize = 1;
    for (i, &d) in dims.iter().enumerate() {
        let d = dim(op, &format!("{name}[{i}]"), d)?;
        size = size
            .checked_mul(d)
            .filter(|&s| s <= MAX_ELEMENTS)
            .ok_or_else(|| KernelError(format!("{op}: {name} {dims:?} has too many elements")))?;
        out.push(d);
    }
    Ok((out, size))
}

pub fn len(op: &str, name: &str, actual: usize, expected: usize) -> Result<()> {
    if actual != expected {
        return fail(format!(
            "{op}: {name} must have {expected} elements, received {actual}"
        ));
    }
    Ok(())
}

pub fn same_len(op: &str, names: [&str; 2], a: usize, b: usize) -> Result<()> {
    if a != b {
        return fail(format!(
            "{op}: {} ({a} elements) and {} ({b} elements) must have the same length",
            names[0], names[1]
        ));
    }
    Ok(())
}

pub fn axis(op: &str, name: &str, value: f64, rank: usize) -> Result<usize> {
    let a = dim(op, name, value)?;
    if a >= rank {
        return fail(format!(
            "{op}: {name} must be in [0, {rank}), received {value}"
        ));
    }
    Ok(a)
}
