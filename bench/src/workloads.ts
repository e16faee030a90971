/**
 * What gets measured. A workload is plain JSON (the numpy runner receives the same list over a pipe),
 * so a new kind — say an end-to-end training loop — is a new variant of `WorkloadSpec`, a case in
 * each runner that can express it, and an entry in `rate` when it has a natural throughput unit.
 */

export type BenchDType = 'float32' | 'float64';

export interface GemmSpec {
  kind: 'gemm';
  dtype: BenchDType;
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
}

export interface ElementwiseSpec {
  kind: 'elementwise';
  op: 'sigmoid' | 'add';
  dtype: BenchDType;
  size: number;
}

export type WorkloadSpec = GemmSpec | ElementwiseSpec;

export interface Workload {
  /** Stable key, also what `--only` matches against (with the title). */
  id: string;
  title: string;
  spec: WorkloadSpec;
}

function gemm(title: string, dtype: BenchDType, M: number, N: number, K: number, transB = false): Workload {
  const id = `gemm-${dtype}-${M}x${N}x${K}${transB ? '-transB' : ''}`;
  return { id, title, spec: { kind: 'gemm', dtype, M, N, K, transA: false, transB } };
}

export const workloads: readonly Workload[] = [
  ...[128, 256, 512, 1024].map((n) => gemm(`GEMM f32 ${n}x${n}`, 'float32', n, n, n)),
  gemm('GEMM f32 (20x12288)@(12288x209): Z1 of the cat net', 'float32', 20, 209, 12288),
  gemm('GEMM f32 (20x209)@(209x12288): dA0 = W1ᵀ·dZ1 shape', 'float32', 20, 12288, 209),
  gemm('GEMM f32 (1x12288)@(12288x209): logistic regression w·X', 'float32', 1, 209, 12288),
  gemm('GEMM f32 (20x209)@(12288x209)ᵀ: dW1 = dZ1·A0ᵀ (transB)', 'float32', 20, 12288, 209, true),
  gemm('GEMM f64 1024x1024', 'float64', 1024, 1024, 1024),
  {
    id: 'sigmoid-float32-1M',
    title: 'sigmoid f32, 1M elements',
    spec: { kind: 'elementwise', op: 'sigmoid', dtype: 'float32', size: 1 << 20 },
  },
  { id: 'add-float32-1M', title: 'add f32, 1M + 1M elements', spec: { kind: 'elementwise', op: 'add', dtype: 'float32', size: 1 << 20 } },
];

export interface Rate {
  value: number;
  unit: string;
}

/** Throughput for a median time, in the unit that workload is usually quoted in. */
export function rate(spec: WorkloadSpec, ms: number): Rate | undefined {
  switch (spec.kind) {
    case 'gemm':
      return { value: (2 * spec.M * spec.N * spec.K) / (ms * 1e6), unit: 'GFLOPS' };
    case 'elementwise':
      return { value: spec.size / (ms * 1e3), unit: 'M elem/s' };
  }
}

/** The same inputs for every runner: a small seeded generator, uniform in [-1, 1). */
export function randomData(size: number, seed: number): Float64Array {
  const out = new Float64Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}
