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
  /** End-to-end training workloads (see timeTraining). */
  train: TrainTiming;
}

/**
 * Training: warm up (≥ warmupIterations and ≥ warmupSeconds, at most maxWarmupIterations), then
 * time windows of consecutive iterations. A window is 100 iterations (one cost read-back each),
 * or a multiple of 100 up to 1000 for fast runners so one window lasts about windowSeconds, or
 * fewer than 100 (at least minWindowIterations) for runners too slow to do 50 in windowSeconds.
 * Windows are timed until ≥ minWindows and ≥ minSeconds, or maxWindows, or maxSeconds once
 * floorWindows are in. A cell is the median over windows of window time / window iterations.
 */
export interface TrainTiming {
  warmupIterations: number;
  maxWarmupIterations: number;
  warmupSeconds: number;
  windowSeconds: number;
  minWindowIterations: number;
  minWindows: number;
  minSeconds: number;
  maxWindows: number;
  maxSeconds: number;
  floorWindows: number;
}

export const fullTiming: Timing = {
  warmup: 1,
  warmupSeconds: 0.3,
  minRuns: 5,
  minSeconds: 1,
  maxRuns: 200,
  maxSeconds: 8,
  floorRuns: 3,
  train: {
    warmupIterations: 3,
    maxWarmupIterations: 300,
    warmupSeconds: 1,
    windowSeconds: 1,
    minWindowIterations: 2,
    minWindows: 7,
    minSeconds: 3,
    maxWindows: 30,
    maxSeconds: 15,
    floorWindows: 3,
  },
};
export const quickTiming: Timing = {
  warmup: 1,
  warmupSeconds: 0.05,
  minRuns: 3,
  minSeconds: 0.15,
  maxRuns: 50,
  maxSeconds: 1.5,
  floorRuns: 1,
  train: {
    warmupIterations: 2,
    maxWarmupIterations: 100,
    warmupSeconds: 0.2,
    windowSeconds: 0.25,
    minWindowIterations: 1,
    minWindows: 3,
    minSeconds: 0.5,
    maxWindows: 10,
    maxSeconds: 1.5,
    floorWindows: 2,
  },
};

/** A measured cell, or why there is none ("n/a: ..."). For training, medianMs is per iteration and runs counts windows. */
export type Cell =
  | {
      ok: true;
      medianMs: number;
      runs: number;
      train?: TrainStats;
      rss?: RssStats;
      /** LeNet: the loss of the first batch at the initial weights, which every runner should agree on. */
      loss0?: number;
      /** Estimated: timed over this many batches of the epoch and scaled to all of them. */
      estimatedFrom?: number;
    }
  | { ok: false; reason: string };

/** A fresh child's peak resident set (KB) after the workload, and before its inputs existed. */
export interface RssStats {
  peakKB: number;
  startKB: number;
}

export interface TrainStats {
  /** Iterations per timed window. */
  windowIterations: number;
  /** Iterations run in all (warm-up included). */
  iterationsRun: number;
  /** The process's peak resident set (KB) at the end, and before the workload's data existed. */
  peakRssKB: number;
  startRssKB: number;
  /** [iteration, cost] read back at iterations 0 and 100 (when reached): every runner should agree. */
  costs: [number, number][];
}

/** One training iteration with its global index; returns the cost when it read one back. */
export type Iterate = (i: number) => number | undefined;

export async function timeTraining(
  iterate: Iterate,
  t: TrainTiming,
): Promise<{ medianMs: number; runs: number; windowIterations: number; iterationsRun: number; costs: [number, number][] }> {
  const costs: [number, number][] = [];
  let i = 0;
  const run = () => {
    const cost = iterate(i);
    if (cost !== undefined && i <= 100) costs.push([i, cost]);
    i++;
  };
  const warmStart = performance.now();
  while (i < t.warmupIterations || (i < t.maxWarmupIterations && performance.now() - warmStart < t.warmupSeconds * 1000)) run();
  const perIteration = (performance.now() - warmStart) / i;
  const budget = (t.windowSeconds * 1000) / perIteration;
  const windowIterations =
    budget >= 50 ? 100 * Math.min(10, Math.max(1, Math.floor(budget / 100))) : Math.max(t.minWindowIterations, Math.floor(budget));
  const samples: number[] = [];
  const start = performance.now();
  for (;;) {
    const t0 = performance.now();
    for (let k = 0; k < windowIterations; k++) run();
    samples.push((performance.now() - t0) / windowIterations);
    const elapsed = (performance.now() - start) / 1000;
    const n = samples.length;
    if ((n >= t.minWindows && elapsed >= t.minSeconds) || n >= t.maxWindows || (elapsed >= t.maxSeconds && n >= t.floorWindows)) break;
  }
  return { medianMs: median(samples), runs: samples.length, windowIterations, iterationsRun: i, costs };
}

export async function timeIt(step: () => unknown, timing: Timing): Promise<Cell> {
  const warmStart = performance.now();
  await step();
  // A single run longer than maxSeconds (tfjs-cpu's convolution gradients take minutes) is its own
  // measurement: warming it up would not change it, and repeating it would take the run hostage.
  const first = performance.now() - warmStart;
  if (first > timing.maxSeconds * 1000) return { ok: true, medianMs: first, runs: 1 };
  for (let i = 1; i < timing.warmup || performance.now() - warmStart < timing.warmupSeconds * 1000; i++) await step();
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
