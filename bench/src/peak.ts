import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The machine's measured FMA peak (peak/fma_peak.c, compiled here with the system's C compiler):
 * GFLOPS of independent vector FMA chains on 1 thread and on every CPU, in float32 and float64,
 * with AVX2 and, where the CPU has it, AVX-512. The "% of peak" figures divide a measured rate by
 * the best of these for the dtype on every CPU: what the hardware allows, not a datasheet number.
 */
export interface Peak {
  threads: number;
  avx2?: { float32: [number, number]; float64: [number, number] };
  avx512?: { float32: [number, number]; float64: [number, number] };
}

export function measurePeak(): Peak | string {
  const source = fileURLToPath(new URL('../peak/fma_peak.c', import.meta.url));
  const binary = join(mkdtempSync(join(os.tmpdir(), 'neurite-peak-')), 'fma_peak');
  try {
    execFileSync(process.env.CC ?? 'cc', ['-O3', '-pthread', '-o', binary, source], { stdio: 'pipe' });
    return JSON.parse(execFileSync(binary, [String(os.cpus().length)], { encoding: 'utf8', timeout: 120_000 })) as Peak;
  } catch (error) {
    return `no FMA peak measured (${(error as Error).message.split('\n')[0]})`;
  }
}

/** The highest measured all-thread rate for `dtype`, and which instructions reached it. */
export function peakFor(peak: Peak, dtype: 'float32' | 'float64'): { gflops: number; isa: string } {
  const all = [
    { isa: 'AVX-512', gflops: peak.avx512?.[dtype][1] ?? 0 },
    { isa: 'AVX2', gflops: peak.avx2?.[dtype][1] ?? 0 },
  ];
  return all.reduce((a, b) => (b.gflops > a.gflops ? b : a));
}

export function describePeak(peak: Peak | string): string {
  if (typeof peak === 'string') return peak;
  const row = (isa: string, p: Peak['avx2']) =>
    p ? `${isa} float32 ${p.float32[0]} / ${p.float32[1]}, float64 ${p.float64[0]} / ${p.float64[1]}` : undefined;
  const parts = [row('AVX2', peak.avx2), row('AVX-512', peak.avx512)].filter(Boolean);
  return `measured FMA peak, GFLOPS on 1 / ${peak.threads} threads (bench/peak/fma_peak.c): ${parts.join('; ')}`;
}

/** Floating-point operations of one training iteration: forward Z = W·A, dW = dZ·A_prevᵀ, dA_prev = Wᵀ·dZ above layer 1. */
export function trainFlops(dims: readonly number[], m: number): number {
  let flops = 0;
  for (let l = 1; l < dims.length; l++) {
    const macs = dims[l] * dims[l - 1] * m;
    flops += 2 * macs * (l > 1 ? 3 : 2);
  }
  return flops;
}
