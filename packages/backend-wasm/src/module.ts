import { WASM_BASE64 } from './generated/module.ts';

/**
 * The compiled kernels (assembly/, built by scripts/build-wasm.mjs) and what it takes to run
 * them. The bytes are embedded in this package's JavaScript, so a bundler, Node, Deno or Bun
 * loads them like any module: no file to fetch, no loader to configure.
 */
export interface Kernels {
  heapBase(): number;
  gemmScratchBytes(): number;
  gemm32: GemmFn;
  gemm64: GemmFn;
  unary32(op: number, x: number, out: number, n: number, alpha: number): void;
  unary64(op: number, x: number, out: number, n: number, alpha: number): void;
  clip32(x: number, lo: number, hi: number, out: number, n: number): void;
  clip64(x: number, lo: number, hi: number, out: number, n: number): void;
  binary32: BinaryFn;
  binary64: BinaryFn;
  where32: WhereFn;
  where64: WhereFn;
  reduce32(op: number, x: number, outer: number, len: number, inner: number, out: number, scratch: number): void;
  reduce64(op: number, x: number, outer: number, len: number, inner: number, out: number, scratch: number): void;
  softmax32(x: number, outer: number, len: number, inner: number, out: number, log: boolean): void;
  softmax64(x: number, outer: number, len: number, inner: number, out: number, log: boolean): void;
  biasActivation32(act: number, z: number, rows: number, cols: number, b: number, alpha: number): void;
  biasActivation64(act: number, z: number, rows: number, cols: number, b: number, alpha: number): void;
  activationBackward32(act: number, d: number, a: number, out: number, n: number, alpha: number): void;
  activationBackward64(act: number, d: number, a: number, out: number, n: number, alpha: number): void;
  sgdUpdate32(param: number, grad: number, n: number, lr: number): void;
  sgdUpdate64(param: number, grad: number, n: number, lr: number): void;
  adamUpdate32: AdamFn;
  adamUpdate64: AdamFn;
}

export type GemmFn = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: number,
  b: number,
  beta: number,
  c: number,
  part: number,
  parts: number,
  scratch: number,
) => void;
type BinaryFn = (
  op: number,
  a: number,
  ao: number,
  ai: number,
  b: number,
  bo: number,
  bi: number,
  out: number,
  outer: number,
  n: number,
) => void;
type WhereFn = (
  c: number,
  co: number,
  ci: number,
  a: number,
  ao: number,
  ai: number,
  b: number,
  bo: number,
  bi: number,
  out: number,
  outer: number,
  n: number,
) => void;
type AdamFn = (
  param: number,
  grad: number,
  m: number,
  v: number,
  n: number,
  lr: number,
  b1: number,
  b2: number,
  /** 1 - b1 and 1 - b2, computed in float64. */
  one1: number,
  one2: number,
  eps: number,
  c1: number,
  c2: number,
) => void;

/** The memory the module imports: 64 KiB pages, up to 4 GiB (wasm32's whole address space). */
export const MAX_PAGES = 65536;

let bytes: Uint8Array | undefined;

/** The module's bytes, decoded once. */
export function wasmBytes(): Uint8Array {
  if (!bytes) {
    const text = atob(WASM_BASE64);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  }
  return bytes;
}

/**
 * The module's bytes with its memory import marked shared (limits flag 0x01 -> 0x03), for
 * threads: one build serves both, since the kernels use no atomics themselves and a memory
 * import must match the memory's sharedness exactly.
 */
export function sharedVariant(source: Uint8Array): Uint8Array {
  const out = source.slice();
  const at = memoryLimitsOffset(out);
  if (out[at] !== 0x01) throw new Error(`@neurite/backend-wasm: unexpected memory import flags ${out[at]} (expected a maximum, 0x01)`);
  out[at] = 0x03;
  return out;
}

/** Offset of the memory import's limits flag byte, found by walking the import section. */
function memoryLimitsOffset(b: Uint8Array): number {
  let p = 8;
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = b[p++];
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  };
  while (p < b.length) {
    const id = b[p++];
    const size = leb();
    const end = p + size;
    if (id === 2) {
      const count = leb();
      for (let i = 0; i < count; i++) {
        // Read the length before moving p: `p += leb()` would add it to p's old value.
        const moduleName = leb();
        p += moduleName;
        const fieldName = leb();
        p += fieldName;
        const kind = b[p++];
        if (kind === 2) return p;
        if (kind === 0) leb();
        else if (kind === 1) {
          p++;
          const flags = b[p++];
          leb();
          if (flags & 1) leb();
        } else if (kind === 3) p += 2;
        else throw new Error(`@neurite/backend-wasm: unexpected import kind ${kind}`);
      }
    }
    p = end;
  }
  throw new Error('@neurite/backend-wasm: the module imports no memory');
}
