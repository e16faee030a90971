import { fileURLToPath } from 'node:url';
import type { Cell, Timing, TrainStats } from '../measure.ts';
import type { Workload } from '../workloads.ts';
import { callPython } from './python-child.ts';
import type { Runner } from './types.ts';

/*
 * numpy runs in a python3 child fed the same workload list and timing rules as JSON on stdin;
 * it answers one JSON object on stdout. Set NEURITE_PYTHON to pick another interpreter.
 */

const script = fileURLToPath(new URL('../../python/bench_numpy.py', import.meta.url));
const python = process.env.NEURITE_PYTHON ?? 'python3';

interface Reply {
  numpy?: string;
  blas?: string;
  error?: string;
  results?: Record<string, { medianMs: number; runs: number; train?: TrainStats } | { reason: string }>;
}

const call = (input: object) => callPython<Reply>(python, script, input);

let versions: Reply | undefined;

export const numpyRunner: Runner = {
  name: 'numpy',
  description:
    "numpy in a python3 child process (`a @ b`, `a @ b.T`, `1 / (1 + np.exp(-x))`, `np.tanh`, `np.exp`, `np.log`, `x * y * (1 - y)`, `x + y`, `x.sum()`, `x.copy()`; training: the course's vectorized code in float32, python/bench_train.py), its BLAS threads included",
  neurite: false,
  async init() {
    versions = await call({ probe: true });
    return versions.error;
  },
  async describeEnvironment() {
    return versions?.numpy ? [`numpy ${versions.numpy} (BLAS: ${versions.blas ?? 'unknown'}), ${python}`] : [];
  },
  async run(workloads: readonly Workload[], timing: Timing, log) {
    const reply = await call({ workloads, timing });
    const cells = new Map<string, Cell>();
    for (const w of workloads) {
      const r = reply.results?.[w.id];
      if (!r) cells.set(w.id, { ok: false, reason: `failed: ${reply.error ?? 'no result'}` });
      else if ('reason' in r) cells.set(w.id, { ok: false, reason: r.reason });
      else {
        cells.set(w.id, { ok: true, medianMs: r.medianMs, runs: r.runs, ...(r.train ? { train: r.train } : {}) });
        log(`  ${'numpy'.padEnd(10)} ${w.title}: ${r.medianMs.toFixed(3)} ms (median of ${r.runs})`);
      }
    }
    return cells;
  },
};
