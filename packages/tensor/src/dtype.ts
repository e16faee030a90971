import { DTypeError } from './errors.ts';

/**
 * Float dtypes carry the math; int32 exists only for indices (argMax output,
 * gather indices). Arithmetic on int32 promotes to float, like TensorFlow and PyTorch
 * (numpy would go to float64 for int32 + float32; we keep float32 to stay fast).
 */
export type FloatDType = 'float32' | 'float64';
export type DType = FloatDType | 'int32';
export type FloatArray = Float32Array | Float64Array;
export type TypedArray = Float32Array | Float64Array | Int32Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

export function assertDType(dtype: unknown, arg = 'dtype'): DType {
  if (dtype === 'float32' || dtype === 'float64' || dtype === 'int32') return dtype;
  throw new DTypeError(`${arg}: expected one of 'float32', 'float64', 'int32', received ${JSON.stringify(dtype)}`);
}

export function assertFloatDType(dtype: unknown, arg = 'dtype'): FloatDType {
  if (dtype === 'float32' || dtype === 'float64') return dtype;
  throw new DTypeError(`${arg}: expected 'float32' or 'float64', received ${JSON.stringify(dtype)}`);
}

export function allocate(dtype: 'float32', size: number): Float32Array;
export function allocate(dtype: 'float64', size: number): Float64Array;
export function allocate(dtype: FloatDType, size: number): FloatArray;
export function allocate(dtype: DType, size: number): TypedArray;
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
  }
}

/** Node's Buffer where there is one (not in browsers), for `allocateOutput`. */
const nodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow?: (size: number) => Uint8Array } }).Buffer;
const UNINITIALIZED_MIN_BYTES = 1 << 18;

/**
 * Storage for an op's output that the backend overwrites whole: a GEMM with beta = 0 (BLAS
 * ignores what C held, NaN included), an elementwise op, an activation. Every backend does
 * (the conformance suite fills outputs with NaN to check). Under Node, a large one skips the
 * zero-fill `new Float32Array` pays for: a 4 MB calloc's memset measured 0.3 ms of a 1024x1024
 * product's 7.7 ms, on memory the op then writes anyway (numpy's outputs are uninitialized too).
 * Elsewhere, and below 256 KiB, it is `allocate`.
 */
export function allocateOutput(dtype: FloatDType, size: number): FloatArray {
  const bytes = size * (dtype === 'float64' ? 8 : 4);
  if (bytes < UNINITIALIZED_MIN_BYTES || typeof nodeBuffer?.allocUnsafeSlow !== 'function') return allocate(dtype, size);
  const bytesView = nodeBuffer.allocUnsafeSlow(bytes);
  return dtype === 'float64'
    ? new Float64Array(bytesView.buffer, bytesView.byteOffset, size)
    : new Float32Array(bytesView.buffer, bytesView.byteOffset, size);
}

export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  throw new DTypeError(`expected a Float32Array, Float64Array or Int32Array, received ${describe(data)}`);
}

/** The float dtype two operands compute in: float64 wins, int32 yields to either float. */
export function promote(a: DType, b: DType): FloatDType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}

export function toFloat(dtype: DType): FloatDType {
  return dtype === 'float64' ? 'float64' : 'float32';
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (Array.isArray(value)) return 'Array';
  return typeof value;
}
