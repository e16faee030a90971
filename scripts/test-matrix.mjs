// The machines Neurite's users have, on this one: the suites that run native kernels, again
// under other OpenBLAS kernel families (OPENBLAS_CORETYPE), both GEMM providers (NEURITE_GEMM)
// and 1 or 2 threads for every pool (the js GEMM workers, rayon, OpenBLAS). A tolerance tuned
// to one machine's rounding fails here rather than on a user's CPU.
//
// OPENBLAS_CORETYPE forces the kernels of one CPU family (our addon links Debian's
// DYNAMIC_ARCH OpenBLAS 0.3.21, which knows every name below); a family is only run where this
// CPU has its instructions, since forcing AVX-512 kernels on a CPU without them is SIGILL.
// `pure` (the gemm crate) picks its own kernels, so it runs once per thread count.
import { readFileSync } from 'node:fs';

/** The instructions each OpenBLAS family's kernels use (/proc/cpuinfo flag names). */
const NEEDS = {
  SkylakeX: ['avx512f', 'avx512dq', 'avx512bw', 'avx512vl', 'avx2', 'fma'],
  Haswell: ['avx2', 'fma'],
  Zen: ['avx2', 'fma'],
  Sandybridge: ['avx'],
  Nehalem: ['sse4_2'],
};

/** The suites whose results go through native kernels or the js GEMM pool. */
const NATIVE_SUITES = [
  'packages/backend-native/test/conformance.test.ts',
  'packages/backend-native/test/differential.test.ts',
  'packages/backend-native/test/binding.test.ts',
  'packages/backend-native/test/environment.test.ts',
  'packages/backend-native/test/boundaries.test.ts',
  'packages/backend-native/test/fuzz.test.ts',
  'packages/tensor/test/gemm.test.ts',
  'packages/tensor/test/threads.test.ts',
  'packages/layers/test/',
  'packages/losses/test/',
  'packages/optimizers/test/',
  'examples/test/',
];

/**
 * Each entry: a kernel family (or none: the CPU's own), a GEMM provider, a thread count.
 * The main vitest run already covers this CPU's own family with `auto` and 2 threads.
 * Haswell is what a Zen 4/5 with OPENBLAS_CORETYPE=Haswell runs; Sandybridge is AVX without
 * FMA, Nehalem SSE only (old CPUs, and VMs that hide AVX).
 */
export const MATRIX = [
  { coretype: 'SkylakeX', gemm: 'openblas', threads: 2 },
  { coretype: 'Haswell', gemm: 'auto', threads: 2 },
  { coretype: 'Haswell', gemm: 'openblas', threads: 1 },
  { coretype: 'Zen', gemm: 'auto', threads: 1 },
  { coretype: 'Sandybridge', gemm: 'openblas', threads: 2 },
  { coretype: 'Sandybridge', gemm: 'auto', threads: 1 },
  { coretype: 'Nehalem', gemm: 'auto', threads: 2 },
  { coretype: null, gemm: 'pure', threads: 1 },
  { coretype: null, gemm: 'pure', threads: 2 },
  { coretype: null, gemm: 'small', threads: 2 },
  { coretype: 'Haswell', suite: 'cargo', threads: 1 },
  { coretype: 'Sandybridge', suite: 'cargo', threads: 2 },
]
  .filter((e) => e.coretype === null || cpuHas(NEEDS[e.coretype]))
  .map((e) => ({
    ...e,
    name: [e.coretype ?? 'own kernels', e.gemm && `gemm ${e.gemm}`, `${e.threads} thread${e.threads > 1 ? 's' : ''}`]
      .filter(Boolean)
      .join(', '),
    files: NATIVE_SUITES,
  }));

/** The environment of one matrix run; NEURITE_MATRIX tells environment.test.ts what to verify. */
export function matrixEnv(entry) {
  const threads = String(entry.threads);
  return {
    ...(entry.coretype ? { OPENBLAS_CORETYPE: entry.coretype } : {}),
    ...(entry.gemm ? { NEURITE_GEMM: entry.gemm } : {}),
    NEURITE_THREADS: threads,
    RAYON_NUM_THREADS: threads,
    OPENBLAS_NUM_THREADS: threads,
    NEURITE_MATRIX: '1',
  };
}

function cpuHas(flags) {
  let info = '';
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return false;
  }
  const line = info.split('\n').find((l) => l.startsWith('flags')) ?? '';
  const have = new Set(line.split(':')[1]?.trim().split(/\s+/));
  return flags.every((f) => have.has(f));
}
