import { didYouMean, ValueError } from '@neurite/tensor';
import type { TrainBeginInfo } from './callbacks.ts';

export type MonitorMode = 'auto' | 'min' | 'max';

/**
 * The quantity a callback watches (`val_loss`, `accuracy`, ...) and what counts as better.
 * Shared by earlyStopping, modelCheckpoint and reduceLROnPlateau, so they read a monitor,
 * a mode and minDelta the same way. `minDelta` is how much better than the best a value
 * must be to count as an improvement (in the monitor's units, never negative).
 */
export class Monitor {
  readonly fn: string;
  /** undefined: 'val_loss' when the fit has validation data, 'loss' otherwise. */
  readonly requested: string | undefined;
  readonly mode: MonitorMode;
  readonly minDelta: number;
  key = 'loss';
  higherIsBetter = false;
  best = Number.NaN;

  constructor(fn: string, monitor: unknown, mode: unknown, minDelta: unknown) {
    this.fn = fn;
    if (monitor !== undefined && (typeof monitor !== 'string' || monitor === '')) {
      throw new ValueError(`${fn}: monitor must be a History key such as 'val_loss' or 'accuracy', received ${JSON.stringify(monitor)}`);
    }
    if (mode !== undefined && mode !== 'auto' && mode !== 'min' && mode !== 'max') {
      throw new ValueError(`${fn}: mode must be 'auto', 'min' or 'max', received ${JSON.stringify(mode)}`);
    }
    if (minDelta !== undefined && (typeof minDelta !== 'number' || !(minDelta >= 0) || !Number.isFinite(minDelta))) {
      throw new ValueError(`${fn}: minDelta must be a finite number >= 0, received ${String(minDelta)}`);
    }
    this.requested = monitor as string | undefined;
    this.mode = (mode as MonitorMode | undefined) ?? 'auto';
    this.minDelta = (minDelta as number | undefined) ?? 0;
  }

  /** At the start of a fit: picks the key, checks that the fit records it, resets the best. */
  begin(info: TrainBeginInfo): void {
    const keys = info.keys;
    this.key = this.requested ?? (keys.includes('val_loss') ? 'val_loss' : 'loss');
    if (!keys.includes(this.key)) {
      const hint = this.key.startsWith('val_')
        ? '; give fit validationData or validationSplit to record validation values'
        : keys.includes(`val_${this.key}`) || this.key === 'loss'
          ? ''
          : "; add it to fit's or compile's metrics";
      throw new ValueError(
        `${this.fn}: monitor '${this.key}' is not recorded by this fit${didYouMean(this.key, keys)}${hint}; recorded keys: ${keys.join(', ')}`,
      );
    }
    this.higherIsBetter = this.mode === 'max' || (this.mode === 'auto' && info.higherIsBetter[this.key] === true);
    this.best = Number.NaN;
  }

  /** Whether `value` beats the best by more than minDelta (the first finite value always does); updates the best. */
  improve(value: number | undefined): boolean {
    if (value === undefined || Number.isNaN(value)) return false;
    const better = Number.isNaN(this.best) || (this.higherIsBetter ? value - this.minDelta > this.best : value + this.minDelta < this.best);
    if (better) this.best = value;
    return better;
  }
}

/** "10 epochs", "3 records (300 iterations)": how long a callback waited. */
export function span(info: Pick<TrainBeginInfo, 'unit' | 'recordEvery'>, n: number): string {
  if (info.unit === 'epoch') return `${n} epoch${n === 1 ? '' : 's'}`;
  return `${n} record${n === 1 ? '' : 's'} (${n * info.recordEvery} iterations)`;
}
