/**
 * @neurite/layers/node: saving and loading model folders on disk (Node and Deno).
 * A model folder holds model.json and weights.safetensors. Saving writes a temporary
 * sibling folder, fsyncs both files, then renames it into place, so a crash or error
 * never leaves a half-written model under the final name.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ModelFormatError } from './errors.ts';
import type { Sequential } from './sequential.ts';
import { fromBytes, parseModelJson, toBytes, WEIGHTS_FILE } from './serialization.ts';

function writeDurably(path: string, data: Uint8Array | string): void {
  const fd = openSync(path, 'w');
  try {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(path: string): void {
  try {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

export async function saveModel(model: Sequential, dir: string, options: { includeOptimizer?: boolean } = {}): Promise<void> {
  saveModelSync(model, dir, options);
}

export function saveModelSync(model: Sequential, dir: string, options: { includeOptimizer?: boolean } = {}): void {
  const target = resolve(dir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const { modelJson, weights } = toBytes(model, options);
  const tmp = join(parent, `.${basename(target)}.tmp-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(tmp);
    writeDurably(join(tmp, WEIGHTS_FILE), weights);
    writeDurably(join(tmp, 'model.json'), `${JSON.stringify(modelJson, null, 2)}\n`);
    syncDir(tmp);
    if (existsSync(target)) {
      // Move the old folder aside first: rename cannot replace a non-empty directory.
      const old = `${tmp}.old`;
      renameSync(target, old);
      renameSync(tmp, target);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, target);
    syncDir(parent);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

export async function loadModel(dir: string): Promise<Sequential> {
  return loadModelSync(dir);
}

export function loadModelSync(dir: string): Sequential {
  const folder = resolve(dir);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new ModelFormatError(`loadModel: ${folder} is not a model folder (it does not exist or is not a directory)`);
  const jsonPath = join(folder, 'model.json');
  if (!existsSync(jsonPath)) throw new ModelFormatError(`loadModel: missing file ${jsonPath}`);
  const modelJson = parseModelJson(readFileSync(jsonPath, 'utf8'), jsonPath);
  const weightsPath = join(folder, typeof modelJson?.weights?.file === 'string' ? basename(modelJson.weights.file) : WEIGHTS_FILE);
  if (!existsSync(weightsPath)) throw new ModelFormatError(`loadModel: missing file ${weightsPath}`);
  const weights = new Uint8Array(readFileSync(weightsPath));
  return fromBytes({ modelJson, weights }, weightsPath);
}

export { type CsvFileLoggerOptions, csvLogger, type ModelCheckpointOptions, modelCheckpoint } from './node-callbacks.ts';
export { decodeSafetensors, encodeSafetensors } from './safetensors.ts';
