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
  /** The epoch's record (loss, metrics, val_…) when training by epochs; undefined when training by iterations. */
  logs: Readonly<Record<string, number>> | undefined;
  model: Sequential;
  stop(reason?: string): void;
}

/**
 * One entry of History: what `onRecord` receives. Training by epochs, one per epoch, at its
 * end (after its last update). Training by iterations (full batch), one every `printEvery`
 * iterations and at the last, taken before that iteration's update, so `loss`, `val_loss`
 * and the model's weights all belong to the same moment; a callback that saves or copies
 * the weights here gets the ones that scored `logs`.
 */
export interface RecordEvent {
  unit: 'epoch' | 'iteration';
  /** The epoch or iteration index (over the model's life, as History's `at`). */
  at: number;
  /** loss, each metric, and val_loss, val_<metric> when there is validation data. */
  logs: Readonly<Record<string, number>>;
  learningRate: number;
  model: Sequential;
  /** Ends training: after this epoch, or after this iteration's update. */
  stop(reason?: string): void;
}

export interface TrainBeginInfo {
  model: Sequential;
  iterations: number | undefined;
  epochs: number | undefined;
  /** How History records: per epoch, or per printed iteration (full-batch training by iterations). */
  unit: 'epoch' | 'iteration';
  /** Epochs or iterations between records: 1 by epochs, printEvery by iterations. */
  recordEvery: number;
  /** The keys every record will hold, in order: loss, the metrics, then val_loss and val_<metric>. */
  keys: readonly string[];
  /** For each key, whether larger is better (accuracy, AUC) or smaller (loss, MSE): what mode 'auto' uses. */
  higherIsBetter: Readonly<Record<string, boolean>>;
}

export interface Callback {
  /** Steps between the costs this callback needs (1: every step). Costs are computed only when someone needs them. */
  costEvery?: number;
  onTrainBegin?(info: TrainBeginInfo): void;
  onIterationEnd?(event: IterationEvent): void;
  onEpochEnd?(event: EpochEvent): void;
  /** After each History record; monitor-based callbacks (earlyStopping, modelCheckpoint, ...) judge here. */
  onRecord?(event: RecordEvent): void;
  onTrainEnd?(history: History): void;
}

export interface History {
  /** Iterations (or epochs, with mini-batches) at which a cost was recorded, every printEvery. */
  iterations: number[];
  /** The course's costs at `iterations` (with the L2 term when there is one). */
  costs: number[];
  /**
   * Keras's `history.history`: one array per key (`loss`, `accuracy`, `val_loss`,
   * `val_accuracy`, ...), one value per record, aligned with `at`.
   */
  history: Record<string, number[]>;
  /** Where each record was taken: epoch indices (training by epochs) or iteration indices (by iterations). */
  at: number[];
  unit: 'epoch' | 'iteration';
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
