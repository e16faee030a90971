import type { Sequential } from './sequential.ts';

/** What `fit` tells callbacks after each optimizer step. */
export interface IterationEvent {
  /** The step's index over the model's life (0 for the first step of a fresh model). */
  iteration: number;
  /** The epoch this step belongs to (equal to `iteration` with full-batch training). */
  epoch: number;
  /** The cost before the step's update; computed only on recorded iterations and where a callback's `costEvery` asks. */
  cost: number | undefined;
  learningRate: number;
  model: Sequential;
  /** Ends training after this step; `fit` returns normally with `history.stopped` set. */
  stop(reason?: string): void;
}

export interface EpochEvent {
  epoch: number;
  /** Mean cost of the epoch's mini-batches, when computed. */
  cost: number | undefined;
  model: Sequential;
  stop(reason?: string): void;
}

export interface Callback {
  /** Steps between the costs this callback needs (1: every step). Costs are computed only when someone needs them. */
  costEvery?: number;
  onTrainBegin?(info: { model: Sequential; iterations: number | undefined; epochs: number | undefined }): void;
  onIterationEnd?(event: IterationEvent): void;
  onEpochEnd?(event: EpochEvent): void;
  onTrainEnd?(history: History): void;
}

export interface History {
  /** Iterations (or epochs, with mini-batches) at which a cost was recorded. */
  iterations: number[];
  costs: number[];
  /** Optimizer steps run by this call. */
  steps: number;
  epochs: number;
  stopped: boolean;
  stopReason?: string;
}

/** The course's "Cost after iteration N: c" lines, every `every` steps. */
export function progressLogger(
  options: { every?: number; log?: (line: string) => void; format?: (cost: number) => string } = {},
): Callback {
  const every = options.every ?? 100;
  const log = options.log ?? console.log;
  const format = options.format ?? ((c: number) => c.toFixed(6));
  return {
    costEvery: every,
    onIterationEnd: (e) => {
      if (e.cost !== undefined && e.iteration % every === 0) log(`Cost after iteration ${e.iteration}: ${format(e.cost)}`);
    },
  };
}

/**
 * Stops when the cost has not improved by `minDelta` for `patience` checks, one check
 * every `every` steps.
 */
export function earlyStopping(options: { patience?: number; minDelta?: number; every?: number } = {}): Callback {
  const patience = options.patience ?? 5;
  const minDelta = options.minDelta ?? 0;
  const every = options.every ?? 1;
  let best = Number.POSITIVE_INFINITY;
  let waited = 0;
  return {
    costEvery: every,
    onTrainBegin: () => {
      best = Number.POSITIVE_INFINITY;
      waited = 0;
    },
    onIterationEnd: (e) => {
      if (e.cost === undefined || e.iteration % every !== 0) return;
      if (e.cost < best - minDelta) {
        best = e.cost;
        waited = 0;
      } else if (++waited >= patience) e.stop(`early stopping: no improvement of ${minDelta} in ${patience} checks (best cost ${best})`);
    },
  };
}
