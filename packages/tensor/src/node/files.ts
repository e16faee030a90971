/// <reference types="node" />
/**
 * @neurite/tensor/node: reading the files a user names (model.json, weights, images, CSV,
 * HDF5, a config file), the one way every package does it (Node and Deno only; the main
 * entry stays browser-safe).
 *
 * A path is stat'ed before it is opened, so a FIFO (whose open blocks until a writer comes)
 * or a device (/dev/zero never ends) is refused by name instead of hanging or filling the
 * memory. The file is then opened without blocking and checked again through its descriptor,
 * so a path swapped between the two looks is caught too, and no read goes past the size the
 * file had when it was opened.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { NeuriteError } from '../errors.ts';

export interface InputFileOptions {
  /** Who reads the file, as errors start: 'loadModel', '--config'. */
  fn: string;
  /** What the file should be, as errors end: 'a model.json file', 'a PNG or JPEG image'. */
  expected: string;
  /** The NeuriteError subclass thrown (default NeuriteError). */
  error?: new (
    message: string,
  ) => Error;
  /** Refuse a file larger than this many bytes (default: any size the file really has). */
  maxBytes?: number;
  /** How the user raises maxBytes, quoted in the error: 'set NEURITE_MAX_... or pass maxBytes'. */
  raise?: string;
}

/** What a non-regular file is, in words. */
export function describeFileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function failWith(options: InputFileOptions, message: string): never {
  throw new (options.error ?? NeuriteError)(`${options.fn}: ${message}`);
}

function whyUnreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'it does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  if (code === 'ELOOP') return 'too many symbolic links';
  return error instanceof Error ? error.message : String(error);
}

function checkStats(path: string, stats: Stats, options: InputFileOptions): void {
  if (!stats.isFile()) failWith(options, `'${path}' is ${describeFileKind(stats)}, not a regular file; expected ${options.expected}`);
  const max = options.maxBytes;
  if (max !== undefined && stats.size > max) {
    failWith(
      options,
      `'${path}' is ${stats.size} bytes, more than the ${max} allowed for ${options.expected}${options.raise ? ` (${options.raise})` : ''}`,
    );
  }
}

/**
 * The stats of `path`, which must be an existing regular file (a symbolic link to one is
 * fine), within options.maxBytes. Nothing is opened.
 */
export function statInputFile(path: string, options: InputFileOptions): Stats {
  if (typeof path !== 'string' || path.length === 0)
    failWith(options, `the path must be a non-empty string, received ${JSON.stringify(path) ?? String(path)}`);
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return failWith(options, `cannot read '${path}': ${whyUnreadable(error)}; expected ${options.expected}`);
  }
  checkStats(path, stats, options);
  return stats;
}

/**
 * Opens `path` for reading after statInputFile's checks, without blocking (O_NONBLOCK: a FIFO
 * swapped in after the stat opens at once and fails the descriptor's check). Returns the
 * descriptor and the size to read; the caller closes the descriptor.
 */
export function openInputFile(path: string, options: InputFileOptions): { fd: number; size: number } {
  statInputFile(path, options);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return failWith(options, `cannot open '${path}': ${whyUnreadable(error)}`);
  }
  try {
    const stats = fstatSync(fd);
    checkStats(path, stats, options);
    return { fd, size: stats.size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** The bytes of a regular file (see openInputFile), at most the size it had when opened. */
export function readInputFile(path: string, options: InputFileOptions): Uint8Array {
  const { fd, size } = openInputFile(path, options);
  try {
    const out = new Uint8Array(size);
    let n = 0;
    while (n < size) {
      const got = readSync(fd, out, n, size - n, null);
      if (got === 0) break;
      n += got;
    }
    // A file that shrank while being read is returned as it was read, shorter.
    return n === size ? out : out.subarray(0, n);
  } catch (error) {
    if (error instanceof NeuriteError) throw error;
    return failWith(options, `cannot read '${path}': ${whyUnreadable(error)}`);
  } finally {
    closeSync(fd);
  }
}

/** A regular file's text, decoded as UTF-8. */
export function readInputText(path: string, options: InputFileOptions): string {
  return new TextDecoder('utf-8').decode(readInputFile(path, options));
}
