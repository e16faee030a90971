import { AllocationError, ArgumentTypeError, DTypeError, ValueError } from './errors.ts';
import { nodeBuiltin } from './runtime.ts';

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

/** The largest typed array V8 (Node, Deno, Chrome) can make: 2^32 elements. */
export const maxElements = 2 ** 32;

interface OsMemory {
  totalmem?: () => number;
  freemem?: () => number;
}

let os: OsMemory | null | undefined;

function nodeOs(): OsMemory | null {
  if (os === undefined) {
    try {
      os = nodeBuiltin<OsMemory>('node:os');
    } catch {
      os = null;
    }
  }
  return os;
}

/** Below this a request is never compared with the free memory (reading it costs a system call). */
const LARGE_BYTES = 64 * 2 ** 20;

/**
 * Why `bytes` cannot be had, or null when it can: more than the machine's memory, or (for
 * requests over 64 MiB) more than is available now (Node: os.totalmem() and os.freemem();
 * other runtimes do not tell, and there only the typed-array limit applies). Such a tensor
 * would not be refused by the allocator, which maps pages lazily; it would fail later, when
 * written, in an OOM kill of the whole process.
 */
export function memoryShortfall(bytes: number): string | null {
  if (bytes <= LARGE_BYTES) return null;
  const m = nodeOs();
  const total = m?.totalmem?.();
  if (typeof total === 'number' && total > 0 && bytes > total) return `more than this machine's ${gib(total)} of memory`;
  const free = m?.freemem?.();
  if (typeof free === 'number' && free > 0 && bytes > free) return `more than the ${gib(free)} of memory available now`;
  return null;
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

const BYTES_PER: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };

/**
 * Zero-filled storage; every op's output comes from here, so no op can return memory it did
 * not write (a backend that skips an element leaves a 0, never a freed tensor's values).
 * Sizes the runtime cannot provide throw a NeuriteError instead of a bare RangeError.
 */
export function allocate(dtype: 'float32', size: number, fn?: string): Float32Array;
export function allocate(dtype: 'float64', size: number, fn?: string): Float64Array;
export function allocate(dtype: FloatDType, size: number, fn?: string): FloatArray;
export function allocate(dtype: DType, size: number, fn?: string): TypedArray;
export function allocate(dtype: DType, size: number, fn = 'allocate'): TypedArray {
  const bytes = size * BYTES_PER[dtype];
  const short = size > maxElements ? `more than the ${maxElements} elements a typed array holds` : memoryShortfall(bytes);
  if (short !== null) throw new ValueError(`${fn}: cannot allocate ${size} ${dtype} elements (${bytes} bytes), ${short}`);
  try {
    switch (dtype) {
      case 'float32':
        return new Float32Array(size);
      case 'float64':
        return new Float64Array(size);
      case 'int32':
        return new Int32Array(size);
    }
  } catch (error) {
    if (error instanceof RangeError) {
      throw new AllocationError(
        `${fn}: unable to allocate ${size * BYTES_PER[dtype]} bytes for ${size} ${dtype} elements (${error.message})`,
      );
    }
    throw error;
  }
  throw new DTypeError(`${fn}: dtype must be one of 'float32', 'float64', 'int32', received ${String(dtype)}`);
}

interface NodeBuffer {
  allocUnsafeSlow?: (size: number) => Uint8Array;
}

let nodeBufferModule: NodeBuffer | null | undefined;

function nodeBuffer(): NodeBuffer | null {
  if (nodeBufferModule === undefined) {
    try {
      nodeBufferModule = nodeBuiltin<{ Buffer: NodeBuffer }>('node:buffer').Buffer;
    } catch {
      nodeBufferModule = null;
    }
  }
  return nodeBufferModule;
}

/** Below this, `allocateOverwritten` zero-fills too: calloc's memset is cheap on a few pages. */
export const UNINITIALIZED_MIN_BYTES = 1 << 18;

/**
 * Storage for a result that a backend declaring `overwritesOutputs` writes whole before the
 * op returns it (its elementwise ops, activations, and products with beta = 0; the
 * conformance suite hands it NaN-filled outputs to check). Under Node, 256 KiB and more come
 * from `Buffer.allocUnsafeSlow`, which skips the zero-fill that `new Float32Array` pays on
 * memory the kernel overwrites anyway: for a fresh 4 MB output, 0.35 ms of the 0.5 ms that a
 * 1M-element float32 exp took on a Zen 4 (numpy's outputs are uninitialized too). If the
 * kernel throws, the storage is dropped unseen. `tensor` uses it for the copy it makes of a
 * typed array, which `set` overwrites whole. Elsewhere, and for smaller sizes, `allocate`.
 */
export function allocateOverwritten(dtype: FloatDType, size: number, fn?: string): FloatArray;
export function allocateOverwritten(dtype: DType, size: number, fn?: string): TypedArray;
export function allocateOverwritten(dtype: DType, size: number, fn = 'allocate'): TypedArray {
  const bytes = size * BYTES_PER[dtype];
  const unsafe = bytes >= UNINITIALIZED_MIN_BYTES ? nodeBuffer()?.allocUnsafeSlow : undefined;
  if (typeof unsafe !== 'function' || !(size <= maxElements) || memoryShortfall(bytes) !== null) return allocate(dtype, size, fn);
  let view: Uint8Array;
  try {
    view = unsafe(bytes);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new AllocationError(`${fn}: unable to allocate ${bytes} bytes for ${size} ${dtype} elements (${error.message})`);
    }
    throw error;
  }
  if (dtype === 'float64') return new Float64Array(view.buffer, view.byteOffset, size);
  return dtype === 'int32' ? new Int32Array(view.buffer, view.byteOffset, size) : new Float32Array(view.buffer, view.byteOffset, size);
}

/** An op's output storage: `allocate`'s zero-filled storage (the name older op files use). */
export function allocateOutput(dtype: FloatDType, size: number, fn = 'allocate'): FloatArray {
  return allocate(dtype, size, fn);
}

export function dtypeOf(data: TypedArray, fn = 'Tensor', arg = 'data'): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  const Cls = ArrayBuffer.isView(data) ? DTypeError : ArgumentTypeError;
  throw new Cls(`${fn}: ${arg} must be a Float32Array, Float64Array or Int32Array, received ${describe(data)}`);
}

/** The float dtype two operands compute in: float64 wins, int32 yields to either float. */
export function promote(a: DType, b: DType): FloatDType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}

export function toFloat(dtype: DType): FloatDType {
  return dtype === 'float64' ? 'float64' : 'float32';
}

/** A short description for messages (validate.ts's describeValue says more, but needs Tensor). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') return `${JSON.stringify(value)} (a string)`;
  if (typeof value === 'bigint') return `${value}n (a bigint)`;
  if (typeof value === 'object') return 'an object';
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'undefined' ? String(value) : `a ${typeof value}`;
}
