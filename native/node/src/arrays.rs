//! Typed-array arguments, borrowed zero-copy.
//!
//! We read the typed array's element type, data pointer and length ourselves (rather than
//! napi's `&[f32]` conversion) so that a wrong array type gets a message naming the argument
//! and the expected type, and so that overlapping arrays are rejected before any `&mut`
//! slice exists: an output aliasing an input would be undefined behaviour in Rust.

use napi::bindgen_prelude::{FromNapiValue, TypeName, ValidateNapiValue};
use napi::{sys, Error, Status, ValueType};
use neurite_kernels::KernelError;
use std::ptr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    F32,
    F64,
    I32,
    Other(i32),
}

impl Kind {
    pub fn js_name(self) -> String {
        match self {
            Kind::F32 => "Float32Array".into(),
            Kind::F64 => "Float64Array".into(),
            Kind::I32 => "Int32Array".into(),
            Kind::Other(t) => format!(
                "{} (typed array kind {t})",
                OTHER_NAMES.get(t as usize).copied().unwrap_or("TypedArray")
            ),
        }
    }

    fn bytes(self) -> usize {
        match self {
            Kind::F64 => 8,
            _ => 4,
        }
    }
}

const OTHER_NAMES: [&str; 12] = [
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float32Array",
    "Float64Array",
    "BigInt64Array",
    "BigUint64Array",
    "Float16Array",
];

/// A borrowed typed array: valid for the duration of the native call, during which JS
/// cannot run and so cannot detach or resize it.
pub struct Arr {
    pub kind: Kind,
    ptr: *mut u8,
    pub len: usize,
}

impl TypeName for Arr {
    fn type_name() -> &'static str {
        "Float32Array | Float64Array | Int32Array"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for Arr {}

impl FromNapiValue for Arr {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let mut is_typed = false;
        // SAFETY: env and value come from napi for this call.
        let status = unsafe { sys::napi_is_typedarray(env, value, &mut is_typed) };
        if status != sys::Status::napi_ok || !is_typed {
            return Err(Error::new(Status::InvalidArg, "expected a Float32Array, Float64Array or Int32Array, received a value that is not a typed array".to_owned()));
        }
        let (mut kind, mut len, mut data, mut buffer, mut offset) =
            (0, 0usize, ptr::null_mut(), ptr::null_mut(), 0usize);
        // SAFETY: value is a typed array (checked above).
        let status = unsafe {
            sys::napi_get_typedarray_info(
                env,
                value,
                &mut kind,
                &mut len,
                &mut data,
                &mut buffer,
                &mut offset,
            )
        };
        if status != sys::Status::napi_ok {
            return Err(Error::new(
                Status::InvalidArg,
                "could not read the typed array".to_owned(),
            ));
        }
        let kind = match kind {
            sys::TypedarrayType::float32_array => Kind::F32,
            sys::TypedarrayType::float64_array => Kind::F64,
            sys::TypedarrayType::int32_array => Kind::I32,
            t => Kind::Other(t),
        };
        let ptr = if len == 0 || data.is_null() {
            ptr::NonNull::<f64>::dangling().as_ptr().cast()
        } else {
            data.cast()
        };
        if len != 0 && data.is_null() {
            return Err(Error::new(
                Status::InvalidArg,
                "typed array has no data (detached buffer?)".to_owned(),
            ));
        }
        Ok(Arr { kind, ptr, len })
    }
}

fn span(a: &Arr) -> (usize, usize) {
    let start = a.ptr as usize;
    let bytes = if matches!(a.kind, Kind::Other(_)) {
        a.len
    } else {
        a.len * a.kind.bytes()
    };
    (start, start + bytes)
}

/// The float element type of a call, taken from its output array.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Float {
    F32,
    F64,
}

impl Arr {
    pub fn float(&self, op: &str, name: &str) -> Result<Float, KernelError> {
        match self.kind {
            Kind::F32 => Ok(Float::F32),
            Kind::F64 => Ok(Float::F64),
            k => Err(KernelError(format!(
                "{op}: {name} must be a Float32Array or Float64Array, received {}",
                k.js_name()
            ))),
        }
    }

    fn expect(&self, op: &str, name: &str, kind: Kind) -> Result<(), KernelError> {
        if self.kind != kind {
            // Float operands follow the dtype of the call's output; indices are always int32.
            let why = if kind == Kind::I32 {
                ""
            } else {
                " like the output"
            };
            return Err(KernelError(format!(
                "{op}: {name} must be a {}{why}, received {}",
                kind.js_name(),
                self.kind.js_name()
            )));
        }
        Ok(())
    }

    /// # Safety
    /// The caller must have checked with [`disjoint`] that no `&mut` view overlaps this one.
    pub unsafe fn f32s(&self, op: &str, name: &str) -> Result<&[f32], KernelError> {
        self.expect(op, name, Kind::F32)?;
        // SAFETY: ptr/len describe the live typed array (alignment is guaranteed by JS typed arrays).
        Ok(unsafe { std::slice::from_raw_parts(self.ptr as *const f32, self.len) })
    }

    /// # Safety
    /// As [`Arr::f32s`].
    pub unsafe fn f64s(&self, op: &str, name: &str) -> Result<&[f64], KernelError> {
        self.expect(op, name, Kind::F64)?;
        // SAFETY: as above.
        Ok(unsafe { std::slice::from_raw_parts(self.ptr as *const f64, self.len) })
    }

    /// # Safety
    /// As [`Arr::f32s`]; and this must be the only view of the array in use.
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn f32s_mut(&self, op: &str, name: &str) -> Result<&mut [f32], KernelError> {
        self.expect(op, name, Kind::F32)?;
        // SAFETY: as above, and exclusive by the caller's disjointness check.
        Ok(unsafe { std::slice::from_raw_parts_mut(self.ptr as *mut f32, self.len) })
    }

    /// # Safety
    /// As [`Arr::f32s_mut`].
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn f64s_mut(&self, op: &str, name: &str) -> Result<&mut [f64], KernelError> {
        self.expect(op, name, Kind::F64)?;
        // SAFETY: as above.
        Ok(unsafe { std::slice::from_raw_parts_mut(self.ptr as *mut f64, self.len) })
    }

    /// # Safety
    /// As [`Arr::f32s_mut`].
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn i32s_mut(&self, op: &str, name: &str) -> Result<&mut [i32], KernelError> {
        self.expect(op, name, Kind::I32)?;
        // SAFETY: as above.
        Ok(unsafe { std::slice::from_raw_parts_mut(self.ptr as *mut i32, self.len) })
    }
}

/// Rejects a written array that shares memory with any other argument.
pub fn disjoint(
    op: &str,
    written: &[(&str, &Arr)],
    read: &[(&str, &Arr)],
) -> Result<(), KernelError> {
    for (i, (wn, w)) in written.iter().enumerate() {
        let (ws, we) = span(w);
        if ws == we {
            continue;
        }
        let others = written
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, x)| x)
            .chain(read.iter());
        for (rn, r) in others {
            let (rs, re) = span(r);
            if rs < we && ws < re {
                return Err(KernelError(format!(
                    "{op}: {wn} shares memory with {rn}; the output must be a separate array"
                )));
            }
        }
    }
    Ok(())
}

impl Arr {
    /// A zero-length stand-in for an absent optional array.
    pub fn empty(kind: Kind) -> Arr {
        Arr {
            kind,
            ptr: ptr::NonNull::<f64>::dangling().as_ptr().cast(),
            len: 0,
        }
    }
}
