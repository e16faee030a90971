import { type Cell, type Iterate, type Timing, timeIt, timeTraining } from '../measure.ts';
import type { Workload } from '../workloads.ts';

/**
 * One column of the table. `neurite` runners get ratio columns against every peer runner,
 * so adding Neurite's native backend is one file exporting a Runner plus one line in index.ts.
 */
export interface Runner {
  /** Column key and the name `--runners` matches. */
  readonly name: string;
  /** What the column measures, for the legend. */
  readonly description: string;
  readonly neurite: boolean;
  /** Resolves to undefined when ready, or to the reason the whole column is skipped here. */
  init(): Promise<string | undefined>;
  /** Extra lines for the environment header (library versions, backend flags). */
  describeEnvironment?(): Promise<string[]>;
  /** Times every workload; workloads it cannot express come back as { ok: false, reason }. */
  run(workloads: readonly Workload[], timing: Timing, log: (line: string) => void): Promise<Map<string, Cell>>;
}

/**
 * One timed run and its cleanup, or for a training workload one training iteration (see
 * measure.ts timeTraining), or why the workload does not apply ("no float64").
 */
export type Prepared =
  | {
      step: () => unknown;
      dispose?: () => void;
      /** LeNet: the first batch's loss at the initial weights. */
      loss0?: number;
      /** The step runs only part of the workload (`batches` of an epoch): its times are multiplied by `scale`. */
      estimate?: { batches: number; scale: number };
    }
  | { iterate: Iterate; dispose?: () => void }
  | string;

export interface InProcessRunner {
  name: string;
  description: string;
  neurite: boolean;
  init(): Promise<string | undefined>;
  describeEnvironment?(): Promise<string[]>;
  prepare(workload: Workload): Promise<Prepared>;
}

/** A Runner for a library callable from Node (run inside its own child process by isolate.ts): inputs are built once, then one step is timed. */
export function inProcess(r: InProcessRunner): Runner {
  return {
    name: r.name,
    description: r.description,
    neurite: r.neurite,
    init: r.init,
    describeEnvironment: r.describeEnvironment,
    async run(workloads, timing, log) {
      const cells = new Map<string, Cell>();
      for (const w of workloads) {
        // Peak RSS so far: in the fresh child a training workload gets, the runtime and library alone.
        const startRssKB = process.resourceUsage().maxRSS;
        const prepared = await r.prepare(w);
        if (typeof prepared === 'string') {
          cells.set(w.id, { ok: false, reason: prepared });
          continue;
        }
        try {
          let cell: Cell;
          if ('iterate' in prepared) {
            const { windowIterations, iterationsRun, costs, ...timed } = await timeTraining(prepared.iterate, timing.train);
            const peakRssKB = process.resourceUsage().maxRSS;
            cell = { ok: true, ...timed, train: { windowIterations, iterationsRun, peakRssKB, startRssKB, costs } };
          } else {
            cell = await timeIt(prepared.step, timing);
            if (cell.ok && (w.spec.kind === 'conv' || w.spec.kind === 'cnn')) {
              cell.rss = { peakKB: process.resourceUsage().maxRSS, startKB: startRssKB };
            }
            if (cell.ok && prepared.loss0 !== undefined) cell.loss0 = prepared.loss0;
            if (cell.ok && prepared.estimate) {
              cell.medianMs *= prepared.estimate.scale;
              cell.estimatedFrom = prepared.estimate.batches;
            }
          }
          cells.set(w.id, cell);
          if (cell.ok) log(`  ${r.name.padEnd(10)} ${w.title}: ${cell.medianMs.toFixed(3)} ms (median of ${cell.runs})`);
        } catch (error) {
          cells.set(w.id, { ok: false, reason: `failed: ${(error as Error).message}` });
          log(`  ${r.name.padEnd(10)} ${w.title}: FAILED ${(error as Error).message}`);
        } finally {
          prepared.dispose?.();
        }
      }
      return cells;
    },
  };
}
