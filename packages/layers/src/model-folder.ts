/**
 * How a model folder is replaced on disk (Node and Deno), so that a crash at any moment
 * (kill -9, a power cut) leaves under the folder's name either the complete old model or the
 * complete new one, and what the next save or load does with what a crash left behind.
 *
 *   1. Every file is written into `.<name>.neurite-tmp-<pid>-<time>-<n>` beside the folder;
 *      each file and the folder are fsynced.
 *   2. If a model is there already, it is renamed to `.<name>.neurite-old-<pid>-<time>-<n>`
 *      (a rename cannot replace a non-empty folder, so there is a moment with no `<name>`).
 *   3. The temporary folder is renamed to `<name>`, the parent fsynced, the old folder removed.
 *
 * A crash between 2 and 3 leaves no `<name>` but a complete old model: the next save or load
 * of `<name>` renames it back (`recoverFolder`). Temporary and old folders whose writer is no
 * longer running are removed. Only names of exactly these patterns (and of the patterns
 * earlier versions wrote), each holding the writer's pid, are ever touched, so nothing
 * Neurite did not write is deleted.
 */
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readInputText } from '@neurite/tensor/node';
import { FolderError, ModelFormatError } from './errors.ts';
import { WEIGHTS_FILE } from './serialization.ts';

/** model.json describes the layers (the weights are in their own file): past this it is not one. */
export const MODEL_JSON_MAX_BYTES = 256 * 1024 * 1024;

interface Sibling {
  path: string;
  kind: 'tmp' | 'old';
  pid: number;
  /** When it was made (ms), to pick the newest old folder; 0 when the name does not say. */
  time: number;
  seq: number;
}

/** The crash leftovers of saves to `target`: this version's names and the two earlier schemes. */
function siblingsOf(target: string): Sibling[] {
  const parent = dirname(target);
  const prefix = `.${basename(target)}.`;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const out: Sibling[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const path = join(parent, name);
    let m = /^neurite-(tmp|old)-(\d+)-(\d+)-(\d+)$/.exec(rest);
    if (m) {
      out.push({ path, kind: m[1] as 'tmp' | 'old', pid: Number(m[2]), time: Number(m[3]), seq: Number(m[4]) });
      continue;
    }
    // saveModelSync before 0.2: `.<name>.tmp-<pid>-<ms>`, and `<that>.old` for the model moved aside.
    m = /^tmp-(\d+)-(\d+)(\.old)?$/.exec(rest);
    if (m) {
      out.push({ path, kind: m[3] ? 'old' : 'tmp', pid: Number(m[1]), time: Number(m[2]), seq: 0 });
      continue;
    }
    // The CLI before 0.2: `.<name>.partial-<pid>` and `.<name>.old-<pid>`.
    m = /^(partial|old)-(\d+)$/.exec(rest);
    if (m) out.push({ path, kind: m[1] === 'old' ? 'old' : 'tmp', pid: Number(m[2]), time: 0, seq: 0 });
  }
  return out;
}

/** Whether the process `pid` still runs (so its folders are in use). Unknown counts as running. */
function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException)?.code !== 'ESRCH';
  }
  return !zombie(pid);
}

/**
 * A killed process answers kill(pid, 0) until its parent reaps it; on Linux, /proc says it is
 * a zombie (state Z) or dying (X), which writes nothing more.
 */
function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Cleans up after crashed saves to `target`: when `target` is missing but a crash left the
 * old model aside, renames the newest such folder back; then removes the temporary and old
 * folders of writers that no longer run. Returns the folder to read the model from: `target`,
 * or an old folder that could not be renamed back (a read-only disk, or a save still running
 * in its window between the two renames), or null when there is none.
 */
export function recoverFolder(target: string): string | null {
  const siblings = siblingsOf(target);
  let source: string | null = exists(target) ? target : null;
  if (!source) {
    const olds = siblings.filter((s) => s.kind === 'old').sort((a, b) => b.time - a.time || b.seq - a.seq);
    const live = olds.find((s) => running(s.pid));
    if (live) {
      // A save is between its two renames: its new model is in place in a moment; read the old one.
      source = live.path;
    } else if (olds.length > 0) {
      try {
        renameSync(olds[0].path, target);
        syncDir(dirname(target));
        source = target;
      } catch {
        source = olds[0].path;
      }
    }
  }
  for (const s of siblings) {
    if (s.path === source || running(s.pid)) continue;
    // An old folder is only garbage once a model is back in place.
    if (s.kind === 'old' && source !== target) continue;
    try {
      rmSync(s.path, { recursive: true, force: true });
    } catch {
      // A read-only disk: the next save that can write removes it.
    }
  }
  return source;
}

