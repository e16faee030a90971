import { ValueError } from '@neurite/tensor';
import type { Callback } from './callbacks.ts';
import { Monitor, type MonitorMode } from './monitor.ts';
import { checkKeys } from './options.ts';

export interface ReduceLROnPlateauOptions {
  /** Default 'val_loss' when fit has validation data, else 'loss'. */
  monitor?: string;
  /** The learning rate is multiplied by this (in (0, 1)); default 0.1. */
  factor?: number;
  /** Records without improvement before a reduction; default 10. */
  patience?: number;
  /** An improvement must beat the best by more than this; default 1e-4 (Keras's). */
  minDelta?: number;
  mode?: MonitorMode;
  /** Records to wait after a reduction before counting again; default 0. */
  cooldown?: number;
  /** The rate never goes below this; default 0. */
  minLearningRate?: number;
  /** Called with a line for each reduction (console.log, say). */
  log?: (line: string) => void;
}

const KEYS = ['monitor', 'factor', 'patience', 'minDelta', 'mode', 'cooldown', 'minLearningRate', 'log'];

/**
 * Lowers the optimizer's learning rate by `factor` when the monitored value has not improved
 * for `patience` records (epochs, or printed iterations), as Keras's ReduceLROnPlateau. It
 * scales whatever the optimizer's schedule gives (`optimizer.learningRateScale`), so a decay
 * schedule keeps decaying from the lowered rate.
 */
export function reduceLROnPlateau(options: ReduceLROnPlateauOptions = {}): Callback {
  checkKeys(options, 'reduceLROnPlateau', KEYS);
  const factor = options.factor ?? 0.1;
  if (typeof factor !== 'number' || !(factor > 0 && factor < 1)) {
    throw new ValueError(`reduceLROnPlateau: factor must be in (0, 1), received ${String(options.factor)}`);
  }
  const patience = integer(options.patience, 10, 'patience');
  const cooldown = integer(options.cooldown, 0, 'cooldown');
  const minLr = options.minLearningRate ?? 0;
  if (typeof minLr !== 'number' || !(minLr >= 0) || !Number.isFinite(minLr)) {
    throw new ValueError(`reduceLROnPlateau: minLearningRate must be a finite number >= 0, received ${String(options.minLearningRate)}`);
  }
  if (options.log !== undefined && typeof options.log !== 'function') throw new ValueError('reduceLROnPlateau: log must be a function');
  const monitor = new Monitor('reduceLROnPlateau', options.monitor, options.mode, options.minDelta ?? 1e-4);
  let wait = 0;
  let cooling = 0;
  return {
    onTrainBegin(info) {
      monitor.begin(info);
      wait = 0;
      cooling = 0;
    },
    onRecord(e) {
      if (cooling > 0) {
        cooling--;
        wait = 0;
      }
      if (monitor.improve(e.logs[monitor.key])) {
        wait = 0;
        return;
      }
      if (cooling > 0 || ++wait < patience) return;
      const optimizer = e.model.compiled?.optimizer;
      if (!optimizer) return;
      const old = optimizer.learningRate;
      if (old <= minLr) return;
      const lowered = Math.max(old * factor, minLr);
      optimizer.learningRateScale *= lowered / old;
      options.log?.(
        `reduceLROnPlateau: ${monitor.key} did not improve for ${wait} ${e.unit === 'epoch' ? 'epochs' : 'records'}; learning rate ${old} -> ${optimizer.learningRate} at ${e.unit} ${e.at}`,
      );
      cooling = cooldown;
      wait = 0;
    },
  };
}

function integer(v: unknown, fallback: number, arg: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new ValueError(`reduceLROnPlateau: ${arg} must be an integer >= 0, received ${String(v)}`);
  return v;
}
