import { resolve } from 'node:path';
import { FolderError } from '@neurite/layers';
import { checkSaveTarget, type SaveTarget } from '@neurite/layers/node';
import { readInputText } from '@neurite/tensor/node';
import { FileError, UsageError } from './errors.ts';

/** The CLI's own file in a model folder, beside model.json: how to read inputs and where training stands. */
export const CLI_FILE = 'neurite-cli.json';

/**
 * Where a model is saved, checked before any training: the layers' save (saveModelSync, an
 * atomic swap that survives kill -9) refuses a file, a link, or a folder holding anything but
 * a Neurite model, and a model is replaced only when `overwrite` says so. Returns a description
 * of the model the save will replace, or null when there is none.
 */
export function checkOut(dir: string, flag: string, overwrite: boolean): string | null {
  let there: SaveTarget;
  try {
    there = checkSaveTarget(dir, { overwrite: true, files: { [CLI_FILE]: '' } });
  } catch (error) {
    if (error instanceof FolderError) throw new FileError(dir, `${flag}: ${error.message.replace(/^saveModel: /, '')}`);
    throw error;
  }
  if (there.kind !== 'model') return null;
  const what = describeSaved(dir, there.json);
  if (!overwrite) {
    throw new UsageError(`${flag}: '${dir}' already holds a model (${what})`, 'give --overwrite to replace it, or choose another folder');
  }
  return what;
}

/** "deep [12288, 20, 7, 5, 1], 2500 iterations on cats:..., saved 2025-01-01T00:00:00.000Z": from the folder's files. */
function describeSaved(dir: string, json: Record<string, unknown>): string {
  const layers = Array.isArray(json.layers) ? json.layers.length : 0;
  const savedAt = (json.training as { savedAt?: unknown } | undefined)?.savedAt;
  const saved = typeof savedAt === 'string' ? `, saved ${savedAt}` : '';
  const cli = readCliMetaLoosely(dir);
  if (!cli) return `${layers} layers${saved}`;
  const s = cli.settings as { model?: unknown; unit?: unknown } | undefined;
  const unit = s?.unit === 'epoch' ? 'epochs' : 'iterations';
  return `${typeof s?.model === 'string' ? `${s.model} model` : `${layers} layers`}, ${cli.done} ${unit} on ${cli.data}${saved}`;
}

function readCliMetaLoosely(dir: string): { settings?: unknown; done?: unknown; data?: unknown } | null {
  try {
    // Only for the message: checkSaveTarget has made sure the folder holds only regular files.
    const raw = JSON.parse(readInputText(resolve(dir, CLI_FILE), { fn: 'neurite', expected: 'neurite-cli.json', maxBytes: 1 << 26 }));
    return typeof raw === 'object' && raw !== null && typeof raw.data === 'string' && Number.isInteger(raw.done) ? raw : null;
  } catch {
    return null;
  }
}

/**
 * The folder an interrupted run without --out saves its checkpoint to: neurite-checkpoint, or
 * neurite-checkpoint-2, -3, ... when an earlier run's checkpoint is there, which is never replaced.
 */
export function freeCheckpoint(base: string): string {
  for (let i = 1; ; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    try {
      checkSaveTarget(dir, { overwrite: false, files: { [CLI_FILE]: '' } });
      return dir;
    } catch (error) {
      if (!(error instanceof FolderError)) throw error;
    }
  }
}
