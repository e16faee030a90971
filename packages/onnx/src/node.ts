/**
 * @neurite/onnx/node: ONNX files on disk (Node and Deno). saveOnnx writes a temporary sibling
 * file, fsyncs it and renames it into place, so the path holds the old file or the new one,
 * never half of one.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Sequential } from '@neurite/layers';
import { ValueError } from '@neurite/tensor';
import { OnnxFormatError } from './errors.ts';
import { type ToOnnxOptions, toOnnx } from './export.ts';
import { type FromOnnxOptions, fromOnnx } from './import.ts';

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

/** Writes `toOnnx(model, options)` to `path` (conventionally *.onnx); returns the bytes written. */
export function saveOnnx(model: Sequential, path: string, options: ToOnnxOptions = {}): number {
  if (typeof path !== 'string' || path === '') throw new ValueError(`saveOnnx: path must be a file path, received ${JSON.stringify(path)}`);
  const target = resolve(path);
  if (existsSync(target) && statSync(target).isDirectory())
    throw new ValueError(`saveOnnx: ${target} is a directory; give a file path such as model.onnx`);
  // Everything is computed (and checked) before the file system is touched.
  const bytes = toOnnx(model, options);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(target)}.tmp-${process.pid}-${Date.now()}`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
    syncDir(parent);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  return bytes.length;
}

/**
 * Reads an ONNX file into a Sequential (see fromOnnx); errors name the file. Weights stored
 * in external data files (torch.onnx.export's '<model>.onnx.data') are read from the
 * model's folder; a location that points outside that folder is refused.
 */
export function loadOnnx(path: string, options: Omit<FromOnnxOptions, 'source' | 'externalData'> = {}): Sequential {
  if (typeof path !== 'string' || path === '') throw new ValueError(`loadOnnx: path must be a file path, received ${JSON.stringify(path)}`);
  const file = resolve(path);
  if (!existsSync(file) || !statSync(file).isFile()) throw new OnnxFormatError(`loadOnnx: ${file} does not exist or is not a file`);
  const folder = dirname(file);
  const files = new Map<string, Uint8Array>();
  const externalData = (location: string): Uint8Array => {
    const target = resolve(folder, location);
    const inside = relative(folder, target);
    if (isAbsolute(location) || inside.startsWith('..') || isAbsolute(inside)) {
      throw new OnnxFormatError(`${file}: external data location '${location}' is outside the model's folder`);
    }
    if (!existsSync(target) || !statSync(target).isFile())
      throw new OnnxFormatError(`${file}: its weights are in '${location}', which is not in ${folder}`);
    if (!files.has(target)) files.set(target, new Uint8Array(readFileSync(target)));
    return files.get(target) as Uint8Array;
  };
  return fromOnnx(new Uint8Array(readFileSync(file)), { ...options, source: file, externalData });
}
