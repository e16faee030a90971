/** The timing loop shared by every in-process runner (the numpy script mirrors it in Python). */

export interface Timing {
  /** Untimed runs first, and keep warming for at least `warmupSeconds` (JIT tiers, caches). */
  warmup: number;
  warmupSeconds: number;
  /** Stop once both of these are reached... */
  minRuns: number;
  minSeconds: number;
  /** ...or at `maxRuns`, or after `maxSeconds` once `floorRuns` are in (slow peers at 1024³). */
  maxRuns: number;
  maxSeconds: number;
  floorRuns: number;
}

export const fullTiming: Timing = { warmup: 1, warmupSeconds: 0.3, minRuns: 5, minSeconds: 1, maxRuns: 200, maxSeconds: 8, floorRuns: 3 };
export const quickTiming: Timing = {
  warmup: 1,
  warmupSeconds: 0.05,
  minRuns: 3,
  minSeconds: 0.15,
  maxRuns: 50,
  maxSeconds: 1.5,
  floorRuns: 1,
};

/** A measured cell, or why there is none ("n/a: ..."). */
export type Cell = { ok: true; medianMs: number; runs: number } | { ok: false; reason: string };

export async function timeIt(step: () => unknown, timing: Timing): Promise<Cell> {
  const warmStart = performance.now();
  for (let i = 0; i < timing.warmup || performance.now() - warmStart < timing.warmupSeconds * 1000; i++) await step();
  const samples: number[] = [];
  const start = performance.now();
  for (;;) {
    const t0 = performance.now();
    const r = step();
    if (r instanceof Promise) await r;
    samples.push(performance.now() - t0);
    const elapsed = (performance.now() - start) / 1000;
    const n = samples.length;
    if (
      (n >= timing.minRuns && elapsed >= timing.minSeconds) ||
      n >= timing.maxRuns ||
      (elapsed >= timing.maxSeconds && n >= timing.floorRuns)
    )
      break;
  }
  return { ok: true, medianMs: median(samples), runs: samples.length };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
