import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { RunnerReport } from './isolate.ts';
import type { Cell } from './measure.ts';
import { type Peak, peakFor, trainFlops } from './peak.ts';
import { rate, type Workload } from './workloads.ts';

/** Rendering only: a markdown table with one column per runner and one per (Neurite runner, peer) ratio. */

export type Results = readonly RunnerReport[];

export function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {
    // Not Linux: fall through to what Node knows.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}

/** The measured peak (peak.ts) set by main before rendering, for the "% of peak" figures. */
let measuredPeak: Peak | undefined;
export function usePeak(peak: Peak | string): void {
  measuredPeak = typeof peak === 'string' ? undefined : peak;
}

/** ", 57% of peak" for a GFLOPS rate in `dtype`, when a peak was measured. */
function ofPeak(gflops: number, dtype: 'float32' | 'float64'): string {
  if (!measuredPeak) return '';
  const p = peakFor(measuredPeak, dtype);
  return p.gflops > 0 ? `, ${((100 * gflops) / p.gflops).toFixed(0)}% of peak` : '';
}

function formatCell(w: Workload, cell: Cell | undefined): string {
  if (!cell) return '–';
  if (!cell.ok) return cell.reason.startsWith('n/a') ? 'n/a' : 'failed';
  const r = rate(w.spec, cell.medianMs);
  const peak = r?.unit === 'GFLOPS' && 'dtype' in w.spec ? ofPeak(r.value, w.spec.dtype) : '';
  const value = r ? ` (${r.value >= 100 ? r.value.toFixed(0) : r.value.toFixed(2)} ${r.unit}${peak})` : '';
  // ≈: timed over the first batches of the epoch and scaled (a runner whose step takes seconds).
  return `${cell.estimatedFrom ? '≈' : ''}${formatMs(cell.medianMs)} ms${value}`;
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
}

function ratioCells(w: Workload, ratioPairs: [RunnerReport, RunnerReport][]): string[] {
  return ratioPairs.map(([o, p]) => {
    const a = o.cells.get(w.id);
    const b = p.cells.get(w.id);
    return a?.ok && b?.ok ? `${(b.medianMs / a.medianMs).toFixed(2)}x` : 'n/a';
  });
}

const mdTable = (header: string[], rows: string[][]): string => {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
};

/**
 * The training workloads: time per iteration with the estimated total for the course's
 * iteration count (and ratios), each runner's peak RSS, and the costs every runner read back.
 */
export function trainingTables(workloads: readonly Workload[], results: Results): string {
  const active = results.filter((r) => !r.skipped);
  const ratioPairs = pairs(active);
  const iterations = (w: Workload) => (w.spec.kind === 'train' ? w.spec.iterations : 0);
  const timeRows = workloads.map((w) => [
    w.title,
    ...active.map((r) => {
      const c = r.cells.get(w.id);
      if (!c?.ok) return c ? (c.reason.startsWith('n/a') ? 'n/a' : 'failed') : '–';
      const flops = w.spec.kind === 'train' ? trainFlops(w.spec.dims, w.spec.m) : 0;
      const gflops = flops / (c.medianMs * 1e6);
      const peak = measuredPeak && gflops >= 1 ? `; ${gflops.toFixed(0)} GFLOPS${ofPeak(gflops, 'float32')}` : '';
      return `${formatMs(c.medianMs)} ms (${formatSeconds(c.medianMs * iterations(w))}${peak})`;
    }),
    ...ratioCells(w, ratioPairs),
  ]);
  const rssRows = workloads.map((w) => [
    w.title,
    ...active.map((r) => {
      const t = r.cells.get(w.id);
      if (!t?.ok || !t.train) return '–';
      const mb = (kb: number) => (kb / 1024).toFixed(0);
      return `${mb(t.train.peakRssKB)} MB (+${mb(t.train.peakRssKB - t.train.startRssKB)})`;
    }),
  ]);
  const costLines = workloads.map((w) => {
    const at = (it: number) =>
      active
        .map((r) => {
          const c = r.cells.get(w.id);
          const cost = c?.ok ? c.train?.costs.find(([i]) => i === it)?.[1] : undefined;
          return cost === undefined ? null : `${r.name} ${cost.toFixed(6)}`;
        })
        .filter((x) => x !== null)
        .join(', ');
    return `- ${w.title}: cost at iteration 0: ${at(0)}; at iteration 100: ${at(100) || 'not reached'}`;
  });
  const windows = workloads.flatMap((w) =>
    active.flatMap((r) => {
      const c = r.cells.get(w.id);
      return c?.ok && c.train ? [`${r.name} ${w.id.replace('train-', '')}: ${c.runs}×${c.train.windowIterations}`] : [];
    }),
  );
  return [
    '## End-to-end training',
    '',
    "Median ms per iteration (in parentheses: that times the course's iteration count, and where a run reaches 1 GFLOPS its rate, counting the products of an iteration (forward, dW, and dA above layer 1), as a share of the measured FMA peak).",
    '',
    mdTable(['workload', ...active.map((r) => `${r.name} ms/it`), ...ratioPairs.map(([o, p]) => `${o.name} vs ${p.name}`)], timeRows),
    '',
    "Peak RSS of the runner's process (a fresh child per workload; in parentheses: above its peak before the workload built its data).",
    '',
    mdTable(['workload', ...active.map((r) => `${r.name} peak RSS`)], rssRows),
    '',
    'Same data and initial weights everywhere, so the costs read back should agree (float32 rounding aside):',
    '',
    ...costLines,
    '',
    `- timed windows (count × iterations): ${windows.join('; ')}`,
    '- A window of ≥ 100 iterations includes one cost read-back per 100 (numpy: `float(...)`, tfjs: `dataSync()`),',
    '  so deferred work is paid inside the window. Warm-up: ≥ 3 iterations and ≥ 1 s (at most 300 iterations).',
  ].join('\n');
}

/** Peak RSS of the convolution workloads, each measured in a fresh child process. */
export function rssTable(workloads: readonly Workload[], results: Results): string {
  const active = results.filter((r) => !r.skipped);
  const mb = (kb: number) => (kb / 1024).toFixed(0);
  const rows = workloads.map((w) => [
    w.title,
    ...active.map((r) => {
      const c = r.cells.get(w.id);
      return c?.ok && c.rss ? `${mb(c.rss.peakKB)} MB (+${mb(c.rss.peakKB - c.rss.startKB)})` : c?.ok ? '–' : 'n/a';
    }),
  ]);
  return [
    "Convolutions and LeNet: peak RSS of the runner's process (a fresh child per workload; in parentheses: above its peak before the workload built its inputs).",
    '',
    mdTable(['workload', ...active.map((r) => `${r.name} peak RSS`)], rows),
  ].join('\n');
}

function pairs(runners: Results): [RunnerReport, RunnerReport][] {
  const ours = runners.filter((r) => r.neurite);
  const peers = runners.filter((r) => !r.neurite);
  return ours.flatMap((o) => peers.map((p): [RunnerReport, RunnerReport] => [o, p]));
}

export function table(workloads: readonly Workload[], results: Results): string {
  const active = results.filter((r) => !r.skipped);
  const ratioPairs = pairs(active);
  const header = ['workload', ...active.map((r) => `${r.name} median`), ...ratioPairs.map(([o, p]) => `${o.name} vs ${p.name}`)];
  const rows = workloads.map((w) => {
    const cellOf = (r: RunnerReport) => r.cells.get(w.id);
    const ratios = ratioPairs.map(([o, p]) => {
      const a = cellOf(o);
      const b = cellOf(p);
      return a?.ok && b?.ok ? `${(b.medianMs / a.medianMs).toFixed(2)}x` : 'n/a';
    });
    return [w.title, ...active.map((r) => formatCell(w, cellOf(r))), ...ratios];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

export function legend(results: Results, mode: string, peak?: string): string {
  const lines = [
    `- date: ${new Date().toISOString()}; mode: ${mode}`,
    ...(peak ? [`- ${peak}; "% of peak" divides a rate by the best all-thread figure of its dtype`] : []),
    `- machine: ${cpuModel()}, ${os.cpus().length} logical CPUs, ${os.platform()} ${os.arch()}; Node ${process.version}`,
    ...results.flatMap((r) => r.environment).map((e) => `- ${e}`),
    '- Every cell is the **median** wall time of repeated runs after warm-up (the machine is shared and noisy:',
    '  medians, not means; expect ±10–20% between runs). GEMM rate is 2·M·N·K / time; elementwise rate is elements / time.',
    '- `A vs B` = B median / A median: above 1 means Neurite (A) is that many times faster than B.',
    '- n/a: the library cannot express the workload (TensorFlow.js has no float64).',
    "- Each runner runs in its own Node process, so no library's global side effects touch another's timings.",
    ...results.map((r) => (r.skipped ? `- **${r.name} column skipped**: ${r.skipped}` : `- **${r.name}**: ${r.description}`)),
  ];
  return lines.join('\n');
}

/** The LeNet rows' first-batch loss at the shared initial weights: every runner computes the same network. */
export function cnnLosses(workloads: readonly Workload[], results: Results): string {
  const active = results.filter((r) => !r.skipped);
  const lines = workloads.map((w) => {
    const losses = active.flatMap((r) => {
      const c = r.cells.get(w.id);
      return c?.ok && c.loss0 !== undefined ? [`${r.name} ${c.loss0.toFixed(6)}`] : [];
    });
    return `- ${w.title}: ${losses.join(', ') || 'none measured'}`;
  });
  const files = workloads.find((w) => w.spec.kind === 'cnn' && w.spec.files)?.spec;
  const source = files?.kind === 'cnn' && files.files ? ` (${files.files.description})` : '';
  return [
    `LeNet: the loss of the first batch of 64 at the initial weights, the same weights and digits for every runner${source}; they should agree to float32 rounding:`,
    '',
    ...lines,
    "- ≈: a runner whose single step takes over a second (tfjs-cpu) is timed over the epoch's first 5 batches, scaled to its 125 (every step has the same shapes and work).",
    '- LeNet GFLOPS count the multiply-adds of the convolutions and dense products (forward, dW, and dA_prev above the first layer: 145 MFLOP per step of 64); pooling, activations, the loss and Adam are not counted.',
  ].join('\n');
}
