/**
 * @neurite/backend-native: the Rust kernels of native/ behind @neurite/tensor's Backend
 * contract. Installing the package is enough: @neurite/tensor's discovery requires it and
 * registers `neuriteBackend`, whose priority (10) beats the built-in `js` (1).
 */
import type { BackendImpl, BackendPlugin } from '@neurite/tensor';
import { createNativeBackend } from './backend.ts';
import type { GemmCalibration, GemmRoute, NativeBinding } from './binding.ts';
import { type LoadedBinding, loadBinding } from './loader.ts';

export { ALWAYS_NATIVE, type Crossover, createNativeBackend, SMALL } from './backend.ts';
export type { GemmCalibration, GemmRoute, NativeArray, NativeBinding } from './binding.ts';
export { NativeLoadError, platformTriple } from './loader.ts';
export { binaryPackage, NATIVE_PLATFORMS, type NativePlatform } from './platforms.ts';

let loaded: LoadedBinding | null = null;
let allocator: NativeInfo['allocator'] = 'default';

/** The raw addon (throws, in one line, when it cannot be loaded). */
export function nativeBinding(): NativeBinding {
  loaded ??= loadBinding();
  return loaded.binding;
}

/**
 * glibc keeps freed blocks up to this size in its heap for reuse (its own default moves
 * between 128 KiB and this same cap, 32 MiB, which is as high as glibc accepts)...
 */
export const MALLOC_MMAP_THRESHOLD = 32 * 2 ** 20;
/** ...and keeps up to this much free heap mapped before handing memory back to the kernel. */
export const MALLOC_TRIM_THRESHOLD = 256 * 2 ** 20;

/**
 * Tunes glibc's malloc so that the fresh output buffers of ops reuse freed memory instead of
 * faulting in new pages (see `tune_allocator` in native/node/src/lib.rs: 1.4 ms of a 1024x1024
 * product's 8.8 ms went to page faults). Done once, when the backend is first used; set
 * NEURITE_MALLOC=default to leave the allocator alone. A process-wide setting, so it is
 * reported by `nativeInfo().allocator`.
 */
function tuneAllocator(b: NativeBinding): void {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  let choice: string | undefined;
  try {
    choice = proc?.env?.NEURITE_MALLOC;
  } catch {
    // Deno without --allow-env: the default.
  }
  if (choice === 'default') return;
  allocator = b.tuneAllocator(MALLOC_MMAP_THRESHOLD, MALLOC_TRIM_THRESHOLD) ? 'tuned' : 'default';
}

export interface NativeInfo {
  /** Path or package the addon was loaded from. */
  from: string;
  /** The GEMM provider in use, or 'none' while NEURITE_GEMM names none (see `gemmProblem`). */
  gemmProvider: string;
  gemmProviders: string[];
  /** Why no provider could be chosen: an invalid NEURITE_GEMM, in words. */
  gemmProblem?: string;
  threads: number;
  /** 'tuned' once the backend has adjusted glibc's malloc thresholds, else 'default'. */
  allocator: 'tuned' | 'default';
  /** SIMD features the kernels detected at run time ('avx2', 'fma', 'avx512f', 'neon'). */
  simd: string[];
  /** How `auto` picks a provider per shape class on this machine, and what it picked so far. */
  gemmCalibration: Omit<GemmCalibration, 'features'>;
}

export function nativeInfo(): NativeInfo {
  const b = nativeBinding();
  const { features, ...calibration } = b.gemmCalibration();
  const info: NativeInfo = {
    from: loaded?.from ?? '',
    gemmProvider: 'none',
    gemmProviders: b.gemmProviders(),
    threads: b.threads(),
    allocator,
    simd: features,
    gemmCalibration: calibration,
  };
  try {
    info.gemmProvider = b.gemmProvider();
  } catch (error) {
    info.gemmProblem = (error as Error).message;
  }
  return info;
}

/**
 * Has the `auto` provider time its candidates for a product of this shape now, as it does on
 * the first product of each shape class, and returns the class's choice (null below ~1M
 * multiply-adds, which always keep the built-in rules). The choice is kept in the cache file
 * (`nativeInfo().gemmCalibration.file`) for later processes.
 */
export function calibrateGemm(
  shape: { m: number; n: number; k: number; transA?: boolean; transB?: boolean },
  dtype: 'float32' | 'float64' = 'float32',
): GemmRoute | null {
  return nativeBinding().calibrateGemm(dtype, shape.transA ?? false, shape.transB ?? false, shape.m, shape.n, shape.k);
}

/** Chooses the GEMM provider ('openblas' or 'pure') for every following matmul. */
export function setGemmProvider(name: string): void {
  nativeBinding().setGemmProvider(name);
}

export function loadNativeBackend(): BackendImpl {
  const b = nativeBinding();
  tuneAllocator(b);
  return createNativeBackend(b);
}

/** What @neurite/tensor's discovery reads. */
export const neuriteBackend: BackendPlugin = {
  name: 'native',
  priority: 10,
  load: loadNativeBackend,
};