/** What is at a save's target: nothing, an empty folder, or a Neurite model (with its model.json). */
export type SaveTarget = { kind: 'absent' } | { kind: 'empty' } | { kind: 'model'; json: Record<string, unknown> };

/**
 * Looks at `target` before a save replaces it, and refuses anything but an empty folder or a
 * model folder whose every entry is a file the save writes (`owned`): never a regular file,
 * a symbolic link, another program's folder, or a model folder holding the user's own files.
 */
export function inspectTarget(target: string, fn: string, owned: readonly string[]): SaveTarget {
  let stats: Stats;
  try {
    stats = lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code === 'ENOENT') return { kind: 'absent' };
    throw new FolderError(`${fn}: cannot look at '${target}': ${(error as Error).message}`);
  }
  if (stats.isSymbolicLink())
    throw new FolderError(`${fn}: '${target}' is a symbolic link; save to the folder it points to, or to a new folder`);
  if (!stats.isDirectory()) {
    throw new FolderError(
      `${fn}: '${target}' is a file, not a folder; a model is saved as a folder (model.json and ${WEIGHTS_FILE}): choose a new or empty folder`,
    );
  }
  const entries = readdirSync(target, { withFileTypes: true });
  if (entries.length === 0) return { kind: 'empty' };
  const foreign = entries.filter((e) => !owned.includes(e.name) || !e.isFile()).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
  if (foreign.length > 0 || !entries.some((e) => e.name === 'model.json')) {
    const list = foreign.length > 0 ? foreign : entries.map((e) => e.name);
    const shown = list.length > 5 ? `${list.slice(0, 5).join(', ')} and ${list.length - 5} more` : list.join(', ');
    throw new FolderError(
      `${fn}: '${target}' is not a Neurite model folder (it holds ${shown}); Neurite only replaces a folder holding nothing but a model it saved (${owned.join(', ')}): choose a new or empty folder`,
    );
  }
  const jsonPath = join(target, 'model.json');
  let json: unknown;
  try {
    json = JSON.parse(readInputText(jsonPath, { fn, expected: 'a model.json file', maxBytes: MODEL_JSON_MAX_BYTES, error: FolderError }));
  } catch (error) {
    if (error instanceof FolderError) throw error;
    json = null;
  }
  if (typeof json !== 'object' || json === null || (json as { format?: unknown }).format !== 'neurite-model') {
    throw new FolderError(
      `${fn}: '${target}' holds a model.json that is not a Neurite model's (no "format": "neurite-model"); choose a new or empty folder`,
    );
  }
  return { kind: 'model', json: json as Record<string, unknown> };
}

let sequence = 0;

/**
 * Writes `files` as the folder `target`, replacing what is there (the caller has checked with
 * inspectTarget that it may), by the three steps above. On an error, nothing changes at `target`.
 */
export function writeFolder(target: string, files: readonly [string, Uint8Array][]): void {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const stamp = `${process.pid}-${Date.now()}-${sequence++}`;
  const tmp = join(parent, `.${basename(target)}.neurite-tmp-${stamp}`);
  const old = join(parent, `.${basename(target)}.neurite-old-${stamp}`);
  let movedAside = false;
  try {
    mkdirSync(tmp);
    for (const [name, bytes] of files) writeDurably(join(tmp, name), bytes);
    syncDir(tmp);
    if (exists(target)) {
      renameSync(target, old);
      movedAside = true;
    }
    renameSync(tmp, target);
    syncDir(parent);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (movedAside && !exists(target)) renameSync(old, target);
    throw error;
  }
  if (!movedAside) return;
  try {
    rmSync(old, { recursive: true, force: true });
  } catch {
    // The new model is in place; the next save or load removes what is left of the old one.
  }
}

function writeDurably(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'wx');
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a folder; the renames are still atomic there.
  } finally {
    closeSync(fd);
  }
}

/** The model.json of a folder a load reads, refused by name when it is not a regular file. */
export function readModelJsonText(path: string, fn: string): string {
  return readInputText(path, { fn, expected: 'a model.json file', maxBytes: MODEL_JSON_MAX_BYTES, error: ModelFormatError });
}
