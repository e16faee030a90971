import { ValueError } from '@neurite/tensor';
import type { Callback, History, TrainBeginInfo } from './callbacks.ts';
import { Monitor, type MonitorMode, span } from './monitor.ts';
import { checkKeys } from './options.ts';
import type { Sequential } from './sequential.ts';
import { WeightSnapshot } from './snapshot.ts';

export interface EarlyStoppingOptions {
  /** The History key to watch; default 'val_loss' when fit has validation data, else 'loss'. */
  monitor?: string;
  /** Records (epochs, or printed iterations) in a row without improvement that stop training; default 20. */
  patience?: number;
  /** How much better than the best a value must be to count as an improvement; default 0. */
  minDelta?: number;
  /** 'min' (losses), 'max' (accuracy, AUC) or 'auto' (from the key: default). */
  mode?: MonitorMode;
  /**
   * At the end of training (stopped early or not), put back the weights of the best record,
   * bit for bit, trainable and non-trainable (moving statistics) alike. Default true (Keras's
   * is false): without it, a run that stops after `patience` worse epochs keeps the worse
   * weights, which costs a point or two of accuracy on noisy mini-batch runs.
   */
  restoreBestWeights?: boolean;
  /** Stop unless the monitor beats this value within `patience` records. */
  baseline?: number;
  /** Records to ignore at the start (warm-up), before judging; default 0. */
  startFrom?: number;
}

const KEYS = ['monitor', 'patience', 'minDelta', 'mode', 'restoreBestWeights', 'baseline', 'startFrom'];

/**
 * Stops training when the monitored value stops improving, judged once per History record:
 * at the end of each epoch, or every printEvery iterations in full-batch training by
 * iterations. It never judges single mini-batch costs, which are noisy: the epoch's loss is
 * the mean over its batches. `history.stopReason` says which value, how long and the best.
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback {
  checkKeys(options, 'earlyStopping', KEYS);
  const patience = options.patience ?? 20;
  if (!Number.isInteger(patience) || patience < 0) {
    throw new ValueError(`earlyStopping: patience must be an integer >= 0, received ${String(options.patience)}`);
  }
  const startFrom = options.startFrom ?? 0;
  if (!Number.isInteger(startFrom) || startFrom < 0) {
    throw new ValueError(`earlyStopping: startFrom must be an integer >= 0, received ${String(options.startFrom)}`);
  }
  if (options.baseline !== undefined && !Number.isFinite(options.baseline)) {
    throw new ValueError(`earlyStopping: baseline must be a finite number, received ${String(options.baseline)}`);
  }
  const monitor = new Monitor('earlyStopping', options.monitor, options.mode, options.minDelta);
  const restore = options.restoreBestWeights ?? true;
  const snapshot = new WeightSnapshot();
  let info: TrainBeginInfo;
  let model: Sequential;
  let waited = 0;
  let seen = 0;
  let bestAt = -1;
  return {
    onTrainBegin(begin) {
      monitor.begin(begin);
      info = begin;
      model = begin.model;
      waited = 0;
      seen = 0;
      bestAt = -1;
      if (options.baseline !== undefined) monitor.best = options.baseline;
    },
    onRecord(e) {
      if (seen++ < startFrom) return;
      const value = e.logs[monitor.key];
      if (monitor.improve(value)) {
        waited = 0;
        bestAt = e.at;
        if (restore) snapshot.take(e.model);
        return;
      }
      if (++waited < patience) return;
      const best = bestAt < 0 ? `the baseline ${monitor.best}` : `the best, ${monitor.best}, at ${e.unit} ${bestAt}`;
      const delta = monitor.minDelta > 0 ? ` by more than ${monitor.minDelta}` : '';
      e.stop(`early stopping: ${monitor.key} did not improve${delta} for ${span(info, waited)} after ${best}`);
    },
    onTrainEnd(history: History) {
      if (!restore || !snapshot.taken) return;
      snapshot.restore(model);
      const note = `restored the weights of ${info.unit} ${bestAt} (${monitor.key} ${monitor.best})`;
      if (history.stopReason) history.stopReason = `${history.stopReason}; ${note}`;
    },
  };
}
