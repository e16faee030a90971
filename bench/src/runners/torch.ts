import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Cell, RssStats, Timing, TrainStats } from '../measure.ts';
import type { Workload } from '../workloads.ts';
import { callPython } from './python-child.ts';
import type { Runner } from './types.ts';

/*
 * PyTorch on CPU, in a Python child like numpy's. The interpreter
 * is NEURITE_TORCH_PYTHON, else the venv-torch beside the checkout (never installed by CI), else
 * python3; without torch the column is skipped and the legend says why.
 */

const script = fileURLToPath(new URL('../../python/bench_torch.py', import.meta.url));
const venv = fileURLToPath(new URL('../../../../venv-torch/bin/python', import.meta.url));
const python = process.env.NEURITE_TORCH_PYTHON ?? (existsSync(venv) ? venv : 'python3');

interface Reply {
  torch?: string;
  threads?: number;
  mkldnn?: boolean;
  error?: string;
  results?: Record<
    string,
    { medianMs: number; runs: number; layout?: string; rss?: RssStats; train?: TrainStats; loss0?: number } | { reason: string }
  >;
}

let versions: Reply | undefined;

export const torchRunner: Runner = {
  name: 'torch',
  description:
    "PyTorch (CPU) in a python child: `a @ b` (transposes as views), `torch.sigmoid`, `x + y`; training: the course's loops by hand with torch ops (addmm, in-place updates, no autograd); `F.conv2d` and `aten.convolution_backward`; LeNet as nn.Sequential with autograd, torch.optim.Adam and F.cross_entropy; each conv and LeNet workload in NCHW and channels_last, the faster reported",
  neurite: false,
  async init() {
    versions = await callPython<Reply>(python, script, { probe: true });
    return versions.error;
  },
  async describeEnvironment() {
    return versions?.torch
      ? [`torch ${versions.torch}, ${versions.threads} threads, oneDNN ${versions.mkldnn ? 'on' : 'off'}, ${python}`]
      : [];
  },
  async run(workloads: readonly Workload[], timing: Timing, log) {
    const reply = await callPython<Reply>(python, script, { workloads, timing });
    const cells = new Map<string, Cell>();
    for (const w of workloads) {
      const r = reply.results?.[w.id];
      if (!r) cells.set(w.id, { ok: false, reason: `failed: ${reply.error ?? 'no result'}` });
      else if ('reason' in r) cells.set(w.id, { ok: false, reason: r.reason });
      else {
        cells.set(w.id, {
          ok: true,
          medianMs: r.medianMs,
          runs: r.runs,
          ...(r.rss ? { rss: r.rss } : {}),
          ...(r.train ? { train: r.train } : {}),
          ...(r.loss0 !== undefined ? { loss0: r.loss0 } : {}),
        });
        log(`  ${'torch'.padEnd(10)} ${w.title}: ${r.medianMs.toFixed(3)} ms (median of ${r.runs}${r.layout ? `, ${r.layout}` : ''})`);
      }
    }
    return cells;
  },
};
