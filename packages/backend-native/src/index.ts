/**
 * @neurite/backend-native: the Rust kernels of native/ behind @neurite/tensor's Backend
 * contract. Installing the package is enough: @neurite/tensor's discovery requires it and
 * registers `neuriteBackend`, whose priority (10) beats the built-in `js` (1).
 */
import type { BackendImpl, BackendPlugin } from '@neurite/tensor';
import { createNativeBackend } from './backend.ts';
import type { NativeBinding } from './binding.ts';
import { type LoadedBinding, loadBinding } from './loader.ts';

export { ALWAYS_NATIVE, type Crossover, createNativeBackend, SMALL } from './backend.ts';
export type { NativeArray, NativeBinding } from './binding.ts';
export { platformTriple } from './loader.ts';

let loaded: LoadedBinding | null = null;

/** The raw addon (throws, in one line, when it cannot be loaded). */
export function nativeBinding(): NativeBinding {
  loaded ??= loadBinding();
  return loaded.binding;
}

export interface NativeInfo {
  /** Path or package the addon was loaded from. */
  from: string;
  gemmProvider: string;
  gemmProviders: string[];
  threads: number;
}

export function nativeInfo(): NativeInfo {
  const b = nativeBinding();
  return { from: loaded?.from ?? '', gemmProvider: b.gemmProvider(), gemmProviders: b.gemmProviders(), threads: b.threads() };
}

/** Chooses the GEMM provider ('openblas' or 'pure') for every following matmul. */
export function setGemmProvider(name: string): void {
  nativeBinding().setGemmProvider(name);
}

export function loadNativeBackend(): BackendImpl {
  return createNativeBackend(nativeBinding());
}

/** What @neurite/tensor's discovery reads. */
export const neuriteBackend: BackendPlugin = {
  name: 'native',
  priority: 10,
  load: loadNativeBackend,
};
