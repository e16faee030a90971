/**
 * Callbacks that write files (Node and Deno), exported from `@neurite/layers/node`:
 * modelCheckpoint saves through saveModelSync (a model folder replaced atomically, never
 * left half-written), csvLogger appends History's records to a CSV file.
 */
import { appendFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { ValueError } from '@neurite/tensor';
import type { Callback, RecordEvent } from './callbacks.ts';
import { type CsvLoggerOptions, csvLogger as csvLines } from './csv-logger.ts';
import { Monitor, type MonitorMode } from './monitor.ts';
import { saveModelSync } from './node.ts';
import { checkKeys } from './options.ts';

export interface ModelCheckpointOptions {
  /** The History key that decides "best"; default 'val_loss' with validation data, else 'loss'. */
  monitor?: string;
  /** Save only when the monitor improves on the best so far (default false: save at every record). */
  saveBestOnly?: boolean;
  mode?: MonitorMode;
  /** An improvement must beat the best by more than this; default 0. */
  minDelta?: number;
  /** Save the optimizer's state too, so training can resume from the checkpoint (default true). */
  includeOptimizer?: boolean;
  /** Called with a line for each save. */
  log?: (line: string) => void;
}

const CHECKPOINT_KEYS = ['monitor', 'saveBestOnly', 'mode', 'minDelta', 'includeOptimizer', 'log'];

/**
 * Saves the model to the folder `path` at each History record (every epoch, or every printed
 * iteration), or only at the best ones with `saveBestOnly`. The path may name the record:
 * `{epoch}` / `{iteration}` (the record's index), any logs key (`{val_loss}`), with a
 * precision as in Keras (`ckpt-{epoch}-{val_loss:.4f}`). Each save replaces the folder
 * atomically (saveModelSync), so a crash leaves the previous checkpoint whole.
 * Training by iterations, the weights saved are those that scored the record (before that
 * iteration's update), with the optimizer's state of the same moment.
 */
export function modelCheckpoint(path: string, options: ModelCheckpointOptions = {}): Callback {
  if (typeof path !== 'string' || path === '')
    throw new ValueError(`modelCheckpoint: path must be a non-empty folder path, received ${JSON.stringify(path)}`);
  checkKeys(options, 'modelCheckpoint', CHECKPOINT_KEYS);
  const monitor = new Monitor('modelCheckpoint', options.monitor, options.mode, options.minDelta);
  const bestOnly = options.saveBestOnly ?? false;
  // The folder holds nothing but checkpoints this callback wrote, so replacing it is expected.
  const save = { includeOptimizer: options.includeOptimizer ?? true, overwrite: true };
  return {
    onTrainBegin(info) {
      monitor.begin(info);
      // A bad template fails now, not after the first epoch's work.
      fillPath(path, { unit: info.unit, at: 0, logs: Object.fromEntries(info.keys.map((k) => [k, 0])) });
    },
    onRecord(e) {
      const improved = monitor.improve(e.logs[monitor.key]);
      if (bestOnly && !improved) return;
      const target = fillPath(path, e);
      saveModelSync(e.model, target, save);
      options.log?.(`modelCheckpoint: saved ${target} at ${e.unit} ${e.at} (${monitor.key} ${e.logs[monitor.key]})`);
    },
  };
}

/** `{epoch}`, `{iteration}`, `{key}` and `{key:.Nf}` replaced from the record. */
export function fillPath(template: string, e: Pick<RecordEvent, 'unit' | 'at' | 'logs'>): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)(?::\.(\d+)f)?\}/g, (whole, key: string, digits: string | undefined) => {
    let value: number | undefined;
    if (key === 'epoch' || key === 'iteration') {
      if (key !== e.unit)
        throw new ValueError(`modelCheckpoint: the path uses {${key}}, but this fit records by ${e.unit}: use {${e.unit}}`);
      value = e.at;
    } else value = e.logs[key];
    if (value === undefined) {
      throw new ValueError(
        `modelCheckpoint: the path's ${whole} names no recorded value; recorded: ${e.unit}, ${Object.keys(e.logs).join(', ')}`,
      );
    }
    return digits === undefined ? String(value) : value.toFixed(Number(digits));
  });
}

export interface CsvFileLoggerOptions extends CsvLoggerOptions {
  /** Add to an existing file instead of replacing it (the header is written only to a new or empty file). */
  append?: boolean;
}

/**
 * Writes History's records to a CSV file as they come (a header `epoch,loss,...`, then one
 * line per record, so a crash keeps what was recorded), or to a function of each line as the
 * browser-safe csvLogger does.
 */
export function csvLogger(target: string | ((text: string) => void), options: CsvFileLoggerOptions = {}): Callback {
  if (typeof target === 'function') return csvLines(target, options);
  if (typeof target !== 'string' || target === '') {
    throw new ValueError(`csvLogger: expected a file path or a function of each line, received ${JSON.stringify(target)}`);
  }
  checkKeys(options, 'csvLogger', ['separator', 'noHeader', 'append']);
  const { append, ...rest } = options;
  let lines: Callback = {};
  return {
    onTrainBegin(info) {
      const keep = append === true && existsSync(target) && statSync(target).size > 0;
      if (!keep) writeFileSync(target, '');
      lines = csvLines((text) => appendFileSync(target, text), { ...rest, noHeader: rest.noHeader === true || keep });
      lines.onTrainBegin?.(info);
    },
    onRecord: (e) => lines.onRecord?.(e),
  };
}
