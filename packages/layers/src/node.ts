/**
 * @neurite/layers/node: saving and loading model folders on disk (Node and Deno).
 * A model folder holds model.json and weights.safetensors. A save writes a temporary sibling
 * folder, fsyncs it, then swaps it in (model-folder.ts), so that whenever the process dies the
 * folder holds the complete old model or the complete new one; the next save or load puts
 * back a model a crash left aside and removes the temporary folders of dead saves.
 * A save never deletes what Neurite did not write: it refuses a file, a link or a folder
 * holding anything but a model, and replaces a model only when asked to (`overwrite`).
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkBoolean, ValueError } from '@neurite/tensor';
import { readInputFile } from '@neurite/tensor/node';
import { FolderError, ModelFormatError } from './errors.ts';
import { inspectTarget, readModelJsonText, recoverFolder, type SaveTarget, writeFolder } from './model-folder.ts';
import { checkKeys } from './options.ts';
import type { Sequential } from './sequential.ts';
import { fromBytes, parseModelJson, toBytes, WEIGHTS_FILE } from './serialization.ts';

export interface SaveModelOptions {
  /** Save the optimizer's state too, so training can resume (default true). */
  includeOptimizer?: boolean;
  /**
   * Replace a model already saved in the folder (default false: saving over one throws a
   * FolderError, as Keras asks before it overwrites). A folder holding anything but a model
   * Neurite saved is refused either way.
   */
  overwrite?: boolean;
  /**
   * More files written into the folder in the same atomic save, by name (an application's own
   * metadata beside the model). A later save that passes the same names may replace them.
   */
  files?: Record<string, string | Uint8Array>;
}

const SAVE_KEYS = ['includeOptimizer', 'overwrite', 'files'];
const encoder = new TextEncoder();

export async function saveModel(model: Sequential, dir: string, options: SaveModelOptions = {}): Promise<void> {
  saveModelSync(model, dir, options);
}

export function saveModelSync(model: Sequential, dir: string, options: SaveModelOptions = {}): void {
  const fn = 'saveModel';
  const { target, extra, overwrite } = checkSaveOptions(dir, options, fn);
  const owned = ['model.json', WEIGHTS_FILE, ...extra.map(([name]) => name)];
  recoverFolder(target);
  const there = inspectTarget(target, fn, owned);
  if (there.kind === 'model' && !overwrite) throw exists(fn, target, there);
  // Serialize before touching the disk: a model that cannot be saved changes nothing.
  const { modelJson, weights } = toBytes(model, { includeOptimizer: options.includeOptimizer ?? true });
  writeFolder(target, [[WEIGHTS_FILE, weights], ...extra, ['model.json', encoder.encode(`${JSON.stringify(modelJson, null, 2)}\n`)]]);
}

/**
 * What a save to `dir` with these options would find, checked now (to refuse a bad target
 * before a long training rather than after): nothing, an empty folder, or a model it may
 * replace (with that model's model.json). Throws the FolderError the save would throw.
 */
export function checkSaveTarget(dir: string, options: SaveModelOptions = {}): SaveTarget {
  const fn = 'saveModel';
  const { target, extra, overwrite } = checkSaveOptions(dir, options, fn);
  recoverFolder(target);
  const there = inspectTarget(target, fn, ['model.json', WEIGHTS_FILE, ...extra.map(([name]) => name)]);
  if (there.kind === 'model' && !overwrite) throw exists(fn, target, there);
  return there;
}

function checkSaveOptions(dir: unknown, options: SaveModelOptions, fn: string) {
  if (typeof dir !== 'string' || dir === '')
    throw new ValueError(`${fn}: dir must be a non-empty folder path, received ${JSON.stringify(dir) ?? String(dir)}`);
  checkKeys(options, fn, SAVE_KEYS);
  const overwrite = options.overwrite === undefined ? false : checkBoolean(options.overwrite, fn, 'options.overwrite');
  if (options.includeOptimizer !== undefined) checkBoolean(options.includeOptimizer, fn, 'options.includeOptimizer');
  const files = options.files ?? {};
  if (typeof files !== 'object' || files === null || Array.isArray(files))
    throw new ValueError(`${fn}: options.files must be an object of file name to content, received ${JSON.stringify(files)}`);
  const extra: [string, Uint8Array][] = Object.entries(files).map(([name, content]) => {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) || name === 'model.json' || name === WEIGHTS_FILE) {
      throw new ValueError(
        `${fn}: options.files: '${name}' must be a plain file name (letters, digits, '_', '-', '.'), other than model.json and ${WEIGHTS_FILE}`,
      );
    }
    if (typeof content === 'string') return [name, encoder.encode(content)];
    if (content instanceof Uint8Array) return [name, content];
    throw new ValueError(`${fn}: options.files['${name}'] must be a string or a Uint8Array, received ${typeof content}`);
  });
  return { target: resolve(dir), extra, overwrite };
}

function exists(fn: string, target: string, there: Extract<SaveTarget, { kind: 'model' }>): FolderError {
  const json = there.json as { layers?: unknown[]; training?: { savedAt?: unknown } };
  const saved = typeof json.training?.savedAt === 'string' ? `, saved ${json.training.savedAt}` : '';
  const layers = Array.isArray(json.layers) ? `${json.layers.length} layers` : 'a model';
  return new FolderError(
    `${fn}: '${target}' already holds a model (${layers}${saved}); pass { overwrite: true } to replace it, or choose another folder`,
  );
}

export async function loadModel(dir: string): Promise<Sequential> {
  return loadModelSync(dir);
}

export function loadModelSync(dir: string): Sequential {
  if (typeof dir !== 'string' || dir === '')
    throw new ValueError(`loadModel: dir must be a non-empty folder path, received ${JSON.stringify(dir) ?? String(dir)}`);
  const target = resolve(dir);
  const folder = recoverFolder(target);
  if (folder === null) throw new ModelFormatError(`loadModel: ${target} is not a model folder (it does not exist or is not a directory)`);
  return loadFrom(folder, target);
}

function loadFrom(folder: string, target: string): Sequential {
  const fn = 'loadModel';
  if (!isFolder(folder)) throw new ModelFormatError(`${fn}: ${target} is not a model folder (it does not exist or is not a directory)`);
  const jsonPath = join(folder, 'model.json');
  if (!existsSync(jsonPath)) throw new ModelFormatError(`${fn}: missing file ${jsonPath}`);
  const modelJson = parseModelJson(readModelJsonText(jsonPath, fn), jsonPath);
  const weightsName = typeof modelJson?.weights?.file === 'string' ? basenameOf(modelJson.weights.file) : WEIGHTS_FILE;
  const weightsPath = join(folder, weightsName);
  if (!existsSync(weightsPath)) throw new ModelFormatError(`${fn}: missing file ${weightsPath}`);
  const weights = readInputFile(weightsPath, { fn, expected: 'a safetensors weights file', error: ModelFormatError });
  return fromBytes({ modelJson, weights }, weightsPath);
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The last part of a path, so a model.json naming '../../etc/passwd' reads only inside its folder. */
function basenameOf(name: string): string {
  return name.split(/[/\\]/).pop() || WEIGHTS_FILE;
}

export type { SaveTarget } from './model-folder.ts';
export { type CsvFileLoggerOptions, csvLogger, type ModelCheckpointOptions, modelCheckpoint } from './node-callbacks.ts';
export { decodeSafetensors, encodeSafetensors } from './safetensors.ts';
