import { threadInfo } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import { nativeInfo } from '../src/index.ts';

/**
 * scripts/test-matrix.mjs runs the native suites again with NEURITE_GEMM, NEURITE_THREADS,
 * RAYON_NUM_THREADS and OPENBLAS_NUM_THREADS set; a setting that did not reach the kernels would
 * make those runs repeat the default one and prove nothing. (OPENBLAS_CORETYPE is read inside
 * the statically linked OpenBLAS, which this addon does not report on.)
 */
const env = process.env;

describe('the environment a test-matrix run asks for is the one the kernels use', () => {
  it.runIf(env.NEURITE_GEMM)('NEURITE_GEMM chooses the native GEMM provider', () => {
    expect(nativeInfo().gemmProvider).toBe(env.NEURITE_GEMM);
  });

  it.runIf(env.RAYON_NUM_THREADS)("RAYON_NUM_THREADS sizes the native kernels' thread pool", () => {
    expect(nativeInfo().threads).toBe(Number(env.RAYON_NUM_THREADS));
  });

  it.runIf(env.NEURITE_THREADS)("NEURITE_THREADS sizes the js backend's GEMM pool", () => {
    expect(threadInfo().threads).toBe(Number(env.NEURITE_THREADS));
  });

  it('without settings: every native provider is listed and the pools use at least one thread', () => {
    const info = nativeInfo();
    expect(info.gemmProviders).toContain(info.gemmProvider);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(threadInfo().threads).toBeGreaterThanOrEqual(1);
  });
});
